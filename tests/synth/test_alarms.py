"""Alarms (DPP-MON-2, DPP-MON-3, DPP-MON-6): every filter pattern against a real matching
CloudTrail record and a close miss, and every alarm able to fire on one event."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from capabilities.alarms.catalogue import alarm_specs, check_alarm_ids
from capabilities.alarms.dpp import MAX_FILTER_PATTERN, unexpected_region_alarms
from configuration.regions import COMMERCIAL_REGIONS
from capabilities.alarms.business_hours import outside_hours_expression
from configuration import ConfigError, load_config
from configuration.model import BusinessHours
from tests.filter_pattern import compile_pattern, matches
from tests.metric_math import evaluate
from tests.support import build_app, cdk_json_context, context_with

ACCOUNT = "111122223333"
RECORDS = Path(__file__).resolve().parent.parent / "events" / "cloudtrail"


def record(name: str, **changes) -> dict:
    event = json.loads((RECORDS / f"{name}.json").read_text())
    for dotted, value in changes.items():
        node = event
        *parents, leaf = dotted.split("__")
        for key in parents:
            node = node.setdefault(key, {})
        node[leaf] = value
    return event


def api(source: str, name: str, **changes) -> dict:
    return record("api-call-assumed-role", eventSource=source, eventName=name, **changes)


def console(**changes) -> dict:
    return record("console-login-iam-user", **changes)


# spec id -> (matching record, close miss)
CASES = {
    "UnauthorizedApiCalls": (api("ec2.amazonaws.com", "DescribeInstances", errorCode="Client.UnauthorizedOperation"), api("ec2.amazonaws.com", "DescribeInstances")),
    "ConsoleSignInWithoutMfa": (console(), console(additionalEventData__MFAUsed="Yes")),
    "ConsoleSignInWithoutMfaIamUsers": (console(), console(responseElements__ConsoleLogin="Failure")),
    "RootUsage": (record("root-api-call"), record("root-api-call", userIdentity__invokedBy="cloudtrail.amazonaws.com")),
    "IamPolicyChanges": (api("iam.amazonaws.com", "PutRolePolicy"), api("iam.amazonaws.com", "GetRolePolicy")),
    "CloudTrailChanges": (api("cloudtrail.amazonaws.com", "StopLogging"), api("cloudtrail.amazonaws.com", "GetTrailStatus")),
    "ConsoleAuthenticationFailures": (
        console(errorMessage="Failed authentication", responseElements__ConsoleLogin="Failure"),
        console(),
    ),
    "KmsKeyDisabledOrScheduledForDeletion": (api("kms.amazonaws.com", "ScheduleKeyDeletion"), api("kms.amazonaws.com", "DescribeKey")),
    "S3BucketPolicyChanges": (api("s3.amazonaws.com", "PutBucketPolicy"), api("s3.amazonaws.com", "GetBucketPolicy")),
    "ConfigChanges": (api("config.amazonaws.com", "StopConfigurationRecorder"), api("config.amazonaws.com", "DescribeConfigurationRecorders")),
    "SecurityGroupChanges": (api("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress"), api("ec2.amazonaws.com", "DescribeSecurityGroups")),
    "NetworkAclChanges": (api("ec2.amazonaws.com", "ReplaceNetworkAclEntry"), api("ec2.amazonaws.com", "DescribeNetworkAcls")),
    "NetworkGatewayChanges": (api("ec2.amazonaws.com", "AttachInternetGateway"), api("ec2.amazonaws.com", "DescribeInternetGateways")),
    "RouteTableChanges": (api("ec2.amazonaws.com", "CreateRoute"), api("ec2.amazonaws.com", "DescribeRouteTables")),
    "VpcChanges": (api("ec2.amazonaws.com", "CreateVpcPeeringConnection"), api("ec2.amazonaws.com", "DescribeVpcs")),
    "OrganizationsChanges": (api("organizations.amazonaws.com", "LeaveOrganization"), api("organizations.amazonaws.com", "DescribeOrganization")),
    "ApiCallVolumeAnomaly": (api("ec2.amazonaws.com", "DescribeInstances"), console()),
    "BreakGlassRoleUsed": (
        api("sts.amazonaws.com", "AssumeRole", requestParameters={"roleArn": f"arn:aws:iam::{ACCOUNT}:role/DppBreakGlass", "roleSessionName": "incident-42"}),
        api("sts.amazonaws.com", "AssumeRole", requestParameters={"roleArn": f"arn:aws:iam::{ACCOUNT}:role/PlatformAdmin", "roleSessionName": "daily"}),
    ),
    "PrivilegedRoleAssumed": (
        api(
            "sts.amazonaws.com",
            "AssumeRoleWithSAML",
            requestParameters={"roleArn": f"arn:aws:iam::{ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_AdministratorAccess_0123456789abcdef", "principalArn": "x"},
        ),
        api(
            "sts.amazonaws.com",
            "AssumeRoleWithSAML",
            requestParameters={"roleArn": f"arn:aws:iam::{ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_ReadOnlyAccess_0123456789abcdef", "principalArn": "x"},
        ),
    ),
    "ArchiveReaderRoleAssumed": (
        api("sts.amazonaws.com", "AssumeRole", requestParameters={"roleArn": f"arn:aws:iam::{ACCOUNT}:role/dpp-prod-log-reader", "roleSessionName": "inv-7"}),
        api("sts.amazonaws.com", "AssumeRole", requestParameters={"roleArn": f"arn:aws:iam::{ACCOUNT}:role/dpp-prod-log-replication", "roleSessionName": "s3"}),
    ),
    "UnexpectedRegionActivity": (
        api("ec2.amazonaws.com", "RunInstances", awsRegion="ap-southeast-1"),
        api("ec2.amazonaws.com", "RunInstances", awsRegion="eu-central-1"),
    ),
    "UnexpectedRegionActivityUsEast1": (
        api("ec2.amazonaws.com", "RunInstances", awsRegion="us-east-1"),
        # IAM is recorded in us-east-1 for callers everywhere
        api("iam.amazonaws.com", "CreateUser", awsRegion="us-east-1"),
    ),
    "FailedConsoleSignInsBurst": (console(errorMessage="Failed authentication"), console()),
    "AccessOutsideBusinessHours": (console(), api("signin.amazonaws.com", "GetSigninToken")),
    "TrailSilent": (api("ec2.amazonaws.com", "DescribeInstances"), {"message": "not a CloudTrail record"}),
    "DataRetrievalAnomaly": (record("s3-get-object-data-event"), record("s3-get-object-data-event", requestParameters__bucketName="public-assets")),
    "LargeDataTransfer": (
        record("s3-get-object-data-event"),
        # a write to the bucket moves bytes in, not out
        record("s3-get-object-data-event", eventName="PutObject", additionalEventData={"bytesTransferredIn": 48213, "bytesTransferredOut": 0}),
    ),
    "CanaryAccessed": (
        record(
            "s3-get-object-data-event",
            requestParameters__bucketName=f"customer-data-exports-{ACCOUNT}-eu-west-1",
            requestParameters__key="exports/customers/2026/customer-master-export.csv",
        ),
        record("s3-get-object-data-event", requestParameters__bucketName=f"customer-data-exports-{ACCOUNT}-eu-west-1", requestParameters__key="exports/customers/2026/other.csv"),
    ),
    # the drill role's read (tests/events/drills) is the drill's alone; anyone else's read is CanaryAccessed's
    "DrillCanaryRead": (
        json.loads((RECORDS.parent / "drills" / "s3-get-canary-by-drill-role.json").read_text()),
        record(
            "s3-get-object-data-event",
            requestParameters__bucketName=f"customer-data-exports-{ACCOUNT}-eu-west-1",
            requestParameters__key="exports/customers/2026/customer-master-export.csv",
        ),
    ),
}


@pytest.fixture(scope="module")
def specs():
    config = load_config(context_with(trail__sensitiveBuckets='["orders-exports"]', detection__guardDutyProtections__s3MalwareProtection=False))
    return {s.id: s for s in alarm_specs(config)}


def test_every_filter_alarm_has_a_case(specs):
    assert {s.id for s in specs.values() if s.filter_pattern} == set(CASES)


@pytest.mark.parametrize("spec_id", sorted(CASES))
def test_filter_pattern_matches_the_event_and_not_the_close_miss(specs, spec_id):
    hit, miss = CASES[spec_id]
    pattern = specs[spec_id].filter_pattern
    assert matches(pattern, hit), f"{spec_id} must count {hit.get('eventName')}"
    assert not matches(pattern, miss), f"{spec_id} must not count the close miss"


def test_break_glass_sessions_are_counted_too(specs):
    session = record("api-call-assumed-role", userIdentity__sessionContext__sessionIssuer__userName="DppBreakGlass")
    assert matches(specs["BreakGlassRoleUsed"].filter_pattern, session)


def test_root_usage_excludes_aws_service_events(specs):
    assert not matches(specs["RootUsage"].filter_pattern, record("root-api-call", eventType="AwsServiceEvent"))


def test_unauthorized_calls_count_access_denied_but_not_log_delivery(specs):
    pattern = specs["UnauthorizedApiCalls"].filter_pattern
    assert matches(pattern, api("s3.amazonaws.com", "GetObject", errorCode="AccessDenied"))
    # CIS 4.1's exclusions: both readings of its mixed &&/|| agree on these events
    assert not matches(pattern, api("s3.amazonaws.com", "PutObject", errorCode="AccessDenied", sourceIPAddress="delivery.logs.amazonaws.com"))
    assert not matches(pattern, api("s3.amazonaws.com", "HeadBucket", errorCode="AccessDenied"))


def test_every_pattern_parses(specs):
    for spec in specs.values():
        if spec.filter_pattern:
            compile_pattern(spec.filter_pattern)


CIS_IDS = ["4.1", "4.2", "4.3", "4.4", "4.5", "4.6", "4.7", "4.8", "4.9", "4.10", "4.11", "4.12", "4.13", "4.14", "4.15"]


def test_the_cis_monitoring_set_is_complete(specs):
    assert sorted({s.cis for s in specs.values() if s.cis}, key=lambda c: int(c.split(".")[1])) == CIS_IDS


# --- rendered alarms ------------------------------------------------------------------------


def alarms_of(template) -> dict[str, dict]:
    return {a["Properties"]["AlarmName"]: a["Properties"] for a in template.find_resources("AWS::CloudWatch::Alarm").values()}


def at_home(specs):
    """The alarms of the home region's alarms stack: all but those placed elsewhere."""
    return [s for s in specs if s.placed is None or (ACCOUNT, "eu-west-1") in s.placed]


def test_replication_of_every_locked_copy_is_alarmed(synthesized):
    """DPP-PRT-5: each replication rule's failures alarm where S3 publishes them (the source
    bucket's region), on the rule's own dimensions."""
    home = alarms_of(synthesized.template("alarms", "eu-west-1"))
    for label, source, destination, rule in (
        ("ArchiveToReplica", "dpp-prod-log-archive-111122223333-eu-west-1", "dpp-prod-log-replica-111122223333-eu-central-1", "ToReplicaRegion"),
        ("StagingIntoArchive", "dpp-prod-config-staging-111122223333-eu-west-1", "dpp-prod-log-archive-111122223333-eu-west-1", "IntoWormArchive"),
    ):
        props = home[f"dpp-prod-ReplicationFailed{label}"]
        assert props["MetricName"] == "OperationsFailedReplication" and props["Namespace"] == "AWS/S3"
        assert {d["Name"]: d["Value"] for d in props["Dimensions"]} == {"SourceBucket": source, "DestinationBucket": destination, "RuleId": rule}
        assert props["Threshold"] == 1 and props["Statistic"] == "Sum"


def test_every_alarm_can_fire_on_one_event_and_notifies_its_severity_topic(synthesized):
    template = synthesized.template("alarms", "eu-west-1")
    alarms = alarms_of(template)
    specs = {s.id: s for s in at_home(alarm_specs(synthesized.built.config))}
    assert set(alarms) == {f"dpp-prod-{i}" for i in specs}
    for spec_id, spec in specs.items():
        props = alarms[f"dpp-prod-{spec_id}"]
        topic = f"arn:aws:sns:eu-west-1:{ACCOUNT}:dpp-prod-alerts-{spec.severity.value}"
        assert props["ActionsEnabled"] is True and props["AlarmActions"] == [topic], spec_id
        if spec.filter_pattern and spec.expression is None and spec.anomaly_band_width is None:
            assert props["Statistic"] == "Sum", spec_id
            if spec.comparison == "GreaterThanOrEqualToThreshold":
                assert props["Threshold"] <= spec.threshold and spec.threshold >= 1, spec_id
                # one event fires it: one count, or one read of the byte threshold
                assert props["Threshold"] == (10 if spec_id == "FailedConsoleSignInsBurst" else 1 if spec.metric_value == "1" else spec.threshold), spec_id
        assert spec.meaning in props["AlarmDescription"] and spec.investigate[:40] in props["AlarmDescription"]


def test_metric_filters_count_one_per_event_on_the_trail_group(synthesized):
    template = synthesized.template("alarms", "eu-west-1")
    filters = template.find_resources("AWS::Logs::MetricFilter")
    specs = {s.id: s for s in alarm_specs(synthesized.built.config) if s.filter_pattern}
    by_metric = {f["Properties"]["MetricTransformations"][0]["MetricName"]: f["Properties"] for f in filters.values()}
    assert set(by_metric) == set(specs)
    for metric, props in by_metric.items():
        assert props["LogGroupName"] == "/dpp/prod/cloudtrail"
        assert props["FilterPattern"] == specs[metric].filter_pattern
        value = "$.additionalEventData.bytesTransferredOut" if metric == "LargeDataTransfer" else "1"
        assert props["MetricTransformations"][0] == {"MetricName": metric, "MetricNamespace": "DPP/prod", "MetricValue": value}


def test_per_principal_alarm_watches_a_contributor_insights_rule(synthesized):
    template = synthesized.template("alarms", "eu-west-1")
    (rule,) = template.find_resources("AWS::CloudWatch::InsightRule").values()
    body = json.loads(rule["Properties"]["RuleBody"])
    assert rule["Properties"]["RuleName"] == "dpp-prod-UnauthorizedCallsByOnePrincipal"
    assert body["LogGroupNames"] == ["/dpp/prod/cloudtrail"]
    assert body["Contribution"]["Keys"] == ["$.userIdentity.arn"]
    assert body["Contribution"]["Filters"] == [{"Match": "$.errorCode", "StartsWith": ["AccessDenied", "UnauthorizedOperation", "Client.UnauthorizedOperation"]}]
    alarm = alarms_of(template)["dpp-prod-UnauthorizedCallsByOnePrincipal"]
    assert alarm["Metrics"][0]["Expression"] == "INSIGHT_RULE_METRIC('dpp-prod-UnauthorizedCallsByOnePrincipal', 'MaxContributorValue')"
    assert alarm["Threshold"] == 10


def test_anomaly_alarm_uses_a_detection_band(synthesized):
    alarm = alarms_of(synthesized.template("alarms", "eu-west-1"))["dpp-prod-ApiCallVolumeAnomaly"]
    assert alarm["ComparisonOperator"] == "GreaterThanUpperThreshold"
    assert alarm["ThresholdMetricId"] == "band"
    assert [m["Id"] for m in alarm["Metrics"]] == ["m1", "band"]
    assert alarm["Metrics"][1]["Expression"] == "ANOMALY_DETECTION_BAND(m1, 3)"


def test_silence_is_an_alarm(synthesized):
    alarm = alarms_of(synthesized.template("alarms", "eu-west-1"))["dpp-prod-TrailSilent"]
    assert (alarm["ComparisonOperator"], alarm["Threshold"], alarm["Period"], alarm["TreatMissingData"]) == ("LessThanThreshold", 1, 3600, "breaching")


def test_other_regions_get_only_the_monitors_of_their_own_resources(synthesized):
    alarms = alarms_of(synthesized.template("alarms", "eu-central-1"))
    assert set(alarms) == {
        "dpp-prod-AlertRoutingDeadLetters",
        "dpp-prod-FlowLogEnforcerErrors",
        "dpp-prod-FlowLogEnforcerThrottles",
        "dpp-prod-FlowLogEnforcerDeadLetters",
        "dpp-prod-ChatRelayErrors",
        "dpp-prod-ChatRelayThrottles",
        "dpp-prod-ChatRelayDeadLetters",
        "dpp-prod-ChatRelayBacklog",
        "dpp-prod-ChatRelayTarget_secops_slack",  # one per chat target (issue 16.5)
        "dpp-prod-ChatRelayTarget_secops_teams",
        "dpp-prod-ReplicationFailedIntake_eu_central_1_IntoArchive",  # this region's intake (DPP-PRT-5)
        "dpp-prod-ReplicationFailedIntake_eu_central_1_ToReplica",
        "dpp-prod-ResponderErrors",
        "dpp-prod-ResponderDeadLetters",
        "dpp-prod-LogExportDeliveryFailing",  # this region's log-group export stream (DPP-LOG-8)
        "dpp-prod-LogExportDeliveryStale",
        "dpp-prod-LogForwarderErrors",  # the workload log bucket's forwarder of this region (DPP-LOG-8)
        "dpp-prod-LogForwarderDeadLetters",
    }
    assert alarms["dpp-prod-FlowLogEnforcerErrors"]["Dimensions"] == [{"Name": "FunctionName", "Value": "dpp-prod-flow-log-enforcer"}]
    assert alarms["dpp-prod-AlertRoutingDeadLetters"]["Dimensions"] == [{"Name": "QueueName", "Value": "dpp-prod-alert-routing-dead-letters"}]
    queues = synthesized.template("detection", "eu-central-1").find_resources("AWS::SQS::Queue")
    assert [q["Properties"]["QueueName"] for q in queues.values()] == ["dpp-prod-alert-routing-dead-letters"]


def test_dashboard_shows_every_alarm(synthesized):
    (dashboard,) = synthesized.template("alarms", "eu-west-1").find_resources("AWS::CloudWatch::Dashboard").values()
    assert dashboard["Properties"]["DashboardName"] == "dpp-prod-monitoring"
    body = json.loads(dashboard["Properties"]["DashboardBody"]) if isinstance(dashboard["Properties"]["DashboardBody"], str) else None
    assert body is not None
    alarm_widget = body["widgets"][0]["properties"]["alarms"]
    assert len(alarm_widget) == len(at_home(alarm_specs(synthesized.built.config)))
    assert synthesized.template("alarms", "eu-central-1").find_resources("AWS::CloudWatch::Dashboard") == {}


# --- configuration ----------------------------------------------------------------------------


def test_alarms_can_be_switched_off_rethresholded_and_added():
    context = cdk_json_context()
    context["dpp"]["alarms"] = {
        "disabled": ["VpcChanges"],
        "thresholds": {"FailedConsoleSignInsBurst": 5},
        "custom": [
            {
                "id": "OrdersBucketDeleted",
                "title": "Orders bucket deleted",
                "severity": "critical",
                "filterPattern": '{ ($.eventName = "DeleteBucket") && ($.requestParameters.bucketName = "orders-exports") }',
                "meaning": "The bucket holding order exports was deleted.",
                "investigate": "Find who deleted it; restore from backup.",
            }
        ],
    }
    context["dpp"]["alarms"]["natGateways"] = [{"id": "nat-0123456789abcdef0", "region": "eu-central-1", "bytes": 5 * 1024**3}]
    context["dpp"]["alarms"]["workloadMetrics"] = [
        {
            "id": "OrdersApiUnhealthyHosts",
            "namespace": "AWS/ApplicationELB",
            "metricName": "UnHealthyHostCount",
            "dimensions": {"LoadBalancer": "app/orders/50dc6c495c0c9188", "TargetGroup": "targetgroup/orders/73e2d6bc24d8a067"},
            "statistic": "Maximum",
            "threshold": 1,
            "comparison": ">=",
            "periodMinutes": 1,
            "evaluationPeriods": 3,
            "severity": "critical",
            "treatMissingData": "breaching",
        },
        {
            "id": "OrdersApiLatency",
            "namespace": "AWS/ApplicationELB",
            "metricName": "TargetResponseTime",
            "dimensions": {"LoadBalancer": "app/orders/50dc6c495c0c9188"},
            "statistic": "p99",
            "threshold": 2.5,
            "comparison": ">",
            "region": "eu-central-1",
            "severity": "medium",
        },
    ]
    built = build_app(context)
    alarms = alarms_of(built.template("alarms", "eu-west-1"))
    # DPP-MON-3.h: the workload's own alarms, where their metrics are
    hosts = alarms["dpp-prod-OrdersApiUnhealthyHosts"]
    assert (hosts["Namespace"], hosts["MetricName"], hosts["Statistic"], hosts["Threshold"], hosts["Period"], hosts["EvaluationPeriods"], hosts["TreatMissingData"]) == (
        "AWS/ApplicationELB",
        "UnHealthyHostCount",
        "Maximum",
        1,
        60,
        3,
        "breaching",
    )
    assert {d["Name"]: d["Value"] for d in hosts["Dimensions"]} == {"LoadBalancer": "app/orders/50dc6c495c0c9188", "TargetGroup": "targetgroup/orders/73e2d6bc24d8a067"}
    assert hosts["AlarmActions"] == [f"arn:aws:sns:eu-west-1:{ACCOUNT}:dpp-prod-alerts-critical"]
    central = alarms_of(built.template("alarms", "eu-central-1"))
    latency = central["dpp-prod-OrdersApiLatency"]
    assert (latency["ExtendedStatistic"], latency["ComparisonOperator"], latency["Threshold"]) == ("p99", "GreaterThanThreshold", 2.5) and "Statistic" not in latency
    assert "dpp-prod-OrdersApiLatency" not in alarms
    # DPP-MON-3.e: egress through the listed NAT gateway, in its region
    egress = central["dpp-prod-LargeEgress_nat_0123456789abcdef0"]
    assert (egress["Namespace"], egress["MetricName"], egress["Statistic"], egress["Threshold"], egress["Period"]) == ("AWS/NATGateway", "BytesOutToDestination", "Sum", 5 * 1024**3, 3600)
    assert egress["Dimensions"] == [{"Name": "NatGatewayId", "Value": "nat-0123456789abcdef0"}]
    assert "dpp-prod-LargeEgress_nat_0123456789abcdef0" not in alarms
    assert "dpp-prod-VpcChanges" not in alarms
    assert alarms["dpp-prod-FailedConsoleSignInsBurst"]["Threshold"] == 5
    custom = alarms["dpp-prod-OrdersBucketDeleted"]
    assert custom["AlarmActions"] == [f"arn:aws:sns:eu-west-1:{ACCOUNT}:dpp-prod-alerts-critical"]
    assert custom["Statistic"] == "Sum" and custom["Threshold"] == 1


@pytest.mark.parametrize(
    "alarms, key",
    [
        ({"disabled": ["VpcChange"]}, "dpp.alarms.disabled[0]"),
        ({"thresholds": {"RootUsag": 2}}, "dpp.alarms.thresholds.RootUsag"),
        ({"thresholds": {"RootUsage": 0}}, "dpp.alarms.thresholds.RootUsage"),
        ({"custom": [{"id": "RootUsage", "title": "x", "severity": "high", "filterPattern": "{ $.a = 1 }", "meaning": "m", "investigate": "i"}]}, "dpp.alarms.custom[0].id"),
        ({"custom": [{"id": "Mine", "title": "x", "severity": "high", "filterPattern": "eventName=x", "meaning": "m", "investigate": "i"}]}, "dpp.alarms.custom[0].filterPattern"),
    ],
)
def test_bad_alarm_configuration_names_the_key(alarms, key):
    context = cdk_json_context()
    context["dpp"]["alarms"] = alarms
    with pytest.raises(ConfigError) as caught:
        check_alarm_ids(load_config(context))
    assert caught.value.key == key


def test_unknown_alarm_suggests_the_right_id():
    context = cdk_json_context()
    context["dpp"]["alarms"] = {"disabled": ["VpcChange"]}
    with pytest.raises(ConfigError, match="did you mean 'VpcChanges'"):
        check_alarm_ids(load_config(context))


# --- business hours -------------------------------------------------------------------------


ZONES = (
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "America/Los_Angeles",
    "America/New_York",
    "America/Sao_Paulo",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Australia/Sydney",
    "Pacific/Auckland",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
)
WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI")


def in_business_hours(hours: BusinessHours, at_utc: datetime) -> bool:
    local = at_utc.astimezone(ZoneInfo(hours.time_zone))
    clock = local.strftime("%H:%M")
    return ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")[local.weekday()] in hours.days and hours.start <= clock < hours.end


@settings(max_examples=400, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    start=st.integers(min_value=0, max_value=22),
    length=st.integers(min_value=1, max_value=12),
    days=st.sets(st.sampled_from(("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")), min_size=1),
    at=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 31, 23, 59)),
)
def test_the_alarm_never_counts_a_sign_in_inside_business_hours(zone, start, length, days, at):
    """DPP-MON-3.c, for every zone and instant of the year: inside business hours the alarm's
    expression is 0, however the local day falls in UTC."""
    end = min(start + length, 23)
    hours = BusinessHours(start=f"{start:02d}:00", end=f"{end:02d}:30", time_zone=zone, days=tuple(sorted(days)))
    moment = at.replace(tzinfo=timezone.utc)
    if in_business_hours(hours, moment):
        assert evaluate(outside_hours_expression(hours), moment, 1.0) == 0


@settings(max_examples=300, deadline=None)
@given(zone=st.sampled_from(ZONES), at=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 31, 23, 59)))
def test_the_alarm_counts_a_sign_in_well_outside_business_hours(zone, at):
    """Two hours or more from any business minute (daylight saving shifts the edges by an
    hour at most, whole-hour cells by less than one more), the sign-in counts."""
    hours = BusinessHours(start="08:00", end="18:00", time_zone=zone, days=WEEKDAYS)
    moment = at.replace(tzinfo=timezone.utc)
    if not any(in_business_hours(hours, moment + timedelta(minutes=m)) for m in range(-120, 121, 15)):
        assert evaluate(outside_hours_expression(hours), moment, 1.0) == 1.0


@pytest.mark.parametrize(
    "zone, local, inside",
    [
        ("America/Los_Angeles", datetime(2026, 7, 3, 16, 0), True),  # Friday afternoon: Saturday in UTC
        ("Asia/Tokyo", datetime(2026, 7, 6, 8, 30), True),  # Monday morning: Sunday in UTC
        ("Pacific/Auckland", datetime(2026, 1, 5, 9, 0), True),  # Monday: Sunday in UTC, daylight saving
        ("Australia/Sydney", datetime(2026, 6, 1, 8, 15), True),
        ("Asia/Kolkata", datetime(2026, 3, 2, 8, 5), True),  # +05:30, early start
        ("Asia/Tokyo", datetime(2026, 7, 4, 10, 0), False),  # a Saturday in Tokyo
        ("America/Los_Angeles", datetime(2026, 7, 4, 3, 0), False),  # Saturday night
    ],
)
def test_the_named_cases_of_the_issue(zone, local, inside):
    hours = BusinessHours(start="08:00", end="18:00", time_zone=zone, days=WEEKDAYS)
    moment = local.replace(tzinfo=ZoneInfo(zone)).astimezone(timezone.utc)
    assert evaluate(outside_hours_expression(hours), moment, 1.0) == (0 if inside else 1.0)


def test_the_expression_fits_cloudwatch_and_the_evaluator_refuses_what_it_does_not_know():
    every_day = BusinessHours(start="00:00", end="23:59", time_zone="Asia/Kathmandu", days=("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"))
    assert len(outside_hours_expression(every_day)) <= 2048  # botocore: MetricExpression max 2048
    with pytest.raises(AssertionError):
        evaluate("IF(FOO(m1) == 1, 0, m1)", datetime(2026, 1, 1, tzinfo=timezone.utc), 1.0)


def test_the_organization_access_role_counts_as_privileged(specs):
    pattern = specs["PrivilegedRoleAssumed"].filter_pattern
    assert matches(pattern, api("sts.amazonaws.com", "AssumeRole", requestParameters={"roleArn": f"arn:aws:iam::{ACCOUNT}:role/OrganizationAccountAccessRole", "roleSessionName": "x"}))
    assert not matches(pattern, api("sts.amazonaws.com", "GetCallerIdentity", requestParameters={"roleArn": f"arn:aws:iam::{ACCOUNT}:role/OrganizationAccountAccessRole"}))
    assert len(pattern) <= 1024


def test_privileged_roles_are_validated_and_can_be_switched_off():
    assert "PrivilegedRoleAssumed" not in {s.id for s in alarm_specs(load_config(context_with(alarms__privilegedRoles=[])))}
    with pytest.raises(ConfigError, match=r"dpp\.alarms\.privilegedRoles\[0\]"):
        load_config(context_with(alarms__privilegedRoles=["arn:aws:iam::111122223333:role/Admin"]))
    with pytest.raises(ConfigError, match=r"dpp\.alarms\.privilegedRoles: lists 9"):
        load_config(context_with(alarms__privilegedRoles=[f"Admin{i}" for i in range(9)]))


# --- unexpected regions (DPP-MON-3.d) ---------------------------------------------------------


def test_global_service_events_in_us_east_1_are_not_unexpected(specs):
    """Global services' events are recorded in us-east-1 for callers in any region
    (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-concepts.html#cloudtrail-concepts-global-service-events)."""
    regional, us_east_1 = specs["UnexpectedRegionActivity"].filter_pattern, specs["UnexpectedRegionActivityUsEast1"].filter_pattern
    for event in (
        api("sts.amazonaws.com", "AssumeRole", awsRegion="us-east-1"),
        console(awsRegion="us-east-1"),
        api("cloudfront.amazonaws.com", "CreateInvalidation", awsRegion="us-east-1"),
        api("s3.amazonaws.com", "ListBuckets", awsRegion="us-east-1"),
        record("root-api-call", eventName="ListBuckets"),
    ):
        assert not matches(regional, event) and not matches(us_east_1, event), event["eventSource"]
    # but a regional S3 call there is counted
    assert matches(us_east_1, api("s3.amazonaws.com", "CreateBucket", awsRegion="us-east-1"))


@settings(max_examples=60, deadline=None)
@given(covered=st.sets(st.sampled_from(sorted(COMMERCIAL_REGIONS)), max_size=len(COMMERCIAL_REGIONS)))
def test_every_uncovered_region_counts_and_no_covered_one(covered):
    """Whatever the covered list (the pattern switches form near the 1,024-character limit),
    a regional call counts exactly in the uncovered regions, once."""
    regions = sorted(covered | {"eu-west-1", "eu-central-1"})
    alarms = unexpected_region_alarms(load_config(context_with(regions=json.dumps(regions))))
    for spec in alarms:
        assert len(spec.filter_pattern) <= MAX_FILTER_PATTERN
    for region in sorted(COMMERCIAL_REGIONS):
        event = api("ec2.amazonaws.com", "RunInstances", awsRegion=region)
        counted = [s.id for s in alarms if matches(s.filter_pattern, event)]
        assert len(counted) == (0 if region in regions else 1), (region, counted)


# --- large transfers (DPP-MON-3.e) ------------------------------------------------------------


def _filter_sum(pattern: str, value_field: str, events: list[dict]) -> float:
    """What a metric filter with a field as its metric value publishes for these events."""
    total = 0.0
    for event in events:
        if matches(pattern, event):
            node = event
            for key in value_field.removeprefix("$.").split("."):
                node = node[key]
            total += node
    return total


def test_large_transfer_sums_the_bytes_read_and_fires_at_the_threshold(specs):
    spec = specs["LargeDataTransfer"]
    assert spec.metric_value == "$.additionalEventData.bytesTransferredOut" and spec.threshold == 1024**3 and spec.period_minutes == 60
    chunk = 256 * 1024**2
    reads = [record("s3-get-object-data-event", additionalEventData={"bytesTransferredIn": 0, "bytesTransferredOut": chunk}) for _ in range(4)]
    assert _filter_sum(spec.filter_pattern, spec.metric_value, reads) >= spec.threshold  # 4 x 256 MiB: fires
    assert _filter_sum(spec.filter_pattern, spec.metric_value, reads[:3]) < spec.threshold  # 768 MiB: quiet
    # reads of another bucket and writes add nothing
    others = [record("s3-get-object-data-event", requestParameters__bucketName="public-assets", additionalEventData={"bytesTransferredOut": chunk})] * 8
    assert _filter_sum(spec.filter_pattern, spec.metric_value, others) == 0


def test_large_transfer_threshold_and_period_are_configurable():
    config = load_config(
        context_with(
            trail__sensitiveBuckets='["orders-exports"]', detection__guardDutyProtections__s3MalwareProtection=False, alarms__largeTransferBytes=5 * 1024**3, alarms__largeTransferPeriodMinutes=15
        )
    )
    spec = {s.id: s for s in alarm_specs(config)}["LargeDataTransfer"]
    assert (spec.threshold, spec.period_minutes) == (5 * 1024**3, 15) and "5 GiB" in spec.meaning


@pytest.mark.parametrize(
    "key, value, message",
    [
        ("alarms__largeTransferBytes", "0", "dpp.alarms.largeTransferBytes: 0 is below the minimum of 1"),
        ("alarms__largeTransferPeriodMinutes", "2000", "dpp.alarms.largeTransferPeriodMinutes: 2000 minutes is longer than a day"),
        ("alarms__natGateways", '[{"id": "igw-0123456789abcdef0", "region": "eu-west-1"}]', "dpp.alarms.natGateways[0].id"),
        ("alarms__natGateways", '[{"id": "nat-0123456789abcdef0", "region": "us-west-2"}]', "dpp.alarms.natGateways[0].region: 'us-west-2' is not among dpp.regions"),
        ("alarms__natGateways", '[{"id": "nat-0123456789abcdef0"}]', "dpp.alarms.natGateways[0].region: is missing"),
        ("alarms__workloadMetrics", '[{"id": "Api", "namespace": "AWS/ApplicationELB", "metricName": "X", "threshold": 1, "comparison": "=="}]', "dpp.alarms.workloadMetrics[0].comparison"),
        (
            "alarms__workloadMetrics",
            '[{"id": "Api", "namespace": "AWS/ApplicationELB", "metricName": "X", "threshold": 1, "statistic": "Median"}]',
            "dpp.alarms.workloadMetrics[0].statistic: 'Median' is not a supported statistic",
        ),
        (
            "alarms__workloadMetrics",
            '[{"id": "Api", "namespace": "AWS/ApplicationELB", "metricName": "X", "threshold": 1, "periodMinutes": 60, "evaluationPeriods": 25}]',
            "dpp.alarms.workloadMetrics[0].evaluationPeriods",
        ),
        (
            "alarms__workloadMetrics",
            '[{"id": "TrailSilent", "namespace": "AWS/ApplicationELB", "metricName": "X", "threshold": 1}]',
            "dpp.alarms.workloadMetrics[0].id: 'TrailSilent' is a built-in alarm",
        ),
        (
            "alarms__workloadMetrics",
            '[{"id": "Api", "namespace": "AWS/ApplicationELB", "metricName": "X", "threshold": 1, "dimensions": {"LoadBalancer": 5}}]',
            "dpp.alarms.workloadMetrics[0].dimensions.LoadBalancer: expected a string",
        ),
        (
            "alarms__workloadMetrics",
            '[{"id": "Api", "namespace": "AWS/ApplicationELB", "metricName": "X", "threshold": 1, "severty": "low"}]',
            "dpp.alarms.workloadMetrics[0].severty: is not a known setting",
        ),
    ],
)
def test_transfer_and_workload_settings_are_validated(key, value, message):
    with pytest.raises(ConfigError) as error:
        check_alarm_ids(load_config(context_with(**{key: value})))  # as app.py reads it
    assert message in str(error.value)
