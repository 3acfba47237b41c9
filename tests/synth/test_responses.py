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
    from capabilities.responses.responder import IAM_ACTIONS

    assert set(deny["Action"]) == set(IAM_ACTIONS) >= actions_of(statements) & {a for a in IAM_ACTIONS}
    assert set(deny["Resource"]) == {
        f"arn:aws:iam::{ACCOUNT}:role/dpp-prod-responder-eu-west-1",
        f"arn:aws:iam::{ACCOUNT}:role/cdk-*",
        f"arn:aws:iam::{ACCOUNT}:role/DppBreakGlass",
        f"arn:aws:iam::{ACCOUNT}:role/OrganizationAccountAccessRole",
    }


def test_a_dry_run_holds_no_iam_or_write_rights(synthesized):
    """Item 7: the example deploys in dry run; its responder can read, never change."""
    allowed = actions_of(policy_statements(synthesized.template("responses", "eu-west-1")))
    assert not {a for a in allowed if a.startswith(("iam:", "wafv2:Update", "ec2:Create", "ec2:Modify", "ec2:Revoke", "ec2:Delete"))}


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


# --- issue 16 item 7: would AWS let the responder grant anything? --------------------------------

ACTING = dict(responses__dryRun=False, responses__networkAclVpcArns=[f"arn:aws:ec2:eu-west-1:{ACCOUNT}:vpc/vpc-0a1b2c3d4e5f67890"])


@pytest.fixture(scope="module")
def acting():
    return build_app(context_with(**ACTING)).template("responses", "eu-west-1")


def _matches(pattern: str, value: str) -> bool:
    from fnmatch import fnmatchcase

    return fnmatchcase(value.lower() if pattern.startswith(("iam:", "ec2:", "wafv2:")) else value, pattern.lower() if pattern.startswith(("iam:", "ec2:", "wafv2:")) else pattern)


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def _applies(statement: dict, action: str, resource: str, context: dict[str, str]) -> bool:
    """Action and resource wildcards, and the condition operators these policies use
    (ArnEquals/ArnLike and StringEquals on single values; a missing key never matches)."""
    if not any(_matches(a, action) for a in _as_list(statement.get("Action", []))):
        return False
    if not any(_matches(r, resource) for r in _as_list(statement.get("Resource", []))):
        return False
    for operator, keys in statement.get("Condition", {}).items():
        for key, expected in keys.items():
            if key not in context:
                return False
            if operator in ("ArnEquals", "ArnLike", "StringEquals", "StringLike"):
                if not any(_matches(e, context[key]) for e in _as_list(expected)):
                    return False
            else:
                return False  # an operator this model does not know never allows
    return True


def allowed(policies: list[list[dict]], boundary: list[dict], action: str, resource: str, **context: str) -> bool:
    """IAM's evaluation for an identity in its own account: an explicit Deny anywhere wins; the
    identity policies must Allow, and so must the permissions boundary
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html)."""
    every = [s for p in policies for s in p] + boundary
    if any(s["Effect"] == "Deny" and _applies(s, action, resource, context) for s in every):
        return False
    identity = any(s["Effect"] == "Allow" and _applies(s, action, resource, context) for p in policies for s in p)
    ceiling = any(s["Effect"] == "Allow" and _applies(s, action, resource, context) for s in boundary)
    return identity and ceiling


def _resolved(template: Template, statements: list[dict]) -> list[dict]:
    """Replaces the CloudFormation references these tests meet with plain ARNs."""
    text = json.dumps(statements)
    for logical_id, resource in template.find_resources("AWS::WAFv2::IPSet").items():
        text = text.replace(json.dumps({"Fn::GetAtt": [logical_id, "Arn"]}), json.dumps(f"arn:aws:wafv2:eu-west-1:{ACCOUNT}:regional/ipset/dpp-prod-hostile-ips/1"))
    return json.loads(text)


def responder_policies(template: Template) -> tuple[list[list[dict]], list[dict]]:
    policies = template.find_resources("AWS::IAM::ManagedPolicy")
    (boundary,) = [p for k, p in policies.items() if k.startswith("ResponderBoundary")]
    (policy,) = [p for k, p in policies.items() if k.startswith("ResponderPolicy")]
    (role,) = [r for k, r in template.find_resources("AWS::IAM::Role").items() if k.startswith("ResponderRole")]
    assert role["Properties"]["PermissionsBoundary"] == {"Ref": [k for k in policies if k.startswith("ResponderBoundary")][0]}
    return [_resolved(template, policy["Properties"]["PolicyDocument"]["Statement"])], _resolved(template, boundary["Properties"]["PolicyDocument"]["Statement"])


REVOCATION = f"arn:aws:iam::{ACCOUNT}:policy/dpp-prod-revoke-older-sessions-eu-west-1"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"


def test_the_responder_can_attach_only_the_revocation_policy(acting):
    policies, boundary = responder_policies(acting)
    victim = f"arn:aws:iam::{ACCOUNT}:role/OrdersWorkerRole"
    assert allowed(policies, boundary, "iam:AttachRolePolicy", victim, **{"iam:PolicyARN": REVOCATION})
    assert allowed(policies, boundary, "iam:AttachUserPolicy", f"arn:aws:iam::{ACCOUNT}:user/reporting-bot", **{"iam:PolicyARN": REVOCATION})
    assert not allowed(policies, boundary, "iam:AttachRolePolicy", victim, **{"iam:PolicyARN": ADMIN})
    assert not allowed(policies, boundary, "iam:AttachUserPolicy", f"arn:aws:iam::{ACCOUNT}:user/reporting-bot", **{"iam:PolicyARN": ADMIN})


@pytest.mark.parametrize(
    "action",
    ["iam:PutRolePolicy", "iam:PutUserPolicy", "iam:CreatePolicy", "iam:CreateRole", "iam:UpdateAssumeRolePolicy", "iam:CreateAccessKey", "iam:PutRolePermissionsBoundary", "iam:DeleteRolePermissionsBoundary", "iam:AddUserToGroup", "iam:PassRole", "iam:CreateLoginProfile"],
)
def test_the_responder_can_grant_nothing(acting, action):
    policies, boundary = responder_policies(acting)
    for resource in (f"arn:aws:iam::{ACCOUNT}:role/OrdersWorkerRole", f"arn:aws:iam::{ACCOUNT}:user/reporting-bot", f"arn:aws:iam::{ACCOUNT}:policy/anything", "*"):
        assert not allowed(policies, boundary, action, resource, **{"iam:PolicyARN": REVOCATION})


@pytest.mark.parametrize("role", ["dpp-prod-responder-eu-west-1", "cdk-hnb659fds-cfn-exec-role-111122223333-eu-west-1", "cdk-hnb659fds-deploy-role-111122223333-eu-west-1", "DppBreakGlass"])
def test_its_own_role_the_bootstrap_roles_and_break_glass_are_untouchable(acting, role):
    policies, boundary = responder_policies(acting)
    arn = f"arn:aws:iam::{ACCOUNT}:role/{role}"
    for action in ("iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:PutRolePolicy", "iam:DeleteRolePermissionsBoundary", "iam:UpdateAssumeRolePolicy"):
        assert not allowed(policies, boundary, action, arn, **{"iam:PolicyARN": REVOCATION})


def test_only_the_revocation_policy_gets_new_versions(acting):
    policies, boundary = responder_policies(acting)
    assert allowed(policies, boundary, "iam:CreatePolicyVersion", REVOCATION)
    assert not allowed(policies, boundary, "iam:CreatePolicyVersion", f"arn:aws:iam::{ACCOUNT}:policy/OrdersAccess")
    assert not allowed(policies, boundary, "iam:SetDefaultPolicyVersion", f"arn:aws:iam::{ACCOUNT}:policy/OrdersAccess")


def test_the_revocation_policy_is_created_denying_nobody(acting):
    (policy,) = [p for k, p in acting.find_resources("AWS::IAM::ManagedPolicy").items() if k.startswith("ResponderRevocationPolicy")]
    assert policy["Properties"]["ManagedPolicyName"] == "dpp-prod-revoke-older-sessions-eu-west-1"
    (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Effect"] == "Deny" and statement["Condition"] == {"DateLessThan": {"aws:TokenIssueTime": "1970-01-01T00:00:00Z"}}


def test_network_acl_entries_only_in_the_configured_vpcs(acting):
    policies, boundary = responder_policies(acting)
    acl = f"arn:aws:ec2:eu-west-1:{ACCOUNT}:network-acl/acl-0123456789abcdef0"
    configured = f"arn:aws:ec2:eu-west-1:{ACCOUNT}:vpc/vpc-0a1b2c3d4e5f67890"
    assert allowed(policies, boundary, "ec2:CreateNetworkAclEntry", acl, **{"ec2:Vpc": configured})
    assert not allowed(policies, boundary, "ec2:CreateNetworkAclEntry", acl, **{"ec2:Vpc": f"arn:aws:ec2:eu-west-1:{ACCOUNT}:vpc/vpc-0ffffffffffffffff"})
    env = function_env(acting)
    assert json.loads(env["NETWORK_ACL_VPCS"]) == ["vpc-0a1b2c3d4e5f67890"]


def test_web_acls_of_this_account_and_region_are_handed_to_the_responder():
    arn = f"arn:aws:wafv2:eu-west-1:{ACCOUNT}:regional/webacl/shop-frontend/a1b2c3d4-5678-90ab-cdef-111122223333"
    other = f"arn:aws:wafv2:eu-central-1:{ACCOUNT}:regional/webacl/shop-eu/a1b2c3d4-5678-90ab-cdef-444455556666"
    built = build_app(context_with(responses__dryRun=False, responses__webAclArns=[arn, other]))
    env = function_env(built.template("responses", "eu-west-1"))
    assert json.loads(env["WEB_ACLS"]) == [{"Name": "shop-frontend", "Id": "a1b2c3d4-5678-90ab-cdef-111122223333", "Scope": "REGIONAL", "ARN": arn}]
    assert [w["Name"] for w in json.loads(function_env(built.template("responses", "eu-central-1"))["WEB_ACLS"])] == ["shop-eu"]


def test_acting_with_nowhere_to_block_is_refused():
    from configuration.errors import ConfigError

    with pytest.raises(ConfigError, match="blocked nowhere"):
        build_app(context_with(responses__dryRun=False))


def test_the_incident_plan_says_where_blocks_take_effect():
    """Item 8: the plan names the web ACLs and VPCs that enforce a block, or says it is nowhere."""
    from dataclasses import replace

    from evidence.incident_plan import incident_plan

    config = build_app().config
    assert "**nowhere yet**" in incident_plan(config)
    arn = f"arn:aws:wafv2:eu-west-1:{ACCOUNT}:regional/webacl/shop-frontend/a1b2c3d4-5678-90ab-cdef-111122223333"
    vpc = f"arn:aws:ec2:eu-west-1:{ACCOUNT}:vpc/vpc-0a1b2c3d4e5f67890"
    plan = incident_plan(replace(config, responses=replace(config.responses, web_acl_arns=(arn,), network_acl_vpc_arns=(vpc,))))
    assert "web ACL `shop-frontend`" in plan and "network ACLs of `vpc-0a1b2c3d4e5f67890`" in plan and "nowhere" not in plan
