"""The README documents what the code does: the DPP rule table matches the pack."""

from __future__ import annotations

import re

from dpp_nag import ALL_RULES
from tests.support import ROOT


def readme_rules() -> list[tuple[str, str, str, str]]:
    text = (ROOT / "README.md").read_text()
    table = text.split("<!-- dpp-rules:start -->")[1].split("<!-- dpp-rules:end -->")[0]
    rows = [line for line in table.strip().splitlines()[2:] if line.startswith("|")]
    return [tuple(cell.strip().strip("`") for cell in row.strip("|").split("|")) for row in rows]


def test_readme_rule_table_matches_the_pack():
    expected = [(r.rule_id, r.level.name.title(), ", ".join(r.requirements), r.info) for r in ALL_RULES]
    assert readme_rules() == expected


def test_every_requirement_id_cited_by_a_rule_exists():
    ids = set(re.findall(r"\| (DPP-[A-Z]+-\d+) \|", (ROOT / "docs" / "requirements.md").read_text()))
    for rule in ALL_RULES:
        assert set(rule.requirements) <= ids, rule.rule_id


def test_readme_route_table_matches_the_routes():
    from capabilities.alerting import event_routes
    from capabilities.alerting.route_table import routes_markdown
    from configuration import load_config
    from tests.support import cdk_json_context

    text = (ROOT / "README.md").read_text()
    table = text.split("<!-- routes:start -->")[1].split("<!-- routes:end -->")[0].strip()
    assert table == routes_markdown(event_routes(load_config(cdk_json_context())))


def test_readme_alarm_table_matches_the_specs():
    from capabilities.alarms.alarm_table import alarms_markdown
    from capabilities.alarms.catalogue import alarm_specs
    from configuration import load_config
    from tests.support import cdk_json_context

    text = (ROOT / "README.md").read_text()
    table = text.split("<!-- alarms:start -->")[1].split("<!-- alarms:end -->")[0].strip()
    assert table == alarms_markdown(alarm_specs(load_config(cdk_json_context())))
