"""The compliance report (DPP-VER-2): every clause graded once by the rule of docs/requirements.md,
on behaviour (controls read from the assembly and the configuration in force, checks verified to
exist), so switching a control off moves its grade; the incident response plan (DPP-IR-1/2);
the architecture picture."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date

import pytest

from configuration.in_force import write_config_in_force
from evidence.checks import RULE_IDS, node_exists
from evidence.clauses import GRADERS
from evidence.grading import MET, NOT_MET, PARTIAL
from evidence.incident_plan import NO_REVIEW, incident_plan, write_incident_plan
from evidence.report import build_report, render_html, render_markdown, write_report
from evidence.requirements import all_clauses, load_requirements
from tests.support import ROOT, build_app, context_with

SHARED_REQUIREMENTS = ROOT.parent / "shared" / "REQUIREMENTS.md"


def _evidence(built, outdir) -> None:
    """What app.py writes beside the templates after synth."""
    write_config_in_force(built.config, str(outdir))
    write_incident_plan(built.config, str(outdir))


@pytest.fixture(scope="module")
def report(synthesized):
    _evidence(synthesized.built, synthesized.outdir)
    return build_report(synthesized.outdir)


# --- requirements ------------------------------------------------------------------------------


@pytest.mark.skipif(not SHARED_REQUIREMENTS.exists(), reason="no shared/REQUIREMENTS.md beside the checkout to compare with")
def test_the_requirements_copy_is_in_step_with_the_shared_requirements():
    assert (ROOT / "docs" / "requirements.md").read_text(encoding="utf-8") == SHARED_REQUIREMENTS.read_text(encoding="utf-8"), "docs/requirements.md differs from shared/REQUIREMENTS.md: copy it again"


def test_requirements_are_split_into_their_lettered_clauses():
    requirements = {r.id: r for r in load_requirements()}
    assert [c.id for c in requirements["DPP-MON-3"].clauses] == [f"DPP-MON-3.{x}" for x in "abcdefgh"]
    assert [c.id for c in requirements["DPP-LOG-3"].clauses] == ["DPP-LOG-3"]  # no letters: graded as one clause
    assert {"DPP-LOG-8", "DPP-ANA-1", "DPP-ANA-2", "DPP-MON-8", "DPP-VER-4"} <= set(requirements)


# --- grading -----------------------------------------------------------------------------------


def test_every_clause_is_graded_once_with_its_evidence(report):
    ids = [c.id for c in all_clauses()]
    assert len(ids) == len(set(ids)) and set(GRADERS) == set(ids), "a clause without a grader, or a grader for no clause"
    assert [c.clause.id for c in report.clauses] == ids
    for grade in report.clauses:
        if grade.status == MET:
            assert grade.controls and any(r.working for r in grade.checks) and not grade.missing, grade.clause.id
        else:
            assert grade.missing and all(m.strip() for m in grade.missing), f"{grade.clause.id} says nothing about what is missing"
    markdown = render_markdown(report)
    for grade in report.grades:
        assert markdown.count(f"**{grade.requirement.id}**") == 1, grade.requirement.id


def test_every_check_a_grade_names_exists(report, synthesized):
    """A renamed test, rule or access-path row must be renamed here too: a check that resolves
    to nothing never counts, and the report would quietly lose it."""
    from tests.access.paths import all_paths

    path_ids = [p.id for p in all_paths(synthesized.built.config)]
    for grade in report.clauses:
        for result in grade.checks:
            if result.check.kind == "rule":
                assert result.check.ref in RULE_IDS, f"{grade.clause.id}: no DPP rule {result.check.ref}"
            else:
                assert node_exists(result.check.ref), f"{grade.clause.id}: no test {result.check.ref}"
            for row in result.check.rows:
                assert any(row in i for i in path_ids), f"{grade.clause.id}: no access-path row {row}"


def test_a_control_without_a_verified_check_is_not_met_and_a_failing_check_wins(report, synthesized):
    from evidence.checks import case, rule
    from evidence.facts import Facts
    from evidence.grading import Finding, grade_clause

    facts = Facts.read(synthesized.outdir)
    clause = all_clauses()[0]
    unverified = grade_clause(clause, Finding(controls=["a bucket"], checks=[case("tests/synth/test_evidence.py::test_that_does_not_exist"), rule("DPP-NoSuchRule")]), facts)
    assert unverified.status == NOT_MET and "no verified check" in unverified.missing[0]
    assert [r.state for r in unverified.checks] == ["no such test", "no such rule"]
    facts.verdicts["DPP-TrailMultiRegion"] = "fails (2)"
    failing = grade_clause(clause, Finding(controls=["a trail"], checks=[rule("DPP-TrailMultiRegion"), case("tests/synth/test_evidence.py::test_the_time_source_is_stated")]), facts)
    assert failing.status == NOT_MET and failing.missing[0] == "failing check DPP-TrailMultiRegion: fails (2)"
    gaps = grade_clause(clause, Finding(controls=["a trail"], checks=[case("tests/synth/test_evidence.py::test_the_time_source_is_stated")], gaps=["eu-central-1"]), facts)
    assert gaps.status == PARTIAL and gaps.missing == ["eu-central-1"]


def test_a_workload_log_bucket_counts_as_forwarded_only_with_its_rule_and_function(report, synthesized):
    from evidence.clauses import collect
    from evidence.facts import Facts

    facts = Facts.read(synthesized.outdir)
    buckets = collect._workload_log_buckets(facts)
    assert len(collect._forwarded(facts, buckets)) == len(buckets) == 2
    # Near misses: no rule taking the bucket's events, or a function copying elsewhere.
    without_rule = replace(facts, resources=[r for r in facts.resources if not (r.cfn_type == "AWS::Events::Rule" and "/LogForwarder/" in r.path)])
    assert collect._forwarded(without_rule, buckets) == []
    elsewhere = [
        replace(r, properties={**r.properties, "Environment": {"Variables": {**r.properties["Environment"]["Variables"], "DESTINATION_BUCKET": "some-other-bucket"}}})
        if r.cfn_type == "AWS::Lambda::Function" and "/LogForwarder/" in r.path
        else r
        for r in facts.resources
    ]
    assert collect._forwarded(replace(facts, resources=elsewhere), buckets) == []


def test_requirements_roll_up_from_their_clauses(report):
    for grade in report.grades:
        statuses = {c.status for c in grade.clauses}
        expected = MET if statuses == {MET} else NOT_MET if statuses == {NOT_MET} else PARTIAL
        assert grade.status == expected, grade.requirement.id


def test_what_the_project_does_not_answer_is_not_met_and_says_what_would(report):
    for clause_id, words in {
        "DPP-VER-4": "evidence register",
    }.items():
        grade = report.clause(clause_id)
        assert grade.status == NOT_MET and words in " ".join(grade.missing), clause_id
    assert report.clause("DPP-LOG-2.b").status == MET  # the logging helper, graded on its tests
    workload = report.clause("DPP-LOG-8")  # Config rules, the export and the workload log buckets, forwarded into the archive
    assert workload.status == PARTIAL and any("CloudFront standard logs" in m for m in workload.missing)
    assert any("log forwarder" in c and "111122223333/eu-central-1" in c and "111122223333/eu-west-1" in c for c in workload.controls)
    assert not any("not copied into the log-archive account" in m for m in workload.missing)
    assert any("workload log buckets" in c and "111122223333/eu-central-1" in c and "111122223333/eu-west-1" in c for c in workload.controls)
    assert not any("no workload log bucket" in m for m in workload.missing)
    assert any("Config rules detecting at run time" in c and "load balancer access logs" in c for c in workload.controls)
    assert any("cloudwatch-logs/" in c and "111122223333/eu-central-1" in c for c in workload.controls)
    assert any("CloudFront" in m and "us-east-1" in m for m in workload.missing), "the example covers no us-east-1"
    partial = report.clause("DPP-LOG-1.b")  # S3 data events, but the example lists no tables or functions
    assert partial.status == PARTIAL and any("DynamoDB" in m and "trail.dataEventTables" in m for m in partial.missing)
    masking = report.clause("DPP-PII-1.a")  # the account-wide policy with UK and DE, findings kept
    assert masking.status == MET and any("UK, DE" in c for c in masking.controls), (masking.status, masking.missing)
    assert report.clause("DPP-ANA-1").status == MET  # the catalogue, workgroup and saved queries, run by tests/investigation
    drills = report.clause("DPP-MON-8")  # every path drilled, but no register read: outcomes unknown, never met from resources
    assert drills.status == PARTIAL and [m for m in drills.missing if m.startswith("drill outcomes were not read")] == drills.missing
    assert any("alert-path-broken alarms for" in c and "ControlChange" in c for c in drills.controls)
    assert report.clause("DPP-MON-7").status != MET and any("evidence register" in m for m in report.clause("DPP-MON-7").missing)


def test_a_met_clause_names_its_controls_with_where_and_its_checks_with_verdicts(report):
    grade = report.clause("DPP-LOG-3")
    assert grade.status == MET
    assert any("111122223333/eu-west-1" in c and "111122223333/eu-central-1" in c for c in grade.controls)
    states = {r.check.ref: r.state for r in grade.checks}
    assert states["DPP-FlowLogAllTraffic"].startswith("passes")  # the verdict of this synth's nag report
    assert states["tests/synth/test_collection.py::test_every_other_vpc_is_covered_by_the_enforcer"] == "exists"


def _drop_region(outdir, tmp_path, region):
    """The default synth with every stack of one region missing: the configuration asks for it, the assembly lacks it."""
    copy = tmp_path / "cdk.out"
    shutil.copytree(outdir, copy, ignore=shutil.ignore_patterns("asset.*"))
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["artifacts"] = {k: v for k, v in manifest["artifacts"].items() if not k.endswith(region)}
    (copy / "manifest.json").write_text(json.dumps(manifest))
    return copy


def _drop_stacks(outdir, tmp_path, kind):
    """The default synth with every stack of one kind missing."""
    copy = tmp_path / "cdk.out"
    shutil.copytree(outdir, copy, ignore=shutil.ignore_patterns("asset.*"))
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["artifacts"] = {k: v for k, v in manifest["artifacts"].items() if kind not in k}
    (copy / "manifest.json").write_text(json.dumps(manifest))
    return copy


def _add_account(outdir, tmp_path, account):
    """The default synth, with the configuration in force naming a workload account the assembly does not cover."""
    copy = tmp_path / "cdk.out"
    shutil.copytree(outdir, copy, ignore=shutil.ignore_patterns("asset.*"))
    config = json.loads((copy / "dpp-config-in-force.json").read_text())
    config["accounts"].append({"account_id": account, "name": "another", "roles": ["workload"], "vpcs": []})
    (copy / "dpp-config-in-force.json").write_text(json.dumps(config))
    return copy


OFF_RESPONSES = {f"responses__{r}": False for r in ("disableCredentials", "blockHostileIps", "isolateInstances", "notifyFailedSignIns")}
SWITCHES = {
    # switch: (context overrides, clause, status after, words in what is missing)
    "trail.dataEvents=false": ({"trail__dataEvents": False}, "DPP-LOG-1.b", NOT_MET, "trail.dataEvents"),
    # (the example's GuardDuty-driven responses go with it, or the configuration is refused)
    "features.guardDuty=false": ({"features__guardDuty": False, **{k: False for k in list(OFF_RESPONSES)[:3]}}, "DPP-LOG-6", PARTIAL, "features.guardDuty"),
    "features.automatedResponses=false": ({"features__automatedResponses": False, **OFF_RESPONSES}, "DPP-IR-3", NOT_MET, "features.automatedResponses"),
    "features.flowLogs=false": ({"features__flowLogs": False}, "DPP-LOG-3", NOT_MET, "features.flowLogs"),
    "features.alarms=false": ({"features__alarms": False, "responses__notifyFailedSignIns": False}, "DPP-MON-2", NOT_MET, "features.alarms"),
    # The configuration refuses chatRelay=false while chat targets are listed; an assembly
    # without the relay stacks is what the report must still catch.
    "relay stacks missing from the assembly": ("drop-relay", "DPP-MON-5", PARTIAL, "features.chatRelay"),
    "region eu-central-1 missing from the assembly": ("drop-region", "DPP-LOG-3", PARTIAL, "111122223333/eu-central-1"),
    "an account the assembly does not cover": ("add-account", "DPP-LOG-1.a", PARTIAL, "account 444455556666 (workload) has no trail"),
}


@pytest.mark.parametrize("switch", list(SWITCHES))
def test_switching_a_control_off_moves_its_grade(switch, report, synthesized, tmp_path):
    overrides, clause_id, after, words = SWITCHES[switch]
    if overrides == "drop-region":
        flipped = build_report(_drop_region(synthesized.outdir, tmp_path, "eu-central-1"))
    elif overrides == "drop-relay":
        flipped = build_report(_drop_stacks(synthesized.outdir, tmp_path, "-relay-"))
    elif overrides == "add-account":
        flipped = build_report(_add_account(synthesized.outdir, tmp_path, "444455556666"))
    else:
        built = build_app(context_with(**overrides), outdir=str(tmp_path))
        built.app.synth()
        _evidence(built, tmp_path)
        flipped = build_report(tmp_path)
    before = report.clause(clause_id)
    moved = flipped.clause(clause_id)
    assert before.status != moved.status, f"{switch} left {clause_id} {before.status}"
    assert moved.status == after and words in " ".join(moved.missing), (moved.status, moved.missing)


def test_data_events_off_fails_the_dpp_rule_and_the_report_says_so(tmp_path):
    built = build_app(context_with(trail__dataEvents=False), with_gate=True, outdir=str(tmp_path))
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        built.app.synth()
    _evidence(built, tmp_path)
    grade = build_report(tmp_path).clause("DPP-LOG-1.b")
    assert grade.status == NOT_MET
    assert ("DPP-TrailDataEventsSensitiveBuckets", "fails (1)") in {(r.check.ref, r.state) for r in grade.checks}
    assert any(m.startswith("failing check DPP-TrailDataEventsSensitiveBuckets") for m in grade.missing)


def test_the_time_source_is_stated(report):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Time source", 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
    assert "Amazon Time Sync" in section and "UTC" in section
    assert report.clause("DPP-VER-3").status == MET


# --- rendering ---------------------------------------------------------------------------------


def test_acknowledged_findings_are_listed_with_their_reasons(report, synthesized):
    suppressed = sum(len(p.get("suppressedViolations", [])) for p in synthesized.validation_report["pluginReports"])
    assert len(report.acknowledged) == suppressed > 0
    assert all(len(a["reason"]) >= 60 for a in report.acknowledged)


def test_secret_names_never_appear(report):
    for page in (render_markdown(report), render_html(report)):
        assert "dpp/slack/secops" not in page and "dpp/teams/secops" not in page
        assert "name withheld" in page


def test_html_is_well_formed_and_colours_each_grade(report):
    page = render_html(report)
    root = ET.fromstring(page.split("\n", 1)[1])
    rows = root.findall(".//tbody")[0].findall("tr")
    assert len(rows) == len(report.grades) + len(report.clauses)
    assert '<tr class="clause" id="DPP-LOG-8-clause">' in page
    colour = {MET: 'class="met">met<', PARTIAL: 'class="partial">partial<', NOT_MET: 'class="not-met">not met<'}
    for status, cell in colour.items():
        assert (cell in page) is any(c.status == status for c in report.clauses)
    assert ".not-met { color: #fff; background: #b00020" in page
    assert "no review recorded" in page


def test_make_report_without_a_synth_says_so(tmp_path):
    result = subprocess.run([sys.executable, "-m", "evidence", str(tmp_path / "nothing"), str(tmp_path / "out")], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.strip() == f"report: {tmp_path / 'nothing'} holds no cloud assembly; run `make synth` first"


def test_write_report_writes_both_formats_the_plan_and_the_picture(report, synthesized, tmp_path):
    write_report(synthesized.outdir, tmp_path)
    assert (tmp_path / "incident-response-plan.md").read_text().startswith("# Incident response plan")
    assert (tmp_path / "dpp-compliance.md").read_text().startswith("# DPP compliance report")
    assert (tmp_path / "dpp-compliance.html").read_text().startswith("<!DOCTYPE html>")
    assert (tmp_path / "architecture.svg").read_text().startswith("<svg")


# --- the incident response plan ---------------------------------------------------------------


def test_the_plan_names_contacts_channels_and_every_alarm_and_route(synthesized):
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
    assert "- [ ] Read the canary object" in plan
    assert "dpp/slack/secops" not in plan


def test_the_plan_states_thresholds_contacts_and_only_real_channels(synthesized):
    from evidence.incident_plan import SCHEDULE_TIME_ZONE

    config = synthesized.built.config
    plan = incident_plan(config)
    assert "| alarm | severity | threshold | what it means |" in plan
    assert "| `UnauthorizedCallsByOnePrincipal` | high | >= 10 calls by the top principal in 5 min |" in plan
    assert "| `ApiCallVolumeAnomaly` |" in plan and "above the anomaly band" in plan
    # A service metric's alarm names its statistic and metric, not a count of "datapoints".
    assert "| `LogExportDeliveryFailing` | critical | Average of DeliveryToS3.Success < 1 over 3 periods of 5 min |" in plan
    assert "datapoints" not in plan
    assert "Head of engineering" not in plan and "head of engineering" not in plan
    assert "none configured (dpp.impoc.escalation)" in plan and "then nobody named: configure dpp.impoc.escalation" in plan
    assert f"`{config.review.schedule}`, evaluated in {SCHEDULE_TIME_ZONE}" in plan and SCHEDULE_TIME_ZONE == "UTC"

    from configuration.model import EscalationContact

    ada = EscalationContact(name="Ada Lovelace", role="Head of engineering", email="ada@example.com", phone="+44 20 7946 0001")
    named = incident_plan(replace(config, impoc=replace(config.impoc, escalation=(ada,))))
    assert "| Escalation: Head of engineering | Ada Lovelace | ada@example.com | +44 20 7946 0001 |" in named
    assert "then Ada Lovelace (Head of engineering)" in named and "nobody named" not in named

    assert "secops-slack (slack)" in plan
    no_relay = incident_plan(replace(config, features=replace(config.features, chat_relay=False)))
    assert "slack" not in no_relay and "teams" not in no_relay, "a chat channel nothing delivers to"
    assert "Primary channel: e-mail." in no_relay
    no_alarms = incident_plan(replace(config, features=replace(config.features, alarms=False)))
    assert "alarms are switched off (features.alarms)" in no_alarms and "no review digest is deployed" in no_alarms


@pytest.mark.parametrize(
    "contact, message",
    [
        ({"name": "Ada", "role": "Head of engineering", "email": "ada@example.com", "phone": "+44 20 7946 0001"}, None),
        ({"name": "Ada", "role": "Head of engineering", "email": "not-an-address", "phone": "+44 20 7946 0001"}, "dpp.impoc.escalation[0].email: 'not-an-address' is not valid; use an e-mail address"),
        ({"name": "Ada", "role": "Head of engineering", "email": "ada@example.com"}, "dpp.impoc.escalation[0].phone: is missing"),
        ({"name": "Ada", "role": "x", "email": "ada@example.com", "phone": "+44 20 7946 0001", "pager": "1"}, "dpp.impoc.escalation[0].pager: is not a known setting"),
    ],
)
def test_escalation_contacts_come_from_configuration_and_errors_name_the_key(contact, message):
    from configuration import ConfigError, load_config

    context = context_with(impoc__escalation=json.dumps([contact]))
    if message is None:
        assert load_config(context).impoc.escalation[0].name == "Ada"
        return
    with pytest.raises(ConfigError) as error:
        load_config(context)
    assert str(error.value).startswith(f"configuration error: {message}")


def test_the_next_review_is_counted_from_the_last_recorded_one_and_red_without_one(synthesized):
    config = synthesized.built.config
    assert f"(next: {NO_REVIEW})" in incident_plan(config, today=date(2026, 11, 21))
    assert 'style="color:#b00020"' in NO_REVIEW and "no review recorded" in NO_REVIEW
    recorded = incident_plan(config, today=date(2026, 11, 21), last_review=date(2026, 10, 1))
    assert "(next: 2027-04-01 (last review 2026-10-01))" in recorded
    overdue = incident_plan(config, today=date(2026, 11, 21), last_review=date(2025, 10, 1))
    assert "overdue since 2026-04-01" in overdue and "color:#b00020" in overdue


def test_the_plan_says_which_responses_act_how_and_how_to_undo(synthesized):
    config = synthesized.built.config
    plan = incident_plan(config)
    assert "Mode: **dry run**" in plan and "`dpp-prod-hostile-ips` for 24 hours" in plan
    assert "Never touched: the roles DppBreakGlass, OrganizationAccountAccessRole" in plan
    assert '--payload \'{"undo": "<record id>"}\'' in plan and "identity provider" in plan
    acting = replace(config, responses=replace(config.responses, dry_run=False, enabled=("isolateInstances",)))
    acting_plan = incident_plan(acting)
    assert "Mode: **acting**" in acting_plan and "hostile-ips" not in acting_plan and "`dpp-prod-isolation`" in acting_plan
    off = replace(config, features=replace(config.features, automated_responses=False))
    assert "None: every containment step is taken by people" in incident_plan(off)


def test_ir_2_is_not_met_without_the_plan(synthesized, tmp_path):
    copy = tmp_path / "cdk.out"
    shutil.copytree(synthesized.outdir, copy, ignore=shutil.ignore_patterns("asset.*", "incident-response-plan.md"))
    grade = build_report(copy).clause("DPP-IR-2")
    assert grade.status == NOT_MET and "generated at synth" in grade.missing[0]


# --- the architecture picture ------------------------------------------------------------------

# A conservative width estimate of sans-serif text (no font metrics at test time): an average
# glyph is about half an em wide; 0.6 em (0.68 bold) errs wide.
_EM = {False: 0.6, True: 0.68}


def _boxes_and_texts(svg: str):
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    rects = [(r.get("class"), r.get("id"), float(r.get("x")), float(r.get("y")), float(r.get("width")), float(r.get("height"))) for r in root.iter(f"{ns}rect")]
    texts = [(t.text or "", float(t.get("x")), float(t.get("y")), float(t.get("font-size") or root.get("font-size")), t.get("font-weight") == "bold") for t in root.iter(f"{ns}text")]
    return root, rects, texts


def test_no_text_overflows_its_box_and_nothing_is_clipped(report):
    from evidence.diagram import architecture_svg

    for config in (report.config, {**report.config, "organization": {"enabled": True}}):
        svg = architecture_svg(report.resources, config)
        root, rects, texts = _boxes_and_texts(svg)
        width, height = float(root.get("width")), float(root.get("height"))
        assert root.get("viewBox") == f"0 0 {width:.0f} {height:.0f}"
        for kind, key, x, y, w, h in rects:
            assert 0 <= x and 0 <= y and x + w <= width and y + h <= height, f"{key or kind} is clipped at the canvas edge"
        for text, x, y, size, bold in texts:
            estimate = len(text) * size * _EM[bold]
            inside = [r for r in rects if r[0] in ("box", "boundary") and r[2] <= x <= r[2] + r[4] and r[3] <= y <= r[3] + r[5]]
            if not inside:  # the picture's title, on the canvas itself
                assert x + estimate <= width, text
                continue
            kind, key, bx, by, bw, bh = min(inside, key=lambda r: r[4] * r[5])
            assert x + estimate <= bx + bw, f"{text!r} overflows {key or kind}"
            assert by < y - size * 0.8 and y <= by + bh, f"{text!r} sticks out of {key or kind}"


def test_the_picture_counts_distinct_things_inside_account_boundaries(report):
    from evidence.diagram import architecture_svg

    svg = architecture_svg(report.resources, report.config)
    root, rects, texts = _boxes_and_texts(svg)
    keys = {key for kind, key, *_ in rects if kind == "box"}
    assert {"responses", "malware", "export", "digest", "global", "archive", "replica", "topics", "relay", "email", "chat"} <= keys
    lines = " ".join(t[0] for t in texts)
    assert "5 topics (KMS) in 2 regions" in lines, "topics are counted by name, not per place"
    assert "log-archive account 111122223333" in lines and "workload account 111122223333 (the same account as the archive)" in lines
    boundaries = [r for r in rects if r[0] == "boundary"]
    assert len(boundaries) == 2
    no_relay = architecture_svg([r for r in report.resources if "ChatRelay" not in r.path], report.config)
    assert 'id="chat"' not in no_relay and 'id="relay"' not in no_relay
    organization = architecture_svg(report.resources, {**report.config, "organization": {"enabled": True}})
    assert "organization: management" in organization


def test_the_committed_picture_is_current(report):
    from evidence.diagram import architecture_svg

    svg = architecture_svg(report.resources, report.config)
    committed = (ROOT / "docs" / "architecture.svg").read_text()
    assert committed == svg, "docs/architecture.svg is stale: run `make report` (it copies report/architecture.svg to docs/)"
    assert "<svg" in render_html(report)
    assert re.search(r'<rect class="box" id="responses"', committed)


def test_make_synth_clears_stale_templates_before_synthesizing():
    """A stack dropped from the configuration must not leave its template in cdk.out (CI uploads it)."""
    result = subprocess.run(["make", "-n", "synth"], cwd=ROOT, capture_output=True, text=True, check=True)
    lines = result.stdout.splitlines()
    clear = next(i for i, line in enumerate(lines) if line.startswith("rm -f cdk.out/*.template.json"))
    synth = next(i for i, line in enumerate(lines) if " synth " in f"{line} ")
    assert clear < synth


def test_organization_mode_is_graded_on_the_organization_trail_and_drawn_with_its_roles(tmp_path):
    from tests.support import cdk_json_context

    from evidence.diagram import architecture_svg

    context = cdk_json_context()
    context["dpp:config"] = str(ROOT / "examples" / "organization.json")
    built = build_app(context, outdir=str(tmp_path))
    built.app.synth()
    _evidence(built, tmp_path)
    report = build_report(tmp_path)
    trail = report.clause("DPP-LOG-1.a")
    assert trail.status == MET and any("organization trail (every member account)" in c for c in trail.controls)
    assert report.clause("DPP-LOG-7").status == MET, "the organization trail logs reads of the archive in every account"
    assert any("member baseline StackSet" in c for c in report.clause("DPP-LOG-5").controls)
    svg = architecture_svg(report.resources, report.config)
    assert 'id="members"' in svg and 'id="delegated"' in svg and "organization: management 444455556666, security 777788889999" in svg


def test_a_custom_config_rule_detects_cloudfront_logging_only_when_it_runs_the_projects_check_on_changes_and_a_schedule():
    """The CloudFront channel counts as detected at run time only through the project's own
    function (a resource merely named like a rule would not do), triggered on changes and
    periodically; near misses: another function, no schedule."""
    from evidence.assembly import Resource
    from evidence.clauses.collect import _rule_identifier

    stack = "dpp-prod-collection-111122223333-us-east-1"
    checks = {(stack, "CheckFunction"): "dpp-prod-cloudfront-logging-check"}
    triggers = [{"EventSource": "aws.config", "MessageType": m} for m in ("ConfigurationItemChangeNotification", "OversizedConfigurationItemChangeNotification", "ScheduledNotification")]

    def rule(function: str, details: list[dict]) -> Resource:
        properties = {
            "Source": {"Owner": "CUSTOM_LAMBDA", "SourceIdentifier": {"Fn::GetAtt": [function, "Arn"]}, "SourceDetails": details},
            "Scope": {"ComplianceResourceTypes": ["AWS::CloudFront::Distribution"]},
        }
        return Resource(stack, "111122223333", "us-east-1", "Rule", "AWS::Config::ConfigRule", f"{stack}/Rule", properties)

    assert _rule_identifier(rule("CheckFunction", triggers), checks) == "custom:AWS::CloudFront::Distribution"
    assert _rule_identifier(rule("SomeOtherFunction", triggers), checks) == "custom:unknown"
    assert _rule_identifier(rule("CheckFunction", triggers[:2]), checks) == "custom:unknown"
