"""The DPP compliance report: for every requirement, its status, the resources that implement
it per account and region, the DPP rules that check it with their verdicts, and every
acknowledged finding with its reason; then the configuration in force and provenance."""
from __future__ import annotations

import html
import json
import subprocess
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

from dpp_nag import ALL_RULES
from evidence.assembly import Resource, read_assembly
from evidence.diagram import architecture_svg
from evidence.incident_plan import FILE_NAME as PLAN_FILE
from evidence.mapping import CONTROLS, PROCEDURES
from evidence.requirements import Requirement, load_requirements

MET_CONTROL_CHECK = "met: control + check"
MET_CONTROL = "met: control"
MET_PROCEDURE = "met: procedure"
NOT_MET = "NOT MET"
FAILING = "FAILING CHECK"


@dataclass
class Row:
    requirement: Requirement
    status: str
    resources: list[Resource] = field(default_factory=list)
    rules: list[tuple[str, str]] = field(default_factory=list)  # (rule ID, verdict)
    procedure: str = ""


@dataclass
class Report:
    resources: list[Resource]
    rows: list[Row]
    acknowledged: list[dict]
    config: dict
    generated: str
    commit: str
    versions: dict[str, str]


def rule_verdicts(cdk_out: Path) -> tuple[dict[str, str], list[dict]]:
    """DPP rule ID -> verdict, and every acknowledged finding of every pack."""
    report_file = cdk_out / "validation-report.json"
    if not report_file.exists():
        return {r.rule_id: "not run" for r in ALL_RULES}, []
    report = json.loads(report_file.read_text())
    failing: dict[str, int] = {}
    suppressed: dict[str, int] = {}
    acknowledged = []
    for plugin in report.get("pluginReports", []):
        for violation in plugin.get("violations", []):
            failing[violation["ruleName"]] = failing.get(violation["ruleName"], 0) + len(violation.get("violatingConstructs", []))
        for violation in plugin.get("suppressedViolations", []):
            suppressed[violation["ruleName"]] = suppressed.get(violation["ruleName"], 0) + 1
            acknowledged.append({"pack": plugin["pluginName"], "rule": violation["ruleName"], "at": violation.get("acknowledgedAt", ""), "reason": violation.get("reason", "")})
    verdicts = {}
    for rule in ALL_RULES:
        if failing.get(rule.rule_id):
            verdicts[rule.rule_id] = f"fails ({failing[rule.rule_id]})"
        elif suppressed.get(rule.rule_id):
            verdicts[rule.rule_id] = f"passes, {suppressed[rule.rule_id]} acknowledged"
        else:
            verdicts[rule.rule_id] = "passes"
    return verdicts, acknowledged


def _matches(resource: Resource, control: tuple[str, str | None]) -> bool:
    cfn_type, marker = control
    return resource.cfn_type == cfn_type and (marker is None or marker in resource.path or marker in resource.logical_id)


def build_report(cdk_out: Path, requirements: list[Requirement] | None = None) -> Report:
    resources = read_assembly(cdk_out)
    verdicts, acknowledged = rule_verdicts(cdk_out)
    procedures = dict(PROCEDURES)
    if (cdk_out / PLAN_FILE).exists():
        procedures["DPP-IR-2"] = f"The incident response plan ({PLAN_FILE}), generated at synth from the configuration and the alarm and route specifications."
    rows = []
    for requirement in requirements or load_requirements():
        found = [r for r in resources if any(_matches(r, c) for c in CONTROLS.get(requirement.id, []))]
        rules = [(rule.rule_id, verdicts.get(rule.rule_id, "not run")) for rule in ALL_RULES if requirement.id in rule.requirements]
        procedure = procedures.get(requirement.id, "")
        if any(v.startswith("fails") for _, v in rules):
            status = FAILING
        elif found and rules:
            status = MET_CONTROL_CHECK
        elif found:
            status = MET_CONTROL
        elif procedure:
            status = MET_PROCEDURE
        else:
            status = NOT_MET
        rows.append(Row(requirement, status, found, rules, procedure))
    config_file = cdk_out / "dpp-config-in-force.json"
    config = json.loads(config_file.read_text()) if config_file.exists() else {}
    return Report(resources, rows, acknowledged, config, datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), _commit(), _versions())


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


def _where(resources: list[Resource], limit: int = 8) -> list[str]:
    lines = [f"{r.account} {r.region}: {r.path} ({r.cfn_type})" for r in resources[:limit]]
    if len(resources) > limit:
        lines.append(f"... and {len(resources) - limit} more")
    return lines


def render_markdown(report: Report) -> str:
    met = sum(r.status.startswith("met") for r in report.rows)
    out = [
        "# DPP compliance report",
        "",
        f"Generated {report.generated} from commit {report.commit}. {met} of {len(report.rows)} requirements met.",
        "",
        "| requirement | status | implemented by | checked by |",
        "|---|---|---|---|",
    ]
    for row in report.rows:
        where = "<br>".join(_where(row.resources)) or (row.procedure or "nothing")
        checks = "<br>".join(f"`{rule}`: {verdict}" for rule, verdict in row.rules) or "no automated check"
        status = row.status if row.status.startswith("met") else f"**{row.status}**"
        out.append(f"| **{row.requirement.id}** {row.requirement.text} | {status} | {where} | {checks} |")
    out += ["", "## Acknowledged findings", "", "| pack | rule | at | reason |", "|---|---|---|---|"]
    out += [f"| {a['pack']} | `{a['rule']}` | {a['at']} | {a['reason']} |" for a in report.acknowledged]
    out += ["", "## Configuration in force", "", "```json", json.dumps(report.config, indent=2, sort_keys=True), "```", "", "## Tools", ""]
    out += [f"- {name}: {version}" for name, version in report.versions.items()]
    return "\n".join(out) + "\n"


_CSS = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1b1b1b; }
table { border-collapse: collapse; width: 100%; font-size: 0.85rem; }
th, td { border: 1px solid #ccc; padding: 0.35rem 0.5rem; vertical-align: top; text-align: left; }
th { background: #f0f0f0; }
.met { color: #1e6b2e; font-weight: 600; }
.not-met { color: #fff; background: #b00020; font-weight: 700; }
code { font-size: 0.8rem; }
"""


def webhook_kinds(report: Report) -> list[str]:
    return [t["kind"] for t in report.config.get("notification_targets", []) if t.get("kind") != "email"]


def render_html(report: Report) -> str:
    e = html.escape
    met = sum(r.status.startswith("met") for r in report.rows)
    rows = []
    for row in report.rows:
        css = "met" if row.status.startswith("met") else "not-met"
        where = "<br/>".join(e(line) for line in _where(row.resources)) or e(row.procedure or "nothing")
        checks = "<br/>".join(f"<code>{e(rule)}</code>: {e(verdict)}" for rule, verdict in row.rules) or "no automated check"
        rows.append(
            f"<tr id=\"{e(row.requirement.id)}\"><td><strong>{e(row.requirement.id)}</strong> {e(row.requirement.text)}</td>"
            f"<td class=\"{css}\">{e(row.status)}</td><td>{where}</td><td>{checks}</td></tr>"
        )
    acks = "".join(f"<tr><td>{e(a['pack'])}</td><td><code>{e(a['rule'])}</code></td><td>{e(a['at'])}</td><td>{e(a['reason'])}</td></tr>" for a in report.acknowledged)
    tools = "".join(f"<li>{e(name)}: {e(version)}</li>" for name, version in report.versions.items())
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/><title>DPP compliance report</title>"
        f"<style>{_CSS}</style></head><body>"
        f"<h1>DPP compliance report</h1><p>Generated {e(report.generated)} from commit {e(report.commit)}. {met} of {len(report.rows)} requirements met.</p>"
        + architecture_svg(report.resources, webhook_kinds(report))
        + "<table><thead><tr><th>requirement</th><th>status</th><th>implemented by</th><th>checked by</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table><h2>Acknowledged findings</h2><table><thead><tr><th>pack</th><th>rule</th><th>at</th><th>reason</th></tr></thead><tbody>"
        + acks
        + f"</tbody></table><h2>Configuration in force</h2><pre>{e(json.dumps(report.config, indent=2, sort_keys=True))}</pre>"
        + f"<h2>Tools</h2><ul>{tools}</ul></body></html>\n"
    )


def write_report(cdk_out: Path, out_dir: Path) -> Report:
    report = build_report(cdk_out)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "dpp-compliance.md").write_text(render_markdown(report), encoding="utf-8")
    (out_dir / "dpp-compliance.html").write_text(render_html(report), encoding="utf-8")
    if (cdk_out / PLAN_FILE).exists():
        (out_dir / PLAN_FILE).write_text((cdk_out / PLAN_FILE).read_text(encoding="utf-8"), encoding="utf-8")
    (out_dir / "architecture.svg").write_text(architecture_svg(report.resources, webhook_kinds(report)), encoding="utf-8")
    return report
