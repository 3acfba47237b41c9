"""The compliance report (DPP-VER-2): every requirement exactly once, missing controls shown
as NOT MET, acknowledged findings with reasons, no secrets, well-formed HTML."""
from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from configuration.in_force import write_config_in_force
from evidence.incident_plan import incident_plan, write_incident_plan
from evidence.report import MET_CONTROL_CHECK, NOT_MET, build_report, render_html, render_markdown, write_report
from evidence.requirements import load_requirements
from tests.support import ROOT, build_app, context_with


@pytest.fixture(scope="module")
def report(synthesized):
    write_config_in_force(synthesized.built.config, str(synthesized.outdir))
    write_incident_plan(synthesized.built.config, str(synthesized.outdir))  # as app.py does after synth
    return build_report(synthesized.outdir)


def test_every_requirement_appears_exactly_once(report):
    ids = [r.id for r in load_requirements()]
    assert len(ids) == 28 and len(set(ids)) == 28
    assert [row.requirement.id for row in report.rows] == ids
    markdown = render_markdown(report)
    for requirement_id in ids:
        assert markdown.count(f"**{requirement_id}**") == 1, requirement_id


def test_the_example_meets_every_requirement(report):
    status = {row.requirement.id: row.status for row in report.rows}
    assert {i for i, s in status.items() if s == NOT_MET} == set()
    assert status["DPP-PRT-2"] == MET_CONTROL_CHECK


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


def test_removing_a_control_turns_its_row_to_not_met_in_red(tmp_path):
    off = {f"responses__{r}": False for r in ("disableCredentials", "blockHostileIps", "isolateInstances", "notifyFailedSignIns")}
    built = build_app(context_with(features__flowLogs="false", features__automatedResponses=False, **off), outdir=str(tmp_path))
    built.app.synth()
    report = build_report(tmp_path)
    rows = {r.requirement.id: r for r in report.rows}
    assert rows["DPP-LOG-3"].status == NOT_MET and rows["DPP-LOG-3"].resources == []
    assert rows["DPP-IR-3"].status == NOT_MET, "no responder, no automated responses"
    page = render_html(report)
    assert '<tr id="DPP-IR-3">' in page and 'class="not-met">NOT MET<' in page


def test_make_report_without_a_synth_says_so(tmp_path):
    result = subprocess.run([sys.executable, "-m", "evidence", str(tmp_path / "nothing"), str(tmp_path / "out")], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.strip() == f"report: {tmp_path / 'nothing'} holds no cloud assembly; run `make synth` first"


def test_write_report_writes_both_formats_and_the_plan(report, synthesized, tmp_path):
    write_report(synthesized.outdir, tmp_path)
    assert (tmp_path / "incident-response-plan.md").read_text().startswith("# Incident response plan")
    assert (tmp_path / "dpp-compliance.md").read_text().startswith("# DPP compliance report")
    assert (tmp_path / "dpp-compliance.html").read_text().startswith("<!DOCTYPE html>")


# --- the incident response plan ---------------------------------------------------------------


def test_the_plan_names_contacts_channels_and_every_alarm_and_route(synthesized):
    from datetime import date

    from capabilities.alarms.catalogue import alarm_specs
    from capabilities.alerting import event_routes

    config = synthesized.built.config
    plan = incident_plan(config, today=date(2026, 11, 21))
    assert "| Incident Management Point of Contact (primary, 24/7) | Security On-Call | impoc@example.com | +44 20 7946 0000 |" in plan
    assert "| critical | immediately, 24/7 | 15 minutes |" in plan and "secops-teams (teams)" in plan
    for spec in alarm_specs(config):
        assert f"| `{spec.id}` |" in plan, spec.id
    for route in event_routes(config):
        assert f"| `{route.id}` |" in plan, route.id
    assert "every six months (next: 2027-05-22)" in plan
    assert "- [ ] Read the canary object" in plan
    assert "dpp/slack/secops" not in plan


def test_the_plan_says_which_responses_act_how_and_how_to_undo(synthesized):
    from dataclasses import replace

    config = synthesized.built.config
    plan = incident_plan(config)
    assert "Mode: **dry run**" in plan and "`dpp-prod-hostile-ips` for 24 hours" in plan
    assert "Never touched: the roles DppBreakGlass, OrganizationAccountAccessRole" in plan
    assert "--payload '{\"undo\": \"<record id>\"}'" in plan and "identity provider" in plan
    acting = replace(config, responses=replace(config.responses, dry_run=False, enabled=("isolateInstances",)))
    acting_plan = incident_plan(acting)
    assert "Mode: **acting**" in acting_plan and "hostile-ips" not in acting_plan and "`dpp-prod-isolation`" in acting_plan
    off = replace(config, features=replace(config.features, automated_responses=False))
    assert "None: every containment step is taken by people" in incident_plan(off)


def test_responses_answer_ir_3(report):
    row = next(r for r in report.rows if r.requirement.id == "DPP-IR-3")
    assert row.status != NOT_MET and any("Responder" in r.path for r in row.resources)


def test_ir_2_is_not_met_without_the_plan(tmp_path):
    built = build_app(outdir=str(tmp_path))
    built.app.synth()
    row = next(r for r in build_report(tmp_path).rows if r.requirement.id == "DPP-IR-2")
    assert row.status == NOT_MET


# --- the architecture picture ------------------------------------------------------------------


def test_the_picture_is_generated_from_the_app_and_the_committed_copy_is_current(report):
    from evidence.diagram import architecture_svg
    from evidence.report import webhook_kinds

    svg = architecture_svg(report.resources, webhook_kinds(report))
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert "1 Object Lock bucket, KMS" in svg and "slack, teams" in svg
    committed = (ROOT / "docs" / "architecture.svg").read_text()
    assert committed == svg, "docs/architecture.svg is stale: run `make synth` and copy report/architecture.svg to docs/"
    assert "<svg" in render_html(report)
