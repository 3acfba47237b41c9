"""Repeated failed console sign-ins: name the principals and sources behind the alarm
(DPP-IR-3). Locking the account belongs to the identity provider, beyond this template."""
from __future__ import annotations

import json
from collections import Counter
from typing import Any

from respond.context import Context
from respond.outcome import ALREADY, DONE, Outcome

ACTION = "notifyFailedSignIns"
PATTERN = '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }'
_MAX_EVENTS = 5000


def applies(event: Any, ctx: Context) -> bool:
    detail = event.get("detail") if isinstance(event, dict) else None
    return (
        isinstance(detail, dict)
        and event.get("source") == "aws.cloudwatch"
        and event.get("detail-type") == "CloudWatch Alarm State Change"
        and detail.get("alarmName") == ctx.settings.failed_sign_in_alarm
        and (detail.get("state") or {}).get("value") == "ALARM"
    )


def _failures(ctx: Context, end_ms: int) -> list[dict]:
    start_ms = end_ms - ctx.settings.failed_sign_in_minutes * 60_000
    found: list[dict] = []
    kwargs: dict[str, Any] = {"logGroupName": ctx.settings.trail_log_group, "startTime": start_ms, "endTime": end_ms, "filterPattern": PATTERN}
    while len(found) < _MAX_EVENTS:
        page = ctx.logs.filter_log_events(**kwargs)
        for item in page.get("events", []):
            try:
                record = json.loads(item["message"])
            except (KeyError, ValueError):
                continue
            # The filter runs in CloudWatch Logs; checked again here so nothing else is counted.
            if record.get("eventName") == "ConsoleLogin" and record.get("errorMessage") == "Failed authentication":
                found.append(record)
        if not page.get("nextToken"):
            break
        kwargs["nextToken"] = page["nextToken"]
    return found


def respond(event: dict, ctx: Context) -> list[Outcome]:
    detail = event["detail"]
    changed = str((detail.get("state") or {}).get("timestamp") or event.get("time") or "")
    record_id = f"signin#{detail['alarmName']}#{changed}"
    if not ctx.ledger.record(record_id, kind="notification", action=ACTION):
        return [Outcome(ACTION, "failed console sign-ins", ALREADY, "Already reported for this alarm.")]
    end_ms = int(ctx.clock() * 1000)
    failures = _failures(ctx, end_ms)
    principals = Counter(((r.get("userIdentity") or {}).get("userName") or (r.get("userIdentity") or {}).get("arn") or "unknown") for r in failures)
    sources = Counter(str(r.get("sourceIPAddress") or "unknown") for r in failures)
    facts = [
        ("Principals", ", ".join(f"{name} x{n}" for name, n in principals.most_common(10)) or "none found"),
        ("Sources", ", ".join(f"{ip} x{n}" for ip, n in sources.most_common(10)) or "none found"),
    ]
    return [
        Outcome(
            ACTION,
            "failed console sign-ins",
            DONE,
            f"{len(failures)} failed console sign-in(s) in the last {ctx.settings.failed_sign_in_minutes} minutes. "
            "Locking an account after repeated failures belongs to your identity provider (IAM Identity Center, your IdP, or IAM users' password policy), "
            "which this template cannot reach: lock the named principals there if the failures are not theirs, and block hostile sources.",
            facts=facts,
        )
    ]
