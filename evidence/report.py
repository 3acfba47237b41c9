"""The DPP compliance report (DPP-VER-2): every clause of docs/requirements.md graded met /
partial / not met from the assembly and the configuration in force, with its controls (where),
the checks that show they work and what is missing; requirements rolled up from their clauses;
then every acknowledged finding with its reason, the configuration in force and provenance."""

from __future__ import annotations

import html
import json
import subprocess
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

from evidence.assembly import Resource
from evidence.clauses import GRADERS
from evidence.diagram import architecture_svg
from evidence.facts import Facts
from evidence.grading import MET, NOT_MET, PARTIAL, Finding, RequirementGrade, grade_clause, roll_up
from evidence.incident_plan import FILE_NAME as PLAN_FILE
from evidence.incident_plan import NO_REVIEW, next_review
from evidence.requirements import Requirement, load_requirements

__all__ = ["MET", "NOT_MET", "PARTIAL", "Report", "build_report", "render_html", "render_markdown", "write_report"]


@dataclass
class Report:
    resources: list[Resource]
    grades: list[RequirementGrade]
    acknowledged: list[dict]
    config: dict
    generated: str
    commit: str
    versions: dict[str, str]
    register: Any = None  # evidence.register.Register, when given

    @property
    def plan_review(self) -> str:
        """The plan's next review, counted from the last recorded review (DPP-VER-4): red
        "no review recorded" without a register or a review, never a date of this run."""
        last = self.register.last_review() if self.register is not None else None
        return next_review(datetime.now(timezone.utc).date(), last)

    @property
    def clauses(self):
        return [c for g in self.grades for c in g.clauses]

    def clause(self, clause_id: str):
        return next(c for c in self.clauses if c.clause.id == clause_id)

    def requirement(self, requirement_id: str) -> RequirementGrade:
        return next(g for g in self.grades if g.requirement.id == requirement_id)

    def summary(self) -> str:
        def count(items, status):
            return sum(1 for i in items if i.status == status)

        return (
            f"{count(self.clauses, MET)} of {len(self.clauses)} clauses met, {count(self.clauses, PARTIAL)} partial, "
            f"{count(self.clauses, NOT_MET)} not met; requirements: {count(self.grades, MET)} met, "
            f"{count(self.grades, PARTIAL)} partial, {count(self.grades, NOT_MET)} not met (of {len(self.grades)})"
        )


def _ungraded(facts: Facts) -> Finding:
    return Finding(answer="no grader for this clause yet")


def build_report(cdk_out: Path, requirements: list[Requirement] | None = None, register: Any = None) -> Report:
    """Grades every clause from what cdk_out holds (DPP-VER-2) and, when given, the evidence
    register (DPP-VER-4)."""
    facts = Facts.read(cdk_out, register)
    grades = []
    for requirement in requirements or load_requirements():
        clause_grades = [grade_clause(c, GRADERS.get(c.id, _ungraded)(facts), facts) for c in requirement.clauses]
        grades.append(roll_up(requirement, clause_grades))
    generated = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return Report(facts.resources, grades, facts.acknowledged, facts.config, generated, _commit(), _versions(), register)


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown (not a git checkout)"


def _versions() -> dict[str, str]:
    versions = {}
    for package in ("aws-cdk-lib", "cdk-nag", "constructs", "aws-lambda-powertools"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    cli = Path(__file__).resolve().parent.parent / "node_modules" / "aws-cdk" / "package.json"
    versions["aws-cdk (CLI)"] = json.loads(cli.read_text())["version"] if cli.exists() else "not installed"
    return versions


def _checks_text(grade, code=lambda t: f"`{t}`") -> list[str]:
    return [f"{r.check.kind} {code(r.check.ref)}" + (f" (rows {', '.join(r.check.rows)})" if r.check.rows else "") + f": {r.state}" for r in grade.checks]


def _register_source(report: Report) -> str:
    if report.register is None:
        return " (no evidence register given: make report REGISTER=DIR or REGISTER=s3, DPP-VER-4)"
    return f" (evidence register: {report.register.source})"


def _drill_rows(report: Report) -> list[tuple[str, str, str, str, str, str]]:
    """account, path, outcome, when, latency, broken hop of each account's latest drill of each path."""
    rows = []
    for (account, path), drill in report.register.latest_drills().items():
        latency = drill.get("latencySeconds")
        rows.append(
            (
                account or "not recorded",
                path,
                str(drill.get("outcome", "?")),
                str(drill.get("recordedAt", "?")),
                f"{latency:g} s" if isinstance(latency, (int, float)) else "not delivered",
                str(drill.get("brokenHop") or ""),
            )
        )
    return rows


def _register_markdown(report: Report) -> list[str]:
    if report.register is None:
        return []
    register = report.register
    out = ["## Evidence register", "", f"Read from {register.source}: {len(register.records)} records."]
    counts = ", ".join(f"{kind} {len(register.of_kind(kind))}" for kind in ("review", "drill", "threshold-validation", "impoc-assessment", "dark-web-check"))
    out += [f"By kind: {counts}.", "", "Latest drill per account and alert path:", "", "| account | path | outcome | recorded | latency | broken hop |", "|---|---|---|---|---|---|"]
    out += [f"| {a} | {p} | {'pass' if o == 'pass' else f'**{o}**'} | {w} | {lat} | {b} |" for a, p, o, w, lat, b in _drill_rows(report)] or ["| none recorded | | | | | |"]
    out += [f"- not read: {problem}" for problem in register.problems]
    return out + [""]


def _register_html(report: Report) -> str:
    e = html.escape
    if report.register is None:
        return ""
    register = report.register
    rows = (
        "".join(
            f'<tr><td>{e(a)}</td><td>{e(p)}</td><td class="{"met" if o == "pass" else "not-met"}">{e(o)}</td><td>{e(w)}</td><td>{e(lat)}</td><td>{e(b)}</td></tr>'
            for a, p, o, w, lat, b in _drill_rows(report)
        )
        or '<tr><td class="not-met">no drill recorded</td><td></td><td></td><td></td><td></td><td></td></tr>'
    )
    problems = "".join(f"<li>not read: {e(p)}</li>" for p in register.problems)
    return (
        f"<h2>Evidence register</h2><p>Read from {e(register.source)}: {len(register.records)} records.</p>"
        "<table><thead><tr><th>account</th><th>alert path</th><th>latest drill</th><th>recorded</th><th>latency</th><th>broken hop</th></tr></thead><tbody>"
        + rows
        + "</tbody></table>"
        + (f"<ul>{problems}</ul>" if problems else "")
    )


def _plan_review_html(report: Report) -> str:
    """The plan's review line; the markdown's red span is kept as it is (it is HTML already)."""
    text = report.plan_review
    if text == NO_REVIEW:
        return '<span class="not-met">no review recorded</span>'
    return text.replace("**", "")


def render_markdown(report: Report) -> str:
    out = [
        "# DPP compliance report",
        "",
        f"Generated {report.generated} from commit {report.commit}. {report.summary()}.",
        "",
        f"Incident response plan ({PLAN_FILE}): next review {report.plan_review}{_register_source(report)}.",
        "",
        *_register_markdown(report),
        "Each clause is graded by the rule of docs/requirements.md: **met** needs a control and a verified check "
        "(a DPP rule's verdict in this synth, or a test that exists under that name); **partial** names what is not "
        "covered; **not met** says what would answer it.",
        "",
        "| clause | status | controls (where) | checks | missing / would answer it |",
        "|---|---|---|---|---|",
    ]
    for grade in report.grades:
        out.append(f"| **{grade.requirement.id}** {grade.requirement.text} | **{grade.status}** | | | |")
        for clause in grade.clauses:
            if clause.clause.id == grade.requirement.id and len(grade.clauses) == 1:
                label = "(the requirement as a whole)"
            else:
                label = f"{clause.clause.id} {clause.clause.text}"
            status = clause.status if clause.status == MET else f"**{clause.status}**"
            out.append(f"| {label} | {status} | {'<br>'.join(clause.controls) or 'none'} | {'<br>'.join(_checks_text(clause)) or 'none'} | {'<br>'.join(clause.missing) or ''} |")
    out += ["", "## Acknowledged findings", "", "| pack | rule | at | reason |", "|---|---|---|---|"]
    out += [f"| {a['pack']} | `{a['rule']}` | {a['at']} | {a['reason']} |" for a in report.acknowledged]
    out += ["", "## Configuration in force", "", "```json", json.dumps(report.config, indent=2, sort_keys=True), "```", "", "## Tools", ""]
    out += [f"- {name}: {version}" for name, version in report.versions.items()]
    return "\n".join(out) + "\n"


_CSS = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1b1b1b; }
svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; font-size: 0.85rem; table-layout: fixed; }
th, td { border: 1px solid #ccc; padding: 0.35rem 0.5rem; vertical-align: top; text-align: left; overflow-wrap: anywhere; }
th { background: #f0f0f0; }
th:nth-child(1) { width: 22%; } th:nth-child(2) { width: 6%; } th:nth-child(3) { width: 24%; } th:nth-child(4) { width: 26%; }
tr.requirement td:first-child { background: #f7f7f7; font-weight: 600; }
code { word-break: break-all; }
.met { color: #1e6b2e; font-weight: 600; }
.partial { color: #1b1b1b; background: #ffd45c; font-weight: 700; }
.not-met { color: #fff; background: #b00020; font-weight: 700; }
code { font-size: 0.8rem; }
.plan-review { margin: 0.5rem 0 1rem; }
"""

_CSS_CLASS = {MET: "met", PARTIAL: "partial", NOT_MET: "not-met"}


def render_html(report: Report) -> str:
    e = html.escape
    rows = []
    for grade in report.grades:
        rows.append(
            f'<tr class="requirement" id="{e(grade.requirement.id)}"><td><strong>{e(grade.requirement.id)}</strong> {e(grade.requirement.text)}</td>'
            f'<td class="{_CSS_CLASS[grade.status]}">{e(grade.status)}</td><td colspan="3"></td></tr>'
        )
        for clause in grade.clauses:
            label = "(the requirement as a whole)" if clause.clause.id == grade.requirement.id else f"{clause.clause.id} {clause.clause.text}"
            checks = (
                "<br/>".join(f"{e(r.check.kind)} <code>{e(r.check.ref)}</code>" + (f" (rows {e(', '.join(r.check.rows))})" if r.check.rows else "") + f": {e(r.state)}" for r in clause.checks)
                or "none"
            )
            rows.append(
                f'<tr class="clause" id="{e(clause.clause.id)}-clause"><td>{e(label)}</td><td class="{_CSS_CLASS[clause.status]}">{e(clause.status)}</td>'
                f"<td>{'<br/>'.join(e(c) for c in clause.controls) or 'none'}</td><td>{checks}</td><td>{'<br/>'.join(e(m) for m in clause.missing)}</td></tr>"
            )
    acks = "".join(f"<tr><td>{e(a['pack'])}</td><td><code>{e(a['rule'])}</code></td><td>{e(a['at'])}</td><td>{e(a['reason'])}</td></tr>" for a in report.acknowledged)
    tools = "".join(f"<li>{e(name)}: {e(version)}</li>" for name, version in report.versions.items())
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"/><title>DPP compliance report</title>'
        f"<style>{_CSS}</style></head><body>"
        f"<h1>DPP compliance report</h1><p>Generated {e(report.generated)} from commit {e(report.commit)}. {e(report.summary())}.</p>"
        f'<p class="plan-review">Incident response plan ({PLAN_FILE}): next review {_plan_review_html(report)}{e(_register_source(report))}.</p>'
        + _register_html(report)
        + architecture_svg(report.resources, report.config)
        + "<table><thead><tr><th>clause</th><th>status</th><th>controls (where)</th><th>checks</th><th>missing / would answer it</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table><h2>Acknowledged findings</h2><table><thead><tr><th>pack</th><th>rule</th><th>at</th><th>reason</th></tr></thead><tbody>"
        + acks
        + f"</tbody></table><h2>Configuration in force</h2><pre>{e(json.dumps(report.config, indent=2, sort_keys=True))}</pre>"
        + f"<h2>Tools</h2><ul>{tools}</ul></body></html>\n"
    )


def write_report(cdk_out: Path, out_dir: Path, register: Any = None) -> Report:
    report = build_report(cdk_out, register=register)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "dpp-compliance.md").write_text(render_markdown(report), encoding="utf-8")
    (out_dir / "dpp-compliance.html").write_text(render_html(report), encoding="utf-8")
    if (cdk_out / PLAN_FILE).exists():
        # The plan is written at synth, without the register; its review line is counted here.
        plan = (cdk_out / PLAN_FILE).read_text(encoding="utf-8").replace(f"(next: {NO_REVIEW})", f"(next: {report.plan_review})")
        (out_dir / PLAN_FILE).write_text(plan, encoding="utf-8")
    (out_dir / "architecture.svg").write_text(architecture_svg(report.resources, report.config), encoding="utf-8")
    return report
