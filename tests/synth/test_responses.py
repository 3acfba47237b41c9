"""Automated responses (DPP-IR-3) in the templates: the rules match the events they answer
and nothing else, the function's rights cover only the responses switched on, excluded
principals are denied explicitly, dry run is what the example deploys, and the ledger is kept."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from aws_cdk.assertions import Template

from tests.eventbridge_matcher import matches
from tests.support import build_app, context_with

ACCOUNT = "111122223333"
EVENTS = Path(__file__).resolve().parent.parent / "events"


def sample(folder: str, name: str) -> dict:
    return json.loads((EVENTS / folder / name).read_text())


def rules(template: Template) -> dict[str, dict]:
    return {k.removeprefix("Responder"): v["Properties"] for k, v in template.find_resources("AWS::Events::Rule").items()}


def rule(template: Template, prefix: str) -> dict:
    (found,) = [v for k, v in rules(template).items() if k.startswith(prefix)]
    return found


def function_env(template: Template) -> dict:
    (function,) = template.find_resources("AWS::Lambda::Function").values()
    return function["Properties"]["Environment"]["Variables"]


def policy_statements(template: Template) -> list[dict]:
    (policy,) = [p for k, p in template.find_resources("AWS::IAM::ManagedPolicy").items() if k.startswith("ResponderPolicy")]
    return policy["Properties"]["PolicyDocument"]["Statement"]


def actions_of(statements: list[dict], effect: str = "Allow") -> set[str]:
    found: set[str] = set()
    for s in statements:
        if s["Effect"] == effect:
            found.update(s["Action"] if isinstance(s["Action"], list) else [s["Action"]])
    return found


def test_findings_rule_takes_high_and_critical_guardduty_findings_only(synthesized):
    pattern = rule(synthesized.template("responses", "eu-west-1"), "Findings")["EventPattern"]
    high = sample("responses", "guardduty-ssh-brute-force.json")
    assert matches(pattern, high)
    medium = json.loads(json.dumps(high))
    medium["detail"]["severity"] = 6.9
    assert not matches(pattern, medium)
    assert not matches(pattern, sample("detection", "securityhub-asff-high.json"))


def test_failed_sign_in_rule_exists_at_home_only_and_matches_the_alarm_entering_alarm(synthesized):
    home = synthesized.template("responses", "eu-west-1")
    pattern = rule(home, "FailedSignIns")["EventPattern"]
    alarm = sample("responses", "alarm-failed-sign-ins.json")
    assert matches(pattern, alarm)
    recovered = json.loads(json.dumps(alarm))
    recovered["detail"]["state"]["value"] = "OK"
    assert not matches(pattern, recovered)
    other = json.loads(json.dumps(alarm))
    other["detail"]["alarmName"] = "dpp-prod-RootUsage"
    assert not matches(pattern, other)
    assert not [k for k in rules(synthesized.template("responses", "eu-central-1")) if k.startswith("FailedSignIns")]


def test_expired_blocks_are_swept_every_15_minutes(synthesized):
    assert rule(synthesized.template("responses", "eu-west-1"), "ExpiredBlocks")["ScheduleExpression"] == "rate(15 minutes)"


def test_the_example_deploys_every_response_in_dry_run(synthesized):
    env = function_env(synthesized.template("responses", "eu-west-1"))
    assert env["DRY_RUN"] == "true"
    assert json.loads(env["RESPONSES"]) == ["disableCredentials", "blockHostileIps", "isolateInstances", "notifyFailedSignIns"]
    assert json.loads(env["EXCLUDED_ROLES"]) == ["DppBreakGlass", "OrganizationAccountAccessRole"], "break-glass is always excluded"
    assert env["MIN_SEVERITY"] == "7.0"


def test_excluded_principals_are_denied_whatever_else_is_allowed(synthesized):
    statements = policy_statements(synthesized.template("responses", "eu-west-1"))
    (deny,) = [s for s in statements if s["Effect"] == "Deny"]
    assert set(deny["Action"]) == {"iam:UpdateAccessKey", "iam:PutUserPolicy", "iam:DeleteUserPolicy", "iam:PutRolePolicy", "iam:DeleteRolePolicy"}
    assert deny["Resource"] == [f"arn:aws:iam::{ACCOUNT}:role/DppBreakGlass", f"arn:aws:iam::{ACCOUNT}:role/OrganizationAccountAccessRole"]


def test_the_responder_never_gets_terminate_stop_or_delete_rights(synthesized):
    allowed = actions_of(policy_statements(synthesized.template("responses", "eu-west-1")))
    forbidden = {"ec2:TerminateInstances", "ec2:StopInstances", "ec2:DeleteSnapshot", "ec2:DeleteVolume", "iam:DeleteAccessKey", "iam:DeleteUser", "iam:DeleteRole"}
    assert not allowed & forbidden and not [a for a in allowed if "*" in a]


def test_rights_follow_the_responses_switched_on():
    built = build_app(
        context_with(responses__disableCredentials=False, responses__blockHostileIps=False, responses__notifyFailedSignIns=False, responses__dryRun=False)
    )
    template = built.template("responses", "eu-west-1")
    allowed = actions_of(policy_statements(template))
    assert not {a for a in allowed if a.startswith(("iam:", "wafv2:"))} and "logs:FilterLogEvents" not in allowed
    assert {"ec2:ModifyNetworkInterfaceAttribute", "ec2:CreateSnapshot"} <= allowed
    assert not template.find_resources("AWS::WAFv2::IPSet")
    assert set(rules(template)) == {k for k in rules(template) if k.startswith("Findings")}
    assert function_env(template)["DRY_RUN"] == "false"


def test_hostile_ip_set_is_regional_ipv4_and_named(synthesized):
    (ip_set,) = synthesized.template("responses", "eu-west-1").find_resources("AWS::WAFv2::IPSet").values()
    assert (ip_set["Properties"]["Name"], ip_set["Properties"]["Scope"], ip_set["Properties"]["IPAddressVersion"]) == ("dpp-prod-hostile-ips", "REGIONAL", "IPV4")


def test_failures_are_retried_then_kept_and_alarmed(synthesized):
    template = synthesized.template("responses", "eu-west-1")
    (function,) = template.find_resources("AWS::Lambda::Function").values()
    assert "DeadLetterConfig" in function["Properties"]
    for properties in rules(template).values():
        (target,) = properties["Targets"]
        assert "DeadLetterConfig" in target and target["RetryPolicy"]["MaximumRetryAttempts"] == 8
    alarms = synthesized.template("alarms", "eu-central-1").find_resources("AWS::CloudWatch::Alarm")
    names = {a["Properties"]["AlarmName"] for a in alarms.values()}
    assert {"dpp-prod-ResponderErrors", "dpp-prod-ResponderDeadLetters"} <= names


def test_the_ledger_is_kept_encrypted_and_recoverable(synthesized):
    tables = synthesized.template("monitoring-foundation", "eu-west-1").find_resources("AWS::DynamoDB::Table")
    assert list(tables) == ["ResponseLedgerTableB2EDBE51"], "pinned: a new logical ID would replace the record"
    (table,) = tables.values()
    assert table["DeletionPolicy"] == "Retain" and table["UpdateReplacePolicy"] == "Retain"
    props = table["Properties"]
    assert props["TableName"] == "dpp-prod-response-ledger" and props["DeletionProtectionEnabled"] is True
    assert props["SSESpecification"]["SSEEnabled"] is True and "KMSMasterKeyId" in props["SSESpecification"]
    assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert "TimeToLiveSpecification" not in props, "the record of responses never expires"


def test_without_the_feature_there_is_no_responder_anywhere():
    built = build_app(
        context_with(
            features__automatedResponses=False,
            responses__disableCredentials=False,
            responses__blockHostileIps=False,
            responses__isolateInstances=False,
            responses__notifyFailedSignIns=False,
        )
    )
    assert not [name for name in built.stacks if "-responses-" in name]
    assert not built.template("monitoring-foundation", "eu-west-1").find_resources("AWS::DynamoDB::Table")


@pytest.mark.parametrize("region", ["eu-west-1", "eu-central-1"])
def test_responses_stack_waits_for_topics_ledger_and_alarms(synthesized, region):
    stack = synthesized.built.stack("responses", region)
    assert sorted(s.stack_name.rsplit("-", 4)[0].removeprefix("dpp-prod-") for s in stack.dependencies) == ["alarms", "detection", "monitoring-foundation"]
