"""Alerts rendered for each chat service, within each service's size limit, truncated
visibly ("... N more characters in the console") rather than rejected (DPP-MON-5)."""

from __future__ import annotations

import json
from dataclasses import replace

from relay import escape
from relay.alerts import Alert
from relay.redact import redact

SLACK_TEXT_LIMIT = 3000  # a section block's text
TEAMS_CARD_LIMIT = 28 * 1024  # Teams workflow webhooks: Adaptive Card payload
CHIME_LIMIT = 4096  # Chime webhooks: Content
WEBHOOK_TEXT_LIMIT = 64 * 1024  # per text field of a generic JSON webhook

COLOURS = {"critical": "#B00020", "high": "#E8590C", "medium": "#F2C94C", "low": "#2D9CDB"}
EMOJI = {"critical": ":rotating_light:", "high": ":warning:", "medium": ":large_yellow_circle:", "low": ":information_source:"}
RESOLVED_COLOUR = "#2EB67D"
TEAMS_STYLE = {"critical": "attention", "high": "warning", "medium": "accent", "low": "good"}


def truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    marker = " ... {} more characters in the console"
    keep = limit - len(marker.format(len(text)))
    # The count's digits can shrink once the cut is known: settle the length exactly.
    for _ in range(2):
        keep = max(limit - len(marker.format(len(text) - keep)), 0)
    return text[:keep] + marker.format(len(text) - keep)


def redacted(alert: Alert) -> Alert:
    def clean(text: str) -> str:
        return redact(text, alert.personal)

    return replace(
        alert,
        title=clean(alert.title),
        what=clean(alert.what),
        resource=clean(alert.resource),
        runbook=clean(alert.runbook),
        facts=[(k, clean(v)) for k, v in alert.facts],
    )


def prepare(alert: Alert, redact_pii: bool) -> Alert:
    return redacted(alert) if redact_pii else alert


def label(alert: Alert) -> str:
    """The severity, or RESOLVED for a clear (which keeps its alarm's severity for routing)."""
    return "RESOLVED" if alert.state == "OK" else alert.severity.upper()


def plain_text(alert: Alert) -> str:
    lines = [f"[{label(alert)}] {alert.title}", f"{alert.source} | account {alert.account or '?'} | {alert.region or '?'}"]
    if alert.what:
        lines.append(f"What happened: {alert.what}")
    if alert.resource:
        lines.append(f"Resource: {alert.resource}")
    lines += [f"{k}: {v}" for k, v in alert.facts if v]
    if alert.runbook:
        lines.append(f"First steps: {alert.runbook}")
    if alert.link:
        lines.append(f"Console: {alert.link}")
    return "\n".join(lines)


def slack(alert: Alert) -> dict:
    """Block Kit with a top-level ``text`` fallback (notifications and screen readers). The
    header is ``plain_text``, which Slack does not parse; everything else is mrkdwn."""
    title = alert.title
    alert = escape.escaped(alert, escape.slack)
    body = "\n".join(filter(None, [f"*What happened:* {alert.what}" if alert.what else "", f"*Resource:* {alert.resource}" if alert.resource else ""]))
    fields = [{"type": "mrkdwn", "text": truncate(f"*{k}:* {v}", 2000)} for k, v in [("Account", alert.account), ("Region", alert.region), *alert.facts] if v][:10]
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": truncate(f"{label(alert)}: {title}", 150)}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": truncate(f"{EMOJI.get(alert.severity, '')} {alert.source}", 300)}]},
    ]
    if body:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": truncate(body, SLACK_TEXT_LIMIT)}})
    if fields:
        blocks.append({"type": "section", "fields": fields})
    if alert.runbook:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": truncate(f"*First steps:* {alert.runbook}", SLACK_TEXT_LIMIT)}})
    if alert.link:
        blocks.append({"type": "actions", "elements": [{"type": "button", "text": {"type": "plain_text", "text": "Open in the AWS console"}, "url": alert.link[:3000]}]})
    return {"text": truncate(f"[{label(alert)}] {alert.title}", 3000), "attachments": [{"color": RESOLVED_COLOUR if alert.state == "OK" else COLOURS.get(alert.severity, "#808080"), "blocks": blocks}]}


def teams(alert: Alert) -> dict:
    """An Adaptive Card as Teams workflow webhooks ("Post to a channel when a webhook request
    is received") expect it, shrunk until it fits the 28 KB limit."""
    alert = escape.escaped(alert, escape.markdown)

    def card(what: str) -> dict:
        facts = [{"title": k, "value": v} for k, v in [("Account", alert.account), ("Region", alert.region), ("Source", alert.source), *alert.facts] if v]
        body = [
            {
                "type": "TextBlock",
                "size": "Large",
                "weight": "Bolder",
                "wrap": True,
                "style": "heading",
                "color": "good" if alert.state == "OK" else TEAMS_STYLE.get(alert.severity, "default"),
                "text": f"{label(alert)}: {alert.title}",
            },
            {"type": "TextBlock", "wrap": True, "text": what},
            {"type": "FactSet", "facts": facts},
        ]
        if alert.resource:
            body.append({"type": "TextBlock", "wrap": True, "text": f"**Resource:** {alert.resource}"})
        if alert.runbook:
            body.append({"type": "TextBlock", "wrap": True, "text": f"**First steps:** {alert.runbook}"})
        content = {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard", "version": "1.4", "body": body}
        if alert.link:
            content["actions"] = [{"type": "Action.OpenUrl", "title": "Open in the AWS console", "url": alert.link}]
        return {"type": "message", "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": content}]}

    what = alert.what or "(no details)"
    payload = card(what)
    while len(json.dumps(payload).encode()) > TEAMS_CARD_LIMIT and len(what) > 100:
        overflow = len(json.dumps(payload).encode()) - TEAMS_CARD_LIMIT
        what = truncate(alert.what, max(100, len(what) - overflow - 100))
        payload = card(what)
    return payload


def chime(alert: Alert) -> dict:
    """Amazon Chime webhooks (legacy: Chime ended service on 2026-02-20)."""
    return {"Content": truncate(f"/md {plain_text(escape.escaped(alert, escape.chime))}", CHIME_LIMIT)}


def webhook(alert: Alert) -> dict:
    """A generic JSON webhook: the alert's fields and a plain-text rendering, unescaped (the
    receiver decides how to display them)."""
    return {
        "severity": alert.severity,
        "title": alert.title,
        "source": alert.source,
        "account": alert.account,
        "region": alert.region,
        "what": truncate(alert.what, WEBHOOK_TEXT_LIMIT),
        "resource": alert.resource,
        "firstSteps": alert.runbook,
        "link": alert.link,
        "text": truncate(plain_text(alert), WEBHOOK_TEXT_LIMIT),
    }


RENDERERS = {"slack": slack, "teams": teams, "chime": chime, "webhook": webhook}


def digest(alerts: list[Alert], max_lines: int = 25) -> Alert:
    """Many alerts at once become one message listing them, most severe first (nothing is
    dropped: lines beyond ``max_lines`` are counted and the console link covers them)."""
    order = {s: i for i, s in enumerate(("critical", "high", "medium", "low"))}
    ranked = sorted(alerts, key=lambda a: order.get(a.severity, 9))
    counts = {}
    for alert in ranked:
        counts[alert.severity] = counts.get(alert.severity, 0) + 1
    lines = [f"- [{a.severity}] {a.title} ({a.account or '?'} {a.region or '?'})" for a in ranked[:max_lines]]
    if len(ranked) > max_lines:
        lines.append(f"- ... and {len(ranked) - max_lines} more")
    top = ranked[0]
    return Alert(
        title=f"{len(alerts)} alerts: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items(), key=lambda kv: order.get(kv[0], 9))),
        severity=top.severity,
        source="Digest",
        account=top.account,
        region=top.region,
        what="\n".join(lines),
        link=top.link,
        personal=frozenset().union(*(a.personal for a in alerts)),
        runbook="A burst of alerts was folded into this digest to stay within the chat service's rate limit; open each in the console.",
    )
