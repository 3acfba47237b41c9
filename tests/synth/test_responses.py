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


def test_exposed_credentials_reach_the_responder_at_home_only(synthesized):
    """The CredentialsExposed route's AWS Health events (forwarded from us-east-1 to the home
    region) are handed to the disable-credentials response; the responder may look up a key's
    owner, in a dry run too."""
    from capabilities.alerting import event_routes
    from configuration import load_config
    from tests.support import cdk_json_context

    home = synthesized.template("responses", "eu-west-1")
    pattern = rule(home, "ExposedCredentials")["EventPattern"]
    exposure = sample("detection", "health-risk-credentials-exposed.json")
    assert matches(pattern, exposure)
    route = {r.id: r for r in event_routes(load_config(cdk_json_context()))}["CredentialsExposed"]
    assert route.pattern["detail"] == pattern["detail"], "the responder takes exactly what the route shows people"
    retirement = json.loads(json.dumps(exposure))
    retirement["detail"].update(service="EC2", eventTypeCode="AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED")
    assert not matches(pattern, retirement)
    assert not [k for k in rules(synthesized.template("responses", "eu-central-1")) if k.startswith("ExposedCredentials")]
    statements = [st for p in home.find_resources("AWS::IAM::ManagedPolicy").values() for st in p["Properties"]["PolicyDocument"]["Statement"]]
    assert any(st.get("Action") == "iam:GetAccessKeyLastUsed" and st["Effect"] == "Allow" for st in statements)


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
    # the one IAM right is a read: whose key AWS Health reports exposed
    assert not {a for a in allowed if a.startswith(("iam:", "wafv2:Update", "ec2:Create", "ec2:Modify", "ec2:Revoke", "ec2:Delete"))} - {"iam:GetAccessKeyLastUsed"}


def test_the_responder_never_gets_terminate_stop_or_delete_rights(synthesized):
    allowed = actions_of(policy_statements(synthesized.template("responses", "eu-west-1")))
    forbidden = {"ec2:TerminateInstances", "ec2:StopInstances", "ec2:DeleteSnapshot", "ec2:DeleteVolume", "iam:DeleteAccessKey", "iam:DeleteUser", "iam:DeleteRole"}
    assert not allowed & forbidden and not [a for a in allowed if "*" in a]


def test_rights_follow_the_responses_switched_on():
    built = build_app(context_with(responses__disableCredentials=False, responses__blockHostileIps=False, responses__notifyFailedSignIns=False, responses__dryRun=False))
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


ROLE = f"arn:aws:iam::{ACCOUNT}:role/dpp-prod-responder-eu-west-1"


def decide(policies: list[list[dict]], boundary: list[dict], requests: list[tuple[str, str, dict]]) -> list[str]:
    """What IAM decides for the responder's role, by an independent evaluator
    (@cloud-copilot/iam-simulate, the access-path tests' runner): its identity policies and its
    permissions boundary (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
    Each request is (action, resource ARN, context keys AWS sends)."""
    import shutil
    import subprocess

    from tests.access.simulator import ROOT, RUNNER

    document = lambda statements: {"Version": "2012-10-17", "Statement": statements}  # noqa: E731
    batch = [
        {
            "id": i,
            "simulation": {
                "identityPolicies": [{"name": f"p{n}", "policy": document(p)} for n, p in enumerate(policies)],
                "permissionBoundaryPolicies": [{"name": "boundary", "policy": document(boundary)}],
                "serviceControlPolicies": [],
                "resourceControlPolicies": [],
                "request": {
                    "action": action,
                    "principal": ROLE,
                    "resource": {"resource": resource, "accountId": ACCOUNT},
                    "contextVariables": {"aws:PrincipalArn": ROLE, "aws:PrincipalAccount": ACCOUNT, **context},
                },
            },
        }
        for i, (action, resource, context) in enumerate(requests)
    ]
    node = shutil.which("node")
    assert node, "node is needed for the IAM evaluator (make test installs it)"
    completed = subprocess.run([node, str(RUNNER)], input=json.dumps(batch), capture_output=True, text=True, cwd=ROOT, check=True, timeout=300)
    results = json.loads(completed.stdout)
    for request, result in zip(requests, results, strict=True):
        assert result["result"] != "Error" and not result.get("ignored"), (request, result)
    return [r["result"] for r in results]


def allowed_all(policies, boundary, requests) -> list[bool]:
    return [d == "Allowed" for d in decide(policies, boundary, requests)]


def _resolved(template: Template, statements: list[dict]) -> list[dict]:
    """CloudFormation references resolved to the ARNs they will have (the access-path tests'
    resolver); the IP set, which it does not know, by its fixed name."""
    from tests.access.policies import Resolver, StackTemplate

    text = json.dumps(statements)
    for logical_id in template.find_resources("AWS::WAFv2::IPSet"):
        text = text.replace(json.dumps({"Fn::GetAtt": [logical_id, "Arn"]}), json.dumps(f"arn:aws:wafv2:eu-west-1:{ACCOUNT}:regional/ipset/dpp-prod-hostile-ips/1"))
    stack = StackTemplate(name="dpp-prod-responses-111122223333-eu-west-1", account=ACCOUNT, region="eu-west-1", template=template.to_json())
    return Resolver(stack).resolve(json.loads(text))


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
    victim, user = f"arn:aws:iam::{ACCOUNT}:role/OrdersWorkerRole", f"arn:aws:iam::{ACCOUNT}:user/reporting-bot"
    decisions = allowed_all(
        policies,
        boundary,
        [
            ("iam:AttachRolePolicy", victim, {"iam:PolicyARN": REVOCATION}),
            ("iam:AttachUserPolicy", user, {"iam:PolicyARN": REVOCATION}),
            ("iam:AttachRolePolicy", victim, {"iam:PolicyARN": ADMIN}),
            ("iam:AttachUserPolicy", user, {"iam:PolicyARN": ADMIN}),
        ],
    )
    assert decisions == [True, True, False, False]


def test_the_responder_can_grant_nothing(acting):
    """No inline policy, policy, role, user, key, login, group membership or role passing,
    on any ordinary principal (the requests a granting function would make)."""
    policies, boundary = responder_policies(acting)
    role, user = f"arn:aws:iam::{ACCOUNT}:role/OrdersWorkerRole", f"arn:aws:iam::{ACCOUNT}:user/reporting-bot"
    policy, group = f"arn:aws:iam::{ACCOUNT}:policy/OrdersAccess", f"arn:aws:iam::{ACCOUNT}:group/admins"
    requests = [
        ("iam:PutRolePolicy", role, {}), ("iam:PutUserPolicy", user, {}), ("iam:PutGroupPolicy", group, {}),
        ("iam:CreatePolicy", policy, {}), ("iam:CreatePolicyVersion", policy, {}), ("iam:SetDefaultPolicyVersion", policy, {}),
        ("iam:CreateRole", role, {}), ("iam:UpdateAssumeRolePolicy", role, {}), ("iam:PassRole", role, {}),
        ("iam:PutRolePermissionsBoundary", role, {}), ("iam:DeleteRolePermissionsBoundary", role, {}),
        ("iam:CreateUser", user, {}), ("iam:CreateAccessKey", user, {}), ("iam:CreateLoginProfile", user, {}), ("iam:AddUserToGroup", group, {}),
        ("iam:AttachGroupPolicy", group, {"iam:PolicyARN": REVOCATION}),
    ]  # fmt: skip
    assert [r for r, ok in zip(requests, allowed_all(policies, boundary, requests), strict=True) if ok] == []


@pytest.mark.parametrize("role", ["dpp-prod-responder-eu-west-1", "cdk-hnb659fds-cfn-exec-role-111122223333-eu-west-1", "cdk-hnb659fds-deploy-role-111122223333-eu-west-1", "DppBreakGlass"])
def test_its_own_role_the_bootstrap_roles_and_break_glass_are_untouchable(acting, role):
    policies, boundary = responder_policies(acting)
    arn = f"arn:aws:iam::{ACCOUNT}:role/{role}"
    requests = [(a, arn, {"iam:PolicyARN": REVOCATION}) for a in ("iam:AttachRolePolicy", "iam:DetachRolePolicy")]
    requests += [(a, arn, {}) for a in ("iam:PutRolePolicy", "iam:DeleteRolePermissionsBoundary", "iam:UpdateAssumeRolePolicy", "iam:GetRole")]
    assert decide(policies, boundary, requests) == ["ExplicitlyDenied"] * len(requests)


def test_only_the_revocation_policy_gets_new_versions(acting):
    policies, boundary = responder_policies(acting)
    other = f"arn:aws:iam::{ACCOUNT}:policy/OrdersAccess"
    decisions = allowed_all(policies, boundary, [("iam:CreatePolicyVersion", REVOCATION, {}), ("iam:CreatePolicyVersion", other, {}), ("iam:DeletePolicyVersion", other, {})])
    assert decisions == [True, False, False]


def test_the_boundary_caps_whatever_is_attached_later(acting):
    """A policy granting everything, attached to the role by someone later, still leaves the
    responder unable to grant: the boundary is the ceiling."""
    _, boundary = responder_policies(acting)
    everything = [[{"Effect": "Allow", "Action": "*", "Resource": "*"}]]
    requests = [
        ("iam:PutRolePolicy", f"arn:aws:iam::{ACCOUNT}:role/OrdersWorkerRole", {}),
        ("iam:AttachRolePolicy", f"arn:aws:iam::{ACCOUNT}:role/OrdersWorkerRole", {"iam:PolicyARN": ADMIN}),
        ("iam:CreateUser", f"arn:aws:iam::{ACCOUNT}:user/backdoor", {}),
    ]
    assert allowed_all(everything, boundary, requests) == [False, False, False]


def test_the_revocation_policy_is_created_denying_nobody(acting):
    (policy,) = [p for k, p in acting.find_resources("AWS::IAM::ManagedPolicy").items() if k.startswith("ResponderRevocationPolicy")]
    assert policy["Properties"]["ManagedPolicyName"] == "dpp-prod-revoke-older-sessions-eu-west-1"
    (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Effect"] == "Deny" and statement["Condition"] == {"DateLessThan": {"aws:TokenIssueTime": "1970-01-01T00:00:00Z"}}


def test_network_acl_entries_only_in_the_configured_vpcs(acting):
    policies, boundary = responder_policies(acting)
    acl = f"arn:aws:ec2:eu-west-1:{ACCOUNT}:network-acl/acl-0123456789abcdef0"
    configured = f"arn:aws:ec2:eu-west-1:{ACCOUNT}:vpc/vpc-0a1b2c3d4e5f67890"
    other = f"arn:aws:ec2:eu-west-1:{ACCOUNT}:vpc/vpc-0ffffffffffffffff"
    assert allowed_all(policies, boundary, [("ec2:CreateNetworkAclEntry", acl, {"ec2:Vpc": configured}), ("ec2:CreateNetworkAclEntry", acl, {"ec2:Vpc": other})]) == [True, False]
    assert json.loads(function_env(acting)["NETWORK_ACL_VPCS"]) == ["vpc-0a1b2c3d4e5f67890"]


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


def test_the_incident_plan_says_where_blocks_take_effect(synthesized):
    """Item 8: the plan names the web ACLs and VPCs that enforce a block, or says it is nowhere."""
    from dataclasses import replace

    from evidence.incident_plan import incident_plan

    config = synthesized.built.config
    assert "**nowhere yet**" in incident_plan(config)
    arn = f"arn:aws:wafv2:eu-west-1:{ACCOUNT}:regional/webacl/shop-frontend/a1b2c3d4-5678-90ab-cdef-111122223333"
    vpc = f"arn:aws:ec2:eu-west-1:{ACCOUNT}:vpc/vpc-0a1b2c3d4e5f67890"
    plan = incident_plan(replace(config, responses=replace(config.responses, web_acl_arns=(arn,), network_acl_vpc_arns=(vpc,))))
    assert "web ACL `shop-frontend`" in plan and "network ACLs of `vpc-0a1b2c3d4e5f67890`" in plan and "nowhere" not in plan


@pytest.mark.parametrize(
    "override, key",
    [
        ({"responses__webAclArns": [f"arn:aws:wafv2:us-east-1:{ACCOUNT}:global/webacl/cdn/a1b2c3d4-5678-90ab-cdef-111122223333"]}, "dpp.responses.webAclArns[0]"),
        ({"responses__networkAclVpcArns": ["vpc-0a1b2c3d4e5f67890"]}, "dpp.responses.networkAclVpcArns[0]"),
        ({"responses__networkAclVpcArns": [f"arn:aws:ec2:ap-south-1:{ACCOUNT}:vpc/vpc-0a1b2c3d4e5f67890"]}, "dpp.responses.networkAclVpcArns"),
        ({"responses__webAclArns": ["arn:aws:wafv2:eu-west-1:999999999999:regional/webacl/x/a1b2c3d4-5678-90ab-cdef-111122223333"]}, "dpp.responses.webAclArns"),
    ],
)
def test_enforcement_points_are_validated_with_the_key_in_the_error(override, key):
    """A CloudFront (global) web ACL cannot reference the regional IP set; a bare VPC ID names
    no account or region; one outside the baseline's accounts and regions would never be used."""
    from configuration.errors import ConfigError

    with pytest.raises(ConfigError) as raised:
        build_app(context_with(**override))
    assert raised.value.key.startswith(key) and "\n" not in str(raised.value)
