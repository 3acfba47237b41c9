"""Alert drills end to end (DPP-MON-8, DPP-VER-4): the runner starts every path for real
(moto; botocore's Stubber, which checks each request against the service model, where moto
lacks the API: GuardDuty's CreateSampleFindings/ListFindings/GetFindings, CloudWatch's
DescribeAlarmHistory and CloudTrail's LookupEvents); the relay, posting to local chat servers, marks each drill and logs its
delivery per target; the checker reads those lines back, writes one record per path into an
Object Lock bucket in the layout the compliance report reads, and publishes the metric the
alert-path-broken alarms watch. A broken hop fails the record and sets the metric; the
responder ignores drills."""

from __future__ import annotations

import json
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import boto3
import pytest
from botocore.stub import ANY, Stubber
from moto import mock_aws

from tests.lambdas.relay_harness import SLACK, TEAMS, FakeContext, Reply, sample, sns_record

ROOT = Path(__file__).resolve().parents[2]
DRILLS = ROOT / "lambdas" / "drills"
if str(DRILLS) not in sys.path:
    sys.path.append(str(DRILLS))

import drill_checker  # noqa: E402
import drill_common  # noqa: E402
import drill_runner  # noqa: E402

REGION = "eu-west-1"
ACCOUNT = "123456789012"  # moto's account
ARCHIVE = "dpp-prod-log-archive-123456789012-eu-west-1"
CANARY_BUCKET = "customer-data-exports-123456789012-eu-west-1"
CANARY_KEY = "exports/customers/2026/customer-master-export.csv"
RELAY_GROUP = "/aws/lambda/dpp-prod-chat-relay"
GD_TYPE = "Backdoor:EC2/C&CActivity.B"
ALL_PATHS = ["guardduty-finding", "securityhub-finding", "canary-read", "alarm-breach", "control-change"]
CRITICAL_TARGETS = ["secops-slack", "secops-teams", "legacy-chime"]
EXPECTED = {"guardduty-finding": ["secops-slack"], "securityhub-finding": CRITICAL_TARGETS, "canary-read": CRITICAL_TARGETS, "alarm-breach": CRITICAL_TARGETS, "control-change": CRITICAL_TARGETS}
CONTROL_GROUP = "/dpp/prod/drill-control-change"
CONTROL_ROLE = "dpp-prod-drill-control-changer"


def settings(paths=ALL_PATHS, role_arn: str = "", control_role_arn: str = f"arn:aws:iam::{ACCOUNT}:role/{CONTROL_ROLE}") -> drill_common.Settings:
    return drill_common.Settings.from_environment(
        {
            "ACCOUNT_ID": ACCOUNT,
            "AWS_REGION": REGION,
            "DRILL_PATHS": json.dumps(paths),
            "DRILL_NAMESPACE": "DPP/prod/Drills",
            "GUARDDUTY_SAMPLE_TYPE": GD_TYPE,
            "CANARY_BUCKET": CANARY_BUCKET,
            "CANARY_KEY": CANARY_KEY,
            "DRILL_ROLE_ARN": role_arn,
            "DRILL_ALARM": "dpp-prod-DrillAlarmBreach",
            "DRILL_CANARY_ALARM": "dpp-prod-DrillCanaryRead",
            "RELAY_LOG_GROUP": RELAY_GROUP,
            "EXPECTED_TARGETS": json.dumps(EXPECTED),
            "ARCHIVE_BUCKET": ARCHIVE,
            "DEADLINE_SECONDS": "900",
            "CONTROL_ROLE_ARN": control_role_arn,
            "CONTROL_LOG_GROUP": CONTROL_GROUP,
            "CONTROL_RETENTION_DAYS": "[365, 400]",
        }
    )


class Clients:
    """moto's clients, except GuardDuty, CloudWatch's alarm history and CloudTrail's event
    history (stubbed); every client made is kept, with the keyword arguments it was made with."""

    def __init__(self) -> None:
        self.guardduty = boto3.client("guardduty", region_name=REGION)
        self.guardduty_stub = Stubber(self.guardduty)
        self.history = boto3.client("cloudwatch", region_name=REGION)
        self.history_stub = Stubber(self.history)
        self.cloudtrail = boto3.client("cloudtrail", region_name=REGION)
        self.cloudtrail_stub = Stubber(self.cloudtrail)
        self.made: list[tuple[str, dict]] = []

    def __call__(self, service: str, **kwargs):
        self.made.append((service, kwargs))
        if service == "guardduty":
            return self.guardduty
        if service == "cloudtrail":
            return self.cloudtrail
        client = boto3.client(service, **kwargs)
        if service == "cloudwatch":
            return _WithHistory(client, self.history)
        return client

    def activate(self) -> None:
        self.guardduty_stub.activate()
        self.history_stub.activate()
        self.cloudtrail_stub.activate()


class _WithHistory:
    def __init__(self, client, history) -> None:
        self._client, self._history = client, history

    def describe_alarm_history(self, **kwargs):
        return self._history.describe_alarm_history(**kwargs)

    def __getattr__(self, name):
        return getattr(self._client, name)


def world() -> str:
    """The account the drill runs in: Security Hub on, the canary, the drill role, the archive."""
    boto3.client("securityhub", region_name=REGION).enable_security_hub()
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=CANARY_BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_object(Bucket=CANARY_BUCKET, Key=CANARY_KEY, Body=b"customer_id,first_name\n100233,Avery\n")
    s3.create_bucket(Bucket=ARCHIVE, CreateBucketConfiguration={"LocationConstraint": REGION}, ObjectLockEnabledForBucket=True)
    s3.put_object_lock_configuration(Bucket=ARCHIVE, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 400}}})
    logs = boto3.client("logs", region_name=REGION)
    logs.create_log_group(logGroupName=RELAY_GROUP)
    logs.create_log_stream(logGroupName=RELAY_GROUP, logStreamName="relay")
    logs.create_log_group(logGroupName=CONTROL_GROUP)
    logs.put_retention_policy(logGroupName=CONTROL_GROUP, retentionInDays=365)
    boto3.client("iam").create_role(RoleName=CONTROL_ROLE, AssumeRolePolicyDocument="{}")
    role = boto3.client("iam").create_role(RoleName="dpp-prod-drill-canary-reader", AssumeRolePolicyDocument="{}")
    return role["Role"]["Arn"]


def history(state_at: datetime) -> dict:
    return {
        "AlarmHistoryItems": [
            {
                "AlarmName": "x",
                "Timestamp": state_at,
                "HistoryItemType": "StateUpdate",
                "HistorySummary": "Alarm updated from OK to ALARM",
                "HistoryData": json.dumps({"newState": {"stateValue": "ALARM"}}),
            }
        ]
    }


def relay_lines(capsys) -> list[str]:
    return [line for line in capsys.readouterr().out.splitlines() if '"drillPath"' in line]


def ship(lines: list[str]) -> None:
    """What Lambda does with the relay's stdout: each line becomes a log event of its group."""
    now = int(datetime.now(timezone.utc).timestamp() * 1000)
    boto3.client("logs", region_name=REGION).put_log_events(logGroupName=RELAY_GROUP, logStreamName="relay", logEvents=[{"timestamp": now, "message": m} for m in lines])


def drill_events(drill_id: str) -> list[dict]:
    """The notifications the drill's events become on their topics (real sample events, the
    Security Hub one carrying this drill's ID)."""
    finding = sample("drills/securityhub-drill-finding.json")
    finding["detail"]["findings"][0]["ProductFields"]["dpp/drillId"] = drill_id
    finding["detail"]["findings"][0]["Id"] = f"dpp-alert-drill/{drill_id}"
    canary_alarm = dict(sample("drills/cloudwatch-alarm-drill-breach.json"), AlarmName="dpp-prod-DrillCanaryRead")
    change = control_change_event(drill_id)
    return [
        sns_record(sample("drills/guardduty-sample-finding.json"), severity="high", message_id="m-gd"),
        sns_record(finding, severity="critical", message_id="m-sh"),
        sns_record(canary_alarm, severity="critical", message_id="m-canary"),
        sns_record(sample("drills/cloudwatch-alarm-drill-breach.json"), severity="critical", message_id="m-alarm"),
        sns_record(change, severity="critical", message_id="m-change"),
    ]


def control_change_event(drill_id: str, retention: int = 400) -> dict:
    """The drill role's PutRetentionPolicy as EventBridge delivers it (the LogGroupTampering route)."""
    event = sample("drills/logs-put-retention-by-drill-role.json")
    event["detail"]["userIdentity"]["arn"] = f"arn:aws:sts::{ACCOUNT}:assumed-role/{CONTROL_ROLE}/{drill_id}"
    event["detail"]["requestParameters"]["retentionInDays"] = retention
    return event


def lookup_answer(drill_id: str, at: datetime, *, arn: str | None = None, group: str = CONTROL_GROUP) -> dict:
    detail = control_change_event(drill_id)["detail"]
    detail["userIdentity"]["arn"] = arn or detail["userIdentity"]["arn"]
    detail["requestParameters"]["logGroupName"] = group
    detail["eventTime"] = at.strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"Events": [{"EventId": detail["eventID"], "EventName": "PutRetentionPolicy", "EventTime": at, "CloudTrailEvent": json.dumps(detail)}]}


def expect_lookup(clients: Clients, answer: dict) -> None:
    clients.cloudtrail_stub.add_response(
        "lookup_events",
        answer,
        {"LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": "PutRetentionPolicy"}], "StartTime": ANY, "EndTime": ANY, "MaxResults": 50},
    )


def expect_raised(clients: Clients, drill: dict, at: datetime) -> None:
    clients.guardduty_stub.add_response(
        "list_findings",
        {"FindingIds": ["f-sample"]},
        {"DetectorId": "d-1", "FindingCriteria": {"Criterion": {"type": {"Eq": [GD_TYPE]}, "updatedAt": {"GreaterThanOrEqual": ANY}}}, "MaxResults": 50},
    )
    finding = sample("drills/guardduty-sample-finding.json")["detail"]
    clients.guardduty_stub.add_response(
        "get_findings",
        {
            "Findings": [
                {
                    "AccountId": ACCOUNT, "Arn": finding["arn"], "CreatedAt": drill_common.iso(at), "Id": "f-sample", "Region": REGION, "Resource": {"ResourceType": "Instance"},
                    "SchemaVersion": "2.0", "Severity": 8.0, "Type": GD_TYPE, "UpdatedAt": drill_common.iso(at), "Service": {"AdditionalInfo": {"Value": '{"sample":true}', "Type": "default"}},
                }
            ]
        },
        {"DetectorId": "d-1", "FindingIds": ["f-sample"]},
    )  # fmt: skip
    for alarm in ("dpp-prod-DrillCanaryRead", "dpp-prod-DrillAlarmBreach"):
        clients.history_stub.add_response(
            "describe_alarm_history",
            history(at),
            {"AlarmName": alarm, "HistoryItemType": "StateUpdate", "StartDate": ANY, "EndDate": ANY, "ScanBy": "TimestampAscending", "MaxRecords": 100},
        )
    expect_lookup(clients, lookup_answer(drill["drillId"], at))


def broken_metrics() -> dict[str, float]:
    cloudwatch = boto3.client("cloudwatch", region_name=REGION)
    end = datetime.now(timezone.utc) + timedelta(minutes=5)
    values = {}
    for path in ALL_PATHS:
        points = cloudwatch.get_metric_statistics(
            Namespace="DPP/prod/Drills",
            MetricName="AlertPathBroken",
            Dimensions=[{"Name": "Path", "Value": path}],
            StartTime=end - timedelta(hours=1),
            EndTime=end,
            Period=3600,
            Statistics=["Maximum"],
        )["Datapoints"]
        if points:
            values[path] = points[0]["Maximum"]
    return values


def records() -> dict[str, dict]:
    s3 = boto3.client("s3", region_name=REGION)
    found = {}
    for item in s3.list_objects_v2(Bucket=ARCHIVE, Prefix="evidence/drill/").get("Contents", []):
        record = json.loads(s3.get_object(Bucket=ARCHIVE, Key=item["Key"])["Body"].read())
        found[record["path"]] = {"key": item["Key"], **record}
    return found


def start(clients: Clients, role_arn: str) -> dict:
    clients.guardduty_stub.add_response("list_detectors", {"DetectorIds": ["d-1"]}, {})
    clients.guardduty_stub.add_response("create_sample_findings", {}, {"DetectorId": "d-1", "FindingTypes": [GD_TYPE]})
    clients.activate()
    return drill_runner.Runner(settings(role_arn=role_arn), clients).run({})


# --- the whole drill -----------------------------------------------------------------------------


def test_a_drill_is_raised_routed_delivered_and_recorded_per_path(relay, server, capsys):  # noqa: F811
    role_arn = world()
    clients = Clients()
    drill = start(clients, role_arn)
    assert [p["path"] for p in drill["paths"] if p["started"]] == ALL_PATHS, drill
    # The runner really acted: the drill's finding is in Security Hub, the metric was sent.
    hub = boto3.client("securityhub", region_name=REGION).get_findings(Filters={"Id": [{"Value": f"dpp-alert-drill/{drill['drillId']}", "Comparison": "EQUALS"}]})["Findings"]
    assert hub and hub[0]["Title"].startswith(f"[DRILL {drill['drillId']}]") and hub[0]["ProductFields"]["dpp/drillId"] == drill["drillId"]
    assert any(m["MetricName"] == "DrillSignal" for m in boto3.client("cloudwatch", region_name=REGION).list_metrics(Namespace="DPP/prod/Drills")["Metrics"])
    capsys.readouterr()

    # The events reach the relay through their topics; it posts them marked as drills.
    assert relay.handler({"Records": drill_events(drill["drillId"])}, FakeContext(30)) == {"batchItemFailures": []}
    titles = [p["text"] for p in server.posts[SLACK]]
    assert any(t.startswith(f"[CRITICAL] [DRILL {drill['drillId']}] Security Hub:") for t in titles), titles
    assert any("[DRILL guardduty-finding] GuardDuty:" in t for t in titles) and any("[DRILL alarm-breach] Alarm: dpp-prod-DrillAlarmBreach" in t for t in titles)
    assert sum(t.startswith(f"[CRITICAL] [DRILL {drill['drillId']}]") for t in titles) == 2, titles  # the Security Hub finding and the control change
    assert all("[DRILL" in card["attachments"][0]["content"]["body"][0]["text"] for card in server.posts[TEAMS])
    lines = relay_lines(capsys)
    ship(lines)

    expect_raised(clients, drill, datetime.now(timezone.utc))
    answer = drill_checker.Checker(settings(), clients).run(drill)
    assert answer["broken"] == {}
    found = records()
    assert set(found) == set(ALL_PATHS)
    day = datetime.now(timezone.utc)
    for path, record in found.items():
        assert record["key"] == f"evidence/drill/{day:%Y}/{day:%m}/{day:%d}/{drill['drillId']}-{path}.json"
        # the layout the compliance report reads (/work layouts: common fields + drill fields)
        assert {"kind", "id", "recordedAt", "person", "outcome", "notes", "drillId", "path", "startedAt", "hops", "brokenHop", "latencySeconds"} <= set(record)
        assert (record["kind"], record["person"], record["outcome"], record["brokenHop"]) == ("drill", "drill-runner", "pass", None)
        assert (record["account"], record["region"]) == (ACCOUNT, REGION)  # graded per account (DPP-MON-8)
        assert [h["hop"] for h in record["hops"]] == ["raised", "routed", *[f"delivered:{t}" for t in EXPECTED[path]]]
        assert all(h["ok"] and h["at"].endswith("Z") for h in record["hops"])
        assert 0 <= record["latencySeconds"] < 60
    assert broken_metrics() == {p: 0.0 for p in ALL_PATHS}
    # Every record is locked by the archive's default retention.
    head = boto3.client("s3", region_name=REGION).head_object(Bucket=ARCHIVE, Key=found["alarm-breach"]["key"])
    assert head.get("ObjectLockMode") == "COMPLIANCE"
    # The drill's Security Hub finding is archived once judged.
    hub = boto3.client("securityhub", region_name=REGION).get_findings(Filters={"Id": [{"Value": f"dpp-alert-drill/{drill['drillId']}", "Comparison": "EQUALS"}]})["Findings"]
    assert hub[0]["RecordState"] == "ARCHIVED"
    # The control change was reverted: the drill group is as deployed.
    groups = boto3.client("logs", region_name=REGION).describe_log_groups(logGroupNamePrefix=CONTROL_GROUP)["logGroups"]
    assert [g.get("retentionInDays") for g in groups] == [365]
    clients.guardduty_stub.assert_no_pending_responses()
    clients.history_stub.assert_no_pending_responses()
    clients.cloudtrail_stub.assert_no_pending_responses()


def test_a_target_that_never_receives_the_drill_breaks_that_path_at_its_hop(relay, server, capsys):  # noqa: F811
    role_arn = world()
    clients = Clients()
    drill = start(clients, role_arn)
    capsys.readouterr()
    server.scripts[TEAMS] = [Reply(status=404)] * 10  # the Teams workflow was deleted: every post refused
    relay.handler({"Records": drill_events(drill["drillId"])}, FakeContext(30))
    ship(relay_lines(capsys))
    expect_raised(clients, drill, datetime.now(timezone.utc))
    answer = drill_checker.Checker(settings(), clients).run(drill)
    found = records()
    for path in ("securityhub-finding", "canary-read", "alarm-breach", "control-change"):
        assert found[path]["outcome"] == "fail" and found[path]["brokenHop"] == "delivered:secops-teams"
        assert found[path]["latencySeconds"] is None
        assert next(h for h in found[path]["hops"] if h["hop"] == "delivered:secops-teams") == {"hop": "delivered:secops-teams", "at": None, "ok": False}
    assert found["guardduty-finding"]["outcome"] == "pass"  # high: Teams (critical only) is not one of its targets
    assert answer["broken"] == {p: "delivered:secops-teams" for p in ("securityhub-finding", "canary-read", "alarm-breach", "control-change")}
    # The metric each path's DrillAlertPathBroken alarm watches (Maximum >= 1).
    assert broken_metrics() == {"guardduty-finding": 0.0, "securityhub-finding": 1.0, "canary-read": 1.0, "alarm-breach": 1.0, "control-change": 1.0}


def test_a_path_that_could_not_start_is_broken_at_raised_and_the_others_still_run():
    with mock_aws():
        role_arn = world()
        clients = Clients()
        clients.guardduty_stub.add_response("list_detectors", {"DetectorIds": []}, {})  # GuardDuty was switched off
        clients.activate()
        drill = drill_runner.Runner(settings(role_arn=role_arn), clients).run({"drillId": "drill-20261202T090000Z-abcdef"})
        by_path = {p["path"]: p for p in drill["paths"]}
        assert by_path["guardduty-finding"] == {**by_path["guardduty-finding"], "started": False, "error": "no GuardDuty detector in this region"}
        assert all(by_path[p]["started"] for p in ("securityhub-finding", "canary-read", "alarm-breach", "control-change"))
        for alarm in ("dpp-prod-DrillCanaryRead", "dpp-prod-DrillAlarmBreach"):
            clients.history_stub.add_response(
                "describe_alarm_history",
                {"AlarmHistoryItems": []},
                {"AlarmName": alarm, "HistoryItemType": "StateUpdate", "StartDate": ANY, "EndDate": ANY, "ScanBy": "TimestampAscending", "MaxRecords": 100},
            )
        expect_lookup(clients, {"Events": []})
        drill_checker.Checker(settings(), clients).run(drill)
        found = records()
        assert found["control-change"]["brokenHop"] == "raised"  # no call in CloudTrail's history
        assert found["guardduty-finding"]["brokenHop"] == "raised" and "not started: no GuardDuty detector" in found["guardduty-finding"]["notes"]
        assert found["alarm-breach"]["brokenHop"] == "raised"  # no alarm history: the alarm never fired
        assert found["securityhub-finding"]["brokenHop"] == "routed"  # imported, but nothing reached the relay
        assert broken_metrics() == {p: 1.0 for p in ALL_PATHS}


def test_a_delivery_after_fifteen_minutes_is_late_and_breaks_the_path():
    started = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)
    outcome = drill_checker.judge(
        "alarm-breach", started, started + timedelta(minutes=2), started + timedelta(minutes=3),
        {"secops-slack": started + timedelta(minutes=4), "secops-teams": started + timedelta(minutes=15, seconds=1)}, 900,
    )  # fmt: skip
    assert outcome["brokenHop"] == "delivered:secops-teams" and outcome["latencySeconds"] is None
    on_time = drill_checker.judge("alarm-breach", started, started, started, {"secops-slack": started + timedelta(minutes=15)}, 900)
    assert on_time["brokenHop"] is None and on_time["latencySeconds"] == 900.0


def test_the_canary_is_read_by_the_drill_role_under_the_drill_id():
    with mock_aws():
        role_arn = world()
        clients = Clients()
        clients.activate()
        drill = drill_runner.Runner(settings(paths=["canary-read"], role_arn=role_arn), clients).run({"drillId": "drill-20261202T090000Z-c0ffee"})
        assert drill["paths"][0]["started"] and drill["paths"][0]["ref"] == {"session": "drill-20261202T090000Z-c0ffee"}


def test_the_control_change_is_made_and_reverted_as_the_drill_role_under_the_drill_id():
    with mock_aws():
        world()
        clients = Clients()
        clients.activate()
        drill = drill_runner.Runner(settings(paths=["control-change"]), clients).run({"drillId": "drill-20261202T090000Z-c0ffee"})
        (path,) = drill["paths"]
        assert path["started"] and path["ref"] == {"session": "drill-20261202T090000Z-c0ffee", "logGroup": CONTROL_GROUP, "retentionInDays": 400, "reverted": True}
        # The change is made with the drill role's credentials, never the runner's own.
        assert [kwargs.get("aws_access_key_id") is not None for service, kwargs in clients.made if service == "logs"] == [True]
        groups = boto3.client("logs", region_name=REGION).describe_log_groups(logGroupNamePrefix=CONTROL_GROUP)["logGroups"]
        assert [g.get("retentionInDays") for g in groups] == [365]


def test_a_control_change_drill_without_its_role_does_not_start():
    with mock_aws():
        world()
        clients = Clients()
        clients.activate()
        drill = drill_runner.Runner(settings(paths=["control-change"], control_role_arn=""), clients).run({"drillId": "drill-20261202T090000Z-c0ffee"})
        assert drill["paths"][0]["started"] is False and drill["paths"][0]["error"] == "the control-change drill is not configured"


@pytest.mark.parametrize(
    "arn, group, why",
    [
        (f"arn:aws:sts::{ACCOUNT}:assumed-role/PlatformAdmin/drill-20261202T090000Z-c0ffee", CONTROL_GROUP, "someone else's session, named like the drill"),
        (f"arn:aws:sts::{ACCOUNT}:assumed-role/{CONTROL_ROLE}/drill-20261125T090000Z-aaaaaa", CONTROL_GROUP, "last week's drill"),
        (f"arn:aws:sts::{ACCOUNT}:assumed-role/{CONTROL_ROLE}/drill-20261202T090000Z-c0ffee", "/dpp/prod/cloudtrail", "another group"),
    ],
)
def test_only_this_drills_change_of_the_drill_group_is_its_raised_hop(arn, group, why):
    with mock_aws():
        clients = Clients()
        clients.activate()
        started = datetime.now(timezone.utc)
        expect_lookup(clients, lookup_answer("drill-20261202T090000Z-c0ffee", started, arn=arn, group=group))
        assert drill_checker.Checker(settings(), clients)._control_change_raised("drill-20261202T090000Z-c0ffee", started, started + timedelta(minutes=16)) is None, why
        expect_lookup(clients, lookup_answer("drill-20261202T090000Z-c0ffee", started))
        assert drill_checker.Checker(settings(), clients)._control_change_raised("drill-20261202T090000Z-c0ffee", started, started + timedelta(minutes=16)) == started


def test_the_runner_and_checker_log_no_payload(capsys):
    with mock_aws():
        role_arn = world()
        clients = Clients()
        start(clients, role_arn)
        logged = capsys.readouterr().out
        assert "drill path started" in logged
        for content in ("Avery", "100233", "DPP alert-path drill", "SecretAccessKey"):
            assert content not in logged


# --- the relay's drill handling ------------------------------------------------------------------


def test_the_relay_logs_each_drill_delivery_per_target_without_payload(relay, server, capsys):  # noqa: F811
    drill_id = "drill-20261202T090000Z-3f9a1c"
    relay.handler({"Records": [drill_events(drill_id)[1]]}, FakeContext(30))
    lines = [json.loads(line) for line in relay_lines(capsys)]
    received = [line for line in lines if line["message"] == "drill received"]
    delivered = [line for line in lines if line["message"] == "drill delivered"]
    assert [(r["drillId"], r["drillPath"]) for r in received] == [(drill_id, "securityhub-finding")]
    assert sorted(d["target"] for d in delivered) == sorted(CRITICAL_TARGETS)
    assert all(d["drillId"] == drill_id and drill_common.parse_iso(d["at"]) for d in delivered)
    text = json.dumps(lines)
    assert "DPP alert-path drill" not in text and "A drill of the Security Hub" not in text  # no payload


@pytest.mark.parametrize(
    "event, severity, why",
    [
        (sample("responses/guardduty-ec2-command-and-control.json"), "high", "a real finding of the drill's type, without the sample flag"),
        (dict(sample("relay/cloudwatch-alarm.json"), AlarmName="dpp-prod-DrillAlertPathBrokenAlarmBreach"), "high", "the alert-path-broken alarm is real, not a drill"),
        (sample("detection/securityhub-asff-high.json"), "high", "a Security Hub finding of another generator"),
        (
            json.loads(json.dumps(sample("drills/logs-put-retention-by-drill-role.json")).replace("assumed-role/dpp-prod-drill-control-changer/", "assumed-role/PlatformAdmin/")),
            "critical",
            "the same retention change by another role is real tampering",
        ),
        (
            json.loads(json.dumps(sample("drills/logs-put-retention-by-drill-role.json")).replace("dpp-prod-drill-control-changer/", "dpp-prod-drill-control-changer-x/")),
            "critical",
            "a look-alike role name is not the drill role",
        ),
    ],
)
def test_near_misses_are_not_marked_as_drills(relay, server, capsys, event, severity, why):  # noqa: F811
    relay.handler({"Records": [sns_record(event, severity=severity)]}, FakeContext(30))
    assert server.posts[SLACK] and all("[DRILL" not in p["text"] for p in server.posts[SLACK]), why
    assert relay_lines(capsys) == [], why


def test_both_forms_of_the_sample_flag_are_drills():
    from relay.drills import recognise

    for name in ("guardduty-sample-finding.json", "guardduty-sample-finding-legacy.json"):
        assert recognise(sample(f"drills/{name}")).path == "guardduty-finding"
    drill = recognise(sample("drills/s3-get-canary-by-drill-role.json") | {"detail": sample("drills/s3-get-canary-by-drill-role.json")})
    assert drill is not None and drill.drill_id == "drill-20261202T090000Z-3f9a1c"
    change = recognise(sample("drills/logs-put-retention-by-drill-role.json"))
    assert change is not None and (change.path, change.drill_id) == ("control-change", "drill-20261202T090000Z-3f9a1c")
