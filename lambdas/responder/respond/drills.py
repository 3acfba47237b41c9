"""Alert drills never trigger automated responses (DPP-MON-8, DPP-IR-3): an event the drill
runner caused is recognised and ignored before any response is considered. What marks a drill
is decided in one module shared with the chat relay, ``drill_marks`` (lambdas/shared, copied
into this bundle at synth): sample findings, the drill's Security Hub finding, the drill
alarms, and calls by the drill roles (the canary reader, the control changer).
"""

from __future__ import annotations

from typing import Any

from drill_marks import alarm_path, drill_finding, drill_role_call, sample_finding


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def is_drill(event: Any) -> bool:
    if not isinstance(event, dict):
        return False
    detail = _dict(event.get("detail"))
    if event.get("source") == "aws.guardduty" and sample_finding(detail):
        return True
    findings = detail.get("findings")
    if isinstance(findings, list) and any(drill_finding(f) for f in findings):
        return True
    if alarm_path(detail.get("alarmName")):
        return True
    return drill_role_call(_dict(detail.get("userIdentity")).get("arn")) is not None
