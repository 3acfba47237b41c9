"""Every AWS API call in every function's code is allowed by that function's role, in the
synthesized templates (DPP-MON-6: monitoring that can act; an AccessDenied at 3 a.m. is a lost
alert or response).

Static: the calls are read from the bundled source (boto3 client and resource methods, paginator
names, and the relay's own ``.call("Operation", ...)``), named by botocore's service models
(the SDK's own list of operations), and turned into IAM actions (``<prefix>:<Operation>``, with
the few documented exceptions below). The check is action-level: some statement of the role's
policies allows the action, and no statement denies it on every resource; which resources a call
touches is left to the access-path tests and moto tests.
"""

from __future__ import annotations

import ast
import fnmatch
import json
from functools import cache
from pathlib import Path

import botocore.session
import pytest

from tests.access.policies import build_estate, read_assembly

LAMBDAS = Path(__file__).resolve().parents[2] / "lambdas"
# IAM prefix where it differs from the service's signing name
# (https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html).
IAM_PREFIX = {"monitoring": "cloudwatch"}
# Operations whose IAM action has another name
# (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html: "you must have
# permission to perform the s3:ListBucket action"; HeadObject needs s3:GetObject).
ACTION_FOR = {("s3", "ListObjectsV2"): "s3:ListBucket", ("s3", "HeadObject"): "s3:GetObject", ("s3", "HeadBucket"): "s3:ListBucket"}
# Copies and multipart uploads are authorised as s3:PutObject on the destination (the copy
# source's s3:GetObject / s3:GetObjectVersion is a row of tests/access/paths.py,
# forwarder-reads-source-*): https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html,
# https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPartCopy.html,
# https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateMultipartUpload.html,
# https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html.
ACTION_FOR |= {("s3", op): "s3:PutObject" for op in ("CopyObject", "UploadPartCopy", "CreateMultipartUpload", "CompleteMultipartUpload")}
# Function (its physical name without the stage prefix) -> source package.
PACKAGES = {
    "cloudfront-logging-check": "cloudfront_logging_rule",
    "chat-relay": "chat_relay",
    "responder": "responder",
    "flow-log-enforcer": "flow_log_enforcer",
    "review-digest": "review_digest",
    "log-forwarder": "log_forwarder",
}
# Functions that share a package: (package, the files each one runs).
MODULES = {"drill-runner": ("drills", ("drill_runner.py", "drill_common.py")), "drill-checker": ("drills", ("drill_checker.py", "drill_common.py"))}
# Calls a function makes with credentials other than its role's: the drill runner reads the
# canary as the drill's canary reader and changes the drill log group's retention as the drill's
# control changer (whose policies the access paths check: drill-reader-reads-canary-*,
# drill-control-changer-sets-retention-*).
OTHER_CREDENTIALS = {"drill-runner": {"s3:GetObject", "logs:PutRetentionPolicy"}}
DEPLOY_ACTIONS = "deploy_actions"


@cache
def session() -> botocore.session.Session:
    return botocore.session.get_session()


@cache
def operations(service: str) -> dict[str, str]:
    """snake_case and CamelCase operation names -> CamelCase, for one service."""
    model = session().get_service_model(service)
    names = {}
    for op in model.operation_names:
        names[op] = op
        names[botocore.xform_name(op)] = op
    return names


@cache
def iam_prefix(service: str) -> str:
    signing = session().get_service_model(service).signing_name
    return IAM_PREFIX.get(signing, signing)


def sources(package: str) -> list[Path]:
    return sorted(p for p in (LAMBDAS / package).rglob("*.py") if "__pycache__" not in p.parts)


def candidate_services(trees: list[ast.AST]) -> set[str]:
    known = set(session().get_available_services())
    return {n.value for tree in trees for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value in known}


def calls_in(nodes: list[ast.AST], services: set[str]) -> set[str]:
    """IAM actions of the SDK calls made in ``nodes``."""
    actions = set()
    for tree in nodes:
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            names = [node.func.attr]
            if node.func.attr in ("call", "get_paginator") and node.args and isinstance(node.args[0], ast.Constant):
                names = [str(node.args[0].value)]
            for name in names:
                for service in services:
                    op = operations(service).get(name)
                    if op and not (name == op.lower() and name in ("get", "put", "delete")):
                        actions.add(ACTION_FOR.get((iam_prefix(service), op), f"{iam_prefix(service)}:{op}"))
    return actions


def package_actions(package: str, files: tuple[str, ...] = ()) -> set[str]:
    paths = [LAMBDAS / package / f for f in files] if files else sources(package)
    trees = [ast.parse(p.read_text()) for p in paths]
    return calls_in(trees, candidate_services(trees))


def deploy_action_calls(action: str) -> set[str]:
    """The calls of the one handler function behind a custom resource's Action."""
    tree = ast.parse((LAMBDAS / DEPLOY_ACTIONS / "handler.py").read_text())
    table = next(n for n in ast.walk(tree) if isinstance(n, ast.Assign) and any(getattr(t, "id", "") == "ACTIONS" for t in n.targets))
    handler = next(v.id for k, v in zip(table.value.keys, table.value.values, strict=True) if k.value == action)
    function = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == handler)
    return calls_in([function], candidate_services([tree]))


def allowed(action: str, policies: list[dict]) -> bool:
    def matches(pattern_list, value) -> bool:
        return any(fnmatch.fnmatchcase(value.lower(), p.lower()) for p in ([pattern_list] if isinstance(pattern_list, str) else pattern_list))

    statements = [s for p in policies for s in p["Statement"]]
    allow = any(s["Effect"] == "Allow" and matches(s.get("Action", []), action) for s in statements)
    blanket_deny = any(s["Effect"] == "Deny" and matches(s.get("Action", []), action) and s.get("Resource") == "*" and not s.get("Condition") for s in statements)
    return allow and not blanket_deny


def functions_and_actions(synthesized):
    """([(function, role ARN, IAM actions its code calls)] for every function in the app, the
    resolved policies)."""
    stacks = read_assembly(synthesized.outdir)
    estate = build_estate(stacks)
    prefix = synthesized.built.config.resource_prefix + "-"
    found = []
    for stack in stacks:
        custom = {}
        for resource in stack.resources.values():
            if resource["Type"] == "AWS::CloudFormation::CustomResource":
                props = resource["Properties"]
                token = json.dumps(props["ServiceToken"])
                custom[token] = props["Action"]
        for logical_id, resource in stack.resources.items():
            if resource["Type"] != "AWS::Lambda::Function":
                continue
            name = resource["Properties"].get("FunctionName", "")
            role = estate.function_roles[f"{stack.account}/{stack.region}/{name}"]
            short = name.removeprefix(prefix)
            token = json.dumps({"Fn::GetAtt": [logical_id, "Arn"]})
            if token in custom:
                found.append((f"{stack.name}/{name}", role, deploy_action_calls(custom[token])))
            elif short in PACKAGES:
                found.append((f"{stack.name}/{name}", role, package_actions(PACKAGES[short])))
            elif short in MODULES:
                found.append((f"{stack.name}/{name}", role, package_actions(*MODULES[short]) - OTHER_CREDENTIALS.get(short, set())))
            else:
                found.append((f"{stack.name}/{name}", role, {"<unknown source>"}))
    return found, estate


def not_allowed(found, estate, keep=lambda function: True) -> list[str]:
    missing = []
    for function, role, actions in found:
        if not keep(function):
            continue
        assert actions, f"{function}: no SDK call found; is the source mapped?"
        missing += [f"{function}: {a}" for a in sorted(actions) if not allowed(a, estate.identity_policies.get(role, []))]
    return missing


def test_every_function_s_calls_are_allowed_by_its_role(synthesized):
    """The default configuration. Its responder runs in dry run, where by design it holds no
    write rights (tests/synth/test_responses.py); the live responder is checked below."""
    found, estate = functions_and_actions(synthesized)
    dry_run = synthesized.built.config.responses.dry_run
    assert not_allowed(found, estate, keep=lambda f: not (dry_run and f.endswith("-responder"))) == []


def test_the_live_responder_may_make_every_call_it_makes(tmp_path):
    """Responses switched on for real, with a web ACL and a VPC to block in, at home (where the
    failed-sign-in report reads the trail's log group and the configured web ACL and VPC are):
    every call of the responder's code is allowed. Elsewhere the blocking calls are not made
    (no web ACL or VPC there), which an action-level check cannot tell."""
    from tests.support import build_app, context_with

    context = context_with(
        responses__dryRun=False,
        responses__webAclArns=["arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/shop/a1b2c3d4-5678-90ab-cdef-0123456789ab"],
        responses__networkAclVpcArns=["arn:aws:ec2:eu-west-1:111122223333:vpc/vpc-0123456789abcdef0"],
    )
    built = build_app(context, outdir=str(tmp_path))
    built.app.synth()

    class Live:
        outdir = tmp_path

    Live.built = built
    found, estate = functions_and_actions(Live)
    home = built.config.home_region
    assert not_allowed(found, estate, keep=lambda f: f.endswith("-responder") and f"-{home}/" in f) == []


def test_the_extraction_finds_known_calls():
    """The reader itself: calls the functions are known to make are found."""
    assert {"ec2:CreateFlowLogs", "route53resolver:AssociateResolverQueryLogConfig"} <= package_actions("flow_log_enforcer")
    assert "secretsmanager:GetSecretValue" in package_actions("chat_relay")
    assert deploy_action_calls("PutSecurityContact") == {"account:PutAlternateContact"}
    assert {"guardduty:CreateSampleFindings", "securityhub:BatchImportFindings", "sts:AssumeRole", "cloudwatch:PutMetricData"} <= package_actions(*MODULES["drill-runner"])
    assert {"logs:FilterLogEvents", "s3:PutObject", "cloudwatch:DescribeAlarmHistory", "guardduty:ListFindings"} <= package_actions(*MODULES["drill-checker"])
    assert deploy_action_calls("EnableServiceAccess") == {"organizations:EnableAWSServiceAccess"}


@pytest.mark.parametrize("action, expected", [("kms:DescribeKey", True), ("kms:Decrypt", False)])
def test_the_matcher_reads_wildcards_and_denies(action, expected):
    policies = [{"Statement": [{"Effect": "Allow", "Action": ["kms:Describe*", "kms:Decrypt"], "Resource": "*"}, {"Effect": "Deny", "Action": "kms:Decrypt", "Resource": "*"}]}]
    assert allowed(action, policies) is expected
