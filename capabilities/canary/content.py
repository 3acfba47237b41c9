"""Canary records: data that looks like a customer export and is not anyone's data.

Names are invented, e-mail domains are reserved for documentation (RFC 2606/6761), phone
numbers are from the fictional 555-01xx range, street numbers and towns are made up. The
content is fixed so every deploy writes the same object (no churn, no false alarms).
"""

from __future__ import annotations

CANARY_KEY = "exports/customers/2026/customer-master-export.csv"

_ROWS = (
    ("100233", "Avery", "Lindqvist", "avery.lindqvist@example.net", "+1 202 555 0143", "14 Orchard Row", "Marlow Heath", "2026-03-14"),
    ("100234", "Tomasz", "Okafor", "t.okafor@example.org", "+1 312 555 0178", "88 Quarry Lane", "Westbrook Vale", "2026-04-02"),
    ("100235", "Ines", "Moreau-Achebe", "ines.ma@example.com", "+1 415 555 0112", "3 Kestrel Court", "Pennford", "2026-05-21"),
    ("100236", "Ravi", "Castellanos", "ravi.c@example.net", "+1 646 555 0190", "251 Linden Parade", "Ashcombe", "2026-06-09"),
    ("100237", "Mei", "Abernathy", "mei.abernathy@example.org", "+1 206 555 0127", "7 Tannery Wharf", "Holloway Cross", "2026-07-30"),
)


def canary_csv() -> str:
    header = "customer_id,first_name,last_name,email,phone,street,town,last_order_date"
    return "\n".join([header, *(",".join(row) for row in _ROWS)]) + "\n"
