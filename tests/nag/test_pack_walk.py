"""The DPP pack walks the tree in Python (``RulePack.validate_scope``) instead of cdk-nag's walk
calling back into Python once per resource; its report must be the one cdk-nag's own walk
builds from the same verdicts: the same rules, wording, severities, resources and order, with
acknowledged findings (on the resource or a construct above it) left out, an undecided rule's
warning and a rule that raises reported as cdk-nag reports them."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import Acknowledgment, Validations
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from cdk_nag import NagMessageLevel, NagPack

from dpp_nag import ALL_RULES, DppChecks
from dpp_nag.framework import DppRule, Undecided

ENV = cdk.Environment(account="111122223333", region="eu-west-1")


def _raises(resource, props, ctx):
    raise ValueError("an intrinsic where a literal was needed")


EXTRA = (
    DppRule("TestRaises", ("DPP-VER-1",), "a rule whose check raises", "(test)", ("AWS::SQS::Queue",), _raises),
    DppRule("TestUndecided", ("DPP-VER-1",), "a rule that cannot decide", "(test)", ("AWS::SQS::Queue",), lambda r, p, c: Undecided("a token")),
    DppRule("TestWarn", ("DPP-VER-1",), "a warning-level rule", "(test)", ("AWS::S3::Bucket",), lambda r, p, c: False, level=NagMessageLevel.WARN),
)


def _app() -> cdk.App:
    app = cdk.App()
    stack = cdk.Stack(app, "Walk", env=ENV)
    s3.Bucket(stack, "Plain")  # fails many of the DPP pack's bucket rules
    group = cdk.Stack(app, "Other", env=ENV)
    acknowledged = s3.Bucket(group, "Acknowledged")
    sqs.Queue(group, "Queue")
    nested = cdk.NestedStack(group, "Nested")
    s3.Bucket(nested, "Deep")
    # acknowledged above the resource (the bucket construct) and on the stack, in the form
    # cdk-nag's isAcknowledged reads: both left out by the pack (the namespaced form,
    # DPP::DPP-..., the gate's, is matched by CDK afterwards, into suppressedViolations)
    Validations.of(acknowledged).acknowledge(Acknowledgment(id="DPP-S3KmsEncryption", reason="(test) acknowledged on the L2 construct, in the form without a namespace"))
    Validations.of(group).acknowledge(Acknowledgment(id="DPP-TestWarn", reason="(test) acknowledged on the stack, in the form without a namespace"))
    return app


def _as_data(report) -> list:
    return [(v.rule_name, v.description, v.severity, [(r.construct_path, list(r.locations)) for r in v.violating_resources]) for v in report.violations] + [report.success]


def test_the_python_walk_reports_what_cdk_nags_walk_reports():
    app = _app()
    rules = ALL_RULES + EXTRA
    ours = DppChecks(app, rules=rules).validate_scope(app)
    theirs = NagPack.validate_scope(DppChecks(app, rules=rules), app)  # cdk-nag's walk, calling check_resource per resource
    assert _as_data(ours) == _as_data(theirs)
    names = {v.rule_name for v in ours.violations}
    assert {"DPP-TestRaises", "DPP-TestUndecidedUndecided", "DPP-TestWarn", "DPP-S3KmsEncryption"} <= names
    paths = {r.construct_path for v in ours.violations for r in v.violating_resources}
    assert "Other/Nested/Deep/Resource" in paths
    kms = next(v for v in ours.violations if v.rule_name == "DPP-S3KmsEncryption")
    assert "Other/Acknowledged/Resource" not in {r.construct_path for r in kms.violating_resources}
    assert all("Other" not in r.construct_path for v in ours.violations if v.rule_name == "DPP-TestWarn" for r in v.violating_resources)


def test_a_scope_below_the_app_reports_only_its_own_resources():
    app = _app()
    stack = app.node.find_child("Walk")
    ours = DppChecks(app, rules=ALL_RULES + EXTRA).validate_scope(stack)
    theirs = NagPack.validate_scope(DppChecks(app, rules=ALL_RULES + EXTRA), stack)
    assert _as_data(ours) == _as_data(theirs)
    assert {r.construct_path.split("/")[0] for v in ours.violations for r in v.violating_resources} == {"Walk"}
