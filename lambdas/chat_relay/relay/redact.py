"""Personal data out of chat messages by default (DPP-PII-1.b).

What counts as personal data here ("PII"), and is replaced with a labelled placeholder:

- e-mail addresses;
- IP addresses: IPv4 (also with a port, a prefix length or a full stop after it), IPv6 in
  every spelling (compressed, expanded, zone index, IPv4-mapped ``::ffff:198.51.100.23``);
- telephone numbers: international (``+`` and 8 to 15 digits, any spacing: ``+49 30 901820``)
  and North American national formats (``(202) 555-0143``, ``202-555-0143``);
- names and postal addresses in identity fields: IAM user names, role session names (in
  ARNs, principal IDs and ``sessionName`` fields), display, given and family names, and
  every value of an address (street, locality, postal code ...), wherever they appear in the
  notification and wherever the text repeats them.

What stays, so a responder can act on the message: account IDs, role names, resource IDs and
ARNs other than the principal-name part, AWS regions, timestamps and bare digit runs.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any, Iterable

EMAIL, IP, PHONE, NAME = "[email redacted]", "[ip redacted]", "[phone redacted]", "[name redacted]"

_EMAIL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}")
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
# Not inside a longer dotted number; a full stop ending the sentence is not part of it.
_IPV4 = re.compile(rf"(?<![\d+])(?<!\d\.){_OCTET}(?:\.{_OCTET}){{3}}(?!\d|\.\d)")
# Candidates with at least two colons (optionally ending in dotted IPv4, optionally with a zone
# index), confirmed by ``ipaddress``: times such as 12:30:45 and the "::" in ARNs stay.
_IPV6_CANDIDATE = re.compile(r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f]{0,4})(?:%[\w.-]+)?(?![\w:]|\.\d)")
# International numbers: "+", a country code and groups split by spaces, dots, hyphens or
# parentheses (8 to 15 digits in all, E.164); North American national numbers with separators.
# Bare digit runs (account IDs, timestamps) are deliberately left alone.
_PHONE_INTL = re.compile(r"(?<![\w+])\+\d+(?:[ .-]?(?:\(\d+\)|\d+))+(?!\w)")
_PHONE_NANP = re.compile(r"(?<![\w+])(?:\(\d{3}\) ?|\d{3}[ .-])\d{3}[ .-]\d{4}(?!\w)")
# The principal-name part of IAM user, federated user and assumed-role session ARNs.
_PRINCIPAL_ARN = re.compile(r"(arn:aws[\w-]*:(?:iam|sts)::\d{12}:(?:user|federated-user|assumed-role/[\w+=,.@-]+)/(?:[\w+=,.@-]+/)*)([\w+=,.@-]+)")

# Keys whose string value names a person; keys whose whole value is a postal address or a
# person's name parts. Compared lower-case.
_NAME_KEYS = frozenset(
    {"username", "displayname", "nickname", "givenname", "familyname", "middlename", "firstname", "lastname", "fullname", "sessionname", "rolesessionname", "honorificprefix", "honorificsuffix"}
)
_WHOLE_KEYS = frozenset({"address", "addresses", "postaladdress", "streetaddress", "street", "locality", "city", "postalcode", "postcode", "zipcode", "zip", "name"})
# A role's own name is not personal: ``userName`` of a role or of an assumed-role principal.
_ROLE_TYPES = frozenset({"role", "assumedrole"})
_AWS_ID = re.compile(r"^(?:\d{12}|[a-z]{1,5}-[0-9a-f]{8,17}|A[A-Z]{3}[A-Z0-9]{12,})$")


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def personal_values(payload: Any, _parent: str = "") -> set[str]:
    """Names and address parts found in identity fields of a notification, to be masked
    wherever the rendered message repeats them."""
    found: set[str] = set()
    if isinstance(payload, list):
        for item in payload:
            found |= personal_values(item, _parent)
    elif isinstance(payload, dict):
        kind = str(payload.get("type") or payload.get("userType") or "").lower()
        for key, value in payload.items():
            lowered = key.lower() if isinstance(key, str) else ""
            if lowered == "username" and (kind in _ROLE_TYPES or _parent == "sessionissuer"):
                continue
            if lowered in _NAME_KEYS and isinstance(value, str):
                found.add(value)
            elif lowered in _WHOLE_KEYS and (isinstance(value, (dict, list)) or lowered != "name"):
                found.update(_strings(value))
            elif lowered == "principalid" and isinstance(value, str) and ":" in value:
                found.add(value.split(":", 1)[1])  # AROA...:session-name
            else:
                found |= personal_values(value, lowered)
    return {v.strip() for v in found if len(v.strip()) >= 3 and not _AWS_ID.match(v.strip())}


def _ipv6(match: re.Match) -> str:
    try:
        ipaddress.IPv6Address(match.group(0).split("%", 1)[0])
    except ValueError:
        return match.group(0)
    return IP


def _phone(match: re.Match) -> str:
    digits = sum(c.isdigit() for c in match.group(0))
    return PHONE if 8 <= digits <= 15 else match.group(0)


_PERSONAL_PATTERNS: dict[frozenset[str], re.Pattern] = {}


def _personal_pattern(personal: frozenset[str]) -> re.Pattern:
    """One alternation per set of values (longest first), compiled once per set."""
    pattern = _PERSONAL_PATTERNS.get(personal)
    if pattern is None:
        if len(_PERSONAL_PATTERNS) > 256:
            _PERSONAL_PATTERNS.clear()
        alternatives = "|".join(re.escape(v) for v in sorted(personal, key=len, reverse=True))
        pattern = _PERSONAL_PATTERNS[personal] = re.compile(rf"(?<![\w.@-])(?:{alternatives})(?![\w@-]|\.\w)")
    return pattern


def redact(text: str, personal: Iterable[str] = ()) -> str:
    # Each pattern runs only where its anchor character occurs: most fields hold none.
    if personal:
        text = _personal_pattern(frozenset(personal)).sub(NAME, text)
    if "@" in text:
        text = _EMAIL.sub(EMAIL, text)
    if "arn:" in text:
        text = _PRINCIPAL_ARN.sub(lambda m: m.group(1) + NAME, text)
    if ":" in text:
        text = _IPV6_CANDIDATE.sub(_ipv6, text)
    if "." in text:
        text = _IPV4.sub(IP, text)
    if "+" in text:
        text = _PHONE_INTL.sub(_phone, text)
    return _PHONE_NANP.sub(PHONE, text)
