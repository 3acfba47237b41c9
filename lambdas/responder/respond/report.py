"""Every response is posted to a severity topic, and so through the relay and e-mail: what was
done, to what, how to undo it. The chat relay renders ``kind: dpp-response`` messages."""

from __future__ import annotations

import json

from respond.context import Context
from respond.findings import Finding
from respond.outcome import ALREADY, FAILED, Outcome


def message(outcomes: list[Outcome], ctx: Context, *, finding: Finding | None = None, title: str = "", account: str = "", region: str = "") -> dict:
    return {
        "kind": "dpp-response",
        "dryRun": ctx.settings.dry_run,
        "title": title or (f"Automated response to {finding.type}" if finding else "Automated response"),
        "account": account or (finding.account if finding else ""),
        "region": region or (finding.region if finding else ""),
        "finding": {"id": finding.id, "type": finding.type, "title": finding.title, "severity": finding.severity} if finding else None,
        "outcomes": [{"action": o.action, "target": o.target, "status": o.status, "what": o.what, "undo": o.undo, "recordId": o.record_id, "facts": [list(f) for f in o.facts]} for o in outcomes],
    }


def severity(outcomes: list[Outcome], finding: Finding | None, default: str = "high") -> str:
    """Critical when people must act by hand (a failure) or the finding is critical."""
    if any(o.status == FAILED for o in outcomes) or (finding is not None and finding.band == "critical"):
        return "critical"
    return default


def publish(ctx: Context, outcomes: list[Outcome], level: str, **kwargs) -> bool:
    """Posts unless every outcome is a repeat (a finding updated every 15 minutes is answered once)."""
    if not outcomes or all(o.status == ALREADY for o in outcomes):
        return False
    body = message(outcomes, ctx, **kwargs)
    ctx.sns.publish(TopicArn=ctx.settings.topics[level], Subject=body["title"][:99], Message=json.dumps(body))
    return True
