"""Text taken from an event, escaped for the markup each chat service parses, so a finding
title or a CloudTrail parameter cannot mention a channel, disguise a link or format the
message (issue 16.2). The relay's own markup is added after escaping.

- Slack mrkdwn: ``&``, ``<`` and ``>`` are control characters (mentions such as ``<!here>``,
  links ``<url|text>``) and are sent as ``&amp;``, ``&lt;``, ``&gt;``, and only those
  (https://api.slack.com/reference/surfaces/formatting#escaping).
- Teams Adaptive Cards: TextBlock text and FactSet titles and values render a CommonMark
  subset (bold, italic, lists, ``[title](url)`` links; no HTML)
  (https://learn.microsoft.com/microsoftteams/platform/concepts/cards/cards-format,
  https://learn.microsoft.com/adaptive-cards/create/textfeatures); CommonMark's backslash
  escape keeps emphasis and link punctuation literal.
- Chime: messages render markdown and the ``@All`` and ``@Present`` annotations alert the
  whole room (https://docs.aws.amazon.com/chime/latest/dg/webhooks.html): markdown as for
  Teams, and the annotations' ``@`` becomes a full-width ``＠`` that alerts no one.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Callable

from relay.alerts import Alert

_SLACK = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
# Emphasis, code and link brackets: without "[" a link cannot form. Headings, tables, images,
# block quotes and HTML are not rendered in cards, so their characters need nothing.
_MARKDOWN = re.compile(r"([\\`*_\[\]~])")
_LIST_MARKER = re.compile(r"^(\s*)([-+]|\d+\.)(?=\s)", re.MULTILINE)
_ANNOTATION = re.compile(r"@(?=(?:all|present)\b)", re.IGNORECASE)


def slack(text: str) -> str:
    return text.translate(_SLACK)


def markdown(text: str) -> str:
    text = _MARKDOWN.sub(r"\\\1", text)
    if not any(c in text for c in "-+."):
        return text
    return _LIST_MARKER.sub(lambda m: m.group(1) + m.group(2).replace("-", r"\-").replace("+", r"\+").replace(".", r"\."), text)


def chime(text: str) -> str:
    return _ANNOTATION.sub("＠", markdown(text))


def escaped(alert: Alert, escape: Callable[[str], str]) -> Alert:
    """Every field that comes from the event, escaped (the console link is built by the relay
    and is never parsed as markup: it goes in a button or stands alone)."""
    return replace(
        alert,
        title=escape(alert.title),
        source=escape(alert.source),
        account=escape(alert.account),
        region=escape(alert.region),
        what=escape(alert.what),
        resource=escape(alert.resource),
        runbook=escape(alert.runbook),
        facts=[(k, escape(v)) for k, v in alert.facts],
    )
