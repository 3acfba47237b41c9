"""How an event the alert drill caused is told from a real one (DPP-MON-8, DPP-IR-3). One
module, copied into both the chat relay's and the responder's bundles at synth
(``capabilities.relay.bundling``), so the relay (which marks drills) and the responder (which
ignores them) can never disagree on what a drill is. Standard library only.

Marks the drill runner can put into each event:

- GuardDuty sample findings: ``service.additionalInfo.sample`` is true
  (https://docs.aws.amazon.com/guardduty/latest/ug/sample_findings.html), in either of its forms;
- the Security Hub test finding: generator ``dpp-alert-drill``, drill ID in ProductFields;
- the drill alarms: names ending ``-DrillAlarmBreach`` and ``-DrillCanaryRead``;
- API calls by a drill role, whose session name is the drill ID (CloudTrail's
  ``userIdentity.arn`` is ``arn:aws:sts::<account>:assumed-role/<role>/<session>``,
  https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html):
  ``<prefix>-drill-canary-reader`` (reads the canary) and ``<prefix>-drill-control-changer``
  (changes the drill's own log group: the control-change path).
"""

from __future__ import annotations

import json
import re
from typing import Any

GENERATOR = "dpp-alert-drill"
DRILL_ID_FIELD = "dpp/drillId"
# Alarm name suffix -> the drill path whose alarm it is.
ALARM_SUFFIXES = {"-DrillAlarmBreach": "alarm-breach", "-DrillCanaryRead": "canary-read"}
# Drill role name suffix -> the drill path its calls belong to.
ROLE_SUFFIXES = {"-drill-canary-reader": "canary-read", "-drill-control-changer": "control-change"}
_DRILL_ROLE = re.compile(r":assumed-role/[^/]+?(" + "|".join(re.escape(s) for s in ROLE_SUFFIXES) + r")/([\w+=,.@-]{2,64})$")


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def sample_finding(detail: Any) -> bool:
    """GuardDuty marks sample findings in ``service.additionalInfo``: ``"sample": true`` there,
    or, in the API's ServiceAdditionalInfo form, inside its ``value`` (JSON text) -
    https://docs.aws.amazon.com/guardduty/latest/APIReference/API_ServiceAdditionalInfo.html."""
    info = _dict(_dict(_dict(detail).get("service")).get("additionalInfo"))
    if info.get("sample") is True:
        return True
    value = info.get("value")
    if isinstance(value, str) and '"sample"' in value:
        try:
            return _dict(json.loads(value)).get("sample") is True
        except ValueError:
            return False
    return False


def alarm_path(name: Any) -> str | None:
    """The drill path of an alarm by its name, or None for every other alarm."""
    if isinstance(name, str):
        for suffix, path in ALARM_SUFFIXES.items():
            if name.endswith(suffix):
                return path
    return None


def drill_role_call(arn: Any) -> tuple[str, str] | None:
    """(path, drill ID) when ``arn`` is a session of a drill role, else None."""
    if not isinstance(arn, str):
        return None
    match = _DRILL_ROLE.search(arn)
    return (ROLE_SUFFIXES[match.group(1)], match.group(2)) if match else None


def drill_finding(finding: Any) -> bool:
    """The drill's own Security Hub finding (by its generator)."""
    return _dict(finding).get("GeneratorId") == GENERATOR
