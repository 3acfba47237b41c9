"""The registry of clause graders: each section's module registers its graders here, and the
package imports every section (evidence.clauses.GRADERS is the full table)."""

from __future__ import annotations

from typing import Callable

from evidence.grading import Grader

GRADERS: dict[str, Grader] = {}


def grades(*clause_ids: str) -> Callable[[Grader], Grader]:
    """Registers a grader for the clauses it answers."""

    def register(grader: Grader) -> Grader:
        for clause_id in clause_ids:
            GRADERS[clause_id] = grader
        return grader

    return register
