"""Collection (DPP-LOG-1..5, DPP-MON-1, DPP-PRT-2): the trail, AWS Config, flow logs on every
VPC, DNS query logs and the monitoring foundation, per region."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aws_cdk.assertions import Template

from capabilities.network_logs import FLOW_LOG_FIELDS, FLOW_LOG_FORMAT
from tests.eventbridge_matcher import matches
from tests.support import build_app, cdk_json_context, context_with

ACCOUNT = "111122223333"
ARCHIVE = f"dpp-prod-log-archive-{ACCOUNT}-eu-west-1"
EVENTS = Path(__file__).resolve().parent.parent / "events"
QUEUE_KEY = f"arn:aws:kms:eu-central-1:{ACCOUNT}:alias/dpp-prod/monitoring"


def only(template: Template, cfn_type: str, construct: str = "") -> dict:
    """The one resource of ``cfn_type`` (under the construct whose logical IDs start with ``construct``)."""
    found = {k: r for k, r in template.find_resources(cfn_type).items() if k.startswith(construct)}
    assert len(found) == 1, f"expected one {cfn_type}, found {list(found)}"
    return next(iter(found.values()))


def selectors(trail: dict) -> dict[str, list[dict]]:
    return {s["Name"]: s["FieldSelectors"] for s in trail["Properties"]["AdvancedEventSelectors"]}


# --- the trail ------------------------------------------------------------------------------


def test_one_trail_per_account_in_the_home_region_only(synthesized):
    assert [n for n in synthesized.built.stacks if "account-baseline" in n] == [f"dpp-prod-account-baseline-{ACCOUNT}-eu-west-1"]
    assert len(synthesized.template("account-baseline").find_resources("AWS::CloudTrail::Trail")) == 1
    for region in ("eu-west-1", "eu-central-1"):
        assert synthesized.template("collection", region).find_resources("AWS::CloudTrail::Trail") == {}


def test_trail_is_multi_region_validated_encrypted_and_streamed(synthesized):
    trail = only(synthesized.template("account-baseline"), "AWS::CloudTrail::Trail")["Properties"]
    assert trail["IsMultiRegionTrail"] is True
    assert trail["IncludeGlobalServiceEvents"] is True
    assert trail["EnableLogFileValidation"] is True
    assert trail["IsLogging"] is True
    assert trail["KMSKeyId"] == f"arn:aws:kms:eu-west-1:{ACCOUNT}:alias/dpp-prod/log-archive"
    assert (trail["S3BucketName"], trail["S3KeyPrefix"]) == (ARCHIVE, "cloudtrail")
    assert trail["CloudWatchLogsLogGroupArn"] == f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:/dpp/prod/cloudtrail:*"
    assert trail["InsightSelectors"] == [{"InsightType": "ApiCallRateInsight"}, {"InsightType": "ApiErrorRateInsight"}]


def test_trail_records_management_events_and_reads_of_the_archive(synthesized):
    trail = only(synthesized.template("account-baseline"), "AWS::CloudTrail::Trail")
    found = selectors(trail)
    assert found["Management events"] == [{"Field": "eventCategory", "Equals": ["Management"]}]
    assert found["Reads of the log archive"] == [
        {"Field": "eventCategory", "Equals": ["Data"]},
        {"Field": "readOnly", "Equals": ["true"]},
        {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
        {
            "Field": "resources.ARN",
            "StartsWith": [
                f"arn:aws:s3:::{ARCHIVE}/",
                f"arn:aws:s3:::dpp-prod-config-staging-{ACCOUNT}-eu-west-1/",
                f"arn:aws:s3:::dpp-prod-log-replica-{ACCOUNT}-eu-central-1/",
            ],
        },
    ]


def test_trail_delivery_role_may_only_write_to_its_log_group(synthesized):
    template = synthesized.template("account-baseline")
    policy = [p for k, p in template.find_resources("AWS::IAM::ManagedPolicy").items() if k.startswith("AccountTrailCloudWatchDeliveryPolicy")][0]
    assert policy["Properties"]["PolicyDocument"]["Statement"] == [
        {
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Effect": "Allow",
            "Resource": f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:/dpp/prod/cloudtrail:log-stream:*",
        }
    ]


def test_sensitive_buckets_get_data_events_and_switches_are_honoured():
    built = build_app(context_with(trail__sensitiveBuckets='["orders-exports", "customer-uploads"]', detection__guardDutyProtections__s3MalwareProtection=False))
    found = selectors(only(built.template("account-baseline"), "AWS::CloudTrail::Trail"))
    assert found["Objects of buckets holding Information"][-1] == {
        "Field": "resources.ARN",
        "StartsWith": ["arn:aws:s3:::orders-exports/", "arn:aws:s3:::customer-uploads/"],
    }
    quiet = build_app(context_with(trail__dataEvents="false", trail__insights="false"))
    trail = only(quiet.template("account-baseline"), "AWS::CloudTrail::Trail")
    # the canary's selector stays: a canary nobody logs is no canary
    assert list(selectors(trail)) == ["Management events", "Canary records"]
    assert "InsightSelectors" not in trail["Properties"]


# --- AWS Config -----------------------------------------------------------------------------


@pytest.mark.parametrize("region, global_types", [("eu-west-1", True), ("eu-central-1", False)])
def test_config_records_everything_and_global_types_once(synthesized, region, global_types):
    template = synthesized.template("collection", region)
    recorder = only(template, "AWS::Config::ConfigurationRecorder")["Properties"]
    assert recorder["RecordingGroup"] == {"AllSupported": True, "IncludeGlobalResourceTypes": global_types}
    assert recorder["RoleARN"] == f"arn:aws:iam::{ACCOUNT}:role/dpp-prod-config-recorder"
    channel = only(template, "AWS::Config::DeliveryChannel")["Properties"]
    assert channel["S3BucketName"] == f"dpp-prod-config-staging-{ACCOUNT}-eu-west-1"
    assert channel["S3KeyPrefix"] == "config"
    assert channel["ConfigSnapshotDeliveryProperties"] == {"DeliveryFrequency": "TwentyFour_Hours"}


def all_rules(template: Template) -> list[dict]:
    return list(template.find_resources("AWS::Config::ConfigRule").values())


def rule_identifiers(template: Template) -> dict[str, dict]:
    """Rules by managed-rule identifier; S3_BUCKET_LOGGING_ENABLED is scoped per bucket (below)."""
    return {r["Properties"]["Source"]["SourceIdentifier"]: r for r in all_rules(template) if r["Properties"]["Source"]["SourceIdentifier"] != "S3_BUCKET_LOGGING_ENABLED"}


# The workload's channels (DPP-LOG-8) in every covered region; CloudFront's only in us-east-1.
WORKLOAD_RULES = {
    "ELB_LOGGING_ENABLED",
    "API_GW_EXECUTION_LOGGING_ENABLED",
    "APIGATEWAY_STAGE_ACCESS_LOGS_ENABLED",
    "API_GWV2_ACCESS_LOGS_ENABLED",
    "WAFV2_LOGGING_ENABLED",
    "RDS_LOGGING_ENABLED",
}


def test_config_rules_watch_the_baseline_account_wide_checks_only_at_home(synthesized):
    home = rule_identifiers(synthesized.template("collection", "eu-west-1"))
    other = rule_identifiers(synthesized.template("collection", "eu-central-1"))
    regional = {"CW_LOGGROUP_RETENTION_PERIOD_CHECK", "VPC_FLOW_LOGS_ENABLED", "GUARDDUTY_ENABLED_CENTRALIZED", "SECURITYHUB_ENABLED"}
    account_wide = {
        "MULTI_REGION_CLOUD_TRAIL_ENABLED",
        "CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED",
        "CLOUD_TRAIL_ENCRYPTION_ENABLED",
        "CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED",
        "ROOT_ACCOUNT_MFA_ENABLED",
        "ACCESS_KEYS_ROTATED",
    }
    archive = {"S3_BUCKET_DEFAULT_LOCK_ENABLED"}  # where the archive lives (its access logging: below)
    assert set(home) == regional | account_wide | archive | WORKLOAD_RULES
    assert set(other) == regional | WORKLOAD_RULES
    archive_rules = [r for r in all_rules(synthesized.template("collection", "eu-west-1")) if r["Properties"].get("Scope", {}).get("ComplianceResourceId") == ARCHIVE]
    assert {r["Properties"]["Source"]["SourceIdentifier"] for r in archive_rules} == {"S3_BUCKET_LOGGING_ENABLED", "S3_BUCKET_DEFAULT_LOCK_ENABLED"}
    assert all(r["Properties"]["Scope"]["ComplianceResourceTypes"] == ["AWS::S3::Bucket"] for r in archive_rules)
    assert home["S3_BUCKET_DEFAULT_LOCK_ENABLED"]["Properties"]["InputParameters"] == {"mode": "COMPLIANCE"}
    assert home["CW_LOGGROUP_RETENTION_PERIOD_CHECK"]["Properties"]["InputParameters"] == {"MinRetentionTime": "365"}
    assert home["VPC_FLOW_LOGS_ENABLED"]["Properties"]["InputParameters"] == {"trafficType": "ALL"}
    recorder_id = next(iter(synthesized.template("collection", "eu-west-1").find_resources("AWS::Config::ConfigurationRecorder")))
    assert all(recorder_id in r.get("DependsOn", []) for r in all_rules(synthesized.template("collection", "eu-west-1"))), "rules need the recorder first"


def test_config_role_is_created_once_with_narrow_delivery_rights(synthesized):
    template = synthesized.template("account-baseline")
    roles = {k: v for k, v in template.find_resources("AWS::IAM::Role").items() if k.startswith("ConfigRecorderRole")}
    (config_role,) = roles.values()
    assert config_role["Properties"]["RoleName"] == "dpp-prod-config-recorder"
    statements = [p for k, p in template.find_resources("AWS::IAM::ManagedPolicy").items() if k.startswith("ConfigRecorderRoleDeliveryPolicy")][0]["Properties"]["PolicyDocument"]["Statement"]
    put = [s for s in statements if s["Action"] == ["s3:PutObject", "s3:PutObjectAcl"]][0]
    assert put["Resource"] == f"arn:aws:s3:::dpp-prod-config-staging-{ACCOUNT}-eu-west-1/config/AWSLogs/{ACCOUNT}/*"
    for region in ("eu-west-1", "eu-central-1"):
        assert not [k for k in synthesized.template("collection", region).find_resources("AWS::IAM::Role") if k.startswith("ConfigRecorderRole")]


# --- flow logs and DNS query logs -----------------------------------------------------------


def test_flow_log_format_carries_every_field_the_dpp_names():
    for field in ("srcaddr", "dstaddr", "srcport", "dstport", "action", "flow-direction", "account-id", "interface-id", "start", "end", "tcp-flags"):
        assert field in FLOW_LOG_FIELDS
    assert FLOW_LOG_FORMAT.startswith("${version} ${account-id}")


@pytest.fixture(scope="module")
def with_vpcs():
    context = cdk_json_context()
    context["dpp"]["accounts"][0]["vpcs"] = [
        {"id": "vpc-0123456789abcdef0", "region": "eu-west-1"},
        {"id": "vpc-0fedcba9876543210", "region": "eu-central-1"},
    ]
    context["dpp:collection.flowLogsToCloudWatch"] = "true"
    return build_app(context)


def test_named_vpcs_get_all_traffic_flow_logs_to_the_archive_as_hourly_parquet(with_vpcs):
    template = with_vpcs.template("collection", "eu-west-1")
    logs = {v["Properties"]["LogDestinationType"]: v["Properties"] for v in template.find_resources("AWS::EC2::FlowLog").values()}
    s3_log = logs["s3"]
    assert s3_log["ResourceId"] == "vpc-0123456789abcdef0" and s3_log["ResourceType"] == "VPC"
    assert s3_log["TrafficType"] == "ALL"
    assert s3_log["LogDestination"] == f"arn:aws:s3:::{ARCHIVE}/vpc-flow-logs"
    assert s3_log["LogFormat"] == FLOW_LOG_FORMAT
    assert s3_log["DestinationOptions"] == {"FileFormat": "parquet", "HiveCompatiblePartitions": False, "PerHourPartition": True}
    assert s3_log["MaxAggregationInterval"] == 600
    cw_log = logs["cloud-watch-logs"]
    assert cw_log["LogDestination"] == f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:/dpp/prod/vpc-flow-logs"
    assert cw_log["TrafficType"] == "ALL"


def test_named_vpcs_are_associated_with_dns_query_logging(with_vpcs):
    template = with_vpcs.template("collection", "eu-central-1")
    config = only(template, "AWS::Route53Resolver::ResolverQueryLoggingConfig")["Properties"]
    # Outside the home region the region's intake (Resolver writes in its own region only).
    assert config["DestinationArn"] == f"arn:aws:s3:::dpp-prod-log-intake-{ACCOUNT}-eu-central-1/dns-query-logs"
    association = only(template, "AWS::Route53Resolver::ResolverQueryLoggingConfigAssociation")["Properties"]
    assert association["ResourceId"] == "vpc-0fedcba9876543210"


def test_every_other_vpc_is_covered_by_the_enforcer(synthesized):
    template = synthesized.template("collection", "eu-central-1")
    function = only(template, "AWS::Lambda::Function", "FlowLogEnforcer")["Properties"]
    assert function["FunctionName"] == "dpp-prod-flow-log-enforcer"
    assert function["Runtime"].startswith("python3.")
    assert "ReservedConcurrentExecutions" not in function  # quota-10 accounts refuse any reservation
    assert function["LoggingConfig"] == {
        "ApplicationLogLevel": "INFO",
        "LogFormat": "JSON",
        "LogGroup": "/aws/lambda/dpp-prod-flow-log-enforcer",
        "SystemLogLevel": "WARN",
    }
    assert "DeadLetterConfig" in function
    env = function["Environment"]["Variables"]
    assert json.loads(env["FLOW_LOG_DESTINATIONS"]) == [{"kind": "s3", "arn": f"arn:aws:s3:::dpp-prod-log-intake-{ACCOUNT}-eu-central-1/vpc-flow-logs"}]
    assert env["FLOW_LOG_FORMAT"] == FLOW_LOG_FORMAT
    assert env["RESOLVER_QUERY_LOG_CONFIG_ID"] == {"Fn::GetAtt": [next(iter(template.find_resources("AWS::Route53Resolver::ResolverQueryLoggingConfig"))), "Id"]}
    invoke = only(template, "AWS::Lambda::EventInvokeConfig", "FlowLogEnforcer")["Properties"]
    assert invoke["MaximumRetryAttempts"] == 2
    queue = only(template, "AWS::SQS::Queue", "FlowLogEnforcer")["Properties"]
    assert queue["KmsMasterKeyId"] == QUEUE_KEY


def test_enforcer_runs_on_create_vpc_and_daily(synthesized):
    rules = {k: r for k, r in synthesized.template("collection", "eu-west-1").find_resources("AWS::Events::Rule").items() if k.startswith("FlowLogEnforcer")}
    patterns = [r["Properties"]["EventPattern"] for r in rules.values() if "EventPattern" in r["Properties"]]
    schedules = [r["Properties"]["ScheduleExpression"] for r in rules.values() if "ScheduleExpression" in r["Properties"]]
    assert schedules == ["rate(1 day)"]
    (pattern,) = patterns
    assert matches(pattern, json.loads((EVENTS / "cloudtrail-create-vpc.json").read_text()))
    assert not matches(pattern, json.loads((EVENTS / "cloudtrail-create-subnet.json").read_text()))


def test_enforcer_role_is_least_privilege(with_vpcs):
    template = with_vpcs.template("collection", "eu-west-1")
    policy = [p for k, p in template.find_resources("AWS::IAM::ManagedPolicy").items() if k.startswith("FlowLogEnforcerPolicy")][0]
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    by_action = {}
    for s in statements:
        for action in s["Action"] if isinstance(s["Action"], list) else [s["Action"]]:
            by_action[action] = s
    assert set(by_action) == {
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "ec2:DescribeVpcs",
        "ec2:DescribeFlowLogs",
        "ec2:CreateFlowLogs",
        "ec2:CreateTags",
        "logs:CreateLogDelivery",
        "logs:DeleteLogDelivery",
        "sqs:SendMessage",
        "kms:GenerateDataKey",
        "kms:Decrypt",
        "route53resolver:AssociateResolverQueryLogConfig",
        "route53resolver:ListResolverQueryLogConfigAssociations",
        "iam:PassRole",
    }
    assert by_action["ec2:CreateTags"]["Condition"] == {"StringEquals": {"ec2:CreateAction": "CreateFlowLogs"}}
    assert by_action["iam:PassRole"]["Condition"] == {"StringEquals": {"iam:PassedToService": "vpc-flow-logs.amazonaws.com"}}
    assert set(by_action["ec2:CreateFlowLogs"]["Resource"]) == {f"arn:aws:ec2:eu-west-1:{ACCOUNT}:vpc/*", f"arn:aws:ec2:eu-west-1:{ACCOUNT}:vpc-flow-log/*"}
    role = [r for k, r in template.find_resources("AWS::IAM::Role").items() if k.startswith("FlowLogEnforcerRole")][0]
    assert "Policies" not in role["Properties"], "no inline policies"


def test_flow_logs_switched_off_removes_flow_logs_and_enforcer():
    built = build_app(context_with(features__flowLogs="false"))
    template = built.template("collection", "eu-west-1")
    assert [r["Properties"]["FunctionName"] for r in template.find_resources("AWS::Lambda::Function").values()] == ["dpp-prod-log-forwarder"]
    assert template.find_resources("AWS::EC2::FlowLog") == {}


# --- the monitoring foundation --------------------------------------------------------------


def test_log_groups_are_encrypted_retained_masked_and_kept_a_year(synthesized):
    template = synthesized.template("monitoring-foundation", "eu-west-1")
    key_id = next(iter(template.find_resources("AWS::KMS::Key")))
    groups = template.find_resources("AWS::Logs::LogGroup")
    assert {g["Properties"]["LogGroupName"] for g in groups.values()} == {
        "/dpp/prod/cloudtrail",
        "/aws/lambda/dpp-prod-flow-log-enforcer",
        "/aws/lambda/dpp-prod-log-forwarder",
        "/aws/lambda/dpp-prod-canary-writer",
        "/aws/lambda/dpp-prod-chat-relay",
        "/aws/lambda/dpp-prod-security-contact",
        "/aws/lambda/dpp-prod-review-digest",
        "/aws/lambda/dpp-prod-archive-key-lookup",
        "/aws/lambda/dpp-prod-responder",
        "/dpp/prod/data-protection-findings",
        "/aws/lambda/dpp-prod-drill-runner",
        "/aws/lambda/dpp-prod-drill-checker",
        "/dpp/prod/drill-control-change",  # empty: the control-change drill changes its retention and reverts it
    }
    for group in groups.values():
        props = group["Properties"]
        assert props["RetentionInDays"] == 365
        assert props["KmsKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
        assert props["DeletionProtectionEnabled"] is True
        assert group["DeletionPolicy"] == "Retain" and group["UpdateReplacePolicy"] == "Retain"
        identifiers = json.dumps(props["DataProtectionPolicy"])
        for pii in ("EmailAddress", "IpAddress", "Name", "Address", "LatLong"):
            assert f"data-identifier/{pii}" in identifiers, pii
    # the trail's group exists only at home
    other = synthesized.template("monitoring-foundation", "eu-central-1").find_resources("AWS::Logs::LogGroup")
    assert {g["Properties"]["LogGroupName"] for g in other.values()} == {
        "/aws/lambda/dpp-prod-flow-log-enforcer",
        "/aws/lambda/dpp-prod-log-forwarder",
        "/aws/lambda/dpp-prod-chat-relay",
        "/aws/lambda/dpp-prod-archive-key-lookup",
        "/aws/lambda/dpp-prod-responder",
        "/dpp/prod/data-protection-findings",
    }


def test_monitoring_key_admits_cloudwatch_logs_for_this_account_and_region_only(synthesized):
    template = synthesized.template("monitoring-foundation", "eu-central-1")
    key = only(template, "AWS::KMS::Key")
    assert key["Properties"]["EnableKeyRotation"] is True
    statement = [s for s in key["Properties"]["KeyPolicy"]["Statement"] if s.get("Sid") == "CloudWatchLogsEncryptsThisAccountsLogGroups"][0]
    assert statement["Principal"] == {"Service": "logs.eu-central-1.amazonaws.com"}
    assert statement["Condition"] == {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:eu-central-1:{ACCOUNT}:log-group:*"}}


def test_retention_of_400_days_reaches_log_groups():
    built = build_app(context_with(retentionDays="400"))
    for group in built.template("monitoring-foundation", "eu-west-1").find_resources("AWS::Logs::LogGroup").values():
        assert group["Properties"]["RetentionInDays"] == 400


def test_retention_between_cloudwatch_values_rounds_up():
    from capabilities.foundation import cloudwatch_retention_days

    assert cloudwatch_retention_days(365) == 365
    assert cloudwatch_retention_days(366) == 400
    assert cloudwatch_retention_days(500) == 545


PINNED_FOUNDATION = {
    "MonitoringKey5CE44490",
    "TrailLogGroup7A1F916A",
    "FlowLogEnforcerLogGroupCF94F4BD",
    "CanaryWriterLogGroup195ACBD9",
    "CanaryBucketD8677C56",
    "ChatRelayLogGroup0B49C877",
    "SecurityContactLogGroup505A0B83",
    "ReviewDigestLogGroup67F9628A",
    "ArchiveKeyLookupLogGroupA069D8EB",
    "ResponderLogGroupC9AC0688",
    "DataProtectionFindingsLogGroup4222BB4D",
    "DrillRunnerLogGroup851D0251",
    "DrillCheckerLogGroupFEF9FA98",
    "DrillControlChangeLogGroup7B279BE1",
    "WorkloadLogBucketDABD8C88",
    "WorkloadLogBucketAccessLogBucket2EA996ED",
    "LogForwarderLogGroup24B6CBD6",
}


def test_foundation_logical_ids_are_pinned(synthesized):
    template = synthesized.template("monitoring-foundation", "eu-west-1")
    stateful = {**template.find_resources("AWS::KMS::Key"), **template.find_resources("AWS::Logs::LogGroup"), **template.find_resources("AWS::S3::Bucket")}
    assert set(stateful) == PINNED_FOUNDATION
    for logical_id, resource in stateful.items():
        assert resource["DeletionPolicy"] == "Retain" and resource["UpdateReplacePolicy"] == "Retain", logical_id
