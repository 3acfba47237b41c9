"""Alert drills (DPP-MON-8): which notifications are drills, and of which path.

A drill is posted like any alert, marked ``[DRILL <id>]`` so nobody mistakes it for an
incident, and the relay logs when it received it and when each target took it (drill ID, path,
target and time only: never the payload), which the drill checker reads from this function's
log group. Recognised by what the drill runner can put into each event:

- GuardDuty sample findings: ``detail.service.additionalInfo.sample`` is true
  (https://docs.aws.amazon.com/guardduty/latest/ug/sample_findings.html), in either of its forms;
- the Security Hub test finding: generator ``dpp-alert-drill``, drill ID in ProductFields;
- the drill alarms: names ending ``-DrillAlarmBreach`` and ``-DrillCanaryRead``;
- API calls by the drill role (``...-drill-canary-reader``), whose session name is the drill ID.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

GENERATOR = "dpp-alert-drill"
DRILL_ID_FIELD = "dpp/drillId"
ALARM_SUFFIXES = {"-DrillAlarmBreach": "alarm-breach", "-DrillCanaryRead": "canary-read"}
_DRILL_ROLE = re.compile(r":assumed-role/[^/]+-drill-canary-reader/([\w+=,.@-]{2,64})$")


@dataclass(frozen=True)
class Drill:
    drill_id: str  # "" when the event cannot carry one (sample findings, alarms)
    path: str

    @property
    def label(self) -> str:
        return f"[DRILL {self.drill_id or self.path}]"


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def sample_finding(detail: dict) -> bool:
    """GuardDuty marks sample findings in ``service.additionalInfo``: ``"sample": true`` there,
    or, in the API's ServiceAdditionalInfo form, inside its ``value`` (JSON text) -
    https://docs.aws.amazon.com/guardduty/latest/APIReference/API_ServiceAdditionalInfo.html."""
    info = _dict(_dict(detail.get("service")).get("additionalInfo"))
    if info.get("sample") is True:
        return True
    value = info.get("value")
    if isinstance(value, str) and '"sample"' in value:
        try:
            return _dict(json.loads(value)).get("sample") is True
        except ValueError:
            return False
    return False


def recognise(payload: Any) -> Drill | None:
    if not isinstance(payload, dict):
        return None
    name = payload.get("AlarmName")
    if isinstance(name, str) and "NewStateValue" in payload:
        for suffix, path in ALARM_SUFFIXES.items():
            if name.endswith(suffix):
                return Drill("", path)
        return None
    detail = _dict(payload.get("detail"))
    if payload.get("source") == "aws.guardduty" and sample_finding(detail):
        return Drill("", "guardduty-finding")
    if payload.get("source") == "aws.securityhub":
        findings = detail.get("findings")
        finding = _dict(findings[0]) if isinstance(findings, list) and findings else {}
        if finding.get("GeneratorId") == GENERATOR:
            drill_id = _dict(finding.get("ProductFields")).get(DRILL_ID_FIELD)
            return Drill(drill_id if isinstance(drill_id, str) else "", "securityhub-finding")
        return None
    arn = _dict(detail.get("userIdentity")).get("arn")
    if isinstance(arn, str):
        match = _DRILL_ROLE.search(arn)
        if match:
            return Drill(match.group(1), "canary-read")
    return None
