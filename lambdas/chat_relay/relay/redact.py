"""Personal data out of chat messages by default (DPP-PII-1).

E-mail addresses, IPv4 and IPv6 addresses and phone numbers are replaced with labelled
placeholders. AWS identifiers (account IDs, ARNs, resource IDs) are not personal data and
stay, so a responder can still act on the message.
"""
from __future__ import annotations

import ipaddress
import re

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_IPV4 = re.compile(r"(?<![\d.])(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}(?![\d.])")
# Candidates with at least two colons, confirmed by ``ipaddress`` (so times such as 12:30:45
# and the "::" inside ARNs are left alone).
_IPV6_CANDIDATE = re.compile(r"(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])")
# International or North American formats with separators; bare digit runs (account IDs,
# timestamps) are deliberately left alone.
_PHONE = re.compile(r"(?<![\w+])\+\d{1,3}[ .-]\(?\d{1,4}\)?(?:[ .-]\d{2,4}){2,4}(?!\w)|(?<!\w)\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4}(?!\w)")


def _ipv6(match: re.Match) -> str:
    try:
        ipaddress.IPv6Address(match.group(0))
    except ValueError:
        return match.group(0)
    return "[ip redacted]"


def redact(text: str) -> str:
    text = _EMAIL.sub("[email redacted]", text)
    text = _IPV6_CANDIDATE.sub(_ipv6, text)
    text = _IPV4.sub("[ip redacted]", text)
    return _PHONE.sub("[phone redacted]", text)
