"""Detection (DPP-LOG-6, DPP-MON-3..5, DPP-IR-1): detectors, standards, topics, and every
route's pattern against real sample events (one that must match, one near miss)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from aws_cdk.assertions import Template

from capabilities.alerting import event_routes
from capabilities.detection import standard_arn
from configuration import ConfigError, load_config
from tests.eventbridge_matcher import matches
from tests.support import build_app, cdk_json_context, context_with

ACCOUNT = "111122223333"
EVENTS = Path(__file__).resolve().parent.parent / "events" / "detection"


def sample(name: str) -> dict:
    return json.loads((EVENTS / name).read_text())


@pytest.fixture(scope="module")
def routes():
    return {r.id: r for r in event_routes(load_config(cdk_json_context()))}


def routed(routes, event: dict) -> list[str]:
    return [route_id for route_id, route in routes.items() if matches(route.pattern, event)]


# --- routes against real events -------------------------------------------------------------


def with_detail(event: dict, path: list, value) -> dict:
    changed = copy.deepcopy(event)
    node = changed
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return changed


@pytest.mark.parametrize(
    "severity, expected",
    [(8, ["GuardDutyHigh"]), (7.0, ["GuardDutyHigh"]), (9.5, ["GuardDutyCritical"]), (8.9, ["GuardDutyHigh"]), (5.3, ["GuardDutyMedium"]), (2.0, [])],
)
def test_guardduty_findings_go_to_their_severity_band(routes, severity, expected):
    finding = with_detail(sample("guardduty-finding-high.json"), ["detail", "type"], "UnauthorizedAccess:IAMUser/MaliciousIPCaller")
    assert routed(routes, with_detail(finding, ["detail", "severity"], severity)) == expected


@pytest.mark.parametrize(
    "name, finding_type, severity, expected",
    [
        ("guardduty-console-login-unusual-location.json", "UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B", 5, ["GuardDutyUnexpectedLocation"]),
        ("guardduty-finding-high.json", "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS", 8, ["GuardDutyUnexpectedLocation"]),
        ("guardduty-finding-high.json", "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.InsideAWS", 8, ["GuardDutyUnexpectedLocation"]),
        # AnomalousBehavior findings may be low; a location is reason enough to tell people
        ("guardduty-finding-high.json", "Discovery:IAMUser/AnomalousBehavior", 2, ["GuardDutyUnexpectedLocation"]),
        # critical stays critical, once
        ("guardduty-finding-high.json", "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS", 9.5, ["GuardDutyCritical"]),
        # near misses: same family, not about location
        ("guardduty-console-login-unusual-location.json", "UnauthorizedAccess:IAMUser/ConsoleLogin", 5, ["GuardDutyMedium"]),
        ("guardduty-finding-high.json", "Discovery:S3/AnomalousBehavior", 5, ["GuardDutyMedium"]),
    ],
)
def test_unexpected_location_findings_have_their_own_route(routes, name, finding_type, severity, expected):
    """DPP-MON-3.d: GuardDuty's location findings are announced as such, exactly once."""
    finding = with_detail(with_detail(sample(name), ["detail", "type"], finding_type), ["detail", "severity"], severity)
    assert routed(routes, finding) == expected


def test_guardduty_low_band_is_routed_when_configured():
    low = {r.id: r for r in event_routes(load_config(context_with(detection__guardDutyMinSeverity="low")))}
    finding = with_detail(sample("guardduty-finding-high.json"), ["detail", "type"], "Recon:IAMUser/MaliciousIPCaller")
    assert routed(low, with_detail(finding, ["detail", "severity"], 2.0)) == ["GuardDutyLow"]


def test_security_hub_asff_findings(routes):
    finding = sample("securityhub-asff-high.json")
    assert routed(routes, finding) == ["SecurityHubHigh"]
    critical = with_detail(finding, ["detail", "findings", 0, "Severity", "Label"], "CRITICAL")
    assert routed(routes, critical) == ["SecurityHubCritical"]
    assert routed(routes, with_detail(finding, ["detail", "findings", 0, "Workflow", "Status"], "RESOLVED")) == []
    assert routed(routes, with_detail(finding, ["detail", "findings", 0, "RecordState"], "ARCHIVED")) == []
    # GuardDuty's copy in Security Hub is not notified twice.
    assert routed(routes, with_detail(finding, ["detail", "findings", 0, "ProductName"], "GuardDuty")) == []
    assert routed(routes, with_detail(finding, ["detail", "findings", 0, "Severity", "Label"], "LOW")) == []


def test_security_hub_ocsf_findings(routes):
    finding = sample("securityhub-ocsf-high.json")
    assert routed(routes, finding) == ["SecurityHubOcsfHigh"]
    assert routed(routes, with_detail(finding, ["detail", "findings", 0, "severity_id"], 5)) == ["SecurityHubOcsfCritical"]
    assert routed(routes, with_detail(finding, ["detail", "findings", 0, "severity_id"], 6)) == ["SecurityHubOcsfCritical"]
    assert routed(routes, with_detail(finding, ["detail", "findings", 0, "severity_id"], 1)) == []


def test_exposed_credentials_are_critical(routes):
    """DPP-MON-4: AWS Health's RISK event for publicly exposed keys (AWS's sample shape)."""
    event = sample("health-risk-credentials-exposed.json")
    assert routed(routes, event) == ["CredentialsExposed"]
    assert routes["CredentialsExposed"].severity.value == "critical" and routes["CredentialsExposed"].is_global
    assert routed(routes, with_detail(event, ["detail", "eventTypeCode"], "AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED")) == []
    assert routed(routes, with_detail(event, ["detail", "service"], "EC2")) == []


def test_config_non_compliance(routes):
    change = sample("config-compliance-change.json")
    assert routed(routes, change) == ["ConfigNonCompliant"]
    assert routed(routes, with_detail(change, ["detail", "newEvaluationResult", "complianceType"], "COMPLIANT")) == []


def test_cloudtrail_insights_start_only(routes):
    insight = sample("cloudtrail-insight.json")
    assert routed(routes, insight) == ["CloudTrailInsight"]
    assert routed(routes, with_detail(insight, ["detail", "insightDetails", "state"], "End")) == []


def test_root_sign_in_is_critical(routes):
    sign_in = sample("console-sign-in-root.json")
    assert routed(routes, sign_in) == ["RootSignIn"]
    assert routes["RootSignIn"].severity.value == "critical"
    assert routed(routes, with_detail(sign_in, ["detail", "userIdentity", "type"], "IAMUser")) == []


def api_call(source: str, name: str, **request_parameters) -> dict:
    event = sample("cloudtrail-api-call.json")
    event["source"] = f"aws.{source.split('.')[0]}"
    event["detail"]["eventSource"] = source
    event["detail"]["eventName"] = name
    event["detail"]["requestParameters"] = request_parameters or event["detail"]["requestParameters"]
    return event


TAMPERING = {
    "TrailTampering": (api_call("cloudtrail.amazonaws.com", "StopLogging"), api_call("cloudtrail.amazonaws.com", "LookupEvents")),
    "ConfigTampering": (
        api_call("config.amazonaws.com", "StopConfigurationRecorder", configurationRecorderName="default"),
        api_call("config.amazonaws.com", "DescribeConfigurationRecorders"),
    ),
    "GuardDutyTampering": (api_call("guardduty.amazonaws.com", "DeleteDetector", detectorId="12ab"), api_call("guardduty.amazonaws.com", "GetDetector", detectorId="12ab")),
    "SecurityHubTampering": (api_call("securityhub.amazonaws.com", "DisableSecurityHub"), api_call("securityhub.amazonaws.com", "GetFindings")),
    "KeyDisabledOrDeleted": (api_call("kms.amazonaws.com", "ScheduleKeyDeletion", keyId="1234abcd", pendingWindowInDays=7), api_call("kms.amazonaws.com", "Decrypt")),
    "ArchiveTampering": (
        api_call("s3.amazonaws.com", "PutBucketPolicy", bucketName=f"dpp-prod-log-archive-{ACCOUNT}-eu-west-1"),
        api_call("s3.amazonaws.com", "PutBucketPolicy", bucketName="orders-exports"),
    ),
    "BaselineRoleTampering": (
        api_call("iam.amazonaws.com", "UpdateAssumeRolePolicy", roleName="dpp-prod-log-reader", policyDocument="{}"),
        api_call("iam.amazonaws.com", "UpdateAssumeRolePolicy", roleName="app-deployer", policyDocument="{}"),
    ),
    "RevocationPolicyChanged": (
        api_call("iam.amazonaws.com", "CreatePolicyVersion", policyArn="arn:aws:iam::111122223333:policy/dpp-prod-revoke-older-sessions-eu-west-1", setAsDefault=True),
        api_call("iam.amazonaws.com", "CreatePolicyVersion", policyArn="arn:aws:iam::111122223333:policy/app-deploy", setAsDefault=True),
    ),
    "FlowLogsDeleted": (api_call("ec2.amazonaws.com", "DeleteFlowLogs", DeleteFlowLogsRequest={"FlowLogId": {"item": "fl-0123"}}), api_call("ec2.amazonaws.com", "DescribeFlowLogs")),
    "DnsLoggingTampering": (
        api_call("route53resolver.amazonaws.com", "DisassociateResolverQueryLogConfig", resolverQueryLogConfigId="rqlc-1", resourceId="vpc-0a1b"),
        api_call("route53resolver.amazonaws.com", "ListResolverQueryLogConfigs"),
    ),
    "LogGroupTampering": (
        api_call("logs.amazonaws.com", "PutRetentionPolicy", logGroupName="/dpp/prod/cloudtrail", retentionInDays=1),
        api_call("logs.amazonaws.com", "PutRetentionPolicy", logGroupName="/aws/lambda/someone-else", retentionInDays=1),
    ),
}


@pytest.mark.parametrize("route_id", sorted(TAMPERING))
def test_control_changes_are_critical_and_near_misses_are_not(routes, route_id):
    hit, miss = TAMPERING[route_id]
    assert routed(routes, hit) == [route_id]
    assert routes[route_id].severity.value == "critical"
    assert routed(routes, miss) == []


def test_every_control_change_route_has_a_test():
    # Control changes are API calls; the forwarder's own failure (also DPP-MON-6) has its test above.
    tampering = {r.id for r in event_routes(load_config(cdk_json_context())) if "DPP-MON-6" in r.requirements and r.pattern.get("detail-type") == ["AWS API Call via CloudTrail"]}
    assert tampering == set(TAMPERING)


def test_lambda_log_group_of_the_baseline_is_watched_too(routes):
    event = api_call("logs.amazonaws.com", "DeleteLogGroup", logGroupName="/aws/lambda/dpp-prod-flow-log-enforcer")
    assert routed(routes, event) == ["LogGroupTampering"]


# --- templates ------------------------------------------------------------------------------


@pytest.mark.parametrize("region", ["eu-west-1", "eu-central-1"])
def test_guardduty_in_every_region_with_every_protection_plan(synthesized, region):
    detector = next(iter(synthesized.template("detection", region).find_resources("AWS::GuardDuty::Detector").values()))["Properties"]
    assert detector["Enable"] is True
    assert detector["FindingPublishingFrequency"] == "FIFTEEN_MINUTES"
    features = {f["Name"]: f for f in detector["Features"]}
    assert set(features) == {"S3_DATA_EVENTS", "EKS_AUDIT_LOGS", "RUNTIME_MONITORING", "EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS", "LAMBDA_NETWORK_LOGS"}
    assert all(f["Status"] == "ENABLED" for f in features.values())
    assert {a["Name"] for a in features["RUNTIME_MONITORING"]["AdditionalConfiguration"]} == {"EKS_ADDON_MANAGEMENT", "ECS_FARGATE_AGENT_MANAGEMENT", "EC2_AGENT_MANAGEMENT"}


def test_protection_plans_follow_configuration():
    built = build_app(context_with(detection__guardDutyProtections__eksAuditLogs="false"))
    detector = next(iter(built.template("detection", "eu-west-1").find_resources("AWS::GuardDuty::Detector").values()))["Properties"]
    assert {f["Name"]: f["Status"] for f in detector["Features"]}["EKS_AUDIT_LOGS"] == "DISABLED"


@pytest.mark.parametrize("region", ["eu-west-1", "eu-central-1"])
def test_security_hub_standards_per_region_and_aggregator_only_at_home(synthesized, region):
    template = synthesized.template("detection", region)
    hub = next(iter(template.find_resources("AWS::SecurityHub::Hub").values()))["Properties"]
    assert hub["EnableDefaultStandards"] is False and hub["ControlFindingGenerator"] == "SECURITY_CONTROL"
    standards = {s["Properties"]["StandardsArn"] for s in template.find_resources("AWS::SecurityHub::Standard").values()}
    assert standards == {
        f"arn:aws:securityhub:{region}::standards/aws-foundational-security-best-practices/v/1.0.0",
        f"arn:aws:securityhub:{region}::standards/cis-aws-foundations-benchmark/v/3.0.0",
        f"arn:aws:securityhub:{region}::standards/nist-800-53/v/5.0.0",
    }
    aggregators = template.find_resources("AWS::SecurityHub::FindingAggregator")
    if region == "eu-west-1":
        (aggregator,) = aggregators.values()
        assert aggregator["Properties"] == {"RegionLinkingMode": "SPECIFIED_REGIONS", "Regions": ["eu-central-1"]}
    else:
        assert aggregators == {}


def test_pci_standard_can_be_added():
    built = build_app(context_with(detection__securityHubStandards='["pci-dss-v4.0.1"]'))
    standards = {s["Properties"]["StandardsArn"] for s in built.template("detection", "eu-west-1").find_resources("AWS::SecurityHub::Standard").values()}
    assert standards == {standard_arn("pci-dss-v4.0.1", "eu-west-1")}


def test_security_hub_without_standards_is_refused():
    with pytest.raises(ConfigError, match="securityHubStandards: is empty"):
        load_config(context_with(detection__securityHubStandards="[]"))


def topic_by_name(template: Template) -> dict[str, tuple[str, dict]]:
    return {t["Properties"]["TopicName"]: (k, t) for k, t in template.find_resources("AWS::SNS::Topic").items()}


def test_one_encrypted_topic_per_severity(synthesized):
    topics = topic_by_name(synthesized.template("detection", "eu-central-1"))
    assert set(topics) == {f"dpp-prod-alerts-{s}" for s in ("critical", "high", "medium", "low")} | {"dpp-prod-review"}
    for _, topic in topics.values():
        assert topic["Properties"]["KmsMasterKeyId"] == f"arn:aws:kms:eu-central-1:{ACCOUNT}:alias/dpp-prod/monitoring"


def test_topic_policies_are_tls_only_and_admit_only_this_account(synthesized):
    template = synthesized.template("detection", "eu-west-1")
    for logical_id, _ in topic_by_name(template).values():
        policies = [p for p in template.find_resources("AWS::SNS::TopicPolicy").values() if {"Ref": logical_id} in p["Properties"]["Topics"]]
        statements = [s for p in policies for s in p["Properties"]["PolicyDocument"]["Statement"]]
        assert any(s["Effect"] == "Deny" and s.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}} for s in statements)
        foreign = [s for s in statements if s.get("Sid") == "DenyPublishersOutsideThisAccount"]
        # Who may publish is decided in tests/access (EventBridge with only aws:SourceArn, another
        # account's rule refused); here only that the deny names this account throughout.
        assert foreign and foreign[0]["Condition"]["StringNotEqualsIfExists"] == {"aws:PrincipalAccount": ACCOUNT, "aws:SourceAccount": ACCOUNT}
        assert all(f":{ACCOUNT}:" in arn for arn in foreign[0]["Condition"]["ArnNotLikeIfExists"]["aws:SourceArn"])
        allows = [s for s in statements if s["Effect"] == "Allow"]
        for s in allows:
            assert s["Principal"] in ({"Service": "cloudwatch.amazonaws.com"}, {"Service": "events.amazonaws.com"}, {"Service": "costalerts.amazonaws.com"}, {"Service": "budgets.amazonaws.com"}), s
            if s["Principal"]["Service"] in ("costalerts.amazonaws.com", "budgets.amazonaws.com"):
                assert s["Condition"]["StringEquals"] == {"aws:SourceAccount": ACCOUNT}, s  # for this account only (tests/synth/test_costs.py)


def test_impoc_and_email_targets_are_subscribed_by_severity(synthesized):
    template = synthesized.template("detection", "eu-west-1")
    topics = {k: name for name, (k, _) in topic_by_name(template).items()}
    subscribed = {(topics[s["Properties"]["TopicArn"]["Ref"]], s["Properties"]["Endpoint"]) for s in template.find_resources("AWS::SNS::Subscription").values()}
    assert ("dpp-prod-alerts-critical", "impoc@example.com") in subscribed
    assert ("dpp-prod-alerts-critical", "security-backup@example.com") in subscribed
    # secops-email has minSeverity medium: critical, high, medium, not low
    assert {t for t, e in subscribed if e == "secops@example.com"} == {"dpp-prod-alerts-critical", "dpp-prod-alerts-high", "dpp-prod-alerts-medium", "dpp-prod-review"}
    # the review digest reaches the IMPOC and backup as well (DPP-MON-7)
    assert {e for t, e in subscribed if t == "dpp-prod-review"} == {"impoc@example.com", "security-backup@example.com", "secops@example.com"}


def test_every_route_is_a_rule_to_its_severity_topic_with_a_dead_letter_queue(synthesized, routes):
    template = synthesized.template("detection", "eu-west-1")
    topics = {k: name for name, (k, _) in topic_by_name(template).items()}
    rules = {k: r["Properties"] for k, r in template.find_resources("AWS::Events::Rule").items()}
    queue_id = next(iter(template.find_resources("AWS::SQS::Queue")))
    for route in routes.values():
        (props,) = [p for k, p in rules.items() if k.startswith(f"FindingRoutes{route.id}")]
        assert props["EventPattern"] == route.pattern
        (target,) = props["Targets"]
        assert topics[target["Arn"]["Ref"]] == f"dpp-prod-alerts-{route.severity.value}"
        assert target["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": [queue_id, "Arn"]}}
        assert target["RetryPolicy"] == {"MaximumEventAgeInSeconds": 86400, "MaximumRetryAttempts": 185}
    assert len(rules) == len(routes)


def test_monitoring_key_lets_eventbridge_publish_without_source_conditions(synthesized):
    """The SNS developer guide: aws:SourceAccount/aws:SourceArn are not supported in the key
    policy for EventBridge -> encrypted topic (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html).
    EventBridge is scoped by the SNS and SQS encryption context instead; alarms and SNS keep
    aws:SourceAccount, which they send. Evaluated for real in tests/access."""
    key = next(iter(synthesized.template("monitoring-foundation", "eu-west-1").find_resources("AWS::KMS::Key").values()))
    statements = {s.get("Sid"): s for s in key["Properties"]["KeyPolicy"]["Statement"]}
    topics = statements["EventBridgePublishesToProjectTopics"]
    assert topics["Principal"] == {"Service": "events.amazonaws.com"}
    assert "aws:SourceAccount" not in json.dumps(topics) and "aws:SourceArn" not in json.dumps(topics)
    assert statements["EventBridgeDeadLettersFromThisAccountsRules"]["Condition"] == {"ArnLike": {"aws:SourceArn": f"arn:aws:events:eu-west-1:{ACCOUNT}:rule/*"}}
    assert statements["EventBridgePublishesToProjectTopics"]["Condition"] == {"ArnLike": {"kms:EncryptionContext:aws:sns:topicArn": f"arn:aws:sns:eu-west-1:{ACCOUNT}:dpp-prod-*"}}
    others = statements["AlarmsAndTopicsUseKeyForThisAccount"]
    assert others["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
    assert sorted(others["Principal"]["Service"]) == ["cloudwatch.amazonaws.com", "sns.amazonaws.com"]


def test_global_service_routes_run_at_home_only_and_us_east_1_forwards_them(synthesized, routes):
    """IAM, STS and sign-in events reach EventBridge in us-east-1 only."""
    global_ids = {r.id for r in routes.values() if r.is_global}
    assert global_ids == {"RootSignIn", "BaselineRoleTampering", "RevocationPolicyChanged", "CredentialsExposed", "GlobalEventsForwardingFailed"}

    def rule_ids(region):
        return {k for k in synthesized.template("detection", region).find_resources("AWS::Events::Rule")}

    assert all(any(k.startswith(f"FindingRoutes{g}") for k in rule_ids("eu-west-1")) for g in global_ids)
    assert not any(k.startswith(f"FindingRoutes{g}") for g in global_ids for k in rule_ids("eu-central-1"))
    forwarder = synthesized.template("global-events", "us-east-1")
    rules = forwarder.find_resources("AWS::Events::Rule")
    (rule,) = [r for k, r in rules.items() if k.startswith("GlobalEventForwarderToHomeRegion")]
    assert rule["Properties"]["EventPattern"] == {"source": ["aws.iam", "aws.sts", "aws.signin", "aws.health"]}
    assert rule["Properties"]["Targets"][0]["Arn"] == f"arn:aws:events:eu-west-1:{ACCOUNT}:event-bus/default"


def test_a_forwarding_failure_in_us_east_1_is_announced_at_home(synthesized, routes):
    """DPP-MON-6: an event in the forwarder's dead-letter queue is a root sign-in or exposed key
    nobody heard of. The us-east-1 alarm on that queue has no topic to act on, so its state
    change travels home through the forwarder and the home route publishes it as critical; an
    OK transition and another alarm's change are not routed."""
    forwarder = synthesized.template("global-events", "us-east-1")
    (alarm,) = forwarder.find_resources("AWS::CloudWatch::Alarm").values()
    props = alarm["Properties"]
    assert props["AlarmName"] == "dpp-prod-global-events-forwarding-failed"
    assert (props["Namespace"], props["MetricName"], props["Statistic"], props["Threshold"]) == ("AWS/SQS", "ApproximateNumberOfMessagesVisible", "Maximum", 1)
    assert props["ComparisonOperator"] == "GreaterThanOrEqualToThreshold" and props["TreatMissingData"] == "notBreaching"
    queues = forwarder.find_resources("AWS::SQS::Queue")
    (queue_id,) = queues
    assert props["Dimensions"] == [{"Name": "QueueName", "Value": {"Fn::GetAtt": [queue_id, "QueueName"]}}]
    event = sample("cloudwatch-alarm-global-forwarding-failed.json")
    rules = forwarder.find_resources("AWS::Events::Rule")
    (alarm_rule,) = [r for k, r in rules.items() if k.startswith("GlobalEventForwarderAlarmToHomeRegion")]
    assert matches(alarm_rule["Properties"]["EventPattern"], event)
    assert alarm_rule["Properties"]["Targets"][0]["Arn"] == f"arn:aws:events:eu-west-1:{ACCOUNT}:event-bus/default"
    assert alarm_rule["Properties"]["Targets"][0]["DeadLetterConfig"]["Arn"] == {"Fn::GetAtt": [queue_id, "Arn"]}
    assert routed(routes, event) == ["GlobalEventsForwardingFailed"]
    assert routes["GlobalEventsForwardingFailed"].severity.value == "critical"
    assert routed(routes, with_detail(event, ["detail", "state", "value"], "OK")) == []
    assert routed(routes, with_detail(event, ["detail", "alarmName"], "dpp-prod-FailedConsoleSignInsBurst")) == []
    assert not matches(alarm_rule["Properties"]["EventPattern"], with_detail(event, ["detail", "alarmName"], "dpp-prod-FailedConsoleSignInsBurst"))
    home_rules = synthesized.template("detection", "eu-west-1").find_resources("AWS::Events::Rule")
    assert any(k.startswith("FindingRoutesGlobalEventsForwardingFailed") for k in home_rules)


def test_no_forwarding_route_when_home_is_us_east_1():
    context = cdk_json_context()
    context["dpp"]["homeRegion"] = "us-east-1"
    context["dpp"]["regions"] = ["us-east-1", "eu-west-1"]
    assert "GlobalEventsForwardingFailed" not in {r.id for r in event_routes(load_config(context))}


def test_macie_is_off_by_default_and_on_when_configured(synthesized):
    assert synthesized.template("detection", "eu-west-1").find_resources("AWS::Macie::Session") == {}
    built = build_app(context_with(features__macie="true"))
    (session,) = built.template("detection", "eu-west-1").find_resources("AWS::Macie::Session").values()
    assert session["Properties"] == {"FindingPublishingFrequency": "FIFTEEN_MINUTES", "Status": "ENABLED"}


# --- findings export and malware protection for S3 ----------------------------------------


@pytest.mark.parametrize("region", ["eu-west-1", "eu-central-1"])
def test_every_detector_exports_findings_to_the_archive_with_the_archive_key(synthesized, region):
    template = synthesized.template("detection", region)
    (detector_id,) = template.find_resources("AWS::GuardDuty::Detector")
    ((lookup_id, lookup),) = template.find_resources("AWS::CloudFormation::CustomResource").items()
    assert lookup["Properties"]["Action"] == "DescribeKey"
    assert lookup["Properties"]["KeyId"] == f"arn:aws:kms:eu-west-1:{ACCOUNT}:alias/dpp-prod/log-archive"  # home region, always
    (destination,) = template.find_resources("AWS::GuardDuty::PublishingDestination").values()
    assert {k: v for k, v in destination["Properties"].items() if k != "Tags"} == {
        "DetectorId": {"Ref": detector_id},
        "DestinationType": "S3",
        "DestinationProperties": {
            "DestinationArn": f"arn:aws:s3:::dpp-prod-config-staging-{ACCOUNT}-eu-west-1/guardduty",
            "KmsKeyArn": {"Fn::GetAtt": [lookup_id, "Arn"]},
        },
    }


def test_the_key_lookup_may_describe_the_archive_key_and_nothing_else(synthesized):
    template = synthesized.template("detection", "eu-central-1")
    (policy,) = [p for k, p in template.find_resources("AWS::IAM::ManagedPolicy").items() if k.startswith("FindingsExport")]
    kms, logs = policy["Properties"]["PolicyDocument"]["Statement"]
    assert kms == {
        "Action": "kms:DescribeKey",
        "Effect": "Allow",
        "Resource": f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/*",
        "Condition": {"ForAnyValue:StringEquals": {"kms:ResourceAliases": ["alias/dpp-prod/log-archive"]}},
    }
    assert logs["Action"] == ["logs:CreateLogStream", "logs:PutLogEvents"]


def scan_plans(template: Template) -> dict:
    return template.find_resources("AWS::GuardDuty::MalwareProtectionPlan")


def test_sensitive_bucket_is_scanned_for_malware_in_its_own_region_only(synthesized):
    assert not scan_plans(synthesized.template("detection", "eu-central-1"))
    template = synthesized.template("detection", "eu-west-1")
    (plan,) = scan_plans(template).values()
    assert plan["Properties"]["ProtectedResource"] == {"S3Bucket": {"BucketName": "sp-api-orders-111122223333", "ObjectPrefixes": ["uploads/"]}}
    assert plan["Properties"]["Actions"] == {"Tagging": {"Status": "ENABLED"}}
    role_id = plan["Properties"]["Role"]["Fn::GetAtt"][0]
    trust = template.find_resources("AWS::IAM::Role")[role_id]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert trust == [
        {
            "Action": "sts:AssumeRole",
            "Effect": "Allow",
            "Principal": {"Service": "malware-protection-plan.guardduty.amazonaws.com"},
            "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
        }
    ]


def scan_policy(template: Template) -> dict[str, dict]:
    (policy,) = [p for k, p in template.find_resources("AWS::IAM::ManagedPolicy").items() if k.startswith("MalwareScan")]
    return {s["Sid"]: s for s in policy["Properties"]["PolicyDocument"]["Statement"]}


def test_the_scanning_role_is_limited_to_its_bucket_prefixes_and_managed_rule(synthesized):
    statements = scan_policy(synthesized.template("detection", "eu-west-1"))
    bucket = "arn:aws:s3:::sp-api-orders-111122223333"
    assert statements["ReadObjectsToScan"]["Resource"] == f"{bucket}/uploads/*"
    assert statements["TagScanResult"]["Resource"] == f"{bucket}/uploads/*"
    assert statements["PutValidationObject"]["Resource"] == f"{bucket}/malware-protection-resource-validation-object"
    assert statements["ManageOwnEventBridgeRule"]["Resource"] == f"arn:aws:events:eu-west-1:{ACCOUNT}:rule/DO-NOT-DELETE-AmazonGuardDutyMalwareProtectionS3*"
    assert statements["ManageOwnEventBridgeRule"]["Condition"] == {"StringLike": {"events:ManagedBy": "malware-protection-plan.guardduty.amazonaws.com"}}
    assert "DecryptObjectsToScan" not in statements, "no KMS rights for an SSE-S3 bucket"


def test_a_kms_encrypted_bucket_gets_decrypt_through_s3_only():
    key = f"arn:aws:kms:eu-central-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    context = cdk_json_context()
    context["dpp"]["detection"]["malwareScannedBuckets"] = [{"name": "sp-api-orders-111122223333", "region": "eu-central-1", "kmsKeyArn": key}]
    template = build_app(context).template("detection", "eu-central-1")
    statements = scan_policy(template)
    assert statements["DecryptObjectsToScan"] == {
        "Sid": "DecryptObjectsToScan",
        "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
        "Effect": "Allow",
        "Resource": key,
        "Condition": {"StringEquals": {"kms:ViaService": "s3.eu-central-1.amazonaws.com"}},
    }
    assert statements["ReadObjectsToScan"]["Resource"] == "arn:aws:s3:::sp-api-orders-111122223333/*", "no prefixes: the whole bucket"
    (plan,) = scan_plans(template).values()
    assert "ObjectPrefixes" not in plan["Properties"]["ProtectedResource"]["S3Bucket"]


def test_malware_protection_for_s3_can_be_switched_off():
    built = build_app(context_with(detection__guardDutyProtections__s3MalwareProtection=False))
    assert not scan_plans(built.template("detection", "eu-west-1"))


@pytest.mark.parametrize(
    "change, key, words",
    [
        ({"trail": {"sensitiveBuckets": ["sp-api-orders-111122223333", "invoices"]}}, "dpp.trail.sensitiveBuckets[1]", "invoices is not in dpp.detection.malwareScannedBuckets"),
        ({"detection": {"malwareScannedBuckets": [{"name": "sp-api-orders-111122223333", "region": "us-east-1"}]}}, "dpp.detection.malwareScannedBuckets[0].region", "not among dpp.regions"),
        (
            {"detection": {"malwareScannedBuckets": [{"name": "sp-api-orders-111122223333", "region": "eu-west-1", "account": "999999999999"}]}},
            "dpp.detection.malwareScannedBuckets[0].account",
            "not a workload account",
        ),
        (
            {"detection": {"malwareScannedBuckets": [{"name": "sp-api-orders-111122223333", "region": "eu-west-1", "kmsKeyArn": "alias/orders"}]}},
            "dpp.detection.malwareScannedBuckets[0].kmsKeyArn",
            "not an alias",
        ),
        (
            {"detection": {"malwareScannedBuckets": [{"name": "sp-api-orders-111122223333", "region": "eu-west-1", "prefixes": ["a", "b", "c", "d", "e", "f"]}]}},
            "dpp.detection.malwareScannedBuckets[0].prefixes",
            "at most 5",
        ),
        (
            {"detection": {"malwareScannedBuckets": [{"name": "sp-api-orders-111122223333", "region": "eu-west-1"}, {"name": "sp-api-orders-111122223333", "region": "eu-west-1"}]}},
            "dpp.detection.malwareScannedBuckets[1].name",
            "listed twice",
        ),
    ],
)
def test_malware_scan_configuration_errors_name_the_key_and_the_fix(change, key, words):
    context = cdk_json_context()
    for section, value in change.items():
        context["dpp"][section].update(value)
    with pytest.raises(ConfigError) as error:
        load_config(context)
    assert error.value.key == key and words in str(error.value)


def test_sms_targets_are_paged_from_their_topics_and_the_plan_names_amazons_channel(synthesized):
    """DPP-IR-1: the IMPOC's pager gets the critical topic by SMS in every covered region; the
    plan says when and where Amazon's security team is told."""
    from evidence.incident_plan import incident_plan

    for region in ("eu-west-1", "eu-central-1"):
        template = synthesized.template("detection", region)
        topics = {k: name for name, (k, _) in topic_by_name(template).items()}
        sms = {(topics[s["Properties"]["TopicArn"]["Ref"]], s["Properties"]["Endpoint"]) for s in template.find_resources("AWS::SNS::Subscription").values() if s["Properties"]["Protocol"] == "sms"}
        assert sms == {("dpp-prod-alerts-critical", "+447700900123")}
    plan = incident_plan(synthesized.built.config)
    assert "security@amazon.com within 24 hours of detection" in plan
    assert "SMS impoc-pager (+447700900123)" in plan


def test_the_plan_names_the_amazon_security_contact_the_agreement_gives():
    """DPP-IR-1: the address is configuration (dpp.impoc.amazonSecurityContact), because the
    source documents do not quote it and an agreement may name another; a value that is not an
    e-mail address is refused with the key and the fix."""
    from evidence.incident_plan import incident_plan

    context = cdk_json_context()
    context["dpp"]["impoc"]["amazonSecurityContact"] = "3p-security@amazon.com"
    plan = incident_plan(load_config(context))
    assert "Amazon's security team at 3p-security@amazon.com within 24 hours" in plan
    assert "security@amazon.com within" not in plan.replace("3p-security@amazon.com", "")
    context["dpp"]["impoc"]["amazonSecurityContact"] = "the security team"
    with pytest.raises(ConfigError) as error:
        load_config(context)
    assert error.value.key == "dpp.impoc.amazonSecurityContact" and "agreement" in str(error.value)
