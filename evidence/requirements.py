"""The DPP requirements and their lettered clauses, read from the project's copy
(docs/requirements.md, kept equal to shared/REQUIREMENTS.md by a test). Each clause is graded
on its own (DPP-VER-2); a requirement without lettered clauses is graded as one clause."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

REQUIREMENTS_FILE = Path(__file__).resolve().parent.parent / "docs" / "requirements.md"
_ROW = re.compile(r"^\| (DPP-[A-Z]+-\d+)(\.[a-z])? \| (.+?) \| (.+?) \|$")


@dataclass(frozen=True)
class Clause:
    id: str  # DPP-MON-3.b, or the requirement's own ID when it has no lettered clauses
    text: str
    source: str


@dataclass(frozen=True)
class Requirement:
    id: str
    text: str
    source: str
    section: str
    clauses: list[Clause] = field(default_factory=list)


def load_requirements(path: Path = REQUIREMENTS_FILE) -> list[Requirement]:
    section, found, lettered = "", [], {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section = line[3:].strip()
        match = _ROW.match(line.strip())
        if not match:
            continue
        base, letter, text, source = match.group(1), match.group(2), match.group(3).replace("**", ""), match.group(4)
        if letter:
            lettered.setdefault(base, []).append(Clause(base + letter, text, source))
        else:
            found.append(Requirement(base, text, source, section))
    return [Requirement(r.id, r.text, r.source, r.section, lettered.get(r.id) or [Clause(r.id, r.text, r.source)]) for r in found]


def all_clauses(requirements: list[Requirement] | None = None) -> list[Clause]:
    return [c for r in (requirements or load_requirements()) for c in r.clauses]
