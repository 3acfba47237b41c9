"""cfn-lint, AWS's own CloudFormation linter (its resource specifications come from the
CloudFormation registry schemas), over every synthesized template: the default app, the
organization example and the member StackSet's body. No errors; a warning only when its rule
is listed here with the reason it does not apply (DPP-VER-1: what synth produces deploys)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

# Rule -> why the warning is acceptable.
ACCEPTED_WARNINGS = {
    "W3005": "CDK adds DependsOn on a function's role although Fn::GetAtt already orders it; redundant, harmless.",
}


def templates(synthesized) -> list[tuple[str, str, dict]]:
    found = []
    for stack in synthesized.assembly.stacks:
        found.append((stack.stack_name, stack.environment.region, stack.template))
        for logical_id, resource in stack.template.get("Resources", {}).items():
            if resource["Type"] == "AWS::CloudFormation::StackSet":
                for region in synthesized.built.config.regions:
                    found.append((f"{stack.stack_name}/{logical_id}@{region}", region, json.loads(resource["Properties"]["TemplateBody"])))
    return found


def findings(synthesized, tmp_path) -> list[str]:
    """One cfn-lint run over every template (its rule set loads once), each checked against
    every region the app deploys to."""
    files, regions = [], set()
    for i, (name, region, template) in enumerate(templates(synthesized)):
        path = tmp_path / f"{i:03d}.template.json"
        path.write_text(json.dumps(template))
        files.append((name, path))
        regions.add(region)
    names = {str(path): name for name, path in files}
    run = subprocess.run(
        [str(Path(sys.executable).with_name("cfn-lint")), "--format", "json", "--regions", *sorted(regions), "--", *names],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode in (0, 2, 4, 6, 8, 10, 12, 14), run.stderr[-2000:]  # bit flags: errors, warnings, infos
    problems = []
    for match in json.loads(run.stdout or "[]"):
        rule = match["Rule"]["Id"]
        if rule.startswith("E") or (rule.startswith("W") and rule not in ACCEPTED_WARNINGS):
            problems.append(f"{names.get(match['Filename'], match['Filename'])}: {rule} {match['Message']}")
    return problems


def test_default_templates_pass_cfn_lint(synthesized, tmp_path):
    assert findings(synthesized, tmp_path) == []


def test_organization_templates_and_the_member_stackset_pass_cfn_lint(organization_synthesized, tmp_path):
    assert findings(organization_synthesized, tmp_path) == []


def test_the_lint_run_reports_a_broken_template(synthesized, tmp_path):
    """The harness itself: an invalid property is reported, so a clean result means something."""

    class Broken:
        built = synthesized.built

        class assembly:
            stacks = []

    broken = {"Resources": {"Topic": {"Type": "AWS::SNS::Topic", "Properties": {"NoSuchProperty": 1}}}}
    Broken.assembly.stacks = [type("S", (), {"stack_name": "broken", "environment": type("E", (), {"region": "eu-west-1"})(), "template": broken})()]
    assert any("E3002" in p or "E3" in p for p in findings(Broken, tmp_path))


@pytest.mark.parametrize("rule", sorted(ACCEPTED_WARNINGS))
def test_each_accepted_warning_has_a_reason(rule):
    assert len(ACCEPTED_WARNINGS[rule]) > 40
