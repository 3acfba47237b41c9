"""Alert drills (DPP-MON-8): which notifications are drills, and of which path.

A drill is posted like any alert, marked ``[DRILL <id>]`` so nobody mistakes it for an
incident, and the relay logs when it received it and when each target took it (drill ID, path,
target and time only: never the payload), which the drill checker reads from this function's
log group. What marks a drill is decided in one module shared with the responder,
``drill_marks`` (lambdas/shared, copied into this bundle at synth).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from drill_marks import DRILL_ID_FIELD, alarm_path, drill_finding, drill_role_call, sample_finding

__all__ = ["Drill", "recognise", "sample_finding"]


@dataclass(frozen=True)
class Drill:
    drill_id: str  # "" when the event cannot carry one (sample findings, alarms)
    path: str

    @property
    def label(self) -> str:
        return f"[DRILL {self.drill_id or self.path}]"


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def recognise(payload: Any) -> Drill | None:
    if not isinstance(payload, dict):
        return None
    name = payload.get("AlarmName")
    if isinstance(name, str) and "NewStateValue" in payload:
        path = alarm_path(name)
        return Drill("", path) if path else None
    detail = _dict(payload.get("detail"))
    if payload.get("source") == "aws.guardduty" and sample_finding(detail):
        return Drill("", "guardduty-finding")
    if payload.get("source") == "aws.securityhub":
        findings = detail.get("findings")
        finding = _dict(findings[0]) if isinstance(findings, list) and findings else {}
        if drill_finding(finding):
            drill_id = _dict(finding.get("ProductFields")).get(DRILL_ID_FIELD)
            return Drill(drill_id if isinstance(drill_id, str) else "", "securityhub-finding")
        return None
    call = drill_role_call(_dict(detail.get("userIdentity")).get("arn"))
    if call:
        path, drill_id = call
        return Drill(drill_id, path)
    return None
