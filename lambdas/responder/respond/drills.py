"""Alert drills never trigger automated responses (DPP-MON-8, DPP-IR-3): an event the drill
runner caused is recognised and ignored before any response is considered.

- GuardDuty sample findings carry ``service.additionalInfo.sample = true``
  (https://docs.aws.amazon.com/guardduty/latest/ug/sample_findings.html), in either of its forms;
- the drill's Security Hub finding has the generator ``dpp-alert-drill``;
- the drill alarms' names end ``-DrillAlarmBreach`` / ``-DrillCanaryRead``;
- the drill role (``<prefix>-drill-canary-reader``) is the principal of its API calls.
"""

from __future__ import annotations

import json
from typing import Any

GENERATOR = "dpp-alert-drill"
ALARM_SUFFIXES = ("-DrillAlarmBreach", "-DrillCanaryRead")
DRILL_ROLE_MARK = "-drill-canary-reader/"


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


def is_drill(event: Any) -> bool:
    if not isinstance(event, dict):
        return False
    detail = _dict(event.get("detail"))
    if event.get("source") == "aws.guardduty" and sample_finding(detail):
        return True
    findings = detail.get("findings")
    if isinstance(findings, list) and any(_dict(f).get("GeneratorId") == GENERATOR for f in findings):
        return True
    alarm = detail.get("alarmName")
    if isinstance(alarm, str) and alarm.endswith(ALARM_SUFFIXES):
        return True
    arn = _dict(detail.get("userIdentity")).get("arn")
    return isinstance(arn, str) and ":assumed-role/" in arn and DRILL_ROLE_MARK in arn
