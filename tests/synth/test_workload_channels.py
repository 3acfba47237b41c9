"""The workload's own log channels at run time (DPP-LOG-8, DPP-LOG-1.b, DPP-LOG-7, DPP-PII-1.a,
DPP-PII-2): Config rules on what was not built with this CDK, their non-compliance routed, the
account-wide data protection policy, and trail data events for tables and functions."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from capabilities.alerting import event_routes
from capabilities.config_recorder.baseline_rules import CLOUDFRONT_REGION, baseline_rules, workload_rules
from capabilities.foundation.log_group import cloudwatch_retention_days
from capabilities.workload_logs import marketplace_identifiers
from configuration import ConfigError, load_config
from configuration.model import MARKETPLACES
from configuration.regions import COMMERCIAL_REGIONS
from tests.eventbridge_matcher import matches
from tests.lambdas.handlers import load_handler
from tests.support import build_app, cdk_json_context

ACCOUNT = "111122223333"
ROOT = Path(__file__).resolve().parents[2]
EVENTS = ROOT / "tests" / "events" / "detection"
TABLE = f"arn:aws:dynamodb:eu-west-1:{ACCOUNT}:table/orders"
FUNCTION = f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:orders-api"
REGIONS = ("eu-west-1", "eu-central-1", "us-east-1")


@pytest.fixture(scope="module")
def workload():
    """The example with marketplaces, data event resources and us-east-1 covered (CloudFront's
    rule lives there)."""
    context = cdk_json_context()
    dpp = context["dpp"]
    dpp["regions"] = list(REGIONS)
    dpp["workload"] = {"marketplaces": ["UK", "DE", "US"]}
    dpp["trail"]["dataEventTables"] = [TABLE]
    dpp["trail"]["dataEventFunctions"] = [FUNCTION]
    return build_app(context)


def config_rules(template) -> list[dict]:
    return [r["Properties"] for r in template.find_resources("AWS::Config::ConfigRule").values()]


def identifiers(template) -> set[str]:
    return {r["Source"]["SourceIdentifier"] for r in config_rules(template) if r["Source"]["Owner"] == "AWS"}


# --- Config rules ---------------------------------------------------------------------------


@pytest.mark.parametrize("region", REGIONS)
def test_every_covered_region_checks_load_balancer_api_gateway_waf_and_rds_logging(workload, region):
    found = identifiers(workload.template("collection", region))
    assert {
        "ELB_LOGGING_ENABLED",
        "API_GW_EXECUTION_LOGGING_ENABLED",
        "APIGATEWAY_STAGE_ACCESS_LOGS_ENABLED",
        "API_GWV2_ACCESS_LOGS_ENABLED",
        "WAFV2_LOGGING_ENABLED",
        "RDS_LOGGING_ENABLED",
        "CW_LOGGROUP_RETENTION_PERIOD_CHECK",
    } <= found
    # CloudFront distributions are recorded and evaluated in us-east-1 only, by the project's
    # custom rule (AWS's managed one recognises legacy logging only).
    assert "CLOUDFRONT_ACCESSLOGS_ENABLED" not in found
    custom = [r for r in config_rules(workload.template("collection", region)) if r["Source"]["Owner"] == "CUSTOM_LAMBDA"]
    assert [r["Scope"]["ComplianceResourceTypes"] for r in custom] == ([["AWS::CloudFront::Distribution"]] if region == CLOUDFRONT_REGION else [])


def _cloudfront_rule(workload) -> tuple[dict, dict]:
    template = workload.template("collection", CLOUDFRONT_REGION)
    [(_, rule)] = [(k, r) for k, r in template.find_resources("AWS::Config::ConfigRule").items() if r["Properties"]["Source"]["Owner"] == "CUSTOM_LAMBDA"]
    return template.to_json()["Resources"], rule


def test_the_cloudfront_rule_runs_on_every_change_and_every_six_hours_with_permission_from_this_accounts_config(workload):
    """Custom Lambda rule triggers and the invoke permission
    (https://docs.aws.amazon.com/config/latest/APIReference/API_SourceDetail.html; the
    restricted permission of
    https://docs.aws.amazon.com/config/latest/developerguide/evaluate-config_develop-rules_nodejs.html#restricted-lambda-policy)."""
    resources, rule = _cloudfront_rule(workload)
    source = rule["Properties"]["Source"]
    assert {(d["MessageType"], d.get("MaximumExecutionFrequency")) for d in source["SourceDetails"]} == {
        ("ConfigurationItemChangeNotification", None),
        ("OversizedConfigurationItemChangeNotification", None),
        ("ScheduledNotification", "Six_Hours"),
    }
    function_id = source["SourceIdentifier"]["Fn::GetAtt"][0]
    function = resources[function_id]["Properties"]
    assert function["FunctionName"] == "dpp-prod-cloudfront-logging-check"
    [permission] = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::Lambda::Permission" and r["Properties"]["FunctionName"] == {"Fn::GetAtt": [function_id, "Arn"]}]
    assert permission["Principal"] == "config.amazonaws.com" and permission["SourceAccount"] == ACCOUNT
    # Its log group is kept in the stateful foundation stack of the same account and region.
    groups = workload.template("monitoring-foundation", CLOUDFRONT_REGION).find_resources("AWS::Logs::LogGroup")
    assert "/aws/lambda/dpp-prod-cloudfront-logging-check" in {g["Properties"]["LogGroupName"] for g in groups.values()}


def test_the_cloudfront_rule_accepts_v2_into_the_cloudfront_prefix_of_the_accounts_workload_buckets_only(workload):
    """The synthesized parameters, read by the function itself: the forwarder copies the
    ``cloudfront/`` prefix of each covered region's workload log bucket into the archive."""
    _, rule = _cloudfront_rule(workload)
    acceptance = load_handler("cloudfront_logging_rule").Acceptance.from_parameters(json.dumps(rule["Properties"]["InputParameters"]), ACCOUNT)
    for region in REGIONS:
        assert acceptance.accepts(f"arn:aws:s3:::aws-waf-logs-dpp-prod-workload-{ACCOUNT}-{region}/cloudfront")
        assert not acceptance.accepts(f"arn:aws:s3:::aws-waf-logs-dpp-prod-workload-{ACCOUNT}-{region}/alb")
        assert not acceptance.accepts(f"arn:aws:s3:::aws-waf-logs-dpp-prod-workload-444455556666-{region}/cloudfront")
    assert not acceptance.accepts(f"arn:aws:s3:::aws-waf-logs-dpp-prod-workload-{ACCOUNT}-ap-south-1/cloudfront")  # not covered: no bucket
    assert acceptance.accepts(f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/cdn/access")  # the account-wide export is on
    assert not acceptance.accepts(f"arn:aws:firehose:us-east-1:{ACCOUNT}:deliverystream/cdn")


def test_the_cloudfront_rules_function_may_make_exactly_the_calls_it_makes(workload):
    """Each SDK call in the function's code, named by botocore's service models and turned into
    its IAM action (tests/access/test_sdk_calls.py), is granted, and nothing more: the account
    rule's function makes no calls of the organization's (assuming members' roles, counting the
    accounts it could not evaluate)."""
    from tests.access.test_sdk_calls import package_actions

    resources, rule = _cloudfront_rule(workload)
    called = package_actions("cloudfront_logging_rule") - {"sts:AssumeRole", "cloudwatch:PutMetricData"}
    policies = [r["Properties"] for k, r in resources.items() if r["Type"] == "AWS::IAM::ManagedPolicy" and "CloudFrontAccessLogs" in k]
    granted = {a for p in policies for s in p["PolicyDocument"]["Statement"] for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])}
    assert granted - {"logs:CreateLogStream", "logs:PutLogEvents"} == called
    assert {"logs:DescribeDeliverySources", "logs:DescribeDeliveries", "logs:DescribeDeliveryDestinations", "cloudfront:GetDistributionConfig"} <= called


def test_the_cloudfront_rule_accepts_any_destination_where_the_baseline_has_no_workload_bucket():
    """Like AWS's managed rule: with no workload log buckets there is no destination to require."""
    from stacks.collection_stack import cloudfront_check

    config = load_config(cdk_json_context())
    parameters = cloudfront_check(config, workload_buckets=False).parameters
    acceptance = load_handler("cloudfront_logging_rule").Acceptance.from_parameters(json.dumps(parameters), ACCOUNT)
    assert acceptance.any_destination and acceptance.accepts("arn:aws:s3:::team-cdn-logs")


def test_rule_parameters_are_the_strict_ones(workload):
    rules = {r["Source"]["SourceIdentifier"]: r for r in config_rules(workload.template("collection", "eu-central-1"))}
    # Execution logging at ERROR or INFO only (OFF fails); log groups kept at least 365 days.
    assert rules["API_GW_EXECUTION_LOGGING_ENABLED"]["InputParameters"] == {"loggingLevel": "ERROR,INFO"}
    assert rules["CW_LOGGROUP_RETENTION_PERIOD_CHECK"]["InputParameters"] == {"MinRetentionTime": "365"}
    # https://docs.aws.amazon.com/config/latest/developerguide/elb-logging-enabled.html: s3BucketNames
    # names the workload log bucket, so access logs into any other bucket are NON_COMPLIANT.
    assert rules["ELB_LOGGING_ENABLED"]["InputParameters"] == {"s3BucketNames": f"aws-waf-logs-dpp-prod-workload-{ACCOUNT}-eu-central-1"}


@pytest.mark.parametrize("region", REGIONS)
def test_each_sensitive_bucket_must_have_server_access_logs(workload, region):
    scoped = [r for r in config_rules(workload.template("collection", region)) if r["Source"]["SourceIdentifier"] == "S3_BUCKET_LOGGING_ENABLED"]
    sensitive = [r for r in scoped if r["Scope"]["ComplianceResourceId"] == "sp-api-orders-111122223333"]
    assert len(sensitive) == 1 and sensitive[0]["Scope"]["ComplianceResourceTypes"] == ["AWS::S3::Bucket"]


def test_a_rule_is_left_out_where_aws_does_not_offer_it():
    rules = {r.identifier: r for r in workload_rules()}
    # https://docs.aws.amazon.com/config/latest/developerguide/api-gwv2-access-logs-enabled.html
    assert not rules["API_GWV2_ACCESS_LOGS_ENABLED"].applies("eu-central-2", is_home_region=False)
    assert rules["API_GWV2_ACCESS_LOGS_ENABLED"].applies("eu-west-1", is_home_region=False)
    assert not rules["CLOUDFRONT_ACCESSLOGS_ENABLED"].applies("eu-west-1", is_home_region=True)
    assert rules["CLOUDFRONT_ACCESSLOGS_ENABLED"].custom  # an account's own stacks: the project's rule
    for rule in baseline_rules(365, ("bucket-a",)):
        assert rule.unavailable_in <= COMMERCIAL_REGIONS, f"{rule.id} names an unknown region"


def test_non_compliance_of_a_workload_rule_reaches_the_high_topic_and_compliance_does_not():
    """A real Config Rules Compliance Change event, shaped as AWS documents it
    (https://docs.aws.amazon.com/config/latest/developerguide/monitor-config-with-cloudwatchevents.html),
    for a load balancer whose access logs were switched off; the near miss is its return to
    COMPLIANT."""
    routes = {r.id: r for r in event_routes(load_config(cdk_json_context()))}
    event = json.loads((EVENTS / "config-compliance-change-elb-logging.json").read_text())
    assert [i for i, r in routes.items() if matches(r.pattern, event)] == ["ConfigNonCompliant"]
    assert routes["ConfigNonCompliant"].severity.value == "high"
    fixed = copy.deepcopy(event)
    fixed["detail"]["newEvaluationResult"]["complianceType"] = "COMPLIANT"
    fixed["detail"]["oldEvaluationResult"]["complianceType"] = "NON_COMPLIANT"
    assert [i for i, r in routes.items() if matches(r.pattern, fixed)] == []


# --- data protection ------------------------------------------------------------------------


@pytest.mark.parametrize("region", REGIONS)
def test_every_log_group_of_the_account_is_masked_for_the_marketplaces(workload, region):
    (props,) = [p["Properties"] for p in workload.template("collection", region).find_resources("AWS::Logs::AccountPolicy").values() if p["Properties"]["PolicyType"] == "DATA_PROTECTION_POLICY"]
    assert (props["PolicyType"], props["Scope"]) == ("DATA_PROTECTION_POLICY", "ALL")
    document = json.loads(props["PolicyDocument"])
    audit, redact = document["Statement"]
    assert audit["DataIdentifier"] == redact["DataIdentifier"], "PutAccountPolicy requires the same identifiers in both"
    assert redact["Operation"] == {"Deidentify": {"MaskConfig": {}}}
    names = {arn.rsplit("/", 1)[1] for arn in audit["DataIdentifier"]}
    assert {"Name", "Address", "EmailAddress", "PhoneNumber-GB", "PhoneNumber-DE", "PhoneNumber-US", "NationalInsuranceNumber-GB", "TaxId-DE", "Ssn-US"} <= names
    assert not names & {"PhoneNumber-FR", "Ssn-ES"}, "only the configured marketplaces' countries"
    assert all(arn.startswith("arn:aws:dataprotection::aws:data-identifier/") for arn in audit["DataIdentifier"])
    # Findings go to a log group of this account and region that is itself kept and encrypted.
    group_name = audit["Operation"]["Audit"]["FindingsDestination"]["CloudWatchLogs"]["LogGroup"]
    groups = [g["Properties"] for g in workload.template("monitoring-foundation", region).find_resources("AWS::Logs::LogGroup").values()]
    (group,) = [g for g in groups if g.get("LogGroupName") == group_name]
    assert group["RetentionInDays"] >= cloudwatch_retention_days(365)
    assert group["KmsKeyId"] and group["DeletionProtectionEnabled"] is True


def test_country_identifiers_exist_for_each_country_cloudwatch_offers():
    assert "PhoneNumber-GB" in marketplace_identifiers(("UK",)), "Amazon's UK is ISO's GB"
    assert "CpfCode-BR" in marketplace_identifiers(("BR",))
    # Japan has no country-specific identifier: the global ones still apply.
    assert marketplace_identifiers(("JP",)) == marketplace_identifiers(())
    assert "Name" in marketplace_identifiers(())


def test_masking_can_be_switched_off_and_marketplaces_are_validated():
    context = cdk_json_context()
    context["dpp"]["workload"] = {"maskLogData": False}
    assert not load_config(context).workload.mask_log_data
    context["dpp"]["workload"] = {"marketplaces": ["GB"]}
    with pytest.raises(ConfigError) as error:
        load_config(context)
    assert "dpp.workload.marketplaces[0]" in str(error.value) and "UK" in str(error.value)
    assert set(MARKETPLACES) >= {"US", "UK", "DE", "JP"}


# --- trail data events ----------------------------------------------------------------------


def selectors(template) -> dict[str, list[dict]]:
    (trail,) = template.find_resources("AWS::CloudTrail::Trail").values()
    return {s["Name"]: s["FieldSelectors"] for s in trail["Properties"]["AdvancedEventSelectors"]}


def test_trail_logs_item_calls_on_configured_tables_and_invocations_of_configured_functions(workload):
    found = selectors(workload.template("account-baseline"))
    assert found["Items of DynamoDB tables holding Information"] == [
        {"Field": "eventCategory", "Equals": ["Data"]},
        {"Field": "resources.type", "Equals": ["AWS::DynamoDB::Table"]},
        {"Field": "resources.ARN", "Equals": [TABLE]},
    ]
    assert found["Invocations of Lambda functions serving Information"][-1] == {"Field": "resources.ARN", "Equals": [FUNCTION]}
    assert found["Invocations of versions and aliases of those functions"][-1] == {"Field": "resources.ARN", "StartsWith": [f"{FUNCTION}:"]}
    assert {"Field": "resources.type", "Equals": ["AWS::Lambda::Function"]} in found["Invocations of Lambda functions serving Information"]


def test_no_table_or_function_selectors_unless_configured(synthesized):
    found = selectors(synthesized.template("account-baseline"))
    assert not [n for n in found if "DynamoDB" in n or "Lambda" in n]


@pytest.mark.parametrize(
    "key, value, words",
    [
        ("dataEventTables", ["orders"], "dpp.trail.dataEventTables[0]"),
        ("dataEventFunctions", [f"{FUNCTION}:live"], "no version or alias"),
        ("dataEventFunctions", [f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:f{i}" for i in range(230)], "500"),
    ],
)
def test_data_event_resources_are_validated(key, value, words):
    context = cdk_json_context()
    context["dpp"]["trail"][key] = value
    with pytest.raises(ConfigError) as error:
        load_config(context)
    assert words in str(error.value)


# --- every log group into the archive -------------------------------------------------------


def only(template, cfn_type: str) -> dict:
    found = list(template.find_resources(cfn_type).values())
    assert len(found) == 1, f"expected one {cfn_type}, found {len(found)}"
    return found[0]


def subscription_policy(template) -> dict:
    (policy,) = [p for p in template.find_resources("AWS::Logs::AccountPolicy").values() if p["Properties"]["PolicyType"] == "SUBSCRIPTION_FILTER_POLICY"]
    return policy["Properties"]


@pytest.mark.parametrize("region, bucket", [("eu-west-1", f"dpp-prod-config-staging-{ACCOUNT}-eu-west-1"), ("eu-central-1", f"dpp-prod-log-intake-{ACCOUNT}-eu-central-1")])
def test_every_log_group_streams_through_firehose_into_the_archive_layout(synthesized, region, bucket):
    template = synthesized.template("collection", region)
    stream = only(template, "AWS::KinesisFirehose::DeliveryStream")["Properties"]
    assert stream["DeliveryStreamType"] == "DirectPut"
    s3 = stream["ExtendedS3DestinationConfiguration"]
    # The layout every reader of the archive relies on (brief layouts.md).
    assert s3["BucketARN"] == f"arn:aws:s3:::{bucket}"
    assert s3["Prefix"] == f"cloudwatch-logs/{ACCOUNT}/{region}/!{{timestamp:yyyy}}/!{{timestamp:MM}}/!{{timestamp:dd}}/!{{timestamp:HH}}/"
    assert s3["ErrorOutputPrefix"].startswith(f"cloudwatch-logs-errors/{ACCOUNT}/{region}/!{{firehose:error-output-type}}/")
    assert s3["RoleARN"] == {"Fn::GetAtt": [next(k for k in template.find_resources("AWS::IAM::Role") if k.startswith("AccountLogExportDeliveryRole")), "Arn"]}
    processors = [p["Type"] for p in s3["ProcessingConfiguration"]["Processors"]]
    assert s3["ProcessingConfiguration"]["Enabled"] is True and processors == ["Decompression", "AppendDelimiterToRecord"], "JSON envelopes, one per line"
    assert s3["CompressionFormat"] == "GZIP"
    assert s3["EncryptionConfiguration"] == {"NoEncryptionConfig": "NoEncryption"}, "the bucket's KMS default, which its encryption deny admits"
    assert stream["DeliveryStreamEncryptionConfigurationInput"] == {"KeyType": "AWS_OWNED_CMK"}
    policy = subscription_policy(template)
    assert policy["Scope"] == "ALL"
    document = json.loads(policy["PolicyDocument"])
    assert document["DestinationArn"] == f"arn:aws:firehose:{region}:{ACCOUNT}:deliverystream/dpp-prod-log-export"
    assert document["RoleArn"] == f"arn:aws:iam::{ACCOUNT}:role/dpp-prod-log-subscription-{region}"
    assert document["FilterPattern"] == "", "every event"


def test_groups_already_archived_are_left_out_and_nothing_else(synthesized):
    home = subscription_policy(synthesized.template("collection", "eu-west-1"))
    assert home["SelectionCriteria"] == 'LogGroupName NOT IN ["/dpp/prod/cloudtrail"]', "CloudTrail delivers the same events to cloudtrail/"
    assert "SelectionCriteria" not in subscription_policy(synthesized.template("collection", "eu-central-1"))


def test_the_flow_log_group_is_left_out_when_flow_logs_also_go_to_cloudwatch():
    from stacks.collection_stack import already_archived_log_groups

    context = cdk_json_context()
    context["dpp"]["collection"] = {"flowLogsToCloudWatch": True}
    config = load_config(context)
    assert already_archived_log_groups(config, ACCOUNT, "eu-central-1") == ["/dpp/prod/vpc-flow-logs"]
    assert already_archived_log_groups(config, ACCOUNT, "eu-west-1") == ["/dpp/prod/cloudtrail", "/dpp/prod/vpc-flow-logs"]


def test_selection_criteria_keep_to_the_api_limit():
    from capabilities.workload_logs import selection_criteria

    assert selection_criteria([]) is None
    assert selection_criteria(["b", "a"]) == 'LogGroupName NOT IN ["a", "b"]'
    with pytest.raises(ValueError):
        selection_criteria([f"g{i}" for i in range(51)])


def test_cloudwatch_logs_and_firehose_roles_trust_only_this_account(synthesized):
    template = synthesized.template("collection", "eu-central-1")
    roles = {r["Properties"]["RoleName"]: r["Properties"] for r in template.find_resources("AWS::IAM::Role").values() if "RoleName" in r["Properties"]}
    (logs_trust,) = roles["dpp-prod-log-subscription-eu-central-1"]["AssumeRolePolicyDocument"]["Statement"]
    assert logs_trust["Principal"] == {"Service": "logs.amazonaws.com"}
    assert logs_trust["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}, "ArnLike": {"aws:SourceArn": f"arn:aws:logs:eu-central-1:{ACCOUNT}:*"}}
    (firehose_trust,) = roles["dpp-prod-log-export-eu-central-1"]["AssumeRolePolicyDocument"]["Statement"]
    assert firehose_trust["Condition"] == {"StringEquals": {"sts:ExternalId": ACCOUNT}}


def test_the_intake_exists_for_the_export_even_without_flow_or_dns_logs():
    context = cdk_json_context()
    context["dpp"]["features"].update({"flowLogs": False, "dnsQueryLogs": False})
    assert load_config(context).intake_regions == ("eu-central-1",)
    context["dpp"]["workload"] = {"exportLogGroups": False}
    # The workload log buckets' forwarder copies into the intake too.
    assert load_config(context).intake_regions == ("eu-central-1",)
    context["dpp"]["workload"] = {"exportLogGroups": False, "logBuckets": False}
    assert load_config(context).intake_regions == ()


def test_staging_and_intake_admit_the_export_only_under_its_own_prefixes(synthesized):
    for kind, region, bucket in (("log-archive", "eu-west-1", f"dpp-prod-config-staging-{ACCOUNT}-eu-west-1"), ("log-intake", "eu-central-1", f"dpp-prod-log-intake-{ACCOUNT}-eu-central-1")):
        policies = synthesized.template(kind, region).find_resources("AWS::S3::BucketPolicy").values()
        statements = [s for p in policies for s in p["Properties"]["PolicyDocument"]["Statement"] if s.get("Sid") == "LogExportRolesWriteOwnPrefix"]
        (write,) = statements
        assert write["Condition"] == {"ArnLike": {"aws:PrincipalArn": [f"arn:aws:iam::{ACCOUNT}:role/dpp-prod-log-export-*"]}}
        assert write["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "the covered account, pinned to its export roles"
        # Each resource is the bucket's own ARN (a reference) joined to one prefix.
        suffixes = sorted(r["Fn::Join"][1][-1] for r in write["Resource"])
        assert suffixes == [f"/cloudwatch-logs-errors/{ACCOUNT}/*", f"/cloudwatch-logs/{ACCOUNT}/*"], bucket
        assert set(write["Action"]) == {"s3:PutObject", "s3:AbortMultipartUpload"}


def test_a_failed_cloudfront_check_alarms_in_us_east_1_of_every_monitored_account_with_its_investigation(workload):
    from capabilities.alarms.catalogue import alarm_specs
    from capabilities.investigation.queries import alarm_queries

    [spec] = [s for s in alarm_specs(workload.config) if s.id == "CloudFrontLoggingCheckErrors"]
    assert spec.placed == tuple((a.account_id, CLOUDFRONT_REGION) for a in workload.config.monitored_accounts)
    alarms = workload.template("alarms", CLOUDFRONT_REGION).find_resources("AWS::CloudWatch::Alarm")
    [alarm] = [a["Properties"] for a in alarms.values() if a["Properties"]["AlarmName"] == "dpp-prod-CloudFrontLoggingCheckErrors"]
    assert alarm["Dimensions"] == [{"Name": "FunctionName", "Value": "dpp-prod-cloudfront-logging-check"}] and alarm["Statistic"] == "Sum"
    assert not [a for a in workload.template("alarms", "eu-west-1").find_resources("AWS::CloudWatch::Alarm").values() if "CloudFrontLogging" in a["Properties"]["AlarmName"]]
    [query] = alarm_queries(spec, workload.config)
    assert "dpp-prod-cloudfront-logging-check" in query.sql
