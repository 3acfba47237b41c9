"""The incident response plan (DPP-IR-1, DPP-IR-2, DPP-MON-4, DPP-MON-7, DPP-VER-4), generated from
configuration and the alarm and route specifications at every synth, so it always matches what is
deployed: contacts and escalation from dpp.impoc, only the channels that exist, each alarm with
its threshold, the review schedule with its time zone, and the next plan review counted from
the last recorded one (none is recorded until an evidence register exists)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from capabilities.alarms.catalogue import alarm_specs
from capabilities.alarms.spec import AlarmSpec
from capabilities.alerting import event_routes
from capabilities.alerting.route_table import routes_markdown
from capabilities.investigation.queries import investigations, query_name
from configuration.model import BaselineConfig, Severity

FILE_NAME = "incident-response-plan.md"

# EventBridge evaluates the cron and rate expressions of scheduled rules in UTC:
# https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html
SCHEDULE_TIME_ZONE = "UTC"
REVIEW_EVERY = timedelta(days=182)  # six months (DPP-VER-4)
NO_REVIEW = '<span style="color:#b00020">**no review recorded**</span>'

_RESPONSE = {
    Severity.CRITICAL: ("immediately, 24/7", "15 minutes"),
    Severity.HIGH: ("within 1 hour, 24/7", "1 hour"),
    Severity.MEDIUM: ("next business day", "1 business day"),
    Severity.LOW: ("at the periodic review", "1 week"),
}


def _escalation(config: BaselineConfig, severity: Severity) -> str:
    """Who is next, by name from dpp.impoc (nobody is named who is not configured)."""
    impoc = config.impoc
    chain = [f"{impoc.name} (IMPOC)"]
    if impoc.backup is not None:
        chain.append(f"after 15 minutes unacknowledged, the backup {_backup_label(impoc.backup)}")
    chain += [f"then {c.name} ({c.role})" for c in impoc.escalation]
    if not impoc.escalation:
        chain.append("then nobody named: configure dpp.impoc.escalation")
    if severity is Severity.CRITICAL:
        return "; ".join(chain)
    if severity is Severity.HIGH:
        return f"the channels in this row; {impoc.name} (IMPOC) if it touches Information or cannot be explained within 4 hours"
    if severity is Severity.MEDIUM:
        return f"the channels in this row; {impoc.name} (IMPOC) if it recurs or is linked to a higher alert"
    return "looked at in the periodic review (DPP-MON-7)"


def _backup_label(backup) -> str:
    reach = ", ".join(x for x in (backup.email, backup.phone) if x)
    return f"{backup.name} ({reach})" if backup.name != "Backup" else f"({reach})"


# The SP-API guide asks the IMPOC to "Maintain direct communication channels with Amazon
# security team" and to manage "communication with Amazon security team"
# (shared/seeds/sp-api-logging-and-monitoring.txt, IMPOC best practices); the address and the
# deadline below are the Data Protection Policy's incident-notification terms, which the seeds
# do not quote: confirm them against your agreement with Amazon. The address is
# dpp.impoc.amazonSecurityContact (default security@amazon.com).
AMAZON_NOTICE_HOURS = 24


def chat_targets(config: BaselineConfig) -> list:
    """Webhook targets that something delivers to: the relay exists only with features.chatRelay."""
    return [t for t in config.notification_targets if t.is_webhook] if config.features.chat_relay else []


def _channels(config: BaselineConfig, severity: Severity) -> str:
    names = [f"e-mail {t.name} ({t.address})" for t in config.notification_targets if t.kind == "email" and severity.at_least(t.min_severity)]
    names += [f"{t.name} ({t.kind})" for t in chat_targets(config) if severity.at_least(t.min_severity)]
    names += [f"SMS {t.name} ({t.phone})" for t in config.notification_targets if t.kind == "sms" and severity.at_least(t.min_severity)]
    if severity is Severity.CRITICAL:
        names.insert(0, f"e-mail to the IMPOC ({config.impoc.email})" + (f" and backup ({config.impoc.backup_email})" if config.impoc.backup_email else ""))
    return ", ".join(names) or "the dashboard only"


def _threshold(spec: AlarmSpec) -> str:
    """The alarm's threshold as it is deployed (configured alarms.thresholds applied)."""
    minutes = spec.period_minutes * spec.evaluation_periods
    if spec.anomaly_band_width is not None:
        return f"above the anomaly band ({spec.anomaly_band_width:g} standard deviations) for {minutes} min"
    sign = {"GreaterThanOrEqualToThreshold": ">=", "GreaterThanThreshold": ">", "LessThanThreshold": "<", "LessThanOrEqualToThreshold": "<="}.get(spec.comparison, spec.comparison)
    if spec.metric is not None:
        # A service's own metric: its statistic and name say what the number is.
        periods = f"{spec.evaluation_periods} periods of {spec.period_minutes} min" if spec.evaluation_periods > 1 else f"{minutes} min"
        return f"{spec.metric.statistic} of {spec.metric.name} {sign} {spec.threshold:g} over {periods}"
    what = "calls by the top principal" if spec.contributor else "events"
    return f"{sign} {spec.threshold:g} {what} in {minutes} min"


def _alarms_table(config: BaselineConfig) -> str:
    if not config.features.alarms:
        return "None: alarms are switched off (features.alarms); only the routed events below reach people."
    lines = ["| alarm | severity | threshold | what it means | first steps to investigate |", "|---|---|---|---|---|"]
    for spec in alarm_specs(config):
        lines.append(f"| `{spec.id}` | {spec.severity.value} | {_threshold(spec)} | {spec.meaning} | {spec.investigate} |")
    return "\n".join(lines)


def next_review(today: date, last_review: date | None) -> str:
    """Counted from the last recorded review (DPP-VER-4); red when none is recorded or overdue."""
    if last_review is None:
        return NO_REVIEW
    due = last_review + REVIEW_EVERY
    if due < today:
        return f'<span style="color:#b00020">**overdue since {due.isoformat()}**</span> (last review {last_review.isoformat()})'
    return f"{due.isoformat()} (last review {last_review.isoformat()})"


_RESPONSES = {
    "disableCredentials": (
        "Exposed or misused IAM credentials (GuardDuty AccessKey findings)",
        "deactivates the IAM user's access key and attaches the managed policy `{prefix}-revoke-older-sessions-<region>` (deny all "
        "to the principal's sessions issued before now) to the user or role; it writes no inline policy and can attach no other "
        "policy; root credentials, Identity Center, service-linked and CDK bootstrap roles are reported for action by hand",
    ),
    "blockHostileIps": (
        "Hostile IPs (GuardDuty findings with an inbound, probing or API-calling remote address)",
        "adds the address to the WAF IP set `{prefix}-hostile-ips` for {hours} hours and blocks it where traffic passes: {where}; "
        "private, reserved and trusted addresses are never blocked; the report of each block says where it took effect",
    ),
    "isolateInstances": (
        "Compromised instance (GuardDuty Instance findings)",
        "replaces the security groups of each of its network interfaces with the `{prefix}-isolation` group (no IPv4 or IPv6 rules), tags it "
        "`dpp:isolated` and snapshots its volumes (snapshots are kept as evidence); never stops or terminates it",
    ),
    "notifyFailedSignIns": (
        "Repeated failed console sign-ins (the FailedConsoleSignInsBurst alarm)",
        "posts the number of failures and the principals by type and IAM unique ID (names and source addresses stay masked in the "
        "trail log group, DPP-PII-1.b) with a Logs Insights query to run with `logs:Unmask`; locking the account belongs to the "
        "identity provider, beyond this template's reach: the IMPOC locks it there",
    ),
}


def _blocked_where(config: BaselineConfig) -> str:
    """Where a blocked address is enforced (dpp.responses.webAclArns / networkAclVpcArns)."""
    responses = config.responses
    places = [f"a Block rule on the set in web ACL `{a.split('/')[-2]}` ({a.split(':')[4]}, {a.split(':')[3]})" for a in responses.web_acl_arns]
    places += [f"deny entries in the network ACLs of `{a.rsplit('/', 1)[-1]}` ({a.split(':')[4]}, {a.split(':')[3]})" for a in responses.network_acl_vpc_arns]
    if not places:
        return "**nowhere yet**: no web ACL references the set and no VPC is configured (set dpp.responses.webAclArns or networkAclVpcArns; acting without one is refused)"
    return "; ".join(places)


def _automated_responses(config: BaselineConfig) -> list[str]:
    """Which responses act on their own (DPP-IR-3), and how each is undone."""
    lines = ["## Automated responses (DPP-IR-3)", ""]
    responses = config.responses
    if not config.features.automated_responses:
        return lines + ["None: every containment step is taken by people (investigation protocol step 5).", ""]
    mode = "**dry run**: each response only reports what it would have done" if responses.dry_run else "**acting**: each response below changes resources"
    lines += [
        f"Mode: {mode}. They answer GuardDuty findings of severity {responses.min_severity.value} and above, within seconds, "
        "and post every action (what was done, to what, and the undo command) to the alert topics, and so to the channels above.",
        "",
        "| trigger | what the responder does |",
        "|---|---|",
    ]
    for name in responses.enabled:
        trigger, action = _RESPONSES[name]
        lines.append(f"| {trigger} | {action.format(prefix=config.resource_prefix, hours=responses.ip_block_hours, where=_blocked_where(config))} |")
    excluded = [config.archive.break_glass_role_name, *responses.excluded_role_names]
    lines += [
        "",
        f"Never touched: the roles {', '.join(excluded)}"
        + (f", the users {', '.join(responses.excluded_user_names)}" if responses.excluded_user_names else "")
        + f", and instances tagged `{responses.protected_instance_tag}`. Act on those by hand.",
        "",
        f"Undo: every message carries `aws lambda invoke --function-name {config.resource_prefix}-responder "
        '--cli-binary-format raw-in-base64-out --payload \'{"undo": "<record id>"}\' undo.json`; the record of every '
        f"action is kept in the DynamoDB table `{config.resource_prefix}-response-ledger` of the account and region.",
        "",
    ]
    return lines


def incident_plan(config: BaselineConfig, today: date | None = None, last_review: date | None = None) -> str:
    """``last_review``: the last recorded review of this plan; None until an evidence register exists."""
    today = today or date.today()
    impoc = config.impoc
    accounts = ", ".join(f"{a.name} ({a.account_id})" for a in config.accounts)
    lines = [
        "# Incident response plan",
        "",
        f"Generated {today.isoformat()} from the baseline's configuration (stage `{config.stage}`; accounts {accounts}; "
        f"regions {', '.join(config.regions)}). Regenerated at every synth: edit the configuration, not this file.",
        "",
        "## Incident Management Point of Contact (DPP-IR-1)",
        "",
        "| role | name | e-mail | phone |",
        "|---|---|---|---|",
        f"| {impoc.title} (primary, 24/7) | {impoc.name} | {impoc.email} | {impoc.phone} |",
    ]
    if impoc.backup is not None:
        backup = impoc.backup
        lines.append(f"| Backup | {backup.name if backup.name != 'Backup' else 'not named (dpp.impoc.backup)'} | {backup.email} | {backup.phone or 'none configured (dpp.impoc.backup.phone)'} |")
    else:
        lines.append("| Backup | none configured (dpp.impoc.backup) | | |")
    for contact in impoc.escalation:
        lines.append(f"| Escalation: {contact.role} | {contact.name} | {contact.email} | {contact.phone} |")
    if not impoc.escalation:
        lines.append("| Escalation | none configured (dpp.impoc.escalation) | | |")
    lines += [
        "",
        "The IMPOC coordinates the first response, manages communication with Amazon's security team, makes sure "
        "security events are documented, oversees investigation and remediation, keeps this plan and its records "
        "current, and runs the drills below. The IMPOC has authority to start incident procedures and access to the "
        f"log reader role (`{config.resource_prefix}-log-reader`) and the break-glass role (`{config.archive.break_glass_role_name}`).",
        "Each deployment registers the IMPOC as every workload account's security alternate contact, so AWS's own "
        "security notifications (abuse reports, exposed keys, Health security events) reach the IMPOC too.",
        "",
        "## Severities, response times and escalation",
        "",
        "| severity | respond | acknowledge within | escalation | channels |",
        "|---|---|---|---|---|",
    ]
    for severity in Severity:
        respond, acknowledge = _RESPONSE[severity]
        lines.append(f"| {severity.value} | {respond} | {acknowledge} | {_escalation(config, severity)} | {_channels(config, severity)} |")
    primary = ", ".join([f"{t.name} ({t.kind})" for t in chat_targets(config)] + ["e-mail"])
    review = config.review
    lines += [
        "",
        f"Primary channel: {primary}. Backup channel: the IMPOC's phone ({impoc.phone}). Status updates: at least hourly on the incident channel while a critical incident is open; daily for high.",
        "",
        (
            f"Periodic review (DPP-MON-7): the review digest runs on `{review.schedule}`, evaluated in {SCHEDULE_TIME_ZONE} "
            f"(EventBridge scheduled rules run in UTC), covering the last {review.period_hours} hours of every covered region."
            if config.features.alarms
            else "Periodic review (DPP-MON-7): no review digest is deployed (it belongs to the alarms stack: features.alarms); review by hand twice a week."
        ),
        "",
        "## Investigation protocol",
        "",
        "1. Acknowledge the alert on its channel; open an incident record (below).",
        "2. Preserve evidence: never delete or modify logs; the archive is WORM (Object Lock, compliance mode). Read it through the reader role; check integrity with `aws cloudtrail validate-logs`.",
        "3. Build the timeline from CloudTrail (the trail's log group for recent events, the archive for older ones), "
        "VPC flow logs and DNS query logs; identify principals, source IPs and affected resources.",
        "4. Decide whether Information (Amazon customer data) is involved. If it is, or may be, the IMPOC notifies "
        f"Amazon's security team at {config.impoc.amazon_security_contact} within {AMAZON_NOTICE_HOURS} hours of detection (the Data "
        "Protection Policy's incident notice; confirm the terms in your agreement), with what is known so far, and keeps "
        "Amazon updated until closure. The channel is used for security incidents that involve or may involve Information "
        "(unauthorized access to, or disclosure of, Amazon customer data, or credentials that reach it, e.g. an "
        "exposed key of a role that reads it); incidents without Information are handled internally and recorded.",
        "5. Contain (revoke sessions and keys, isolate hosts, block sources), eradicate, recover; engage third-party responders when the scope exceeds the team.",
        "6. Close with a root-cause analysis and the actions taken; update this plan when it proved wrong.",
        "",
        "Incident record: detection time and source (alarm or route), severity, IMPOC and responders, timeline, "
        "Information involved (yes/no/unknown), notifications made (to whom, when), containment and recovery actions, "
        "root cause, follow-ups.",
        "",
        "## Alarms: what each means and how to start",
        "",
        _alarms_table(config),
        "",
        "## Routed events: what each means and how to start",
        "",
        routes_markdown(event_routes(config)),
        "",
        *_saved_queries(config),
        *_automated_responses(config),
        "## Information beyond its boundaries (DPP-MON-4)",
        "",
        "- Exposed credentials and keys: GuardDuty credential findings (routed above); AWS Health and AWS Trusted "
        "Advisor notifications of exposed access keys go to the account's security contact, the IMPOC.",
        "- Leaked customer data: the canary record alarm (`CanaryAccessed`); GuardDuty S3 exfiltration findings; Macie, where enabled.",
        "- Compromised system information and malicious actors' discussions of your systems: a dark-web monitoring service chosen by the IMPOC; its findings are recorded as incidents here.",
        "",
        "## Keeping the plan current",
        "",
        f"- Review and verify this plan every six months (next: {next_review(today, last_review)}) and after "
        "any major infrastructure or system change; senior management reviews the risk assessment annually.",
        "- Keep evidence of: monitoring tests, validation of alert thresholds, verification of response procedures, "
        "assessment of the IMPOC's effectiveness, dark-web monitoring results, drill outcomes.",
        "",
        "## Drill checklist (at each review)",
        "",
        "- [ ] Read the canary object with a test principal; confirm `CanaryAccessed` fires and reaches every channel.",
        "- [ ] `aws guardduty create-sample-findings` in one region; confirm the routed messages arrive with the right severity.",
        "- [ ] Confirm the relay's dead-letter queues are empty and its alarms are OK.",
        "- [ ] `aws cloudtrail validate-logs` over the last week; confirm the digest chain is intact.",
        "- [ ] Restore one day of logs from the replica region through the reader role.",
        "- [ ] Walk through a tabletop scenario (leaked access key) with the IMPOC and the backup; record the outcome.",
        "- [ ] With automated responses on: a sample finding's report reached the channels; undo one action with its command.",
        "- [ ] Update contacts, thresholds and this plan's configuration; regenerate (`make synth`).",
        "",
    ]
    return _without_secret_names("\n".join(lines), config)


def _saved_queries(config: BaselineConfig) -> list[str]:
    """From each alarm and route to the rows (DPP-IR-2, DPP-ANA-2): the saved Athena query in
    the log-archive account and the Logs Insights definition on the trail's log group."""
    prefix = config.resource_prefix
    lines = [
        "## Saved investigations: from the alert to the rows",
        "",
        f"Athena (log-archive account, {config.home_region}, through `{prefix}-log-reader`): workgroup `{prefix}-investigation`, "
        f"database `{prefix.replace('-', '_')}_logs`. Logs Insights: the query definitions on `/dpp/{config.stage}/cloudtrail` "
        "(set the time range; replace each `<PLACEHOLDER>`). Run a saved Athena query with its execution parameters in order:",
        "",
        "```sh",
        f"id=$(aws athena list-named-queries --work-group {prefix}-investigation --query NamedQueryIds --output text | tr '\\t' '\\n' |",
        f"  while read q; do aws athena get-named-query --named-query-id $q --query 'NamedQuery.[NamedQueryId,Name]' --output text; done | awk '$2==\"{prefix}/investigations/CanaryAccessed\" {{print $1}}')",
        f"aws athena start-query-execution --work-group {prefix}-investigation \\",
        '  --query-string "$(aws athena get-named-query --named-query-id $id --query NamedQuery.QueryString --output text)" \\',
        "  --execution-parameters \"'111122223333'\" \"'2026-11-30T08:00:00Z'\" \"'2026-11-30T12:00:00Z'\" \"'2026-11-30T08:00:00Z'\" \"'2026-11-30T12:00:00Z'\"",
        "```",
        "",
        "| alarm, route or workload log | saved query (Athena and Logs Insights name) | returns | execution parameters, in order |",
        "|---|---|---|---|",
    ]
    for investigation in investigations(config):
        for query in investigation.queries:
            where = "" if query.insights else " (Athena only)"
            lines.append(f"| `{investigation.subject}` | `{query_name(prefix, query)}`{where} | {query.title} | {', '.join(query.parameters)} |")
    return lines + [""]


def _without_secret_names(text: str, config: BaselineConfig) -> str:
    """The plan travels with the evidence: webhook secrets are named as in the configuration in
    force (withheld), whatever an alarm's text says."""
    for target in config.notification_targets:
        if target.secret_name:
            text = text.replace(target.secret_name, "its Secrets Manager secret, name withheld")
    return text


def write_incident_plan(config: BaselineConfig, outdir: str) -> None:
    Path(outdir, FILE_NAME).write_text(incident_plan(config), encoding="utf-8")
