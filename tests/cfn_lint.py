"""cfn-lint over a synthesized app, started by the first lint test that asks for it (in the
worker that runs the lint tests only: tests/conftest.py) and read when the run ends."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

# Rule -> why the warning is acceptable.
ACCEPTED_WARNINGS = {
    "W3005": "CDK adds DependsOn on a function's role although Fn::GetAtt already orders it; redundant, harmless.",
}


def templates(assembly) -> list[tuple[str, str, dict]]:
    """(name, region, template) of every stack, and each StackSet body once (the run checks
    every template against every region the app deploys to)."""
    found, bodies = [], set()
    for stack in assembly.stacks:
        found.append((stack.stack_name, stack.environment.region, stack.template))
        for logical_id, resource in stack.template.get("Resources", {}).items():
            body = resource["Properties"].get("TemplateBody") if resource["Type"] == "AWS::CloudFormation::StackSet" else None
            if body and body not in bodies:
                bodies.add(body)
                found.append((f"{stack.stack_name}/{logical_id}", stack.environment.region, json.loads(body)))
    return found


class LintRun:
    def __init__(self, found: list[tuple[str, str, dict]], regions: set[str]) -> None:
        self.folder = tempfile.TemporaryDirectory(prefix="cfn-lint-")
        self.names = {}
        for i, (name, region, template) in enumerate(found):
            path = Path(self.folder.name) / f"{i:03d}.template.json"
            path.write_text(json.dumps(template))
            self.names[str(path)] = name
            regions.add(region)
        executable = Path(sys.executable).with_name("cfn-lint")
        self.process = subprocess.Popen(
            [str(executable), "--format", "json", "--regions", *sorted(regions), "--", *self.names],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def findings(self) -> list[str]:
        """Errors, and warnings of rules not accepted, as lines naming the template."""
        stdout, stderr = self.process.communicate(timeout=600)
        # cfn-lint's exit code is a bit field (2 errors, 4 warnings, 8 informational); 1 is a crash.
        assert self.process.returncode in range(0, 16, 2), stderr[-2000:]
        problems = []
        for match in json.loads(stdout or "[]"):
            rule = match["Rule"]["Id"]
            if rule.startswith("E") or (rule.startswith("W") and rule not in ACCEPTED_WARNINGS):
                problems.append(f"{self.names.get(match['Filename'], match['Filename'])}: {rule} {match['Message']}")
        self.folder.cleanup()
        return problems

    def stop(self) -> None:
        """At the session's end: a run no test read is not left behind."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()
        self.folder.cleanup()


def start(assembly, regions) -> LintRun:
    return LintRun(templates(assembly), set(regions))
