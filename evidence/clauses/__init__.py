"""One grader per clause of docs/requirements.md (DPP-VER-2), grouped by section. Each reads
the configuration in force and the synthesized assembly (evidence.facts) and names the checks
that show its controls work; evidence.grading turns what it found into met / partial / not met."""

from __future__ import annotations

from evidence.clauses.registry import GRADERS, grades

from evidence.clauses import analyse, collect, monitor, protect, respond, retain, verify  # noqa: F401  (each registers its graders)

__all__ = ["GRADERS", "grades"]
