"""Repeated failed console sign-ins: count them and say whose they were, without putting
personal data in chat (DPP-IR-3, DPP-PII-1.b). Locking the account belongs to the identity
provider, beyond this template.

What the report carries, and why: the trail's log group has a data protection policy that
masks names, addresses and IP addresses, and FilterLogEvents returns them masked unless the
caller has ``logs:Unmask`` and asks for it
(https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutDataProtectionPolicy.html).
The responder neither has nor wants that right: its report goes to chat. So it posts the
number of failures, the principals by type and by IAM's unique ID (``userIdentity.principalId``,
e.g. ``AIDA...``: an account-local identifier, not personal data; an investigator maps it to
the user with ``aws iam list-users``), and for names and source addresses a CloudWatch Logs
Insights query, with the window, that an investigator holding ``logs:Unmask`` runs with
``unmask`` (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Unmask.html).

Intent first: the alarm transition is recorded "started" before the log query and marked
done only after the report is published, so a throttled query or a failed publish is retried
(Lambda's async retries) instead of losing the notification."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timezone
from typing import Any

from respond.context import Context
from respond.ledger import DONE_STATUS
from respond.outcome import ALREADY, DONE, Outcome

ACTION = "notifyFailedSignIns"
PATTERN = '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }'
INSIGHTS_QUERY = 'fields @timestamp, @message | filter eventName = "ConsoleLogin" and errorMessage = "Failed authentication" | unmask(@message) | sort @timestamp desc'
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


def record_id(event: dict) -> str:
    detail = event["detail"]
    changed = str((detail.get("state") or {}).get("timestamp") or event.get("time") or "")
    return f"signin#{detail['alarmName']}#{changed}"


def _failures(ctx: Context, start_ms: int, end_ms: int) -> list[dict]:
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


def _principal_id(record: dict) -> str:
    identity = record.get("userIdentity") or {}
    value = str(identity.get("principalId") or "")
    # Masked values are asterisks; an assumed role's ID is "AROA...:session" (the session name may be a person's).
    value = value.split(":", 1)[0]
    return value if value and "*" not in value else "unknown"


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def insights_link(region: str) -> str:
    return f"https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}#logsV2:logs-insights"


def respond(event: dict, ctx: Context) -> list[Outcome]:
    """The report; raises when the log query fails, leaving the record "started" for the retry."""
    rid = record_id(event)
    if not ctx.ledger.record(rid, kind="notification", action=ACTION, status="started"):
        existing = ctx.ledger.get(rid) or {}
        if existing.get("status") == DONE_STATUS:
            return [Outcome(ACTION, "failed console sign-ins", ALREADY, "Already reported for this alarm.")]
    end_ms = int(ctx.clock() * 1000)
    start_ms = end_ms - ctx.settings.failed_sign_in_minutes * 60_000
    failures = _failures(ctx, start_ms, end_ms)
    kinds = Counter(str((r.get("userIdentity") or {}).get("type") or "unknown") for r in failures)
    principals = Counter(_principal_id(r) for r in failures)
    region = str(event.get("region") or "")
    facts = [
        ("Failed sign-ins", str(len(failures))),
        ("Principal types", ", ".join(f"{k} x{n}" for k, n in kinds.most_common(10)) or "none found"),
        ("Principal IDs", ", ".join(f"{p} x{n}" for p, n in principals.most_common(10)) or "none found"),
        ("Names and source addresses", "masked in the trail log group (DPP-PII-1.b); run the query below with logs:Unmask"),
        ("Log group", ctx.settings.trail_log_group),
        ("Window (UTC)", f"{_iso(start_ms)} to {_iso(end_ms)}"),
        ("Logs Insights", insights_link(region)),
        ("Query", INSIGHTS_QUERY),
    ]
    return [
        Outcome(
            ACTION,
            "failed console sign-ins",
            DONE,
            f"{len(failures)} failed console sign-in(s) in the last {ctx.settings.failed_sign_in_minutes} minutes, "
            f"from {len([p for p in principals if p != 'unknown'])} known principal(s). "
            "Locking an account after repeated failures belongs to your identity provider (IAM Identity Center, your IdP, or IAM users' password policy), "
            "which this template cannot reach: look the principals up there if the failures are not theirs, and block hostile sources.",
            record_id=rid,
            facts=facts,
        )
    ]


def reported(outcomes: list[Outcome], ctx: Context) -> None:
    for outcome in outcomes:
        if outcome.action == ACTION and outcome.status == DONE and outcome.record_id:
            ctx.ledger.mark(outcome.record_id, DONE_STATUS)
