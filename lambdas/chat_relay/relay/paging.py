"""Paging services as relay targets, so the IMPOC is reachable 24/7 (DPP-IR-1, DPP-MON-5).

- ``pagerduty``: the Events API v2 (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/,
  https://developer.pagerduty.com/docs/events-api-v2/resolve-events/): an alert triggers an
  event under a ``dedup_key``; a clear (an alarm back to OK) resolves the same key. The secret
  holds ``{"routingKey": "<integration key>", "url": "https://events.pagerduty.com/v2/enqueue"}``
  (``url`` optional; EU service regions use ``https://events.eu.pagerduty.com/v2/enqueue``) or
  the bare integration key.
- ``opsgenie``: the Alert API (https://docs.opsgenie.com/docs/alert-api): ``POST /v2/alerts``
  with ``Authorization: GenieKey <key>`` creates an alert under an ``alias``; a clear closes it
  with ``POST /v2/alerts/{alias}/close?identifierType=alias``. The secret holds
  ``{"apiKey": "<API integration key>", "url": "https://api.opsgenie.com"}`` (``url`` optional;
  EU accounts use ``https://api.eu.opsgenie.com``) or the bare key.

The dedup key / alias is the alarm's ARN or the finding's ID (the notification's ID for
anything else), so repeats of one problem stay one incident. Keys and URLs are credentials:
never logged or put in an exception message. Every alert is its own event (never a digest),
else a clear could not resolve what it belongs to. The twice-weekly review reaches a paging
target only at the target's severity (a canary hit makes it critical): it is not an incident.
"""

from __future__ import annotations

import hashlib
import json
from typing import Callable
from urllib.parse import quote

from relay.alerts import Alert
from relay.delivery import Request
from relay.render import plain_text, truncate
from relay.webhooks import SecretUnavailable

PAGING_KINDS = ("pagerduty", "opsgenie")

# Our severities on each service's scale. PagerDuty: critical, error, warning, info.
PAGERDUTY_SEVERITY = {"critical": "critical", "high": "error", "medium": "warning", "low": "info"}
# Opsgenie: P1 (critical) .. P5 (informational); P5 is left for drills.
OPSGENIE_PRIORITY = {"critical": "P1", "high": "P2", "medium": "P3", "low": "P4"}

PAGERDUTY_URL = "https://events.pagerduty.com/v2/enqueue"
OPSGENIE_URL = "https://api.opsgenie.com"
PAGERDUTY_SUMMARY_LIMIT = 1024  # payload.summary
PAGERDUTY_KEY_LIMIT = 255  # dedup_key
OPSGENIE_MESSAGE_LIMIT = 130  # message
OPSGENIE_ALIAS_LIMIT = 512  # alias
OPSGENIE_DESCRIPTION_LIMIT = 15000  # description
OPSGENIE_SOURCE_LIMIT = 100  # source
OPSGENIE_DETAILS_LIMIT = 8000  # details: all keys and values together


def _cleared(alert: Alert) -> bool:
    return alert.state == "OK"


def dedup_key(alert: Alert, limit: int) -> str:
    """The alarm's ARN or the finding's ID; one too long for the service is shortened with
    a hash of the whole, so distinct keys stay distinct."""
    key = alert.key or alert.message_id or hashlib.sha256(alert.title.encode()).hexdigest()
    if len(key) <= limit:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()
    return f"{key[: limit - len(digest) - 1]}:{digest}"


def _details(alert: Alert) -> dict[str, str]:
    details = {"account": alert.account, "region": alert.region, "source": alert.source, "resource": alert.resource, "firstSteps": alert.runbook, "console": alert.link}
    details.update({k: v for k, v in alert.facts})
    if alert.drill is not None:
        details["drill"] = alert.drill.drill_id or alert.drill.path
    return {k: v for k, v in details.items() if v}


def pagerduty(alert: Alert) -> dict:
    """An Events API v2 event, without its routing key (added from the secret at delivery)."""
    key = dedup_key(alert, PAGERDUTY_KEY_LIMIT)
    if _cleared(alert):
        return {"event_action": "resolve", "dedup_key": key}
    payload: dict = {
        "summary": truncate(f"[{alert.severity.upper()}] {alert.title}", PAGERDUTY_SUMMARY_LIMIT),
        "source": f"aws:{alert.account or '?'}:{alert.region or '?'}",
        # A drill proves the path without waking anyone (DPP-MON-8).
        "severity": "info" if alert.drill is not None else PAGERDUTY_SEVERITY.get(alert.severity, "error"),
        "component": truncate(alert.resource, 1024),
        "group": alert.account,
        "class": alert.source,
        "custom_details": {"what": truncate(alert.what, 64 * 1024), **_details(alert)},  # an event is at most 512 KB
    }
    if alert.at:
        payload["timestamp"] = alert.at
    event = {"event_action": "trigger", "dedup_key": key, "payload": {k: v for k, v in payload.items() if v}, "client": "DPP logging and monitoring"}
    if alert.link:
        event["links"] = [{"href": alert.link, "text": "Open in the AWS console"}]
    return event


def opsgenie(alert: Alert) -> dict:
    """An alert to create, or (for a clear) the close of the alert under the same alias; the
    delivery builds the URL from ``action`` and ``alias`` and posts ``body``."""
    alias = dedup_key(alert, OPSGENIE_ALIAS_LIMIT)
    if _cleared(alert):
        return {"action": "close", "alias": alias, "body": {"source": "DPP logging and monitoring", "note": truncate(alert.what, 25000)}}
    details: dict[str, str] = {}
    for k, v in _details(alert).items():  # the 8,000 characters are for keys and values together
        room = OPSGENIE_DETAILS_LIMIT - sum(len(a) + len(b) for a, b in details.items()) - len(k)
        if room < 40:
            break
        details[k] = truncate(v, room)
    body = {
        "message": truncate(alert.title, OPSGENIE_MESSAGE_LIMIT),
        "alias": alias,
        "description": truncate(plain_text(alert), OPSGENIE_DESCRIPTION_LIMIT),
        "priority": "P5" if alert.drill is not None else OPSGENIE_PRIORITY.get(alert.severity, "P2"),
        "source": truncate(alert.source, OPSGENIE_SOURCE_LIMIT),
        "entity": truncate(alert.resource, 512),
        "tags": ["dpp", alert.severity] + (["drill"] if alert.drill is not None else []),
        "details": details,
    }
    return {"action": "create", "alias": alias, "body": {k: v for k, v in body.items() if v}}


RENDERERS: dict[str, Callable[[Alert], dict]] = {"pagerduty": pagerduty, "opsgenie": opsgenie}


def _credential(text: str, field: str, default_url: str) -> tuple[str, str]:
    """(key, base URL) from the secret: JSON with ``field`` and an optional ``url``, or the bare key."""
    text = text.strip()
    url = default_url
    if text.startswith("{"):
        try:
            document = json.loads(text)
            key = str(document[field]).strip()
            url = str(document.get("url") or default_url).strip()
        except (ValueError, KeyError, TypeError, AttributeError):
            raise SecretUnavailable(f"secret holds JSON without a {field} field", permanent=True) from None
    else:
        key = text
    if not key or any(c.isspace() for c in key):
        raise SecretUnavailable(f"secret holds no {field}", permanent=True)
    if not url.startswith(("https://", "http://")):
        raise SecretUnavailable("secret's url is not an http(s) URL", permanent=True)
    return key, url.rstrip("/")


def request(kind: str, secret: str, rendered: dict) -> Request:
    """The HTTP request delivering ``rendered`` with the credential from ``secret``."""
    if kind == "pagerduty":
        key, url = _credential(secret, "routingKey", PAGERDUTY_URL)
        return Request(url, {"routing_key": key, **rendered})
    key, base = _credential(secret, "apiKey", OPSGENIE_URL)
    headers = {"Authorization": f"GenieKey {key}"}
    if rendered["action"] == "close":
        return Request(f"{base}/v2/alerts/{quote(rendered['alias'], safe='')}/close?identifierType=alias", rendered["body"], headers)
    return Request(f"{base}/v2/alerts", rendered["body"], headers)
