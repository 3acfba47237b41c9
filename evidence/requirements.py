"""The DPP requirements, read from the project's copy (docs/requirements.md)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

REQUIREMENTS_FILE = Path(__file__).resolve().parent.parent / "docs" / "requirements.md"
_ROW = re.compile(r"^\| (DPP-[A-Z]+-\d+) \| (.+?) \| (.+?) \|$")


@dataclass(frozen=True)
class Requirement:
    id: str
    text: str
    source: str
    section: str


def load_requirements(path: Path = REQUIREMENTS_FILE) -> list[Requirement]:
    section, found = "", []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section = line[3:].strip()
        match = _ROW.match(line.strip())
        if match:
            found.append(Requirement(match.group(1), match.group(2).replace("**", ""), match.group(3), section))
    return found
