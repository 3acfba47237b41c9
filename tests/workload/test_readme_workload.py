"""The README's "Your application" section documents the workload pack as the code has it."""

from __future__ import annotations

import re

from dpp_nag import WORKLOAD_RULES
from tests.support import ROOT


def section() -> str:
    text = (ROOT / "README.md").read_text()
    return text.split("\n## Your application\n")[1].split("\n## ")[0]


def test_the_section_comes_right_before_detection_and_alert_routing():
    headings = re.findall(r"^## (.+)$", (ROOT / "README.md").read_text(), re.MULTILINE)
    assert headings[headings.index("Your application") + 1] == "Detection and alert routing"
    assert "### What the baseline checks at run time" in section()


def test_the_workload_rule_table_matches_the_pack():
    table = section().split("<!-- dpp-workload-rules:start -->")[1].split("<!-- dpp-workload-rules:end -->")[0]
    rows = [line for line in table.strip().splitlines()[2:] if line.startswith("|")]
    found = [tuple(cell.strip().strip("`") for cell in row.strip("|").split("|")) for row in rows]
    assert found == [(r.rule_id, ", ".join(r.requirements), r.info, r.explanation) for r in WORKLOAD_RULES]


def test_the_three_lines_are_the_ones_that_work():
    code = section().split("three lines")[1].split("```python")[1].split("```")[0]
    assert "from aws_cdk import Validations" in code and "from dpp_nag import DppWorkloadPack" in code
    assert "Validations.of(app).add_plugins(DppWorkloadPack(app))" in code
