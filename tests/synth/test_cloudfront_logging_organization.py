"""Organization mode's CloudFront logging rule (DPP-LOG-8): the organization example covering
its home region and us-east-1, synthesized once with every pack (the gate refuses any unacknowledged
finding, the member template's included). Members' AWS Config runs the security account's
function for the organization rule; the function evaluates each member through the member's
evaluator role, which admits that function's role alone, and reports there
(https://docs.aws.amazon.com/config/latest/APIReference/API_PutOrganizationConfigRule.html:
"You also need to create an IAM role in the managed account that can be assumed by the Lambda
function")."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from configuration.regions import CLOUDFRONT_REGION
from tests import cfn_lint
from tests.access.policies import build_estate, read_assembly, stack_set_instances
from tests.access.simulator import Request, Simulator
from tests.access.test_sdk_calls import functions_and_actions, not_allowed
from tests.support import build_app, cdk_json_context

ROOT = Path(__file__).resolve().parents[2]
MEMBER = "123456789012"  # any member: members are not listed
OUTSIDER = "999999999999"
# https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-config-organizationconfigrule-organizationcustomrulemetadata.html
FREQUENCIES = {"One_Hour", "Three_Hours", "Six_Hours", "Twelve_Hours", "TwentyFour_Hours"}


@pytest.fixture(scope="module")
def organization(tmp_path_factory):
    context = cdk_json_context()
    context["dpp"] = json.loads((ROOT / "examples" / "organization.json").read_text())
    # Home and us-east-1 only: the example's other region adds stacks and nothing to these tests.
    context["dpp"]["regions"] = [context["dpp"]["homeRegion"], CLOUDFRONT_REGION]
    outdir = tmp_path_factory.mktemp("org-cloudfront")
    built = build_app(context, with_gate=True, outdir=str(outdir))
    assembly = built.app.synth()  # raises on any unacknowledged finding
    stacks = read_assembly(outdir)
    return SimpleNamespace(built=built, outdir=outdir, assembly=assembly, stacks=stacks, config=built.config)


def _resources(org, kind: str, account: str) -> dict:
    [stack] = [s for s in org.stacks if s.name.startswith(f"dpp-prod-{kind}-{account}-{CLOUDFRONT_REGION}")]
    return stack.resources


def _member_body_text(org) -> str:
    [body] = [r["Properties"]["TemplateBody"] for s in org.stacks for r in s.resources.values() if r["Type"] == "AWS::CloudFormation::StackSet"]
    return body


def _member_body(org) -> dict:
    return json.loads(_member_body_text(org))


def test_the_organization_rule_runs_the_security_accounts_function_on_every_change_and_every_six_hours(organization):
    security = organization.config.security_account.account_id
    [rule] = [
        r["Properties"]
        for r in _resources(organization, "org-security", security).values()
        if r["Type"] == "AWS::Config::OrganizationConfigRule" and "CloudFront" in r["Properties"]["OrganizationConfigRuleName"]
    ]
    metadata = rule["OrganizationCustomRuleMetadata"]
    functions = {r["Properties"]["FunctionName"]: r for r in _resources(organization, "collection", security).values() if r["Type"] == "AWS::Lambda::Function"}
    assert metadata["LambdaFunctionArn"] == f"arn:aws:lambda:{CLOUDFRONT_REGION}:{security}:function:dpp-prod-cloudfront-logging-check"
    assert "dpp-prod-cloudfront-logging-check" in functions
    assert set(metadata["OrganizationConfigRuleTriggerTypes"]) == {"ConfigurationItemChangeNotification", "OversizedConfigurationItemChangeNotification", "ScheduledNotification"}
    assert metadata["MaximumExecutionFrequency"] == "Six_Hours" and metadata["MaximumExecutionFrequency"] in FREQUENCIES
    assert metadata["ResourceTypesScope"] == ["AWS::CloudFront::Distribution"]
    # The management and security accounts run the account rule of their own collection stacks
    # (and hold no evaluator role): the organization rule leaves them out.
    assert sorted(rule["ExcludedAccounts"]) == sorted(a.account_id for a in organization.config.monitored_accounts)
    # Each member's pattern is filled with its own account ID by the function.
    assert json.loads(metadata["InputParameters"])["acceptedS3Destination"] == "aws-waf-logs-dpp-prod-workload-{account}-{region}/cloudfront"
    # The function knows the members' role; members' Config may invoke it (no SourceAccount can name them all).
    function = functions["dpp-prod-cloudfront-logging-check"]["Properties"]
    assert function["Environment"]["Variables"]["MEMBER_ROLE_NAME"] == "dpp-prod-cloudfront-logging-evaluator"
    # The accounts it could not evaluate are counted where the low alarm watches.
    alarms = [r["Properties"] for s in organization.stacks if s.account == security and s.region == CLOUDFRONT_REGION for r in s.resources.values() if r["Type"] == "AWS::CloudWatch::Alarm"]
    [not_evaluated] = [a for a in alarms if a["AlarmName"] == "dpp-prod-CloudFrontLoggingAccountsNotEvaluated"]
    assert (not_evaluated["Namespace"], not_evaluated["MetricName"]) == (function["Environment"]["Variables"]["METRIC_NAMESPACE"], "AccountsNotEvaluated")
    assert not_evaluated["Statistic"] == "Sum" and not_evaluated["Threshold"] == 1
    permissions = [
        r["Properties"] for r in _resources(organization, "collection", security).values() if r["Type"] == "AWS::Lambda::Permission" and r["Properties"]["Principal"] == "config.amazonaws.com"
    ]
    assert sorted(p.get("SourceAccount", "any") for p in permissions) == sorted([security, "any"])


def test_only_the_member_templates_us_east_1_instance_holds_the_evaluator_role(organization):
    body = _member_body(organization)
    parts = {k: r for k, r in body["Resources"].items() if k.startswith("CloudFrontLoggingEvaluator")}
    assert {r["Type"] for r in parts.values()} == {"AWS::IAM::Role", "AWS::IAM::ManagedPolicy"}
    [condition] = {r["Condition"] for r in parts.values()}
    assert {"Condition": "CloudFrontRegion"} in body["Conditions"][condition]["Fn::And"]
    assert body["Conditions"]["CloudFrontRegion"] == {"Fn::Equals": [{"Ref": "AWS::Region"}, CLOUDFRONT_REGION]}
    [role] = [r["Properties"] for r in parts.values() if r["Type"] == "AWS::IAM::Role"]
    assert role["RoleName"] == "dpp-prod-cloudfront-logging-evaluator"
    # The StackSet's TemplateBody limit (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStackSet.html).
    assert len(_member_body_text(organization).encode()) < 51_200


def test_the_security_function_alone_may_assume_a_members_evaluator_role_which_may_evaluate_and_report(organization):
    config = organization.config
    security = config.security_account.account_id
    stacks = organization.stacks + stack_set_instances(organization.stacks, account=MEMBER, region=CLOUDFRONT_REGION)
    function_role = f"arn:aws:iam::{security}:role/dpp-prod-cloudfront-logging-check"
    evaluator = f"arn:aws:iam::{MEMBER}:role/dpp-prod-cloudfront-logging-evaluator"
    requests = {
        # aws:ResourceOrgID is the role's account's organization; absent, the function's grant fails closed.
        "function-assumes-member-role": (Request(function_role, "sts:AssumeRole", evaluator, {"aws:ResourceOrgID": config.organization.organization_id}), "Allowed"),
        "function-not-outside-the-organization": (Request(function_role, "sts:AssumeRole", evaluator, {"aws:ResourceOrgID": "o-otherorg123"}), "Denied"),
        "function-not-without-the-org-key": (Request(function_role, "sts:AssumeRole", evaluator), "Denied"),
        "security-admin-not": (Request(f"arn:aws:iam::{security}:role/Administrator", "sts:AssumeRole", evaluator, administrator=True), "Denied"),
        "outsider-not": (Request(f"arn:aws:iam::{OUTSIDER}:role/dpp-prod-cloudfront-logging-check", "sts:AssumeRole", evaluator), "Denied"),
        "member-role-reads-distribution": (Request(evaluator, "cloudfront:GetDistributionConfig", f"arn:aws:cloudfront::{MEMBER}:distribution/E2QWRUHAPOMQZL"), "Allowed"),
        "member-role-not-another-accounts": (Request(evaluator, "cloudfront:GetDistributionConfig", f"arn:aws:cloudfront::{OUTSIDER}:distribution/E2QWRUHAPOMQZL"), "Denied"),
        # These take no resource ARN: the evaluator refuses any but "*" ("must.use.wildcard").
        "member-role-reports": (Request(evaluator, "config:PutEvaluations", "*"), "Allowed"),
        "member-role-reads-deliveries": (Request(evaluator, "logs:DescribeDeliveries", "*"), "Allowed"),
    }
    results = Simulator(build_estate(stacks)).evaluate([r for r, _ in requests.values()])
    assert not [r for r in results if r.startswith("Error")], results
    decided = {name: ("Allowed" if result == "Allowed" else "Denied") for name, result in zip(requests, results, strict=True)}
    assert decided == {name: expected for name, (_, expected) in requests.items()}


def test_every_call_of_the_function_is_allowed_by_its_role(organization):
    found, estate = functions_and_actions(SimpleNamespace(outdir=organization.outdir, built=organization.built))
    security = organization.config.security_account.account_id
    checks = [f for f in found if f[0].endswith("/dpp-prod-cloudfront-logging-check")]
    assert len(checks) == len(organization.config.monitored_accounts)
    # Only the security account's function serves members (MEMBER_ROLE_NAME): the others never
    # assume a role or count accounts they could not evaluate.
    assert {"sts:AssumeRole", "cloudwatch:PutMetricData", "logs:DescribeDeliveries"} <= checks[0][2]
    checks = [(name, role, actions if f"-{security}-" in name else actions - {"sts:AssumeRole", "cloudwatch:PutMetricData"}) for name, role, actions in checks]
    assert not_allowed(checks, estate) == []
    for stack in organization.stacks:
        for resource in stack.resources.values():
            if resource["Type"] == "AWS::Lambda::Function" and resource["Properties"]["FunctionName"] == "dpp-prod-cloudfront-logging-check":
                assert ("MEMBER_ROLE_NAME" in resource["Properties"].get("Environment", {}).get("Variables", {})) == (stack.account == security)


def test_cfn_lint_accepts_the_rule_the_function_and_the_member_template(organization):
    security = organization.config.security_account.account_id
    found = [(n, r, t) for n, r, t in cfn_lint.templates(organization.assembly) if r == CLOUDFRONT_REGION and (f"-{security}-" in n or "StackSet" in n or "MemberBaseline" in n)]
    assert len(found) >= 3
    assert cfn_lint.LintRun(found, {CLOUDFRONT_REGION}).findings() == []
