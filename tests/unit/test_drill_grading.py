"""DPP-MON-8 graded on recorded drill outcomes (issue 21): met only when every drilled path's
latest record in the evidence register passed within the drill schedule's window (its longest
gap plus a day of slack); partial, naming the path, when one is stale, failed or missing; and
partial without a register, saying the outcomes were not read (never met from resources alone)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from evidence.assembly import Resource
from evidence.clauses.monitor import DRILL_SLACK, drill_window, monitoring_drills
from evidence.facts import Facts
from evidence.grading import MET, NOT_MET, PARTIAL, grade_clause
from evidence.register import LocalStore, read_register, write_record
from evidence.requirements import load_requirements

NOW = datetime(2026, 12, 9, 12, 0, tzinfo=timezone.utc)  # a Wednesday, after that day's 09:00 drill
PATHS = ["alarm-breach", "canary-read", "control-change", "guardduty-finding", "securityhub-finding"]
SUFFIX = {"alarm-breach": "AlarmBreach", "canary-read": "CanaryRead", "control-change": "ControlChange", "guardduty-finding": "GuardDutyFinding", "securityhub-finding": "SecurityHubFinding"}


ACCOUNT, OTHER = "111122223333", "444455556666"


def drill(path: str, at: datetime, ok: bool = True, account: str | None = ACCOUNT) -> dict:
    drill_id = f"drill-{at:%Y%m%dT%H%M%SZ}-{(account or 'legacy')[-6:]}"
    stamp = at.strftime("%Y-%m-%dT%H:%M:%SZ")
    record = {
        "kind": "drill", "id": f"{drill_id}-{path}", "recordedAt": stamp, "person": "drill-runner", "outcome": "pass" if ok else "fail", "notes": "",
        "drillId": drill_id, "path": path, "startedAt": stamp, "hops": [], "brokenHop": None if ok else "delivered:secops-teams", "latencySeconds": 61.5 if ok else None,
    }  # fmt: skip
    if account is not None:  # None: a record written before the checker named its account
        record |= {"account": account, "region": "eu-west-1"}
    return record


def facts(tmp_path: Path, records: list[dict] | None, paths: list[str] = PATHS, schedule: str = "cron(0 9 ? * WED *)", accounts: tuple[str, ...] = (ACCOUNT,)) -> Facts:
    resources = [Resource("alarms", a, "eu-west-1", "Drill", "AWS::StepFunctions::StateMachine", "alarms/AlertDrill/StateMachine", {}) for a in accounts]
    resources += [
        Resource("alarms", a, "eu-west-1", f"Broken{p}", "AWS::CloudWatch::Alarm", f"alarms/Alarms/{p}", {"AlarmName": f"dpp-prod-DrillAlertPathBroken{SUFFIX[p]}", "AlarmActions": ["topic"]})
        for a in accounts
        for p in paths
    ]
    register = None
    if records is not None:
        store = LocalStore(tmp_path)
        for record in records:
            write_record(store, record)
        register = read_register(store, f"{tmp_path}/evidence/")
    return Facts(config={"drills": {"schedule": schedule}}, resources=resources, verdicts={}, acknowledged=[], cdk_out=tmp_path, register=register)


def grade(f: Facts):
    clause = next(c for r in load_requirements() for c in r.clauses if c.id == "DPP-MON-8")
    return grade_clause(clause, monitoring_drills(f, now=NOW), f)


def test_the_window_is_the_schedules_longest_gap_plus_slack():
    assert drill_window("cron(0 9 ? * WED *)") == timedelta(days=7) + DRILL_SLACK
    assert drill_window("rate(1 day)") == timedelta(days=1) + DRILL_SLACK


def test_met_only_when_every_path_passed_within_the_window(tmp_path):
    this_morning = NOW.replace(hour=9, minute=17)
    result = grade(facts(tmp_path, [drill(p, this_morning) for p in PATHS]))
    assert result.status == MET, result.missing
    assert any(c.startswith(f"control-change in {ACCOUNT}: drill passed on 2026-12-09") and "61.5 s" in c for c in result.controls)
    # Eight days ago is still inside a weekly schedule's window (7 days + 1 of slack).
    assert grade(facts(tmp_path / "edge", [drill(p, NOW - timedelta(days=8)) for p in PATHS])).status == MET


def test_a_stale_path_is_partial_and_named(tmp_path):
    records = [drill(p, NOW - timedelta(hours=3)) for p in PATHS if p != "canary-read"] + [drill("canary-read", NOW - timedelta(days=9))]
    result = grade(facts(tmp_path, records))
    assert result.status == PARTIAL
    assert [m for m in result.missing if "canary-read" in m] == [m for m in result.missing]
    assert "stale" in result.missing[0] and "2026-11-30" in result.missing[0]


def test_a_failed_latest_drill_is_partial_even_after_an_earlier_pass(tmp_path):
    records = [drill(p, NOW - timedelta(days=7)) for p in PATHS] + [drill("control-change", NOW - timedelta(hours=3), ok=False)]
    result = grade(facts(tmp_path, records))
    assert result.status == PARTIAL
    (gap,) = result.missing
    assert gap.startswith(f"control-change in {ACCOUNT}: the latest drill") and "failed at delivered:secops-teams" in gap


def test_a_path_never_recorded_is_partial_and_named(tmp_path):
    result = grade(facts(tmp_path, [drill(p, NOW - timedelta(hours=3)) for p in PATHS if p != "guardduty-finding"]))
    assert result.status == PARTIAL and result.missing == [f"guardduty-finding in {ACCOUNT}: no drill recorded in the register ({tmp_path}/evidence/)"]


def test_without_a_register_it_says_outcomes_were_not_read(tmp_path):
    result = grade(facts(tmp_path, None))
    assert result.status == PARTIAL
    (gap,) = result.missing
    assert gap.startswith("drill outcomes were not read")


def test_records_of_paths_not_configured_do_not_count(tmp_path):
    """Only the configured paths are graded: a record of another path neither helps nor hurts."""
    only = ["alarm-breach"]
    result = grade(facts(tmp_path, [drill("alarm-breach", NOW - timedelta(hours=3)), drill("canary-read", NOW - timedelta(days=90), ok=False)], paths=only))
    assert result.status == MET, result.missing


@pytest.mark.parametrize("schedule", ["rate(1 day)"])
def test_a_daily_schedule_makes_a_week_old_drill_stale(tmp_path, schedule):
    result = grade(facts(tmp_path, [drill(p, NOW - timedelta(days=7)) for p in PATHS], schedule=schedule))
    assert result.status == PARTIAL and len(result.missing) == len(PATHS)


def test_each_drilling_account_is_graded_on_its_own_records(tmp_path):
    """Two accounts drill: one account's fresh pass never stands for the other's missing, stale
    or failed drill, and the gap names the account."""
    fresh, old = NOW - timedelta(hours=3), NOW - timedelta(days=30)
    both = (ACCOUNT, OTHER)
    assert grade(facts(tmp_path / "both", [drill(p, fresh, account=a) for a in both for p in PATHS], accounts=both)).status == MET
    only_one = grade(facts(tmp_path / "one", [drill(p, fresh) for p in PATHS], accounts=both))
    assert only_one.status == PARTIAL
    assert only_one.missing == [f"{p} in {OTHER}: no drill recorded in the register ({tmp_path}/one/evidence/)" for p in PATHS]
    # The other account's latest record is newer, but this account's own latest failed: still a gap.
    records = [drill(p, old, account=OTHER) for p in PATHS] + [drill(p, NOW - timedelta(days=1), account=ACCOUNT) for p in PATHS if p != "canary-read"]
    records += [drill("canary-read", NOW - timedelta(days=1), ok=False), drill("canary-read", fresh, account=OTHER)]
    mixed = grade(facts(tmp_path / "mixed", records, accounts=both))
    assert mixed.status == PARTIAL
    assert [m.split(":")[0] for m in mixed.missing] == [f"canary-read in {ACCOUNT}"] + [f"{p} in {OTHER}" for p in PATHS if p != "canary-read"]
    assert "failed at delivered:secops-teams" in mixed.missing[0] and all("stale" in m for m in mixed.missing[1:])


def test_a_record_without_an_account_counts_only_for_a_sole_drilling_account(tmp_path):
    fresh = NOW - timedelta(hours=3)
    legacy = [drill(p, fresh, account=None) for p in PATHS]
    assert grade(facts(tmp_path / "sole", legacy)).status == MET
    several = grade(facts(tmp_path / "several", legacy, accounts=(ACCOUNT, OTHER)))
    assert several.status == PARTIAL and len(several.missing) == 2 * len(PATHS)
    # The sole account's own newer record wins over an older legacy one, and a newer legacy one over its own.
    newer_own = [drill(p, NOW - timedelta(days=20), account=None) for p in PATHS] + [drill(p, fresh) for p in PATHS]
    assert grade(facts(tmp_path / "own", newer_own)).status == MET
    newer_legacy = [drill(p, NOW - timedelta(days=20)) for p in PATHS] + legacy
    assert grade(facts(tmp_path / "legacy", newer_legacy)).status == MET


def test_a_record_of_an_account_that_does_not_drill_does_not_count(tmp_path):
    result = grade(facts(tmp_path, [drill(p, NOW - timedelta(hours=3), account=OTHER) for p in PATHS]))
    assert result.status == PARTIAL and len(result.missing) == len(PATHS)


def test_no_drill_machine_is_not_met(tmp_path):
    f = facts(tmp_path, [])
    f.resources = []
    assert grade(f).status == NOT_MET
