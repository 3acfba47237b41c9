"""From an SNS notification to an ``Alert`` people can read (DPP-MON-5).

Understands CloudWatch alarms (metric, metric-math and composite; ALARM, OK and
INSUFFICIENT_DATA), GuardDuty findings (Critical band included), Security Hub findings in
ASFF and OCSF, Config compliance changes (EventBridge and Config's own SNS notifications),
CloudTrail Insights, console sign-ins and API calls (the control-change routes), the
review digest and the automated responder's reports; anything
else becomes a readable generic alert. Nothing is ever dropped.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import quote

from relay.drills import Drill, recognise
from relay.redact import personal_values

SEVERITIES = ("critical", "high", "medium", "low")


@dataclass
class Alert:
    title: str
    severity: str
    source: str
    account: str = ""
    region: str = ""
    what: str = ""
    resource: str = ""
    link: str = ""
    runbook: str = ""
    state: str = ""  # ALARM / OK for alarms
    facts: list[tuple[str, str]] = field(default_factory=list)
    message_id: str = ""
    personal: frozenset[str] = frozenset()  # names and addresses from identity fields, masked when redacting
    for_everyone: bool = False  # the twice-weekly review goes to every target, whatever its minimum
    drill: Drill | None = None  # an alert drill's event (DPP-MON-8): marked, and its delivery logged
    key: str = ""  # what a paging service deduplicates on: the alarm's ARN or the finding's ID ("": the notification's)
    at: str = ""  # when SNS published it (ISO 8601), for paging services' timestamps


def severity_from_topic(topic_arn: str) -> str:
    """Topics are named ``<prefix>-alerts-<severity>``; anything else counts as high."""
    suffix = topic_arn.rsplit(":", 1)[-1].rsplit("-", 1)[-1]
    return suffix if suffix in SEVERITIES else "high"


_REGION = re.compile(r"^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$")


def console(region: str, path: str) -> str:
    """A console link built from event fields: a region that is not a region name cannot
    change the host, and characters that could end a link in chat markup are percent-encoded."""
    region = region if _REGION.match(region or "") else "us-east-1"
    path = quote(path, safe="/:?=#&%+~-._,@")
    return f"https://{region}.console.aws.amazon.com/{path}"


def _alarm(message: dict, severity: str) -> Alert:
    description = message.get("AlarmDescription") or ""
    meaning, _, runbook = description.partition(" Investigate: ")
    region_code = _region_from_arn(message.get("AlarmArn", ""))
    state = message.get("NewStateValue", "")
    name = message.get("AlarmName", "alarm")
    trigger = message.get("Trigger") or {}
    facts = [("State", f"{message.get('OldStateValue', '?')} -> {state}")]
    if trigger.get("MetricName"):
        facts.append(
            ("Metric", f"{trigger.get('Namespace', '')}/{trigger['MetricName']} {trigger.get('Statistic', '')} {trigger.get('ComparisonOperator', '')} {trigger.get('Threshold', '')}".strip())
        )
    elif trigger.get("Metrics"):
        expressions = [m.get("Expression") for m in trigger["Metrics"] if m.get("Expression")]
        facts.append(("Metric math", "; ".join(expressions) or "metric query"))
    elif message.get("AlarmRule"):
        facts.append(("Composite rule", message["AlarmRule"]))
    return Alert(
        title=f"{'Resolved' if state == 'OK' else 'Alarm'}: {name}",
        # A clear arrives on the alarm's own topic (its OK action) and keeps that severity, so it
        # reaches every target that saw the alarm (issue 16.3).
        severity=severity,
        source="CloudWatch alarm",
        account=str(message.get("AWSAccountId", "")),
        region=region_code,
        what=message.get("NewStateReason", "") if state != "OK" else f"{name} is back to OK. {message.get('NewStateReason', '')}",
        resource=name,
        link=console(region_code, f"cloudwatch/home?region={region_code}#alarmsV2:alarm/{name}"),
        runbook=runbook or meaning,
        state=state,
        facts=facts,
        # ALARM and its OK share this key, so a clear resolves the page the alarm opened.
        key=str(message.get("AlarmArn") or name),
    )


def _region_from_arn(arn: str) -> str:
    parts = arn.split(":")
    return parts[3] if len(parts) > 3 else ""


def _guardduty(event: dict, severity: str) -> Alert:
    detail = event.get("detail") or {}
    score = detail.get("severity", 0)
    band = "critical" if score >= 9 else "high" if score >= 7 else "medium" if score >= 4 else "low"
    region = detail.get("region") or event.get("region", "")
    resource = detail.get("resource") or {}
    resource_text = resource.get("resourceType", "")
    for key in ("instanceDetails", "accessKeyDetails", "s3BucketDetails", "eksClusterDetails"):
        if key in resource:
            value = resource[key]
            ident = value.get("instanceId") or value.get("userName") or value.get("accessKeyId") or value.get("name") if isinstance(value, dict) else None
            if isinstance(value, list) and value:
                ident = value[0].get("name")
            resource_text = f"{resource_text} {ident or ''}".strip()
    return Alert(
        title=f"GuardDuty: {detail.get('title', detail.get('type', 'finding'))}",
        severity=band,
        source="GuardDuty",
        account=detail.get("accountId") or event.get("account", ""),
        region=region,
        what=detail.get("description", ""),
        resource=resource_text,
        link=console(region, f"guardduty/home?region={region}#/findings?fId={detail.get('id', '')}"),
        runbook="Open the finding; identify the principal or resource and the remote IP; check CloudTrail for what it did; contain if confirmed.",
        facts=[("Type", detail.get("type", "")), ("Severity", f"{score} ({band})"), ("Count", str((detail.get("service") or {}).get("count", 1)))],
        key=str(detail.get("id") or ""),  # GuardDuty updates a recurring finding under the same ID
    )


def _security_hub_asff(event: dict, severity: str) -> Alert:
    finding = ((event.get("detail") or {}).get("findings") or [{}])[0]
    label = ((finding.get("Severity") or {}).get("Label") or severity).lower()
    region = finding.get("Region") or event.get("region", "")
    resources = finding.get("Resources") or [{}]
    remediation = ((finding.get("Remediation") or {}).get("Recommendation") or {}).get("Text", "")
    return Alert(
        title=f"Security Hub: {finding.get('Title', 'finding')}",
        severity=label if label in SEVERITIES else severity,
        source=f"Security Hub ({finding.get('ProductName', 'ASFF')})",
        account=finding.get("AwsAccountId") or event.get("account", ""),
        region=region,
        what=finding.get("Description", ""),
        resource=f"{resources[0].get('Type', '')} {resources[0].get('Id', '')}".strip(),
        link=console(region, f"securityhub/home?region={region}#/findings?search=Id%3D%255Coperator%255C%253AEQUALS%255C%253A{finding.get('Id', '')}"),
        runbook=remediation or "Open the finding in Security Hub and follow its remediation.",
        facts=[("Control", (finding.get("Compliance") or {}).get("SecurityControlId", finding.get("GeneratorId", ""))), ("Status", (finding.get("Compliance") or {}).get("Status", ""))],
        key=str(finding.get("Id") or ""),
    )


_OCSF_SEVERITY = {1: "low", 2: "low", 3: "medium", 4: "high", 5: "critical", 6: "critical"}


def _security_hub_ocsf(event: dict, severity: str) -> Alert:
    finding = ((event.get("detail") or {}).get("findings") or [{}])[0]
    info = finding.get("finding_info") or {}
    cloud = finding.get("cloud") or {}
    region = cloud.get("region") or event.get("region", "")
    resources = finding.get("resources") or [{}]
    return Alert(
        title=f"Security Hub: {info.get('title', 'finding')}",
        severity=_OCSF_SEVERITY.get(finding.get("severity_id"), severity),
        source=f"Security Hub OCSF ({((finding.get('metadata') or {}).get('product') or {}).get('name', 'finding')})",
        account=(cloud.get("account") or {}).get("uid") or event.get("account", ""),
        region=region,
        what=info.get("desc", "") or ", ".join(info.get("types") or []),
        resource=f"{resources[0].get('type', '')} {resources[0].get('uid', '')}".strip(),
        link=console(region, f"securityhub/v2/home?region={region}"),
        runbook="Open the finding in Security Hub; follow its remediation; record the decision.",
        facts=[("Severity", str(finding.get("severity", ""))), ("Status", str(finding.get("status", "")))],
        key=str(info.get("uid") or ""),
    )


def _config_change(event: dict, severity: str) -> Alert:
    detail = event.get("detail") or {}
    new = detail.get("newEvaluationResult") or {}
    qualifier = (new.get("evaluationResultIdentifier") or {}).get("evaluationResultQualifier") or {}
    region = detail.get("awsRegion") or event.get("region", "")
    rule = detail.get("configRuleName") or qualifier.get("configRuleName", "")
    return Alert(
        title=f"Config: {qualifier.get('resourceType', detail.get('resourceType', 'resource'))} is {new.get('complianceType', 'NON_COMPLIANT')}",
        severity=severity,
        source="AWS Config",
        account=detail.get("awsAccountId") or event.get("account", ""),
        region=region,
        what=f"Rule {rule} now reports {new.get('complianceType', '')} (was {(detail.get('oldEvaluationResult') or {}).get('complianceType', 'unknown')}).",
        resource=f"{qualifier.get('resourceType', detail.get('resourceType', ''))} {qualifier.get('resourceId', detail.get('resourceId', ''))}".strip(),
        link=console(region, f"config/home?region={region}#/rules/details?configRuleName={rule}"),
        runbook="See the resource's configuration timeline for who changed what; revert or document.",
    )


def _config_sns(message: dict, severity: str) -> Alert:
    """Config's own SNS notification (ComplianceChangeNotification without EventBridge)."""
    return _config_change({"detail": message, "account": message.get("awsAccountId", ""), "region": message.get("awsRegion", "")}, severity)


def _insight(event: dict, severity: str) -> Alert:
    detail = event.get("detail") or {}
    insight = detail.get("insightDetails") or {}
    region = detail.get("awsRegion") or event.get("region", "")
    stats = (insight.get("insightContext") or {}).get("statistics") or {}
    baseline = (stats.get("baseline") or {}).get("average")
    observed = (stats.get("insight") or {}).get("average")
    return Alert(
        title=f"CloudTrail Insights: unusual {insight.get('insightType', 'activity')} for {insight.get('eventName', 'an API')}",
        severity=severity,
        source="CloudTrail Insights",
        account=detail.get("recipientAccountId") or event.get("account", ""),
        region=region,
        what=f"{insight.get('eventSource', '')} {insight.get('eventName', '')}: {observed} per minute against a baseline of {baseline} ({insight.get('state', '')}).",
        resource=f"{insight.get('eventSource', '')} {insight.get('eventName', '')}".strip(),
        link=console(region, f"cloudtrailv2/home?region={region}#/insights"),
        runbook="Identify the principals and source IPs behind the change in rate; confirm it is expected or contain.",
    )


def _api_call(event: dict, severity: str) -> Alert:
    detail = event.get("detail") or {}
    identity = detail.get("userIdentity") or {}
    who = identity.get("arn") or identity.get("type", "unknown principal")
    region = detail.get("awsRegion") or event.get("region", "")
    target = json.dumps(detail.get("requestParameters") or {}, sort_keys=True)[:300]
    outcome = f"failed ({detail['errorCode']})" if detail.get("errorCode") else "succeeded"
    sign_in = event.get("detail-type") == "AWS Console Sign In via CloudTrail"
    return Alert(
        title=f"{'Console sign-in' if sign_in else detail.get('eventName', 'API call')} by {identity.get('type', 'principal')}",
        severity=severity,
        source="CloudTrail",
        account=detail.get("recipientAccountId") or event.get("account", ""),
        region=region,
        what=f"{detail.get('eventSource', '')} {detail.get('eventName', '')} {outcome}, called by {who} from {detail.get('sourceIPAddress', 'unknown')}.",
        resource=target,
        link=console(region, f"cloudtrailv2/home?region={region}#/events/{detail.get('eventID', '')}"),
        runbook="Find who made the call and from where; confirm it was planned; restore the control (redeploy the baseline) and treat unexplained changes as incidents.",
    )


def _review(summary: dict, severity: str) -> Alert:
    """The twice-weekly review digest (DPP-MON-7)."""
    fired = summary.get("alarmsFired") or {}
    findings = summary.get("findings") or {}
    lines = [f"Alarms that fired: {sum(fired.values())}" + (f" ({', '.join(f'{k} x{v}' for k, v in sorted(fired.items()))})" if fired else "")]
    lines.append(f"Canary record accessed: {summary.get('canaryHits', 0)} time(s)")
    lines.append("New Security Hub findings: " + ", ".join(f"{n} {s.lower()}" for s, n in findings.items() if n) if any(findings.values()) else "New Security Hub findings: none")
    if summary.get("findingsTruncated"):
        lines.append("(finding counts stopped at 5,000: open Security Hub for the rest)")
    rules = summary.get("nonCompliantRules") or []
    lines.append(f"Non-compliant Config rules: {len(rules)}" + (f" ({', '.join(rules[:10])}{', ...' if len(rules) > 10 else ''})" if rules else ""))
    region = summary.get("region", "")
    return Alert(
        title=f"Twice-weekly review: {summary.get('start', '?')} to {summary.get('end', '?')}",
        severity="critical" if summary.get("canaryHits") else "low",
        source="Review digest",
        account=str(summary.get("account", "")),
        region=region,
        what="\n".join(lines),
        link=console(region, f"cloudwatch/home?region={region}#dashboards"),
        runbook="Review each item with the IMPOC; record the review (date, reviewers, decisions) as evidence for the six-monthly plan review.",
        for_everyone=True,
    )


def _response(message: dict, severity: str) -> Alert:
    """A report of the automated responder (DPP-IR-3): what was done, to what, how to undo it."""
    outcomes = message.get("outcomes") or []
    lines, facts = [], []
    for outcome in outcomes:
        lines.append(f"[{outcome.get('status', '?')}] {outcome.get('what', '')}")
        if outcome.get("undo"):
            lines.append(f"Undo: {outcome['undo']}")
        facts += [(str(k), str(v)) for k, v in outcome.get("facts") or []]
    finding = message.get("finding") or {}
    if finding:
        facts.insert(0, ("Finding", f"{finding.get('type', '?')} (severity {finding.get('severity', '?')})"))
    region = str(message.get("region", ""))
    dry = bool(message.get("dryRun"))
    return Alert(
        title=("[DRY RUN] " if dry else "") + str(message.get("title") or "Automated response"),
        severity=severity,
        source="Automated response",
        account=str(message.get("account", "")),
        region=region,
        what="\n".join(lines),
        resource=", ".join(str(o.get("target", "")) for o in outcomes),
        link=console(region, f"guardduty/home?region={region}#/findings?search=id%3D{finding['id']}") if finding.get("id") else "",
        runbook=(
            "Dry run: nothing was changed. Review what would have been done; set dpp.responses.dryRun to false when it is right."
            if dry
            else "Confirm the finding; if it was benign, run the undo command. Anything failed or excluded needs a person now."
        ),
        facts=facts,
    )


def _generic(payload: Any, subject: str, severity: str) -> Alert:
    if isinstance(payload, dict):
        body = json.dumps(payload, indent=1, sort_keys=True, default=str)
        title = subject or payload.get("detail-type") or payload.get("source") or "Notification"
        region = payload.get("region", "")
        account = payload.get("account", "")
    else:
        body = str(payload)
        title = subject or "Notification"
        region = account = ""
    return Alert(title=str(title), severity=severity, source="Other", account=str(account), region=str(region), what=body, runbook="Unrecognised notification, shown as received.")


_EVENTS: dict[tuple[str, str], Callable[[dict, str], Alert]] = {
    ("aws.guardduty", "GuardDuty Finding"): _guardduty,
    ("aws.securityhub", "Security Hub Findings - Imported"): _security_hub_asff,
    ("aws.securityhub", "Findings Imported V2"): _security_hub_ocsf,
    ("aws.config", "Config Rules Compliance Change"): _config_change,
    ("aws.cloudtrail", "AWS Insight via CloudTrail"): _insight,
}


def parse(message: str, subject: str, topic_arn: str, message_id: str = "") -> Alert:
    """Never raises: a notification it cannot understand becomes a generic alert."""
    severity = severity_from_topic(topic_arn)
    try:
        payload = json.loads(message)
    except (TypeError, ValueError):
        payload = message
    try:
        alert = _dispatch(payload, subject, severity)
    except Exception:  # a malformed known event is still delivered, as received
        alert = _generic(payload, subject, severity)
    alert.message_id = message_id
    alert.drill = recognise(payload)
    if alert.drill is not None:
        alert.title = f"{alert.drill.label} {alert.title}"
        alert.runbook = f"This is an alert drill: no action needed. {alert.runbook}".strip()
    try:
        alert.personal = frozenset(personal_values(payload))
    except RecursionError:  # absurdly nested JSON: the generic rendering is still redacted by pattern
        pass
    return alert


def _dispatch(payload: Any, subject: str, severity: str) -> Alert:
    if isinstance(payload, dict):
        if "AlarmName" in payload and "NewStateValue" in payload:
            return _alarm(payload, severity)
        if payload.get("messageType") == "ComplianceChangeNotification":
            return _config_sns(payload, severity)
        if payload.get("kind") == "dpp-review":
            return _review(payload, severity)
        if payload.get("kind") == "dpp-response":
            return _response(payload, severity)
        key = (payload.get("source"), payload.get("detail-type"))
        if key in _EVENTS:
            return _EVENTS[key](payload, severity)
        if payload.get("detail-type") in ("AWS API Call via CloudTrail", "AWS Console Sign In via CloudTrail"):
            return _api_call(payload, severity)
    return _generic(payload, subject, severity)
