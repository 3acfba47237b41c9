"""cfn-lint over a synthesized app: started once per session, in the background, by the worker
that synthesized the app (tests/conftest.py), and read by the lint tests when the run ends."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
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


def _problems(stdout: str, returncode: int, stderr: str, names: dict[str, str]) -> list[str]:
    """Errors, and warnings of rules not accepted, as lines naming the template."""
    # cfn-lint's exit code is a bit field (2 errors, 4 warnings, 8 informational); 1 is a crash.
    assert returncode in range(0, 16, 2), stderr[-2000:]
    problems = []
    for match in json.loads(stdout or "[]"):
        rule = match["Rule"]["Id"]
        if rule.startswith("E") or (rule.startswith("W") and rule not in ACCEPTED_WARNINGS):
            problems.append(f"{names.get(match['Filename'], match['Filename'])}: {rule} {match['Message']}")
    return problems


def _write_templates(found: list[tuple[str, str, dict]], regions: set[str], folder: Path) -> tuple[dict[str, str], list[str]]:
    """The templates as files in folder; returns file -> template name, and cfn-lint's arguments."""
    names = {}
    for i, (name, region, template) in enumerate(found):
        path = folder / f"{i:03d}.template.json"
        path.write_text(json.dumps(template))
        names[str(path)] = name
        regions.add(region)
    executable = Path(sys.executable).with_name("cfn-lint")
    return names, [str(executable), "--format", "json", "--regions", *sorted(regions), "--", *names]


class LintRun:
    """A run in this process's hands (the harness test's)."""

    def __init__(self, found: list[tuple[str, str, dict]], regions: set[str]) -> None:
        self.folder = tempfile.TemporaryDirectory(prefix="cfn-lint-")
        self.names, command = _write_templates(found, regions, Path(self.folder.name))
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def findings(self) -> list[str]:
        stdout, stderr = self.process.communicate(timeout=600)
        self.folder.cleanup()
        return _problems(stdout, self.process.returncode, stderr, self.names)


# Runs cfn-lint with its output in files and, when it has ended, its exit code in `rc` (written
# whole by a rename), so that a process other than the one that started it can read the run.
_RUNNER = """
import os, subprocess, sys
folder, command = sys.argv[1], sys.argv[2:]
with open(os.path.join(folder, "stdout"), "w") as out, open(os.path.join(folder, "stderr"), "w") as err:
    code = subprocess.call(command, stdout=out, stderr=err)
with open(os.path.join(folder, "rc.partial"), "w") as rc:
    rc.write(str(code))
os.rename(os.path.join(folder, "rc.partial"), os.path.join(folder, "rc"))
"""
_STARTED: list[subprocess.Popen] = []  # kept from the garbage collector, which warns of live ones


class SharedRun:
    """A run any worker of the session may read: started in the background by the worker that
    synthesized the app (tests/conftest.py), as soon as the assembly is written, so that it runs
    beside the tests instead of after them; the lint tests wait for its end."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @staticmethod
    def start_once(assembly, regions, folder: Path) -> bool:
        """Starts the run over the assembly's templates unless some process already has."""
        return SharedRun.start_once_over(lambda: templates(assembly), regions, folder)

    @staticmethod
    def start_once_over(found: Callable[[], list[tuple[str, str, dict]]], regions, folder: Path) -> bool:
        """Starts the run over the templates found unless some process already has; returns
        whether this call started it."""
        folder.mkdir(parents=True, exist_ok=True)
        try:
            os.close(os.open(folder / "started", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return False
        names, command = _write_templates(found(), set(regions), folder)
        (folder / "names.json").write_text(json.dumps(names))
        _STARTED.append(subprocess.Popen([sys.executable, "-c", _RUNNER, str(folder), *command], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        return True

    def findings(self, timeout: float = 600) -> list[str]:
        rc = self.folder / "rc"
        deadline = time.monotonic() + timeout
        while not rc.exists():
            assert time.monotonic() < deadline, f"cfn-lint in {self.folder} did not end within {timeout} s"
            time.sleep(0.2)
        names = json.loads((self.folder / "names.json").read_text())
        return _problems((self.folder / "stdout").read_text(), int(rc.read_text()), (self.folder / "stderr").read_text(), names)
