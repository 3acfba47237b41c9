"""Sample copies of the workload log buckets, keyed as the forwarder writes them
(``workload_logs_prefix`` + the source key the service wrote), built from the documented entries
in tests/events/workload (SOURCES.md there): ALB access logs, WAF logs, CloudFront v2 in Parquet.
Each saved query gets a positive (``pos``/198.51.100.x addresses) inside the window and near
misses (outside the window, another status, another web ACL or distribution)."""

from __future__ import annotations

import copy
import gzip
import io
import json
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from capabilities.archive.prefixes import workload_logs_prefix
from capabilities.investigation.tables import CLOUDFRONT_FIELDS, cloudfront_column
from configuration.model import BaselineConfig
from configuration.naming import archive_names

WORKLOAD_EVENTS = Path(__file__).resolve().parents[1] / "events" / "workload"
ALB_LINES = (WORKLOAD_EVENTS / "alb-access-log-entries.log").read_text().splitlines()
WAF_RECORD = json.loads((WORKLOAD_EVENTS / "waf-log-sqli-block.json").read_text())
CLOUDFRONT_VALUES = (WORKLOAD_EVENTS / "cloudfront-log-entry.tsv").read_text().rstrip("\n").split("\t")
WEB_ACL = "orders-acl"
DISTRIBUTION = "E2EXAMPLE12345"


def alb_line(client: str, status: int, *, time: str = "2026-11-30T10:15:00.186641Z", target: str = "10.0.0.1:80") -> str:
    """The documented HTTPS entry with this client, ELB status, time and target."""
    line = ALB_LINES[0].replace("192.168.131.39:2817", f"{client}:2817").replace("2018-07-02T22:23:00.186641Z", time).replace(" 10.0.0.1:80 ", f" {target} ")
    return line.replace(" 200 200 0 57 ", f" {status} {status if target != '-' else '-'} 0 57 ")


def waf_record(client: str, action: str, rule: str, *, millis: int) -> dict:
    record = copy.deepcopy(WAF_RECORD)
    record["httpRequest"]["clientIp"] = client
    record.update(action=action, terminatingRuleId=rule, timestamp=millis)
    return record


def cloudfront_row(client: str, status: str, *, when: str = "2026-11-30T10:15:00Z") -> dict:
    values = dict(zip(CLOUDFRONT_FIELDS, CLOUDFRONT_VALUES, strict=True))
    values.update({"date": when[:10], "time": when[11:19], "c-ip": client, "sc-status": status})
    return {cloudfront_column(field): value for field, value in values.items()}


def _millis(iso: str) -> int:
    return int(datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(timezone.utc).timestamp() * 1000)


def workload_objects(config: BaselineConfig) -> dict[tuple[str, str], bytes]:
    archive = archive_names(config).archive_bucket
    account = config.workload_accounts[0].account_id
    region = config.home_region
    copies = workload_logs_prefix(account, region)
    objects: dict[tuple[str, str], bytes] = {}

    alb = [
        *[alb_line("198.51.100.7", 200) for _ in range(3)],
        alb_line("198.51.100.7", 503, target="10.0.0.9:8080"),
        alb_line("198.51.100.8", 502, target="-"),
        alb_line("203.0.113.50", 500, time="2026-11-28T10:15:00.000000Z", target="10.0.0.66:80"),  # before the window
    ]
    key = f"alb/AWSLogs/{account}/elasticloadbalancing/{region}/2026/11/30/{account}_elasticloadbalancing_{region}_app.my-loadbalancer.50dc6c495c0c9188_20261130T1015Z_10.0.0.1_2ab3c4d5.log.gz"
    objects[(archive, f"{copies}/{key}")] = gzip.compress("\n".join(alb).encode())
    early = f"alb/AWSLogs/{account}/elasticloadbalancing/{region}/2026/11/28/{account}_elasticloadbalancing_{region}_app.my-loadbalancer.50dc6c495c0c9188_20261128T1015Z_10.0.0.1_9zz8y7x6.log.gz"
    objects[(archive, f"{copies}/{early}")] = gzip.compress(alb[-1].encode())

    inside, before = _millis("2026-11-30T10:15:00Z"), _millis("2026-11-28T10:15:00Z")
    for acl, records in (
        (WEB_ACL, [waf_record("198.51.100.7", "BLOCK", "pos-sqli", millis=inside), waf_record("198.51.100.9", "ALLOW", "neg-allowed", millis=inside)]),
        ("other-acl", [waf_record("198.51.100.10", "BLOCK", "neg-other-acl", millis=inside)]),
    ):
        waf = f"waf/AWSLogs/{account}/WAFLogs/{region}/{acl}/2026/11/30/10/15/{account}_waflogs_{region}_{acl}_20261130T1015Z_e8e7f8ee.log.gz"
        objects[(archive, f"{copies}/{waf}")] = gzip.compress("\n".join(json.dumps(r) for r in records).encode())
    early_waf = f"waf/AWSLogs/{account}/WAFLogs/{region}/{WEB_ACL}/2026/11/28/10/15/{account}_waflogs_{region}_{WEB_ACL}_20261128T1015Z_a1b2c3d4.log.gz"
    objects[(archive, f"{copies}/{early_waf}")] = gzip.compress(json.dumps(waf_record("203.0.113.51", "BLOCK", "neg-early", millis=before)).encode())

    for distribution, rows in (
        (DISTRIBUTION, [cloudfront_row("198.51.100.7", "200"), cloudfront_row("198.51.100.7", "200"), cloudfront_row("198.51.100.7", "403")]),
        ("E9OTHER00000", [cloudfront_row("198.51.100.11", "200")]),
    ):
        buffer = io.BytesIO()
        pq.write_table(pa.Table.from_pylist(rows), buffer)
        cf = f"cloudfront/AWSLogs/{account}/CloudFront/{distribution}/2026/11/30/10/{distribution}.2026-11-30-10.abcd1234.parquet"
        objects[(archive, f"{copies}/{cf}")] = buffer.getvalue()
    return objects
