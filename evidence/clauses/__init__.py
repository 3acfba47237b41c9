"""One grader per clause of docs/requirements.md (DPP-VER-2), grouped by section. Each reads
the configuration in force and the synthesized assembly (evidence.facts) and names the checks
that show its controls work; evidence.grading turns what it found into met / partial / not met."""
from __future__ import annotations

from evidence.grading import Grader

GRADERS: dict[str, Grader] = {}


def grades(*clause_ids: str):
    """Registers a grader for the clauses it answers."""

    def register(grader: Grader) -> Grader:
        for clause_id in clause_ids:
            GRADERS[clause_id] = grader
        return grader

    return register


from evidence.clauses import analyse, collect, monitor, protect, respond, retain, verify  # noqa: E402,F401  (registration)
