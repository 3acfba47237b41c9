"""cfn-lint, AWS's own CloudFormation linter (its resource specifications come from the
CloudFormation registry schemas), over every synthesized template: the default app, the
organization example and the member StackSet's body. No errors; a warning only when its rule
is listed in tests/cfn_lint.py with the reason it does not apply (DPP-VER-1: what synth
produces deploys). Each run starts in the background when its app is synthesized (marker
cfn_lint: tests/conftest.py), once per session, and these tests wait for its end."""

from __future__ import annotations

import pytest

from tests import cfn_lint


@pytest.mark.cfn_lint
def test_default_templates_pass_cfn_lint(synthesized):
    assert synthesized.lint.findings() == []


@pytest.mark.cfn_lint
def test_organization_templates_and_the_member_stackset_pass_cfn_lint(organization_synthesized):
    assert organization_synthesized.lint.findings() == []


def test_the_lint_run_reports_a_broken_template():
    """The harness itself: an invalid property is reported, so a clean result means something."""
    broken = {"Resources": {"Topic": {"Type": "AWS::SNS::Topic", "Properties": {"NoSuchProperty": 1}}}}
    run = cfn_lint.LintRun([("broken", "eu-west-1", broken)], {"eu-west-1"})
    assert any(" E3" in p for p in run.findings())


def test_the_shared_run_reports_a_broken_template_once_started(tmp_path):
    """The run the session apps use (started by one worker, read by any): it reports what the
    in-process run does, and a second start is a no-op that leaves the first run's result."""
    broken = {"Resources": {"Topic": {"Type": "AWS::SNS::Topic", "Properties": {"NoSuchProperty": 1}}}}
    assert cfn_lint.SharedRun.start_once_over(lambda: [("broken", "eu-west-1", broken)], ("eu-west-1",), tmp_path)
    assert not cfn_lint.SharedRun.start_once_over(lambda: [("clean", "eu-west-1", {"Resources": {}})], ("eu-west-1",), tmp_path)
    assert any(p.startswith("broken: E3") for p in cfn_lint.SharedRun(tmp_path).findings())


@pytest.mark.parametrize("rule", sorted(cfn_lint.ACCEPTED_WARNINGS))
def test_each_accepted_warning_has_a_reason(rule):
    assert len(cfn_lint.ACCEPTED_WARNINGS[rule]) > 40
