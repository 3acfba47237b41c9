"""The alarms as a Markdown table, for the README and the incident response plan (DPP-IR-2)."""

from __future__ import annotations

from capabilities.alarms.spec import AlarmSpec


def alarms_markdown(specs: list[AlarmSpec]) -> str:
    lines = ["| alarm | severity | CIS | what it means | first steps to investigate |", "|---|---|---|---|---|"]
    for spec in specs:
        lines.append(f"| `{spec.id}` | {spec.severity.value} | {spec.cis or ''} | {spec.meaning} | {spec.investigate} |")
    return "\n".join(lines)
