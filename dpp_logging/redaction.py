"""Personal data out of log records before they are written (DPP-PII-1, DPP-PII-1.b).

Two nets: keys that name personal data (the whole value goes, nested dicts and lists too), and
value patterns (e-mail addresses, phone numbers) anywhere in strings, whatever their key. The
key list follows what SP-API returns about buyers and recipients: ``BuyerInfo`` (BuyerEmail,
BuyerName, BuyerCounty, BuyerTaxInfo, PurchaseOrderNumber), ``ShippingAddress`` and other
``Address`` objects (Name, AddressLine1-3, City, County, District, StateOrRegion, PostalCode,
Phone), gift messages and customizations (Orders API v0 model:
https://developer-docs.amazon.com/sp-api/docs/orders-api-v0-reference).

Not redacted: identifiers that DPP-LOG-2 needs in every entry (who, source IP, request IDs).
Log a principal or seller ID as ``who``, never a person's name or e-mail (an e-mail would be
masked like any other string).
"""

from __future__ import annotations

import re
from typing import Any

REDACTED = "[REDACTED]"

# normalized (lower case, letters and digits only)
PII_KEYS = frozenset(
    {
        "name",
        "firstname",
        "lastname",
        "fullname",
        "givenname",
        "familyname",
        "surname",
        "middlename",
        "buyername",
        "recipientname",
        "contactname",
        "customername",
        "shiptoname",
        "billtoname",
        "address",
        "addressline1",
        "addressline2",
        "addressline3",
        "street",
        "streetaddress",
        "shippingaddress",
        "billingaddress",
        "deliveryaddress",
        "shipfromaddress",
        "defaultshipfromlocationaddress",
        "city",
        "county",
        "district",
        "municipality",
        "stateorregion",
        "postalcode",
        "zipcode",
        "zip",
        "email",
        "emailaddress",
        "buyeremail",
        "phone",
        "phonenumber",
        "mobile",
        "telephone",
        "fax",
        "buyer",
        "buyerinfo",
        "buyertaxinfo",
        "buyercounty",
        "buyercustomizedinfo",
        "taxinfo",
        "taxid",
        "vatnumber",
        "giftmessagetext",
        "giftmessage",
        "deliveryinstructions",
        "purchaseordernumber",
        "dateofbirth",
        "birthdate",
        "ssn",
        "nationalid",
        "passportnumber",
    }
)
# a key ending with one of these is personal whatever precedes it (shipperEmail, contact_phone)
PII_KEY_SUFFIXES = ("email", "emailaddress", "phone", "phonenumber", "address", "postalcode")

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# international (+49 30 1234567, 0044 20 7946 0958) and North American (555-010-4477,
# (555) 010-4477) numbers; not dates, IPv4 addresses, UUIDs or Amazon order IDs (3-7-7 digits)
PHONE = re.compile(
    r"(?<![\w.+-])(?:(?:\+|00)\d{1,3}[\s-]?(?:\(\d{1,4}\)[\s-]?)?\d{1,4}(?:[\s-]?\d{2,4}){1,4}"
    r"|\(\d{3}\)\s?\d{3}[\s-]\d{4}|\d{3}[\s-]\d{3}[\s-]\d{4})(?![\w.-])"
)


def normalize(key: str) -> str:
    return re.sub(r"[^a-z0-9]", "", key.lower())


def is_pii_key(key: object) -> bool:
    if not isinstance(key, str):
        return False
    normalized = normalize(key)
    return normalized in PII_KEYS or normalized.endswith(PII_KEY_SUFFIXES)


def redact_text(text: str) -> str:
    return PHONE.sub(f"{REDACTED[:-1]}:phone]", EMAIL.sub(f"{REDACTED[:-1]}:email]", text))


def redact(value: Any, key: object = None) -> Any:
    """A copy of ``value`` with personal data replaced; dicts and lists at any depth."""
    if key is not None and is_pii_key(key) and value not in (None, "", [], {}):
        return REDACTED
    if isinstance(value, dict):
        return {k: redact(v, k) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [redact(v) for v in value]
    if isinstance(value, str):
        return redact_text(value)
    if value is None or isinstance(value, (bool, int, float)):
        return value
    # anything else (an exception, a datetime, a Decimal) is written as its str(), Powertools'
    # json_default; redact that text
    return redact_text(str(value))
