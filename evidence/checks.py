"""The checks a grade may name (DPP-VER-2): a DPP rule of the nag pack, a test, or an access-path
check (a test of tests/access/ that evaluates the synthesized policies). A check counts only
when it can be verified here: a rule with its verdict from cdk.out/validation-report.json, a
test that exists in the tree under that name. A name that resolves to nothing never counts."""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from dpp_nag import ALL_RULES

ROOT = Path(__file__).resolve().parent.parent
RULE_IDS = frozenset(r.rule_id for r in ALL_RULES)


ACCESS_PATHS = "tests/access/test_access_paths.py::test_every_path_is_decided_as_aws_would"


@dataclass(frozen=True)
class Check:
    kind: str  # "rule", "test" or "access-path check"
    ref: str  # DPP rule ID, or tests/<file>.py::<test>
    rows: tuple[str, ...] = ()  # access-path checks: the rows (path IDs containing these) that answer the clause

    def __str__(self) -> str:
        return f"{self.kind} `{self.ref}`" + (f" (rows {', '.join(self.rows)})" if self.rows else "")


def rule(rule_id: str) -> Check:
    return Check("rule", rule_id)


def access(*rows: str) -> Check:
    """Rows of the access-path suite: requests decided against the synthesized policies by an
    IAM evaluator (tests/access/), every row asserted by one test."""
    return Check("access-path check", ACCESS_PATHS, rows)


def case(node_id: str) -> Check:
    """A test by its pytest node ID (named `case` so that pytest never collects it)."""
    return Check("access-path check" if node_id.startswith("tests/access/") else "test", node_id)


@dataclass(frozen=True)
class CheckResult:
    check: Check
    state: str  # passes / fails (n) / not run / exists / no such rule / no such test

    @property
    def working(self) -> bool:
        return self.state in ("exists",) or self.state.startswith("passes")

    @property
    def failing(self) -> bool:
        return self.state.startswith("fails")


@lru_cache(maxsize=None)
def _tests_in(path: str) -> frozenset[str]:
    file = ROOT / path
    if not file.is_file():
        return frozenset()
    tree = ast.parse(file.read_text(encoding="utf-8"))
    return frozenset(n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name.startswith("test_"))


def node_exists(node_id: str) -> bool:
    path, _, name = node_id.partition("::")
    return name.split("[")[0] in _tests_in(path)


def rule_verdicts(cdk_out: Path) -> tuple[dict[str, str], list[dict]]:
    """DPP rule ID -> verdict ("not run" without a validation report), and every acknowledged
    finding of every pack."""
    report_file = cdk_out / "validation-report.json"
    if not report_file.exists():
        return {r: "not run" for r in RULE_IDS}, []
    report = json.loads(report_file.read_text())
    failing: dict[str, int] = {}
    suppressed: dict[str, int] = {}
    acknowledged = []
    for plugin in report.get("pluginReports", []):
        for violation in plugin.get("violations", []):
            failing[violation["ruleName"]] = failing.get(violation["ruleName"], 0) + len(violation.get("violatingConstructs", []))
        for violation in plugin.get("suppressedViolations", []):
            suppressed[violation["ruleName"]] = suppressed.get(violation["ruleName"], 0) + 1
            acknowledged.append({"pack": plugin["pluginName"], "rule": violation["ruleName"], "at": violation.get("acknowledgedAt", ""), "reason": violation.get("reason", "")})
    verdicts = {}
    for rule_id in RULE_IDS:
        if failing.get(rule_id):
            verdicts[rule_id] = f"fails ({failing[rule_id]})"
        elif suppressed.get(rule_id):
            verdicts[rule_id] = f"passes, {suppressed[rule_id]} acknowledged"
        else:
            verdicts[rule_id] = "passes"
    return verdicts, acknowledged


def resolve(check: Check, verdicts: dict[str, str]) -> CheckResult:
    if check.kind == "rule":
        if check.ref not in RULE_IDS:
            return CheckResult(check, "no such rule")
        return CheckResult(check, verdicts.get(check.ref, "not run"))
    return CheckResult(check, "exists" if node_exists(check.ref) else "no such test")
