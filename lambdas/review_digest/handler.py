"""The twice-weekly review (DPP-MON-7): a summary of what was logged and alerted since the
last review, put in front of people through the review topic (e-mail and the chat relay).

Counts alarms that fired (and the canary among them) and Config rules that are non-compliant
in every covered region (``REGIONS``: alarms and rules are regional, so the home region alone
would miss the others), and new Security Hub findings by severity (GuardDuty's included) in
the home region, where the finding aggregator collects every linked region's. Logs counts only (DPP-PII-1); a failure raises, so the scheduled invocation is
retried and then kept in the dead-letter queue.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import datetime, timedelta, timezone

import boto3
from botocore.exceptions import ClientError

logger = logging.getLogger()
logger.setLevel(os.environ.get("LOG_LEVEL", "INFO"))

SEVERITIES = ("CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL")
MAX_FINDINGS = 5000  # counting stops here; the digest says so


def alarms_fired(cloudwatch, prefix: str, start: datetime, end: datetime) -> dict[str, int]:
    fired: dict[str, int] = {}
    for page in cloudwatch.get_paginator("describe_alarm_history").paginate(HistoryItemType="StateUpdate", StartDate=start, EndDate=end):
        for item in page.get("AlarmHistoryItems", []):
            name = item.get("AlarmName", "")
            if not name.startswith(f"{prefix}-"):
                continue
            data = json.loads(item.get("HistoryData") or "{}")
            if (data.get("newState") or {}).get("stateValue") == "ALARM":
                short = name[len(prefix) + 1 :]
                fired[short] = fired.get(short, 0) + 1
    return fired


def findings_by_severity(securityhub, start: datetime, end: datetime) -> tuple[dict[str, int], bool]:
    counts = {s: 0 for s in SEVERITIES}
    seen = 0
    filters = {
        "UpdatedAt": [{"Start": start.isoformat(), "End": end.isoformat()}],
        "RecordState": [{"Value": "ACTIVE", "Comparison": "EQUALS"}],
        "WorkflowStatus": [{"Value": "NEW", "Comparison": "EQUALS"}, {"Value": "NOTIFIED", "Comparison": "EQUALS"}],
    }
    for page in securityhub.get_paginator("get_findings").paginate(Filters=filters, PaginationConfig={"PageSize": 100}):
        for finding in page.get("Findings", []):
            label = (finding.get("Severity") or {}).get("Label", "INFORMATIONAL")
            counts[label if label in counts else "INFORMATIONAL"] += 1
            seen += 1
            if seen >= MAX_FINDINGS:
                return counts, True
    return counts, False


def non_compliant_rules(config) -> list[str]:
    rules = []
    for page in config.get_paginator("describe_compliance_by_config_rule").paginate(ComplianceTypes=["NON_COMPLIANT"]):
        rules += [r["ConfigRuleName"] for r in page.get("ComplianceByConfigRules", [])]
    return sorted(rules)


def summarise(cloudwatch, securityhub, config, *, prefix: str, start: datetime, end: datetime, account: str, region: str, others: dict | None = None) -> dict:
    """``cloudwatch`` and ``config`` are the home region's clients; ``others`` maps every other
    covered region to its (cloudwatch, config) pair."""
    regional = {region: (cloudwatch, config), **(others or {})}
    fired: dict[str, int] = {}
    by_region: dict[str, dict[str, int]] = {}
    rules: list[str] = []
    unread: dict[str, str] = {}
    for name, (regional_cloudwatch, regional_config) in regional.items():
        try:
            here = alarms_fired(regional_cloudwatch, prefix, start, end)
            found = non_compliant_rules(regional_config)
        except ClientError as error:
            if name == region:
                raise  # the home region unread is a failed digest: retried, then dead-lettered
            unread[name] = error.response["Error"]["Code"]  # said in the digest, the others still counted
            continue
        by_region[name] = here
        for alarm, count in here.items():
            fired[alarm] = fired.get(alarm, 0) + count
        # A rule name is the same in every region: name the region when there are several.
        rules += [r if len(regional) == 1 else f"{r} ({name})" for r in found]
    findings, truncated = findings_by_severity(securityhub, start, end)
    return {
        "kind": "dpp-review",
        "account": account,
        "region": region,
        "regions": sorted(regional),
        "start": start.strftime("%Y-%m-%d %H:%M UTC"),
        "end": end.strftime("%Y-%m-%d %H:%M UTC"),
        "alarmsFired": fired,
        "alarmsFiredByRegion": {r: by_region[r] for r in sorted(by_region) if by_region[r]},
        "canaryHits": fired.get("CanaryAccessed", 0),
        "findings": findings,
        "findingsTruncated": truncated,
        "nonCompliantRules": sorted(rules),
        "unreadRegions": unread,
    }


def handler(event: dict, context) -> dict:
    end = datetime.now(timezone.utc)
    start = end - timedelta(hours=int(os.environ.get("PERIOD_HOURS", "84")))
    home = os.environ.get("AWS_REGION", "")
    others = {r: (boto3.client("cloudwatch", region_name=r), boto3.client("config", region_name=r)) for r in json.loads(os.environ.get("REGIONS", "[]")) if r != home}
    summary = summarise(
        boto3.client("cloudwatch"),
        boto3.client("securityhub"),
        boto3.client("config"),
        others=others,
        prefix=os.environ["RESOURCE_PREFIX"],
        start=start,
        end=end,
        account=os.environ.get("ACCOUNT_ID", ""),
        region=home,
    )
    boto3.client("sns").publish(TopicArn=os.environ["REVIEW_TOPIC_ARN"], Subject=f"DPP review {summary['start']} to {summary['end']}"[:100], Message=json.dumps(summary))
    logger.info(
        json.dumps(
            {
                "message": "review digest published",
                "alarmsFired": sum(summary["alarmsFired"].values()),
                "findings": sum(summary["findings"].values()),
                "nonCompliantRules": len(summary["nonCompliantRules"]),
            }
        )
    )
    return {"published": True}
