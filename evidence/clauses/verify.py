"""Verify: DPP-VER-1 .. DPP-VER-4, graded on the nag report of the synth, this report, the README's
statement of the time source and the evidence register (none yet)."""

from __future__ import annotations

import json
import re

from evidence.checks import ROOT, case
from evidence.clauses.registry import grades
from evidence.facts import Facts
from evidence.grading import Finding

PACKS = ("AwsSolutions", "NIST.800.53.R5", "HIPAA.Security", "PCI.DSS.321", "DPP")
REGISTER = "evidence register"


@grades("DPP-VER-1")
def checked_every_synth(f: Facts) -> Finding:
    found = Finding(
        checks=[
            case("tests/synth/test_nag_gate.py::test_every_pack_is_registered"),
            case("tests/synth/test_nag_gate.py::test_switching_off_a_dpp_mandated_capability_fails_synth"),
            case("tests/synth/test_nag_gate.py::test_every_acknowledgement_suppresses_a_real_finding"),
        ]
    )
    report = f.cdk_out / "validation-report.json"
    if not report.exists():
        return found.needs("synthesize with the nag gate (make synth): no cdk.out/validation-report.json")
    plugins = {p["pluginName"]: p for p in json.loads(report.read_text()).get("pluginReports", [])}
    failing = [name for name, p in plugins.items() if p.get("violations")]
    found.controls.append("five nag packs run at every synth; any unacknowledged finding fails it (exit 3)")
    if failing:
        found.gaps.append("packs with unacknowledged findings in this synth: " + ", ".join(failing))
    if not (ROOT / "tests" / "access").is_dir():
        found.gaps.append("refusals by the policies AWS would evaluate: no access-path tests over the synthesized policies")
    return found


@grades("DPP-VER-2")
def this_report(f: Facts) -> Finding:
    return Finding(
        controls=["this report, generated from the assembly and the configuration in force by make report (and every make synth)"],
        checks=[
            case("tests/synth/test_evidence.py::test_every_clause_is_graded_once_with_its_evidence"),
            case("tests/synth/test_evidence.py::test_switching_a_control_off_moves_its_grade"),
        ],
    )


@grades("DPP-VER-3")
def time_source(f: Facts) -> Finding:
    found = Finding(checks=[case("tests/synth/test_evidence.py::test_the_time_source_is_stated")])
    readme = (ROOT / "README.md").read_text(encoding="utf-8") if (ROOT / "README.md").exists() else ""
    if re.search(r"^### Time source", readme, re.M) and "Amazon Time Sync" in readme:
        found.controls.append("README §Time source: AWS services stamp records with time kept by the Amazon Time Sync Service (UTC)")
    else:
        found.answer = "state the time source in the README (Amazon Time Sync)"
    return found


@grades("DPP-VER-4")
def maintenance_on_record(f: Facts) -> Finding:
    """Graded on the evidence register the report was given (make report REGISTER=DIR|s3):
    the plan's six-monthly review counted from the last recorded review, and the drills."""
    from datetime import datetime, timezone

    from evidence.incident_plan import REVIEW_EVERY

    found = Finding(
        checks=[
            case("tests/unit/test_register.py::test_the_report_counts_the_review_from_the_last_recorded_one"),
            case("tests/unit/test_register.py::test_records_reach_the_archive_with_the_callers_credentials"),
        ]
    )
    register = f.register
    if register is None:
        return found.needs(
            "an evidence register read by the report (make report REGISTER=DIR for an exported copy, REGISTER=s3 for the archive): "
            "reviews of the plan, drills, threshold validations, IMPOC assessments and dark-web checks, each with date, person and outcome"
        )
    last = register.last_review()
    if last is None:
        return found.needs(f"a recorded review of the plan (make record KIND=review ...): the register ({register.source}) holds none")
    due = last + REVIEW_EVERY
    found.controls.append(f"last recorded review {last.isoformat()} ({register.source}); next due {due.isoformat()}")
    if due < datetime.now(timezone.utc).date():
        found.gaps.append(f"the six-monthly review is overdue since {due.isoformat()}")
    drills = register.latest_drills()
    if drills:
        named = {(f"{path} in {account}" if account else path): d for (account, path), d in drills.items()}
        found.controls.append("latest drills: " + ", ".join(f"{name} {d.get('outcome', '?')} on {str(d.get('recordedAt', '?'))[:10]}" for name, d in named.items()))
        found.gaps += [f"the latest drill of {name} did not pass" for name, d in named.items() if d.get("outcome") != "pass"]
    else:
        found.gaps.append("no drill recorded (the drill runner writes evidence/drill/...)")
    for kind in ("threshold-validation", "impoc-assessment", "dark-web-check"):
        if not register.of_kind(kind):
            found.gaps.append(f"no {kind} recorded (make record KIND={kind} ...)")
    found.gaps += list(register.problems)
    return found
