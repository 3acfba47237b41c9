"""Each DPP rule against a compliant and a non-compliant minimal stack (cdk-nag's own pattern),
and the pack's full list of rule IDs pinned."""

from __future__ import annotations

from typing import Callable

import aws_cdk as cdk
import pytest
from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_cloudtrail as cloudtrail
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_config as config
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_guardduty as guardduty
from aws_cdk import aws_securityhub as securityhub
from aws_cdk import aws_sns as sns
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs

from capabilities.foundation import protected_log_group

from dpp_nag import ALL_RULES, DppChecks, PackSettings

ENV = cdk.Environment(account="111122223333", region="eu-west-1")


# Presence rules ask the whole app for a capability; the per-resource tests below build one
# resource at a time, so they leave these aside (and they have tests of their own).
APP_WIDE = {"DPP-TrailPresent", "DPP-GuardDutyPresent", "DPP-SecurityHubPresent", "DPP-ConfigRecorderPresent"}


def violations(build: Callable[[cdk.Stack], None], settings: PackSettings | None = None, app_wide: bool = False) -> set[str]:
    app = cdk.App(context={"@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy": True})
    stack = cdk.Stack(app, "Rules", env=ENV)
    build(stack)
    report = DppChecks(app, settings=settings).validate_scope(stack)
    found = {v.rule_name for v in report.violations}
    return found if app_wide else found - APP_WIDE


def good_bucket(stack: cdk.Stack, id: str = "Archive", **overrides) -> s3.Bucket:
    key = kms.Key(stack, f"{id}Key", enable_key_rotation=True, removal_policy=RemovalPolicy.RETAIN)
    props = dict(
        versioned=True,
        encryption_key=key,
        encryption=s3.BucketEncryption.KMS,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        enforce_ssl=True,
        removal_policy=RemovalPolicy.RETAIN,
    )
    props.update(overrides)
    return s3.Bucket(stack, id, **props)


def locked_pair(stack: cdk.Stack, days: int = 365, mode: str = "compliance", tamper: bool = True, replicate: bool = True) -> s3.Bucket:
    retention = getattr(s3.ObjectLockRetention, mode)(Duration.days(days))
    bucket = good_bucket(stack, object_lock_enabled=True, object_lock_default_retention=retention)
    if tamper:
        bucket.add_to_resource_policy(
            iam.PolicyStatement(
                effect=iam.Effect.DENY,
                principals=[iam.AnyPrincipal()],
                actions=["s3:DeleteBucket", "s3:DeleteObjectVersion", "s3:PutBucketPolicy", "s3:PutLifecycleConfiguration", "s3:PutBucketObjectLockConfiguration", "s3:PutBucketVersioning"],
                resources=[bucket.bucket_arn, bucket.arn_for_objects("*")],
            )
        )
    if replicate:
        cfn: s3.CfnBucket = bucket.node.default_child
        cfn.replication_configuration = {
            "role": "arn:aws:iam::111122223333:role/r",
            "rules": [{"status": "Enabled", "destination": {"bucket": "arn:aws:s3:::replica"}}],
        }
    return bucket


def test_the_pack_rule_list_is_pinned():
    assert [r.rule_id for r in ALL_RULES] == [
        "DPP-S3ObjectLockCompliance",
        "DPP-S3Versioning",
        "DPP-S3KmsEncryption",
        "DPP-S3PublicAccessBlocked",
        "DPP-S3TlsOnly",
        "DPP-S3TamperDenied",
        "DPP-S3CrossRegionReplica",
        "DPP-S3LifecycleKeepsRetention",
        "DPP-KmsRotation",
        "DPP-KmsNoOpenPrincipal",
        "DPP-StatefulRetained",
        "DPP-TrailMultiRegion",
        "DPP-TrailLogFileValidation",
        "DPP-TrailKmsEncrypted",
        "DPP-TrailToCloudWatchLogs",
        "DPP-TrailManagementEvents",
        "DPP-LogGroupRetention",
        "DPP-LogGroupKms",
        "DPP-LogGroupPiiMasking",
        "DPP-FlowLogAllTraffic",
        "DPP-ConfigRecordsAllResources",
        "DPP-LambdaExplicitLogGroup",
        "DPP-LambdaNoDebugLogging",
        "DPP-LambdaNoSecretsInEnvironment",
        "DPP-LambdaFailuresKept",
        "DPP-GuardDutyEnabled",
        "DPP-GuardDutyFindingsExported",
        "DPP-MalwareScanTagsVerdict",
        "DPP-SecurityHubStandard",
        "DPP-SnsTopicKms",
        "DPP-SnsTopicTlsOnly",
        "DPP-AlarmCanFire",
        "DPP-MetricFilterAlarmed",
        "DPP-CisMonitoringPresent",
        "DPP-TrailDataEventsSensitiveBuckets",
        "DPP-TrailDataEventsCanary",
        "DPP-CanaryAlarmPresent",
        "DPP-VpcFlowLogged",
        "DPP-ConfigRecorderDelivers",
        "DPP-ConfigGlobalTypesOnce",
        "DPP-LambdaSqsConsumerPaced",
        "DPP-ImpocSubscribed",
        "DPP-GuardDutyPresent",
        "DPP-SecurityHubPresent",
        "DPP-ConfigRecorderPresent",
        "DPP-TrailPresent",
    ]


def test_every_rule_cites_requirements_and_explains_the_fix():
    for rule in ALL_RULES:
        assert rule.requirements and all(r.startswith("DPP-") for r in rule.requirements), rule.rule_id
        assert len(rule.explanation) > 20, rule.rule_id


def test_compliant_locked_archive_passes_every_rule():
    assert violations(lambda st: locked_pair(st)) == set()


@pytest.mark.parametrize(
    "build, rule",
    [
        (lambda st: locked_pair(st, mode="governance"), "DPP-S3ObjectLockCompliance"),
        (lambda st: locked_pair(st, days=364), "DPP-S3ObjectLockCompliance"),
        (lambda st: good_bucket(st, versioned=False), "DPP-S3Versioning"),
        (lambda st: good_bucket(st, encryption=s3.BucketEncryption.S3_MANAGED, encryption_key=None), "DPP-S3KmsEncryption"),
        (lambda st: good_bucket(st, block_public_access=s3.BlockPublicAccess.BLOCK_ACLS), "DPP-S3PublicAccessBlocked"),
        (lambda st: good_bucket(st, enforce_ssl=False), "DPP-S3TlsOnly"),
        (lambda st: locked_pair(st, tamper=False), "DPP-S3TamperDenied"),
        (lambda st: locked_pair(st, replicate=False), "DPP-S3CrossRegionReplica"),
        (lambda st: good_bucket(st, lifecycle_rules=[s3.LifecycleRule(expiration=Duration.days(90))]), "DPP-S3LifecycleKeepsRetention"),
        (lambda st: good_bucket(st, lifecycle_rules=[s3.LifecycleRule(noncurrent_version_expiration=Duration.days(30))]), "DPP-S3LifecycleKeepsRetention"),
        (lambda st: kms.Key(st, "K", enable_key_rotation=False, removal_policy=RemovalPolicy.RETAIN), "DPP-KmsRotation"),
        (lambda st: good_bucket(st, removal_policy=RemovalPolicy.DESTROY), "DPP-StatefulRetained"),
        (lambda st: kms.Key(st, "K", enable_key_rotation=True, removal_policy=RemovalPolicy.DESTROY), "DPP-StatefulRetained"),
    ],
)
def test_non_compliant_resource_is_reported_with_the_exact_rule(build, rule):
    assert rule in violations(build)


def test_open_key_policy_is_reported_and_a_conditioned_one_is_not():
    def open_key(st, conditions=None):
        key = kms.Key(st, "K", enable_key_rotation=True, removal_policy=RemovalPolicy.RETAIN)
        key.add_to_resource_policy(iam.PolicyStatement(principals=[iam.AnyPrincipal()], actions=["kms:Decrypt"], resources=["*"], conditions=conditions))

    assert "DPP-KmsNoOpenPrincipal" in violations(open_key)
    assert "DPP-KmsNoOpenPrincipal" not in violations(lambda st: open_key(st, {"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}))


def test_access_log_bucket_may_use_sse_s3_but_nothing_else_may():
    def with_access_logs(st):
        target = good_bucket(st, "AccessLogs", encryption=s3.BucketEncryption.S3_MANAGED, encryption_key=None)
        good_bucket(st, server_access_logs_bucket=target)

    assert "DPP-S3KmsEncryption" not in violations(with_access_logs)


def test_a_replica_bucket_counts_as_replicated():
    def pair(st):
        locked_pair(st)  # replicates to arn:aws:s3:::replica
        locked_pair_named = good_bucket(
            st,
            "Replica",
            bucket_name="replica",
            object_lock_enabled=True,
            object_lock_default_retention=s3.ObjectLockRetention.compliance(Duration.days(365)),
        )
        locked_pair_named.add_to_resource_policy(iam.PolicyStatement(effect=iam.Effect.DENY, principals=[iam.AnyPrincipal()], actions=["s3:*"], resources=[locked_pair_named.arn_for_objects("*")]))

    assert violations(pair) == set()


def test_retention_setting_raises_the_bar():
    assert "DPP-S3ObjectLockCompliance" in violations(lambda st: locked_pair(st, days=365), PackSettings(retention_days=400))
    assert violations(lambda st: locked_pair(st, days=400), PackSettings(retention_days=400)) == set()


# --- trail -------------------------------------------------------------------------------------


def trail(stack: cdk.Stack, **overrides) -> cloudtrail.CfnTrail:
    props = dict(
        is_logging=True,
        s3_bucket_name="archive",
        is_multi_region_trail=True,
        include_global_service_events=True,
        enable_log_file_validation=True,
        kms_key_id="arn:aws:kms:eu-west-1:111122223333:alias/logs",
        cloud_watch_logs_log_group_arn="arn:aws:logs:eu-west-1:111122223333:log-group:/trail:*",
        cloud_watch_logs_role_arn="arn:aws:iam::111122223333:role/trail",
    )
    props.update(overrides)
    return cloudtrail.CfnTrail(stack, "Trail", **props)


Field = cloudtrail.CfnTrail.AdvancedFieldSelectorProperty


def selector(*fields):
    return [cloudtrail.CfnTrail.AdvancedEventSelectorProperty(field_selectors=list(fields))]


def cis_monitoring(st: cdk.Stack, count: int | None = None) -> None:
    """Metric filters with the CIS patterns (the first ``count`` of them), each alarmed."""
    from dpp_nag.cis_patterns import CIS_PATTERNS

    for i, pattern in enumerate(list(CIS_PATTERNS.values())[:count]):
        logs.CfnMetricFilter(
            st,
            f"F{i}",
            log_group_name="/trail",
            filter_pattern=pattern,
            metric_transformations=[logs.CfnMetricFilter.MetricTransformationProperty(metric_namespace="DPP/test", metric_name=f"M{i}", metric_value="1")],
        )
        cloudwatch.CfnAlarm(
            st,
            f"A{i}",
            namespace="DPP/test",
            metric_name=f"M{i}",
            statistic="Sum",
            period=300,
            evaluation_periods=1,
            threshold=1,
            comparison_operator="GreaterThanOrEqualToThreshold",
            alarm_actions=["arn:aws:sns:eu-west-1:111122223333:t"],
        )


def test_compliant_trail_passes():
    def build(st, **overrides):
        trail(st, **overrides)
        cis_monitoring(st)

    assert violations(build) == set()
    assert violations(lambda st: build(st, advanced_event_selectors=selector(Field(field="eventCategory", equal_to=["Management"])))) == set()


@pytest.mark.parametrize(
    "overrides, rule",
    [
        ({"is_multi_region_trail": False}, "DPP-TrailMultiRegion"),
        ({"include_global_service_events": False}, "DPP-TrailMultiRegion"),
        ({"enable_log_file_validation": False}, "DPP-TrailLogFileValidation"),
        ({"kms_key_id": None}, "DPP-TrailKmsEncrypted"),
        ({"cloud_watch_logs_log_group_arn": None}, "DPP-TrailToCloudWatchLogs"),
        (
            {"advanced_event_selectors": selector(Field(field="eventCategory", equal_to=["Management"]), Field(field="readOnly", equal_to=["false"]))},
            "DPP-TrailManagementEvents",
        ),
        ({"advanced_event_selectors": selector(Field(field="eventCategory", equal_to=["Data"]))}, "DPP-TrailManagementEvents"),
        (
            {"event_selectors": [cloudtrail.CfnTrail.EventSelectorProperty(include_management_events=True, read_write_type="WriteOnly")]},
            "DPP-TrailManagementEvents",
        ),
    ],
)
def test_weakened_trail_is_reported(overrides, rule):
    assert rule in violations(lambda st: trail(st, **overrides))


# --- log groups ----------------------------------------------------------------------------------


def test_protected_log_group_passes():
    key = lambda st: kms.Key(st, "K", enable_key_rotation=True, removal_policy=RemovalPolicy.RETAIN)  # noqa: E731
    assert violations(lambda st: protected_log_group(st, "G", name="/g", key=key(st), retention_days=365)) == set()


@pytest.mark.parametrize(
    "props, rule",
    [
        ({"retention": logs.RetentionDays.THREE_MONTHS}, "DPP-LogGroupRetention"),
        ({}, "DPP-LogGroupKms"),
        ({}, "DPP-LogGroupPiiMasking"),
    ],
)
def test_weak_log_group_is_reported(props, rule):
    assert rule in violations(lambda st: logs.LogGroup(st, "G", removal_policy=RemovalPolicy.RETAIN, **props))


def test_log_group_retention_follows_the_pack_setting():
    def year(st):
        key = kms.Key(st, "K", enable_key_rotation=True, removal_policy=RemovalPolicy.RETAIN)
        protected_log_group(st, "G", name="/g", key=key, retention_days=365)

    assert "DPP-LogGroupRetention" in violations(year, PackSettings(retention_days=400))


# --- flow logs, Config, functions ------------------------------------------------------------------


def test_flow_log_traffic_type():
    flow = lambda t: lambda st: ec2.CfnFlowLog(st, "F", resource_id="vpc-0123456789abcdef0", resource_type="VPC", traffic_type=t, log_destination_type="s3", log_destination="arn:aws:s3:::a")  # noqa: E731
    assert "DPP-FlowLogAllTraffic" in violations(flow("REJECT"))
    assert violations(flow("ALL")) == set()


def config_recorder(st, all_supported=True, include_global=True, delivery=True, id="R"):
    config.CfnConfigurationRecorder(
        st,
        id,
        role_arn="arn:aws:iam::111122223333:role/c",
        recording_group=config.CfnConfigurationRecorder.RecordingGroupProperty(
            all_supported=all_supported, include_global_resource_types=include_global, resource_types=None if all_supported else ["AWS::S3::Bucket"]
        ),
    )
    if delivery:
        config.CfnDeliveryChannel(st, f"{id}Channel", s3_bucket_name="staging")


def test_config_recorder_must_record_everything():
    def recorder(all_supported):
        return lambda st: config_recorder(st, all_supported=all_supported)

    assert "DPP-ConfigRecordsAllResources" in violations(recorder(False))
    assert violations(recorder(True)) == set()


def function(stack: cdk.Stack, *, log_group=True, level="INFO", dlq=True, reserved: int | None = None) -> lambda_.Function:
    return lambda_.Function(
        stack,
        "F",
        runtime=lambda_.Runtime.PYTHON_3_13,
        handler="index.handler",
        code=lambda_.Code.from_inline("def handler(e, c): pass"),
        log_group=logs.LogGroup.from_log_group_name(stack, "G", "/aws/lambda/f") if log_group else None,
        logging_format=lambda_.LoggingFormat.JSON,
        application_log_level_v2=getattr(lambda_.ApplicationLogLevel, level),
        dead_letter_queue=sqs.Queue(stack, "Q", enforce_ssl=True) if dlq else None,
        reserved_concurrent_executions=reserved,
    )


def test_function_rules():
    assert violations(lambda st: function(st)) == set()
    assert "DPP-LambdaExplicitLogGroup" in violations(lambda st: function(st, log_group=False))
    assert "DPP-LambdaNoDebugLogging" in violations(lambda st: function(st, level="DEBUG"))
    assert "DPP-LambdaFailuresKept" in violations(lambda st: function(st, dlq=False))


# --- detection and topics -------------------------------------------------------------------


def detector(frequency="FIFTEEN_MINUTES", s3="ENABLED", enable=True, export: dict | None = None):
    export = {"destination_type": "S3", "kms_key_arn": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"} if export is None else export

    def build(st):
        found = guardduty.CfnDetector(
            st, "D", enable=enable, finding_publishing_frequency=frequency, features=[guardduty.CfnDetector.CFNFeatureConfigurationProperty(name="S3_DATA_EVENTS", status=s3)]
        )
        if export:
            guardduty.CfnPublishingDestination(
                st,
                "Export",
                detector_id=found.ref,
                destination_type=export["destination_type"],
                destination_properties=guardduty.CfnPublishingDestination.CFNDestinationPropertiesProperty(destination_arn="arn:aws:s3:::archive/guardduty", kms_key_arn=export["kms_key_arn"]),
            )

    return build


def test_guardduty_findings_must_be_exported_encrypted():
    assert "DPP-GuardDutyFindingsExported" in violations(detector(export={}))
    assert "DPP-GuardDutyFindingsExported" in violations(detector(export={"destination_type": "S3", "kms_key_arn": None}))

    def other_detectors_export(st):
        detector(export={})(st)
        other = guardduty.CfnDetector(st, "Other", enable=True, finding_publishing_frequency="FIFTEEN_MINUTES")
        guardduty.CfnPublishingDestination(
            st, "OtherExport", detector_id=other.ref, destination_type="S3",
            destination_properties=guardduty.CfnPublishingDestination.CFNDestinationPropertiesProperty(destination_arn="arn:aws:s3:::a", kms_key_arn="arn:aws:kms:eu-west-1:111122223333:key/k"),
        )  # fmt: skip

    assert "DPP-GuardDutyFindingsExported" in violations(other_detectors_export), "another detector's export does not count"


def test_malware_plan_must_tag_the_verdict():
    def plan(status):
        return lambda st: guardduty.CfnMalwareProtectionPlan(
            st,
            "Plan",
            role="arn:aws:iam::111122223333:role/scan",
            protected_resource=guardduty.CfnMalwareProtectionPlan.CFNProtectedResourceProperty(s3_bucket=guardduty.CfnMalwareProtectionPlan.S3BucketProperty(bucket_name="orders")),
            actions=guardduty.CfnMalwareProtectionPlan.CFNActionsProperty(tagging=guardduty.CfnMalwareProtectionPlan.CFNTaggingProperty(status=status)),
        )

    assert violations(plan("ENABLED")) == set()
    assert "DPP-MalwareScanTagsVerdict" in violations(plan("DISABLED"))


def test_guardduty_rule():
    assert violations(detector()) == set()
    assert "DPP-GuardDutyEnabled" in violations(detector(frequency="SIX_HOURS"))
    assert "DPP-GuardDutyEnabled" in violations(detector(s3="DISABLED"))
    assert "DPP-GuardDutyEnabled" in violations(detector(enable=False))


def test_security_hub_needs_a_standard():
    def hub(with_standard):
        def build(st):
            securityhub.CfnHub(st, "H", enable_default_standards=False)
            if with_standard:
                securityhub.CfnStandard(st, "S", standards_arn="arn:aws:securityhub:eu-west-1::standards/aws-foundational-security-best-practices/v/1.0.0")

        return build

    assert "DPP-SecurityHubStandard" in violations(hub(False))
    assert violations(hub(True)) == set()


def test_topic_rules():
    def topic(kms_key, tls):
        def build(st):
            key = kms.Key(st, "K", enable_key_rotation=True, removal_policy=RemovalPolicy.RETAIN) if kms_key else None
            sns.Topic(st, "T", master_key=key, enforce_ssl=tls)

        return build

    assert violations(topic(True, True)) == set()
    assert "DPP-SnsTopicKms" in violations(topic(False, True))
    assert "DPP-SnsTopicTlsOnly" in violations(topic(True, False))


# --- alarms ------------------------------------------------------------------------------------


def filter_and_alarm(statistic="Sum", actions=True, alarm=True):
    def build(st):
        logs.CfnMetricFilter(
            st,
            "F",
            log_group_name="/trail",
            filter_pattern="{ $.eventName = DeleteTrail }",
            metric_transformations=[logs.CfnMetricFilter.MetricTransformationProperty(metric_namespace="DPP/test", metric_name="TrailDeleted", metric_value="1")],
        )
        if alarm:
            cloudwatch.CfnAlarm(
                st,
                "A",
                namespace="DPP/test",
                metric_name="TrailDeleted",
                statistic=statistic,
                period=300,
                evaluation_periods=1,
                threshold=1,
                comparison_operator="GreaterThanOrEqualToThreshold",
                alarm_actions=["arn:aws:sns:eu-west-1:111122223333:t"] if actions else None,
            )

    return build


def test_alarm_rules():
    assert violations(filter_and_alarm()) == set()
    assert "DPP-AlarmCanFire" in violations(filter_and_alarm(statistic="Average"))
    assert "DPP-AlarmCanFire" in violations(filter_and_alarm(actions=False))
    assert "DPP-MetricFilterAlarmed" in violations(filter_and_alarm(alarm=False))


def test_cis_presence_is_checked_on_the_streaming_trail():
    from dpp_nag.cis_patterns import CIS_PATTERNS

    def with_filters(count):
        def build(st):
            trail(st)
            cis_monitoring(st, count)

        return build

    assert violations(with_filters(len(CIS_PATTERNS))) == set()
    assert "DPP-CisMonitoringPresent" in violations(with_filters(5))
    assert "DPP-CisMonitoringPresent" not in violations(lambda st: trail(st, cloud_watch_logs_log_group_arn=None))


def test_a_function_fed_by_a_redriven_queue_keeps_its_failures():
    from aws_cdk import aws_lambda_event_sources as sources

    def build(st, redrive):
        dlq = sqs.Queue(st, "DLQ", enforce_ssl=True)
        queue = sqs.Queue(st, "Inbox", enforce_ssl=True, dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=5) if redrive else None)
        fn = function(st, dlq=False)
        fn.add_event_source(sources.SqsEventSource(queue))

    assert "DPP-LambdaFailuresKept" not in violations(lambda st: build(st, True))
    assert "DPP-LambdaFailuresKept" in violations(lambda st: build(st, False))


@pytest.mark.parametrize(
    "environment, flagged",
    [
        ({"TARGETS": '[{"secretName": "dpp/slack/secops"}]', "LEDGER_TABLE": "t"}, False),
        ({"SECRET_NAME": "dpp/slack/secops", "TOKEN_ARN": "arn:aws:secretsmanager:eu-west-1:1:secret:x"}, False),
        ({"SLACK_URL": "https://hooks.slack.com/services/T0000/B0000/XXXXXXXX"}, True),
        ({"TEAMS": "https://prod-00.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?sig=xyz"}, True),
        ({"API_TOKEN": "hunter2"}, True),
        ({"BOT": "xoxb-1234567890-abcdefghij"}, True),
    ],
)
def test_secrets_in_the_environment_are_reported(environment, flagged):
    def build(st):
        fn = function(st)
        for key, value in environment.items():
            fn.add_environment(key, value)

    assert ("DPP-LambdaNoSecretsInEnvironment" in violations(build)) is flagged


# --- coverage and presence -------------------------------------------------------------------


def data_selector(*prefixes, read_only=None):
    fields = [Field(field="eventCategory", equal_to=["Data"]), Field(field="resources.type", equal_to=["AWS::S3::Object"])]
    if read_only is not None:
        fields.append(Field(field="readOnly", equal_to=[read_only]))
    if prefixes:
        fields.append(Field(field="resources.ARN", starts_with=list(prefixes)))
    return cloudtrail.CfnTrail.AdvancedEventSelectorProperty(field_selectors=fields)


MANAGEMENT = cloudtrail.CfnTrail.AdvancedEventSelectorProperty(field_selectors=[Field(field="eventCategory", equal_to=["Management"])])


@pytest.mark.parametrize(
    "selectors, covered",
    [
        ([MANAGEMENT, data_selector("arn:aws:s3:::orders/")], True),
        ([MANAGEMENT, data_selector()], True),  # every bucket
        ([MANAGEMENT, data_selector("arn:aws:s3:::other/")], False),
        ([MANAGEMENT, data_selector("arn:aws:s3:::orders/", read_only="true")], False),  # reads only
        ([MANAGEMENT], False),
    ],
)
def test_sensitive_buckets_need_data_events(selectors, covered):
    settings = PackSettings(sensitive_buckets=("orders",))
    found = violations(lambda st: trail(st, advanced_event_selectors=selectors), settings)
    assert ("DPP-TrailDataEventsSensitiveBuckets" in found) is not covered


def test_the_canary_bucket_of_the_trails_account_needs_data_events():
    settings = PackSettings(canary_bucket_pattern="exports-{account}-{region}")
    covered = [MANAGEMENT, data_selector("arn:aws:s3:::exports-111122223333-eu-west-1/")]
    assert "DPP-TrailDataEventsCanary" not in violations(lambda st: trail(st, advanced_event_selectors=covered), settings)
    assert "DPP-TrailDataEventsCanary" in violations(lambda st: trail(st, advanced_event_selectors=[MANAGEMENT]), settings)


def test_the_canary_needs_a_watching_metric_filter():
    settings = PackSettings(canary_bucket_pattern="exports-{account}-{region}")

    def with_filter(pattern):
        def build(st):
            trail(st)
            logs.CfnMetricFilter(
                st,
                "Canary",
                log_group_name="/trail",
                filter_pattern=pattern,
                metric_transformations=[logs.CfnMetricFilter.MetricTransformationProperty(metric_namespace="DPP/test", metric_name="Canary", metric_value="1")],
            )

        return build

    watched = '{ ($.requestParameters.bucketName = "exports-*-*") && ($.requestParameters.key = "x.csv") }'
    assert "DPP-CanaryAlarmPresent" not in violations(with_filter(watched), settings)
    assert "DPP-CanaryAlarmPresent" in violations(with_filter('{ $.eventName = "GetObject" }'), settings)


def test_every_vpc_needs_an_all_traffic_flow_log():
    def vpc(traffic):
        def build(st):
            v = ec2.CfnVPC(st, "V", cidr_block="10.0.0.0/16")
            if traffic:
                ec2.CfnFlowLog(st, "F", resource_id=v.ref, resource_type="VPC", traffic_type=traffic, log_destination_type="s3", log_destination="arn:aws:s3:::a")

        return build

    assert "DPP-VpcFlowLogged" not in violations(vpc("ALL"))
    assert "DPP-VpcFlowLogged" in violations(vpc("REJECT"))
    assert "DPP-VpcFlowLogged" in violations(vpc(None))


def test_config_needs_delivery_and_records_global_types_once():
    assert "DPP-ConfigRecorderDelivers" in violations(lambda st: config_recorder(st, delivery=False))

    def two_global(st):
        config_recorder(st)
        other = cdk.Stack(st.node.root, "Other", env=cdk.Environment(account="111122223333", region="eu-central-1"))
        config_recorder(other)

    assert "DPP-ConfigGlobalTypesOnce" in violations(two_global)

    def one_global(st):
        config_recorder(st)
        other = cdk.Stack(st.node.root, "Other", env=cdk.Environment(account="111122223333", region="eu-central-1"))
        config_recorder(other, include_global=False)

    assert "DPP-ConfigGlobalTypesOnce" not in violations(one_global)


def test_sqs_consumers_are_paced_by_the_mapping_not_by_reserved_concurrency():
    """https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html: a reservation
    below the poller's concurrency throttles batches; MaximumConcurrency paces them."""
    from aws_cdk import aws_lambda_event_sources as sources

    def consumer(*, reserved=None, max_concurrency=None):
        def build(st):
            fn = function(st, reserved=reserved)
            queue = sqs.Queue(st, "Inbox", enforce_ssl=True)
            fn.add_event_source(sources.SqsEventSource(queue, max_concurrency=max_concurrency))

        return build

    assert "DPP-LambdaSqsConsumerPaced" in violations(consumer())
    assert "DPP-LambdaSqsConsumerPaced" in violations(consumer(reserved=1, max_concurrency=2))
    assert "DPP-LambdaSqsConsumerPaced" not in violations(consumer(max_concurrency=2))
    assert "DPP-LambdaSqsConsumerPaced" not in violations(lambda st: function(st))  # no mapping: nothing to pace


def test_impoc_must_be_subscribed():
    settings = PackSettings(impoc_email="impoc@example.com")

    def with_subscription(address):
        def build(st):
            trail(st)
            cis_monitoring(st)
            topic = sns.Topic(st, "Critical", enforce_ssl=True, master_key=kms.Key(st, "TK", enable_key_rotation=True, removal_policy=RemovalPolicy.RETAIN))
            from aws_cdk import aws_sns_subscriptions as subs

            topic.add_subscription(subs.EmailSubscription(address))

        return build

    assert "DPP-ImpocSubscribed" not in violations(with_subscription("impoc@example.com"), settings)
    assert "DPP-ImpocSubscribed" in violations(with_subscription("someone@example.com"), settings)


def test_presence_rules_make_a_missing_capability_fail():
    def baseline(st, guardduty=True, hub=True, recorder=True):
        trail(st)
        if guardduty:
            detector()(st)
        if hub:
            securityhub.CfnHub(st, "H")
            securityhub.CfnStandard(st, "S", standards_arn="arn:aws:securityhub:eu-west-1::standards/aws-foundational-security-best-practices/v/1.0.0")
        if recorder:
            config_recorder(st)

    assert not violations(baseline, app_wide=True) & APP_WIDE
    assert "DPP-GuardDutyPresent" in violations(lambda st: baseline(st, guardduty=False), app_wide=True)
    assert "DPP-SecurityHubPresent" in violations(lambda st: baseline(st, hub=False), app_wide=True)
    assert "DPP-ConfigRecorderPresent" in violations(lambda st: baseline(st, recorder=False), app_wide=True)
    assert "DPP-TrailPresent" in violations(lambda st: locked_pair(st), app_wide=True)


@pytest.mark.parametrize("data_events", [True, False])
def test_the_gate_hands_the_pack_the_configured_sensitive_buckets_even_with_data_events_off(data_events):
    """With trail.dataEvents=false the trail logs no object access of the buckets the
    configuration names as holding Information: the rule must fail, not pass for want of buckets."""
    from checks.gate import nag_packs
    from tests.support import build_app, context_with

    built = build_app(context_with(trail__dataEvents=data_events))
    pack = next(p for p in nag_packs(built.app, built.config) if isinstance(p, DppChecks))
    report = pack.validate_scope(built.stack("account-baseline"))
    failing = {v.rule_name for v in report.violations}
    assert built.config.trail.sensitive_buckets == ("sp-api-orders-111122223333",)
    assert ("DPP-TrailDataEventsSensitiveBuckets" in failing) is not data_events
