"""The routes as a Markdown table, for the README and the incident response plan."""

from __future__ import annotations

from capabilities.alerting.event_routes import EventRoute


def routes_markdown(routes: list[EventRoute]) -> str:
    lines = ["| route | severity | what it means | first steps |", "|---|---|---|---|"]
    for route in routes:
        lines.append(f"| `{route.id}` | {route.severity.value} | {route.meaning} | {route.first_steps} |")
    return "\n".join(lines)
