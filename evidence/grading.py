"""The grading rule of docs/requirements.md, applied to one clause at a time (DPP-VER-2).

A grader reports what it found: the controls (or procedure) that answer the clause, the checks
that show they work, the gaps (channels, regions, accounts not covered) and, when nothing
answers it, what would. The status follows from those alone:

- **not met**: no control, a failing check, or no verified check that shows it works;
- **partial**: a working control with gaps;
- **met**: a working control, a verified check, no gaps.

A requirement is met when all its clauses are, not met when none is even partly, else partial.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from evidence.checks import Check, CheckResult, resolve
from evidence.facts import Facts
from evidence.requirements import Clause, Requirement

MET, PARTIAL, NOT_MET = "met", "partial", "not met"


@dataclass
class Finding:
    """What a grader saw. ``controls``: what answers the clause, with where; ``gaps``: what it
    names that is not covered; ``answer``: what would answer it when no control does."""

    controls: list[str] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    answer: str = ""

    def needs(self, answer: str) -> "Finding":
        """Nothing deployed answers the clause: ``answer`` says what would. For a grader's early
        return (``return found.needs(...)``), before any control is added."""
        self.answer = answer
        return self


Grader = Callable[[Facts], Finding]


@dataclass
class ClauseGrade:
    clause: Clause
    status: str
    controls: list[str]
    checks: list[CheckResult]
    missing: list[str]  # partial: what is not covered; not met: what would answer it


@dataclass
class RequirementGrade:
    requirement: Requirement
    status: str
    clauses: list[ClauseGrade]


def grade_clause(clause: Clause, finding: Finding, facts: Facts) -> ClauseGrade:
    results = [resolve(c, facts.verdicts) for c in finding.checks]
    failing = [r for r in results if r.failing]
    if failing:
        reasons = [f"failing check {r.check.ref}: {r.state}" for r in failing]
        return ClauseGrade(clause, NOT_MET, finding.controls, results, reasons + finding.gaps)
    if not finding.controls:
        return ClauseGrade(clause, NOT_MET, [], results, [finding.answer or "nothing in this project answers it yet"] + finding.gaps)
    if not any(r.working for r in results):
        pending = ", ".join(f"{r.check.ref} ({r.state})" for r in results) or "none named"
        return ClauseGrade(clause, NOT_MET, finding.controls, results, [f"no verified check shows the control works (checks: {pending})"] + finding.gaps)
    if finding.gaps:
        return ClauseGrade(clause, PARTIAL, finding.controls, results, finding.gaps)
    return ClauseGrade(clause, MET, finding.controls, results, [])


def roll_up(requirement: Requirement, grades: list[ClauseGrade]) -> RequirementGrade:
    statuses = {g.status for g in grades}
    if statuses == {MET}:
        status = MET
    elif statuses == {NOT_MET}:
        status = NOT_MET
    else:
        status = PARTIAL
    return RequirementGrade(requirement, status, grades)
