"""Alert drills in the synthesized default app (DPP-MON-8, DPP-VER-4): the drill reaches the
real canary alarm's path without tripping it, the drill's state machine waits out the 15-minute
deadline before checking, the schedule is the configured one, each role holds only what its
step needs, and every alert-path-broken alarm can fire on the checker's metric."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from capabilities.alarms.catalogue import alarm_specs
from capabilities.drills.paths import PATHS, drill_paths
from configuration import ConfigError, load_config
from tests.eventbridge_matcher import matches as event_matches
from tests.filter_pattern import matches
from tests.support import context_with

EVENTS = Path(__file__).resolve().parents[1] / "events"
ALARMS_STACK = "alarms"


def drill_read() -> dict:
    return json.loads((EVENTS / "drills" / "s3-get-canary-by-drill-role.json").read_text())


@pytest.fixture(scope="module")
def specs():
    return {s.id: s for s in alarm_specs(load_config(context_with()))}


def test_the_drill_role_reads_the_canary_without_a_real_canary_alarm(specs):
    read = drill_read()
    assert matches(specs["DrillCanaryRead"].filter_pattern, read)
    assert not matches(specs["CanaryAccessed"].filter_pattern, read)
    # near miss: a look-alike role name is a real canary hit, not a drill
    imposter = json.loads(json.dumps(read).replace("assumed-role/dpp-prod-drill-canary-reader/", "assumed-role/dpp-prod-drill-canary-reader-x/"))
    assert matches(specs["CanaryAccessed"].filter_pattern, imposter)
    assert not matches(specs["DrillCanaryRead"].filter_pattern, imposter)


def test_every_path_has_an_alert_path_broken_alarm_that_one_broken_check_fires(specs):
    for path in PATHS:
        spec = specs[f"DrillAlertPathBroken{path.alarm_suffix}"]
        assert spec.metric.name == "AlertPathBroken" and dict(spec.metric.dimensions) == {"Path": path.id}
        assert spec.metric.statistic == "Maximum" and spec.comparison == "GreaterThanOrEqualToThreshold" and spec.threshold == 1
        assert path.id in spec.investigate and "brokenHop" in spec.investigate


def test_the_state_machine_checks_after_the_deadline(synthesized):
    template = synthesized.template(ALARMS_STACK, "eu-west-1")
    machine = next(iter(template.find_resources("AWS::StepFunctions::StateMachine").values()))
    definition = "".join(part if isinstance(part, str) else "<ref>" for part in machine["Properties"]["DefinitionString"]["Fn::Join"][1])
    states = json.loads(definition)
    assert states["StartAt"] == "RunDrill"
    assert states["States"]["RunDrill"]["Next"] == "WaitForDeliveryDeadline"
    assert states["States"]["WaitForDeliveryDeadline"]["Seconds"] >= 15 * 60
    assert states["States"]["WaitForDeliveryDeadline"]["Next"] == "CheckDrill"
    rules = template.find_resources("AWS::Events::Rule", {"Properties": {"Description": "DPP alert drill (DPP-MON-8)"}})
    (rule,) = rules.values()
    assert rule["Properties"]["ScheduleExpression"] == "cron(0 9 ? * WED *)"


def test_no_drill_function_reserves_concurrency(synthesized):
    functions = synthesized.template(ALARMS_STACK, "eu-west-1").find_resources("AWS::Lambda::Function")
    drills = {k: f for k, f in functions.items() if "drill" in f["Properties"].get("FunctionName", "")}
    assert len(drills) == 2
    assert all("ReservedConcurrentExecutions" not in f["Properties"] for f in drills.values())


def _statements(template, policy_id_part: str) -> list[dict]:
    policies = template.find_resources("AWS::IAM::ManagedPolicy")
    (policy,) = [p for k, p in policies.items() if policy_id_part in k]
    return policy["Properties"]["PolicyDocument"]["Statement"]


def test_the_checker_writes_only_drill_evidence_and_reads_only_its_hops(synthesized):
    statements = _statements(synthesized.template(ALARMS_STACK, "eu-west-1"), "AlertDrillCheckerPolicy")
    puts = [s for s in statements if "s3:PutObject" in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])]
    assert [s["Resource"] for s in puts] == ["arn:aws:s3:::dpp-prod-log-archive-111122223333-eu-west-1/evidence/drill/*"]
    actions = {a for s in statements for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])}
    assert not any(a.startswith(("s3:Get", "s3:Delete", "iam:", "sts:")) for a in actions)
    metric = next(s for s in statements if s["Action"] == "cloudwatch:PutMetricData")
    assert metric["Condition"] == {"StringEquals": {"cloudwatch:namespace": "DPP/prod/Drills"}}


def test_only_the_runner_may_become_the_canary_reader(synthesized):
    template = synthesized.template(ALARMS_STACK, "eu-west-1")
    roles = template.find_resources("AWS::IAM::Role", {"Properties": {"RoleName": "dpp-prod-drill-canary-reader"}})
    (role,) = roles.values()
    (trust,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert "AWS" in trust["Principal"] and "Fn::GetAtt" in json.dumps(trust["Principal"]) and "RunnerRole" in json.dumps(trust["Principal"])
    statements = _statements(template, "AlertDrillCanaryReaderPolicy")
    assert statements[0]["Action"] == "s3:GetObject"
    assert statements[0]["Resource"] == "arn:aws:s3:::customer-data-exports-111122223333-eu-west-1/exports/customers/2026/customer-master-export.csv"


def test_drills_follow_the_configuration():
    config = load_config(context_with(drills__enabled="false"))
    assert not any(s.id.startswith("Drill") for s in alarm_specs(config))
    assert "dpp-prod-drill-canary-reader" not in {s.filter_pattern or "" for s in alarm_specs(config) if s.id == "CanaryAccessed"}.pop()
    no_canary = load_config(context_with(canary__enabled="false"))
    assert [p.id for p in drill_paths(no_canary)] == ["guardduty-finding", "securityhub-finding", "alarm-breach", "control-change"]
    assert "DrillCanaryRead" not in {s.id for s in alarm_specs(no_canary)}


@pytest.mark.parametrize("key, value, fragment", [("drills__schedule", '"weekly"', "dpp.drills.schedule"), ("drills__enabled", '"yes"', "dpp.drills.enabled")])
def test_bad_drill_settings_name_the_key(key, value, fragment):
    with pytest.raises(ConfigError) as error:
        load_config(context_with(**{key: value}))
    assert fragment in str(error.value) and "\n" not in str(error.value)


# --- the control-change path ---------------------------------------------------------------------


def control_change() -> dict:
    return json.loads((EVENTS / "drills" / "logs-put-retention-by-drill-role.json").read_text())


def test_the_control_change_drill_takes_the_real_log_group_tampering_rule_and_no_other(synthesized):
    """The drill's change goes through the deployed LogGroupTampering rule at home (the rule's
    own pattern, read from the template, matched with EventBridge's semantics), to the critical
    topic; the same call on a group outside the baseline matches nothing (the near miss)."""
    template = synthesized.template("detection", "eu-west-1")
    rules = {k: r["Properties"] for k, r in template.find_resources("AWS::Events::Rule").items()}
    hit = sorted(k for k, r in rules.items() if "EventPattern" in r and event_matches(r["EventPattern"], control_change()))
    assert len(hit) == 1 and hit[0].startswith("FindingRoutesLogGroupTampering"), hit
    miss = control_change()
    miss["detail"]["requestParameters"]["logGroupName"] = "/aws/lambda/someone-else"
    assert not [k for k, r in rules.items() if "EventPattern" in r and event_matches(r["EventPattern"], miss)]


def test_the_drill_log_group_is_a_kept_baseline_group_and_the_drill_keeps_its_retention_above_it(synthesized):
    groups = synthesized.template("monitoring-foundation", "eu-west-1").find_resources("AWS::Logs::LogGroup", {"Properties": {"LogGroupName": "/dpp/prod/drill-control-change"}})
    ((_, group),) = groups.items()
    assert group["DeletionPolicy"] == "Retain" and group["Properties"]["RetentionInDays"] == 365 and "KmsKeyId" in group["Properties"]
    functions = synthesized.template(ALARMS_STACK, "eu-west-1").find_resources("AWS::Lambda::Function")
    env = next(f["Properties"]["Environment"]["Variables"] for f in functions.values() if f["Properties"].get("FunctionName") == "dpp-prod-drill-runner")
    own, changed = json.loads(env["CONTROL_RETENTION_DAYS"])
    assert (own, changed) == (365, 400) and env["CONTROL_LOG_GROUP"] == "/dpp/prod/drill-control-change"
    # Only the home region's account runs drills: no drill group elsewhere.
    assert not synthesized.template("monitoring-foundation", "eu-central-1").find_resources("AWS::Logs::LogGroup", {"Properties": {"LogGroupName": "/dpp/prod/drill-control-change"}})


def test_only_the_runner_may_become_the_control_changer_and_it_changes_one_retention(synthesized):
    template = synthesized.template(ALARMS_STACK, "eu-west-1")
    (role,) = template.find_resources("AWS::IAM::Role", {"Properties": {"RoleName": "dpp-prod-drill-control-changer"}}).values()
    (trust,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert "RunnerRole" in json.dumps(trust["Principal"]) and trust["Action"] == "sts:AssumeRole"
    (statement,) = _statements(template, "AlertDrillControlChangerPolicy")
    assert statement["Action"] == "logs:PutRetentionPolicy"
    assert statement["Resource"] == [
        "arn:aws:logs:eu-west-1:111122223333:log-group:/dpp/prod/drill-control-change",
        "arn:aws:logs:eu-west-1:111122223333:log-group:/dpp/prod/drill-control-change:*",
    ]
