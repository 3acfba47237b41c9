"""The compliance report (DPP-VER-2): every requirement exactly once, missing controls shown
as NOT MET, acknowledged findings with reasons, no secrets, well-formed HTML."""
from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from configuration.in_force import write_config_in_force
from evidence.report import MET_CONTROL_CHECK, NOT_MET, build_report, render_html, render_markdown, write_report
from evidence.requirements import load_requirements
from tests.support import ROOT, build_app, context_with


@pytest.fixture(scope="module")
def report(synthesized):
    write_config_in_force(synthesized.built.config, str(synthesized.outdir))
    return build_report(synthesized.outdir)


def test_every_requirement_appears_exactly_once(report):
    ids = [r.id for r in load_requirements()]
    assert len(ids) == 28 and len(set(ids)) == 28
    assert [row.requirement.id for row in report.rows] == ids
    markdown = render_markdown(report)
    for requirement_id in ids:
        assert markdown.count(f"**{requirement_id}**") == 1, requirement_id


def test_unbuilt_capabilities_are_not_met_in_red(report):
    status = {row.requirement.id: row.status for row in report.rows}
    assert {i for i, s in status.items() if s == NOT_MET} == {"DPP-MON-7", "DPP-IR-2", "DPP-IR-3"}
    assert status["DPP-PRT-2"] == MET_CONTROL_CHECK
    page = render_html(report)
    assert '<tr id="DPP-IR-3">' in page and 'class="not-met">NOT MET<' in page


def test_rows_name_resources_per_account_and_region_and_rule_verdicts(report):
    row = next(r for r in report.rows if r.requirement.id == "DPP-LOG-3")
    assert {(r.account, r.region) for r in row.resources} == {("111122223333", "eu-west-1"), ("111122223333", "eu-central-1")}
    assert ("DPP-FlowLogAllTraffic", "passes") in row.rules


def test_acknowledged_findings_are_listed_with_their_reasons(report, synthesized):
    suppressed = sum(len(p.get("suppressedViolations", [])) for p in synthesized.validation_report["pluginReports"])
    assert len(report.acknowledged) == suppressed > 0
    assert all(len(a["reason"]) >= 60 for a in report.acknowledged)


def test_secret_names_never_appear(report):
    for page in (render_markdown(report), render_html(report)):
        assert "dpp/slack/secops" not in page and "dpp/teams/secops" not in page
        assert "name withheld" in page


def test_html_is_well_formed(report):
    root = ET.fromstring(render_html(report).split("\n", 1)[1])
    assert root.tag == "html"
    assert len(root.findall(".//tbody")[0].findall("tr")) == 28


def test_removing_a_control_turns_its_row_to_not_met(tmp_path):
    built = build_app(context_with(features__flowLogs="false"), outdir=str(tmp_path))
    built.app.synth()
    row = next(r for r in build_report(tmp_path).rows if r.requirement.id == "DPP-LOG-3")
    assert row.status == NOT_MET and row.resources == []


def test_make_report_without_a_synth_says_so(tmp_path):
    result = subprocess.run([sys.executable, "-m", "evidence", str(tmp_path / "nothing"), str(tmp_path / "out")], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.strip() == f"report: {tmp_path / 'nothing'} holds no cloud assembly; run `make synth` first"


def test_write_report_writes_both_formats(synthesized, tmp_path):
    write_report(synthesized.outdir, tmp_path)
    assert (tmp_path / "dpp-compliance.md").read_text().startswith("# DPP compliance report")
    assert (tmp_path / "dpp-compliance.html").read_text().startswith("<!DOCTYPE html>")
