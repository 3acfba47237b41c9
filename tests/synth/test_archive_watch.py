"""Organization mode's archive watch (DPP-PRT-5, DPP-MON-6, DPP-MON-3): the log-archive
account's replication alarms exist in each of its regions with archive buckets, without
actions (it has no topics); their state changes and the archive's control changes travel over
EventBridge to the security account's home bus and are announced there by its routes. Every
pattern is checked against real-shaped events (CloudWatch's alarm state change,
https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html;
CloudTrail's S3 management event, https://docs.aws.amazon.com/AmazonS3/latest/userguide/cloudtrail-logging-understanding-s3-entries.html)
forwarded from the log-archive account, and a near miss each. Forwarded events keep their
source account (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from capabilities.alerting import event_routes
from tests.eventbridge_matcher import matches

EVENTS = Path(__file__).resolve().parent.parent / "events" / "detection"
ARCHIVE, MANAGEMENT, SECURITY = "111122223333", "444455556666", "777788889999"
HOME, INTAKE = "eu-west-1", "eu-central-1"
SECURITY_BUS = f"arn:aws:events:{HOME}:{SECURITY}:event-bus/default"


def sample(name: str) -> dict:
    return json.loads((EVENTS / name).read_text())


def changed(event: dict, value, *path: str) -> dict:
    event = copy.deepcopy(event)
    node = event
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return event


def watch(org, region: str) -> dict:
    return org.template("archive-watch", region).to_json()["Resources"]


@pytest.fixture(scope="module")
def org(organization_synthesized):
    return organization_synthesized


@pytest.fixture(scope="module")
def routes(org):
    return {r.id: r for r in event_routes(org.built.config)}


def rules_of(resources: dict, prefix: str) -> list[dict]:
    return [r for k, r in resources.items() if r["Type"] == "AWS::Events::Rule" and k.startswith(prefix)]


def test_the_watch_runs_in_the_log_archive_account_wherever_it_holds_archive_buckets(org, synthesized):
    placed = {(s.account, s.region) for name, s in org.built.stacks.items() if "-archive-watch-" in name}
    # The replica's region is the intake's here; us-east-1 receives the account's IAM events.
    assert placed == {(ARCHIVE, HOME), (ARCHIVE, INTAKE), (ARCHIVE, "us-east-1")}
    assert not [name for name in synthesized.built.stacks if "-archive-watch-" in name]  # single mode watches directly


def test_replication_alarms_live_beside_the_buckets_without_actions(org):
    expected = {
        HOME: {"ReplicationFailedArchiveToReplica", "ReplicationFailedStagingIntoArchive", "ReplicationFailedStagingToReplica"},
        INTAKE: {"ReplicationFailedIntake_eu_central_1_IntoArchive", "ReplicationFailedIntake_eu_central_1_ToReplica"},
    }
    for region, ids in expected.items():
        alarms = [r["Properties"] for r in watch(org, region).values() if r["Type"] == "AWS::CloudWatch::Alarm"]
        names = {a["AlarmName"] for a in alarms}
        assert names == {f"dpp-prod-{i}" for i in ids} | {"dpp-prod-archive-events-forwarding-failed"}, region
        for alarm in alarms:
            assert not alarm.get("AlarmActions") and not alarm.get("OKActions")
            if alarm["AlarmName"].startswith("dpp-prod-ReplicationFailed"):
                assert (alarm["Namespace"], alarm["MetricName"], alarm["Statistic"], alarm["Threshold"]) == ("AWS/S3", "OperationsFailedReplication", "Sum", 1)
    # The same alarms exist nowhere else: no alarms stack of a monitored account holds them.
    alarm_stacks = [s for name, s in org.built.stacks.items() if "-alarms-" in name]
    assert alarm_stacks
    for stack in alarm_stacks:
        resources = org.assembly.get_stack_by_name(stack.stack_name).template["Resources"].values()
        assert not [r for r in resources if r["Type"] == "AWS::CloudWatch::Alarm" and "ReplicationFailed" in r["Properties"]["AlarmName"]], stack.stack_name


def test_a_replication_failure_reaches_the_security_accounts_critical_route(org, routes):
    event = sample("cloudwatch-alarm-replication-failed-log-archive.json")
    (rule,) = rules_of(watch(org, HOME), "ForwarderAlarmsToSecurity")
    (target,) = rule["Properties"]["Targets"]
    assert target["Arn"] == SECURITY_BUS and "RoleArn" in target and "DeadLetterConfig" in target
    assert matches(rule["Properties"]["EventPattern"], event)
    assert [i for i, r in routes.items() if matches(r.pattern, event)] == ["ArchiveReplicationFailing"]
    assert routes["ArchiveReplicationFailing"].severity.value == "critical"
    # Near misses: the same alarm back to OK, the same name raised in another account, another alarm.
    assert [i for i, r in routes.items() if matches(r.pattern, changed(event, "OK", "detail", "state", "value"))] == []
    assert [i for i, r in routes.items() if matches(r.pattern, changed(event, SECURITY, "account"))] == []
    other = changed(event, "dpp-prod-FailedConsoleSignInsBurst", "detail", "alarmName")
    assert not matches(rule["Properties"]["EventPattern"], other) and [i for i, r in routes.items() if matches(r.pattern, other)] == []
    # An intake region's alarm goes the same way, across regions too.
    (intake_rule,) = rules_of(watch(org, INTAKE), "ForwarderAlarmsToSecurity")
    assert intake_rule["Properties"]["Targets"][0]["Arn"] == SECURITY_BUS
    intake_event = changed(changed(event, INTAKE, "region"), "dpp-prod-ReplicationFailedIntake_eu_central_1_IntoArchive", "detail", "alarmName")
    assert matches(intake_rule["Properties"]["EventPattern"], intake_event)
    assert [i for i, r in routes.items() if matches(r.pattern, intake_event)] == ["ArchiveReplicationFailing"]


def test_a_forwarding_failure_is_announced_too(org, routes):
    event = changed(sample("cloudwatch-alarm-replication-failed-log-archive.json"), "dpp-prod-archive-events-forwarding-failed", "detail", "alarmName")
    (rule,) = rules_of(watch(org, HOME), "ForwarderAlarmsToSecurity")
    assert matches(rule["Properties"]["EventPattern"], event)
    assert [i for i, r in routes.items() if matches(r.pattern, event)] == ["ArchiveEventsForwardingFailed"]
    # The us-east-1 forwarder's own alarm is another route's.
    assert [i for i, r in routes.items() if matches(r.pattern, changed(event, "dpp-prod-global-events-forwarding-failed", "detail", "alarmName"))] == ["GlobalEventsForwardingFailed"]


def test_an_archive_bucket_policy_change_is_forwarded_and_routed_as_archive_tampering(org, routes):
    event = sample("cloudtrail-put-bucket-policy-log-archive.json")
    forwarders = rules_of(watch(org, INTAKE), "ForwarderArchiveTamperingToSecurity")
    (rule,) = forwarders
    assert rule["Properties"]["Targets"][0]["Arn"] == SECURITY_BUS
    assert matches(rule["Properties"]["EventPattern"], event)
    assert [i for i, r in routes.items() if matches(r.pattern, event)] == ["ArchiveTampering"]
    near = changed(event, "orders-exports", "detail", "requestParameters", "bucketName")
    assert not matches(rule["Properties"]["EventPattern"], near)
    assert not matches(rule["Properties"]["EventPattern"], changed(event, "GetBucketPolicy", "detail", "eventName"))
    for route_id in ("KeyDisabledOrDeleted", "LogGroupTampering"):
        (forwarded,) = rules_of(watch(org, HOME), f"Forwarder{route_id}ToSecurity")
        assert forwarded["Properties"]["EventPattern"]["detail"] == routes[route_id].pattern["detail"]


def test_a_change_to_an_archive_role_is_forwarded_from_us_east_1_as_baseline_role_tampering(org, routes):
    """IAM events reach EventBridge in us-east-1 only
    (https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-iam.html)."""
    event = json.loads((EVENTS / "cloudtrail-api-call.json").read_text())
    event = changed(changed(changed(event, "aws.iam", "source"), "us-east-1", "region"), ARCHIVE, "account")
    event["detail"] |= {
        "eventSource": "iam.amazonaws.com",
        "eventName": "PutRolePolicy",
        "awsRegion": "us-east-1",
        "requestParameters": {"roleName": "dpp-prod-log-archive-replication", "policyName": "x"},
    }
    (rule,) = rules_of(watch(org, "us-east-1"), "ForwarderBaselineRoleTamperingToSecurity")
    assert rule["Properties"]["Targets"][0]["Arn"] == SECURITY_BUS
    assert matches(rule["Properties"]["EventPattern"], event)
    assert [i for i, r in routes.items() if matches(r.pattern, event)] == ["BaselineRoleTampering"] and routes["BaselineRoleTampering"].is_global
    assert not matches(rule["Properties"]["EventPattern"], changed(event, "orders-app", "detail", "requestParameters", "roleName"))
    # Only us-east-1 forwards IAM events; the bucket regions forward the archive's own routes.
    assert rules_of(watch(org, HOME), "ForwarderBaselineRoleTamperingToSecurity") == []
    assert not [r for r in watch(org, "us-east-1").values() if r["Type"] == "AWS::CloudWatch::Alarm" and "ReplicationFailed" in r["Properties"]["AlarmName"]]


def test_the_routes_render_in_the_security_accounts_home_region_only(org):
    def route_rules(account: str, region: str) -> set[str]:
        stack = next(s for name, s in org.built.stacks.items() if "-detection-" in name and (s.account, s.region) == (account, region))
        template = org.assembly.get_stack_by_name(stack.stack_name).template["Resources"]
        return {k for k, r in template.items() if r["Type"] == "AWS::Events::Rule" and k.startswith(("FindingRoutesArchiveReplicationFailing", "FindingRoutesArchiveEventsForwardingFailed"))}

    assert len(route_rules(SECURITY, HOME)) == 2
    # As rendered, the route matches the forwarded event and not the same alarm of another account.
    stack = next(s for name, s in org.built.stacks.items() if "-detection-" in name and (s.account, s.region) == (SECURITY, HOME))
    resources = org.assembly.get_stack_by_name(stack.stack_name).template["Resources"]
    (rendered,) = [r for k, r in resources.items() if k.startswith("FindingRoutesArchiveReplicationFailing")]
    event = sample("cloudwatch-alarm-replication-failed-log-archive.json")
    assert matches(rendered["Properties"]["EventPattern"], event) and not matches(rendered["Properties"]["EventPattern"], changed(event, SECURITY, "account"))
    assert route_rules(SECURITY, INTAKE) == set() and route_rules(MANAGEMENT, HOME) == set()


def test_the_security_bus_admits_the_forwarders_by_role_and_organization(org):
    stack = next(s for name, s in org.built.stacks.items() if "-detection-" in name and (s.account, s.region) == (SECURITY, HOME))
    resources = org.assembly.get_stack_by_name(stack.stack_name).template["Resources"]
    (policy,) = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::Events::EventBusPolicy"]
    statement = policy["Statement"]
    assert statement["Principal"] == {"AWS": f"arn:aws:iam::{ARCHIVE}:root"} and statement["Action"] == "events:PutEvents"
    assert statement["Condition"] == {
        "StringEquals": {"aws:PrincipalOrgID": "o-exampleorgid"},
        "ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{ARCHIVE}:role/dpp-prod-archive-events-forwarder-*"},
    }
    # The watch deploys after the security account's detection stack (the policy first).
    watch_stacks = [s for name, s in org.built.stacks.items() if "-archive-watch-" in name]
    assert watch_stacks and all(stack in s.dependencies for s in watch_stacks)
