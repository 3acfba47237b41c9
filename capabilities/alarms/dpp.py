"""The DPP's investigative alarms that CIS lacks (DPP-MON-2, DPP-MON-3), and alarms on the
monitoring itself (DPP-MON-6)."""

from __future__ import annotations

from capabilities.alarms.business_hours import outside_hours_expression
from capabilities.alarms.spec import AlarmSpec, ContributorRule, MetricRef
from capabilities.canary.content import CANARY_KEY
from capabilities.relay.monitors import target_alarms
from configuration.model import BaselineConfig, Severity
from configuration.naming import drill_canary_role_name
from configuration.regions import CLOUDFRONT_REGION


def _privileged_roles(config: BaselineConfig) -> list[AlarmSpec]:
    """DPP-MON-3.a: privileged access, beyond root and break-glass: every assumption of a
    configured administrator role, by AssumeRole or through federation (Identity Center
    permission sets are assumed with AssumeRoleWithSAML)."""
    roles = config.alarms.privileged_roles
    if not roles:
        return []
    names = " || ".join(f'($.requestParameters.roleArn = "*/{role}")' for role in roles)
    calls = '($.eventName = "AssumeRole") || ($.eventName = "AssumeRoleWithSAML") || ($.eventName = "AssumeRoleWithWebIdentity")'
    return [
        AlarmSpec(
            id="PrivilegedRoleAssumed",
            title="Administrator role assumed",
            severity=Severity.HIGH,
            requirements=("DPP-MON-3",),
            filter_pattern=f"{{ ({calls}) && ({names}) }}",
            meaning=f"Someone assumed an administrator role ({', '.join(roles)}): privileged access to systems that hold Information.",
            investigate="Confirm who and why (change ticket, on-call); review the session's calls in CloudTrail; revoke the session if unexplained.",
        )
    ]


def canary_filter_pattern(config: BaselineConfig, *, exclude_drills: bool) -> str:
    """Any data event on the canary object. Where drills run, the real alarm leaves out the
    drill role's reads (the drill's own canary alarm counts those): a weekly drill must never
    page people as a real canary hit, nor hold this alarm in ALARM so that a real hit during a
    drill goes unnoticed. ``*`` in a JSON filter pattern's string value is a wildcard for
    ``=`` and ``!=`` alike (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html)."""
    decoy = config.canary.bucket_name_pattern.format(account="*", region="*")
    terms = ['($.eventSource = "s3.amazonaws.com")', f'($.requestParameters.bucketName = "{decoy}")', f'($.requestParameters.key = "{CANARY_KEY}")']
    if exclude_drills and config.drills.enabled:
        terms.append(f'($.userIdentity.arn != "arn:aws:sts::*:assumed-role/{drill_canary_role_name(config)}/*")')
    return "{ " + " && ".join(terms) + " }"


# A metric filter pattern holds at most 1,024 characters
# (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutMetricFilter.html).
MAX_FILTER_PATTERN = 1024
# Global services' events are recorded as occurring in us-east-1 whatever region the caller
# works in: IAM, STS's global endpoint, AWS sign-in and CloudFront
# (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-concepts.html#cloudtrail-concepts-global-service-events),
# and the other services whose control plane is in us-east-1 only: Route 53, Organizations,
# Health, Support, Cost Explorer, Budgets, Account Management, Shield, WAF Classic (global),
# Global Accelerator and User Notifications.
US_EAST_1_GLOBAL_SOURCES = tuple(
    f"{name}.amazonaws.com"
    for name in (
        "iam", "sts", "signin", "cloudfront", "route53", "organizations", "health", "support", "ce", "budgets",
        "account", "shield", "waf", "globalaccelerator", "notifications",
    )
)  # fmt: skip


def _region_clause(config: BaselineConfig, exclude_us_east_1: bool) -> str | None:
    """Events recorded in a region outside dpp.regions: the covered regions negated (which also
    counts regions AWS adds later), or, when that would not fit, the uncovered commercial
    regions listed (None when every known region is covered)."""
    from configuration.regions import COMMERCIAL_REGIONS

    covered = set(config.regions) | ({"us-east-1"} if exclude_us_east_1 else set())
    negated = " && ".join(f'($.awsRegion != "{r}")' for r in sorted(covered))
    if len(negated) + 4 <= MAX_FILTER_PATTERN:
        return negated
    listed = " || ".join(f'($.awsRegion = "{r}")' for r in sorted(COMMERCIAL_REGIONS - covered))
    return listed or None


def unexpected_region_alarms(config: BaselineConfig) -> list[AlarmSpec]:
    """DPP-MON-3.d: API activity in regions the baseline does not cover (the trail is
    multi-region, so its log group sees every region). us-east-1, when not covered, has its own
    alarm that leaves out the global services' events, which are recorded there for callers in
    any region; the two patterns stay apart so each fits the 1,024-character limit."""
    investigate = "Find the principal and the calls (Logs Insights on the trail group: filter awsRegion); if nobody expected work there, treat the credentials as compromised and look for resources created there (instances, keys, buckets)."
    us_east_1_covered = "us-east-1" in config.regions
    clause = _region_clause(config, exclude_us_east_1=not us_east_1_covered)
    specs = []
    if clause is not None:
        specs.append(
            AlarmSpec(
                id="UnexpectedRegionActivity",
                title="API activity in an uncovered region",
                severity=Severity.HIGH,
                requirements=("DPP-MON-3",),
                filter_pattern=f"{{ {clause} }}",
                meaning=f"API calls were made in a region outside the covered ones ({', '.join(config.regions)}): an attacker often works where nobody looks (crypto-mining, hidden copies of data).",
                investigate=investigate,
            )
        )
    if not us_east_1_covered:
        globals_clause = " && ".join(f'($.eventSource != "{source}")' for source in US_EAST_1_GLOBAL_SOURCES)
        specs.append(
            AlarmSpec(
                id="UnexpectedRegionActivityUsEast1",
                title="API activity in us-east-1 (not covered)",
                severity=Severity.HIGH,
                requirements=("DPP-MON-3",),
                # S3's ListBuckets through the global endpoint (the console's bucket list) is
                # recorded in us-east-1 too.
                filter_pattern=f'{{ ($.awsRegion = "us-east-1") && {globals_clause} && (($.eventSource != "s3.amazonaws.com") || ($.eventName != "ListBuckets")) }}',
                meaning="API calls of regional services were made in us-east-1, which the baseline does not cover (global services such as IAM, STS and sign-in, recorded there for every region, are left out).",
                investigate=investigate,
            )
        )
    for spec in specs:
        if spec.filter_pattern and len(spec.filter_pattern) > MAX_FILTER_PATTERN:
            raise ValueError(f"alarm {spec.id}: a {len(spec.filter_pattern)}-character filter pattern, over CloudWatch's {MAX_FILTER_PATTERN}")
    return specs


def dpp_alarms(config: BaselineConfig) -> list[AlarmSpec]:
    break_glass = config.archive.break_glass_role_name
    specs = [
        AlarmSpec(
            id="UnauthorizedCallsByOnePrincipal",
            title="Many unauthorized calls by one principal",
            severity=Severity.HIGH,
            requirements=("DPP-MON-2",),
            contributor=ContributorRule(
                keys=("$.userIdentity.arn",),
                match="$.errorCode",
                starts_with=("AccessDenied", "UnauthorizedOperation", "Client.UnauthorizedOperation"),
            ),
            threshold=10,
            meaning="One principal (user, role or session) made at least the threshold of refused calls in five minutes: enumeration with stolen credentials, or a broken deployment.",
            investigate="The Contributor Insights rule dpp-<stage>-UnauthorizedCallsByOnePrincipal names the principal; review its calls and source IPs; revoke its sessions if not explained.",
        ),
        AlarmSpec(
            id="ApiCallVolumeAnomaly",
            title="Unexpected API request rate",
            severity=Severity.HIGH,
            requirements=("DPP-MON-2", "DPP-MON-3"),
            filter_pattern='{ $.eventType = "AwsApiCall" }',
            anomaly_band_width=3,
            comparison="GreaterThanUpperThreshold",
            evaluation_periods=3,
            meaning="The number of API calls is above what the anomaly-detection model expects for this time: scripted access, a runaway job or data harvesting.",
            investigate="Find the principals and APIs behind the spike (CloudTrail Lake or Logs Insights on the trail group); compare with deployments and batch jobs.",
        ),
        *_privileged_roles(config),
        *unexpected_region_alarms(config),
        AlarmSpec(
            id="ArchiveReaderRoleAssumed",
            title="Log archive reader role assumed",
            severity=Severity.HIGH,
            requirements=("DPP-PRT-4", "DPP-LOG-7"),
            filter_pattern=f'{{ ($.eventName = "AssumeRole") && ($.requestParameters.roleArn = "*:role/{config.resource_prefix}-log-reader") }}',
            meaning="Someone assumed the archive's reader role, the only way to read the logs (need-to-know): every read of the archive starts with this.",
            investigate="Confirm the reader and the investigation it serves (a ticket or an incident); the session's S3 reads are in the archive's server access logs and the trail's data events.",
        ),
        AlarmSpec(
            id="BreakGlassRoleUsed",
            title="Break-glass role used",
            severity=Severity.CRITICAL,
            requirements=("DPP-MON-3",),
            filter_pattern=f'{{ ($.userIdentity.sessionContext.sessionIssuer.userName = "{break_glass}") || (($.eventName = "AssumeRole") && ($.requestParameters.roleArn = "*:role/{break_glass}")) }}',
            meaning="The break-glass role, the one principal exempt from the archive's protections, was assumed or used.",
            investigate="Confirm the emergency with whoever assumed it; review every call of the session; rotate anything it touched.",
        ),
        AlarmSpec(
            id="FailedConsoleSignInsBurst",
            title="Failed console sign-ins at the lockout threshold",
            severity=Severity.HIGH,
            requirements=("DPP-MON-3",),
            filter_pattern='{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
            threshold=10,
            period_minutes=15,
            meaning="At least 10 console sign-ins failed within 15 minutes, the DPP's lockout threshold (lockout itself belongs to the identity provider).",
            investigate="Group failures by user name and source IP; lock the targeted accounts in the identity provider; block the source if hostile.",
        ),
        AlarmSpec(
            id="AccessOutsideBusinessHours",
            title="Console access outside business hours",
            severity=Severity.HIGH,
            requirements=("DPP-MON-3",),
            filter_pattern='{ $.eventName = "ConsoleLogin" }',
            expression=outside_hours_expression(config.business_hours),
            meaning=f"Someone signed in to the console outside business hours ({config.business_hours.start}-{config.business_hours.end} {config.business_hours.time_zone}, {', '.join(config.business_hours.days)}).",
            investigate="Confirm the sign-in with the person (on-call?); if unexpected, treat the credentials as compromised.",
        ),
        AlarmSpec(
            id="TrailSilent",
            title="No trail events for an hour",
            severity=Severity.CRITICAL,
            requirements=("DPP-MON-6",),
            filter_pattern="{ $.eventVersion = * }",
            comparison="LessThanThreshold",
            period_minutes=60,
            missing_data="breaching",
            meaning="The trail delivered nothing to CloudWatch Logs for an hour: it was stopped, its delivery role broke, or the log group is unreachable.",
            investigate="aws cloudtrail get-trail-status (LatestCloudWatchLogsDeliveryError); check the trail is logging and the delivery role's policy.",
        ),
    ]
    if config.canary.enabled:
        specs.append(
            AlarmSpec(
                id="CanaryAccessed",
                title="Canary record accessed",
                severity=Severity.CRITICAL,
                requirements=("DPP-MON-2", "DPP-MON-4"),
                filter_pattern=canary_filter_pattern(config, exclude_drills=True),
                meaning="Someone or something touched the canary customer export, which no legitimate process reads: Information is being searched for or extracted. (It also fires once when a deployment first writes the canary.)",
                investigate="Identify the principal, source IP and user agent in the data event; treat the principal's credentials as compromised; look for other reads by it.",
            )
        )
    if config.trail.data_events and config.trail.sensitive_buckets:
        buckets = " || ".join(f'($.requestParameters.bucketName = "{b}")' for b in config.trail.sensitive_buckets)
        specs.append(_large_reads(config, buckets))
        specs.append(
            AlarmSpec(
                id="DataRetrievalAnomaly",
                title="Unexpected data-retrieval volume",
                severity=Severity.HIGH,
                requirements=("DPP-MON-2", "DPP-MON-4"),
                filter_pattern=f'{{ ($.eventSource = "s3.amazonaws.com") && ($.eventName = "GetObject") && ({buckets}) }}',
                anomaly_band_width=3,
                comparison="GreaterThanUpperThreshold",
                evaluation_periods=3,
                meaning="More objects than usual were read from the buckets that hold Information: possible bulk extraction.",
                investigate="Identify the reader (userIdentity) and destination IPs; compare with known exports; block and revoke if unexplained.",
            )
        )
    return specs


def _large_reads(config: BaselineConfig, buckets: str) -> AlarmSpec:
    """DPP-MON-3.e: bytes read from the sensitive buckets. The trail's S3 data events carry the
    bytes each request sent (additionalEventData.bytesTransferredOut, in AWS's GetObject data
    event examples: https://docs.aws.amazon.com/AmazonS3/latest/userguide/cloudtrail-logging-understanding-s3-entries.html
    and https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-tables-log-files.html); a metric
    filter publishes that field as its value
    (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntaxForMetricFilters.html)
    and the alarm sums it over the period. S3 request metrics (BytesDownloaded) would need a
    MetricsConfiguration on each bucket, which this baseline does not own."""
    limit, minutes = config.alarms.large_transfer_bytes, config.alarms.large_transfer_period_minutes
    return AlarmSpec(
        id="LargeDataTransfer",
        title="Large transfer out of the sensitive buckets",
        severity=Severity.HIGH,
        requirements=("DPP-MON-3", "DPP-MON-4"),
        filter_pattern=f'{{ ($.eventSource = "s3.amazonaws.com") && ($.eventName = "GetObject") && ({buckets}) && ($.additionalEventData.bytesTransferredOut > 0) }}',
        metric_value="$.additionalEventData.bytesTransferredOut",
        threshold=limit,
        period_minutes=minutes,
        meaning=f"At least {_bytes(limit)} were read from the buckets that hold Information within {minutes} minutes (dpp.alarms.largeTransferBytes): bulk extraction, or an export nobody announced.",
        investigate="Group the GetObject data events by userIdentity.arn and sourceIPAddress (Logs Insights: stats sum(additionalEventData.bytesTransferredOut) by userIdentity.arn); confirm the export or revoke the reader's sessions.",
    )


def _bytes(count: float) -> str:
    for unit, size in (("TiB", 1024**4), ("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if count >= size:
            return f"{count / size:g} {unit}"
    return f"{count:g} bytes"


def egress_alarms(config: BaselineConfig) -> list[AlarmSpec]:
    """DPP-MON-3.e: bytes leaving through each listed NAT gateway. AWS/NATGateway publishes
    BytesOutToDestination per NatGatewayId in the gateway's region
    (https://docs.aws.amazon.com/vpc/latest/userguide/metrics-dimensions-nat-gateway.html)."""
    minutes = config.alarms.large_transfer_period_minutes
    return [
        AlarmSpec(
            id=f"LargeEgress_{nat.nat_gateway_id.replace('-', '_')}",
            title=f"Large egress through {nat.nat_gateway_id}",
            severity=Severity.HIGH,
            requirements=("DPP-MON-3",),
            metric=MetricRef("AWS/NATGateway", "BytesOutToDestination", (("NatGatewayId", nat.nat_gateway_id),)),
            threshold=nat.bytes,
            period_minutes=minutes,
            meaning=f"At least {_bytes(nat.bytes)} left the VPC through NAT gateway {nat.nat_gateway_id} ({nat.account}/{nat.region}) within {minutes} minutes: possible exfiltration.",
            investigate="Find the sources and destinations in the VPC flow logs (dstaddr, bytes by srcaddr); compare with known uploads; isolate the instance if unexplained.",
            placed=((nat.account, nat.region),),
        )
        for nat in config.alarms.nat_gateways
    ]


def workload_alarms(config: BaselineConfig) -> list[AlarmSpec]:
    """DPP-MON-3.h: the workload's availability, utilization and performance, on metrics the
    team names (dpp.alarms.workloadMetrics), each in the account and region that publishes it."""
    return [
        AlarmSpec(
            id=w.id,
            title=w.title,
            severity=w.severity,
            requirements=("DPP-MON-3",),
            metric=MetricRef(w.namespace, w.metric_name, w.dimensions, w.statistic),
            threshold=w.threshold,
            comparison=w.comparison,
            period_minutes=w.period_minutes,
            evaluation_periods=w.evaluation_periods,
            missing_data=w.missing_data,
            meaning=f"The workload metric {w.namespace}/{w.metric_name}"
            + (f" ({', '.join(f'{k}={v}' for k, v in w.dimensions)})" if w.dimensions else "")
            + f" crossed {w.threshold:g} ({w.statistic}): availability or capacity of a system that handles Information is at risk.",
            investigate="Open the metric in CloudWatch beside the workload's deployments and logs; restore service per the runbook; if the change is hostile (e.g. resources exhausted by misuse), open an incident.",
            placed=((w.account, w.region),),
        )
        for w in config.alarms.workload_metrics
    ]


def replication_alarms(config: BaselineConfig) -> list[AlarmSpec]:
    """DPP-PRT-5, DPP-MON-6: a replication rule that fails leaves logs outside the locked copies.
    S3 publishes OperationsFailedReplication per rule in the source bucket's region when
    replication metrics are on (https://docs.aws.amazon.com/AmazonS3/latest/userguide/repl-metrics.html);
    the alarms live in the log-archive account's alarms stack of that region; in organization
    mode, where that account has no alarms stack and no topics, in its archive-watch stack,
    without actions, their state changes forwarded to the security account
    (``capabilities.alerting.archive_watch``)."""
    from configuration.naming import archive_names

    names = archive_names(config)
    home = config.home_region
    flows = [
        ("ArchiveToReplica", names.archive_bucket, "ToReplicaRegion", names.replica_bucket, home),
        ("StagingIntoArchive", names.config_staging_bucket, "IntoWormArchive", names.archive_bucket, home),
        ("StagingToReplica", names.config_staging_bucket, "ToReplicaRegion", names.replica_bucket, home),
    ]
    for region in config.intake_regions:
        tag = region.replace("-", "_")
        flows += [
            (f"Intake_{tag}_IntoArchive", names.intake_bucket(region), "IntoWormArchive", names.archive_bucket, region),
            (f"Intake_{tag}_ToReplica", names.intake_bucket(region), "ToReplicaRegion", names.replica_bucket, region),
        ]
    return [
        AlarmSpec(
            id=f"ReplicationFailed{label}",
            title=f"Replication failing: {source} to {destination}",
            severity=Severity.CRITICAL,
            requirements=("DPP-PRT-5", "DPP-MON-6"),
            metric=MetricRef("AWS/S3", "OperationsFailedReplication", (("SourceBucket", source), ("DestinationBucket", destination), ("RuleId", rule))),
            meaning=f"Objects of {source} fail to replicate to {destination}: logs are missing from a locked copy (DPP-PRT-5).",
            investigate="Check the replication role's key and bucket rights (S3 event notifications for s3:Replication:OperationFailedReplication name the reason); objects retry for a while, then need S3 Batch Replication.",
            placed=((names.account, region),),
        )
        for label, source, rule, destination, region in flows
    ]


def _function_alarm(
    alarm_id: str, title: str, severity: Severity, requirements: tuple[str, ...], function_name: str, *, meaning: str, investigate: str, metric: str = "Errors", home_region_only: bool = False
) -> AlarmSpec:
    """A fault of one of the monitoring's functions: its own AWS/Lambda metric (Errors or
    Throttles, summed), in every region the function runs unless ``home_region_only``."""
    return AlarmSpec(
        id=alarm_id,
        title=title,
        severity=severity,
        requirements=requirements,
        metric=MetricRef("AWS/Lambda", metric, (("FunctionName", function_name),)),
        meaning=meaning,
        investigate=investigate,
        home_region_only=home_region_only,
    )


def _queue_alarm(
    alarm_id: str,
    title: str,
    severity: Severity,
    requirements: tuple[str, ...],
    queue_name: str,
    *,
    meaning: str,
    investigate: str,
    metric: str = "ApproximateNumberOfMessagesVisible",
    threshold: float = 1,
) -> AlarmSpec:
    """Work the monitoring could not do, waiting in one of its queues (by default: any message
    in a dead-letter queue), in every region the queue exists."""
    return AlarmSpec(
        id=alarm_id,
        title=title,
        severity=severity,
        requirements=requirements,
        metric=MetricRef("AWS/SQS", metric, (("QueueName", queue_name),), "Maximum"),
        threshold=threshold,
        meaning=meaning,
        investigate=investigate,
        home_region_only=False,
    )


def monitor_alarms(config: BaselineConfig) -> list[AlarmSpec]:
    """Faults of the monitoring itself: every region's enforcer and dead-letter queues, and the
    archive's replication."""
    prefix = config.resource_prefix
    specs = [
        _queue_alarm(
            "AlertRoutingDeadLetters",
            "Alerts waiting in the routing dead-letter queue",
            Severity.CRITICAL,
            ("DPP-MON-6",),
            f"{prefix}-alert-routing-dead-letters",
            meaning="EventBridge could not deliver findings or control-change events to their topic for 24 hours; they are kept in the dead-letter queue.",
            investigate="Read the queue's messages (they carry the error); fix the topic or key policy; redrive the events.",
        ),
        *replication_alarms(config),
        *egress_alarms(config),
        _function_alarm(
            "ReviewDigestFailed",
            "Review digest failed",
            Severity.HIGH,
            ("DPP-MON-6", "DPP-MON-7"),
            f"{prefix}-review-digest",
            meaning="The twice-weekly review digest could not be built or published: the periodic review may not happen.",
            investigate="Read the digest function's log group; fix permissions (Security Hub, Config, the review topic) and run it by hand.",
            home_region_only=True,
        ),
    ]
    if config.features.chat_relay and any(t.is_webhook for t in config.notification_targets):
        relay = f"{prefix}-chat-relay"
        specs += [
            _function_alarm(
                "ChatRelayErrors",
                "Chat relay failed",
                Severity.HIGH,
                ("DPP-MON-6",),
                relay,
                meaning="The chat relay raised an error: alerts may be reaching e-mail only until it recovers (records stay queued and are retried).",
                investigate="Read the relay's log group (/aws/lambda/<prefix>-chat-relay) for the error; check its secrets and targets.",
            ),
            _function_alarm(
                "ChatRelayThrottles",
                "Chat relay throttled",
                Severity.MEDIUM,
                ("DPP-MON-6",),
                relay,
                metric="Throttles",
                meaning="The relay was throttled; queued alerts wait longer.",
                investigate="The relay reserves no concurrency; throttles mean the account or region ran out of concurrency (a quota of 10 is easily used up): check other functions' use and ask for a higher quota.",
            ),
            _queue_alarm(
                "ChatRelayDeadLetters",
                "Alerts in the chat relay's dead-letter queue",
                Severity.CRITICAL,
                ("DPP-MON-6",),
                f"{prefix}-chat-relay-dead-letters",
                meaning="Alerts could not be delivered to a chat target (rejected webhook or repeated failure): people may not have seen them.",
                investigate="Read the dead letters' target and reason attributes; fix the webhook secret or target; redrive the queue to the inbox.",
            ),
            _queue_alarm(
                "ChatRelayBacklog",
                "Chat relay falling behind",
                Severity.HIGH,
                ("DPP-MON-1", "DPP-MON-6"),
                f"{prefix}-chat-relay-inbox",
                metric="ApproximateAgeOfOldestMessage",
                threshold=900,
                meaning="The oldest alert waiting for chat is over 15 minutes old: findings no longer reach people within minutes.",
                investigate="Check the relay's errors and throttles and the targets' responses (429s); a large burst drains at about one digest per second.",
            ),
        ]
        specs += target_alarms(config)  # one per chat target, naming it
    if config.features.flow_logs:
        enforcer = f"{prefix}-flow-log-enforcer"
        specs += [
            _function_alarm(
                "FlowLogEnforcerErrors",
                "Flow-log enforcer failed",
                Severity.HIGH,
                ("DPP-MON-6", "DPP-LOG-3"),
                enforcer,
                meaning="The function that gives new VPCs flow logs and DNS logging failed: a VPC may be unlogged.",
                investigate="Read the function's log group for the VPC IDs and error codes; fix permissions or quotas; the daily sweep retries.",
            ),
            _function_alarm(
                "FlowLogEnforcerThrottles",
                "Flow-log enforcer throttled",
                Severity.MEDIUM,
                ("DPP-MON-6",),
                enforcer,
                metric="Throttles",
                meaning="Invocations of the flow-log enforcer were throttled: the account or region ran out of Lambda concurrency.",
                investigate="Lambda retries throttled asynchronous events for up to six hours; if it persists, find what uses the concurrency or ask for a higher quota (dpp.functions.reservedConcurrency reserves some where the quota allows).",
            ),
            _queue_alarm(
                "FlowLogEnforcerDeadLetters",
                "Flow-log enforcer events in its dead-letter queue",
                Severity.HIGH,
                ("DPP-MON-6",),
                f"{prefix}-flow-log-enforcer-dead-letters",
                meaning="Some VPC events could not be handled after all retries.",
                investigate="Read the messages for the VPC IDs; cover them by hand or fix the cause; the daily sweep also retries.",
            ),
        ]
    if config.workload.log_buckets:
        specs += log_forwarder_alarms(config)
    specs += cloudfront_check_alarms(config)
    if config.features.automated_responses:
        specs += [
            _function_alarm(
                "ResponderErrors",
                "Automated responder failed",
                Severity.CRITICAL,
                ("DPP-IR-3", "DPP-MON-6"),
                f"{prefix}-responder",
                meaning="The automated responder raised an error: a finding may have gone unanswered (actions it could not take are reported as failed in its messages).",
                investigate="Read the responder's log group for the finding IDs and error types; act on those findings by hand; fix permissions or quotas.",
            ),
            _queue_alarm(
                "ResponderDeadLetters",
                "Findings in the automated responder's dead-letter queue",
                Severity.CRITICAL,
                ("DPP-IR-3", "DPP-MON-6"),
                f"{prefix}-responder-dead-letters",
                meaning="Findings or alarm events could not be delivered to the responder after all retries: no automated response was made for them.",
                investigate="Read the queued events (finding IDs); respond by hand per the incident response plan; fix the cause and redrive if still relevant.",
            ),
        ]
    return specs


def cloudfront_check_alarms(config: BaselineConfig) -> list[AlarmSpec]:
    """DPP-LOG-8, DPP-MON-6: the custom Config rule on CloudFront logging
    (``capabilities.config_recorder.cloudfront_logging``) runs in us-east-1 of every directly
    monitored account; a failed run leaves distributions unevaluated or stale."""
    if not config.features.config_recorder or CLOUDFRONT_REGION not in config.regions:
        return []
    from capabilities.config_recorder.cloudfront_logging import METRIC_NAMESPACE, NOT_EVALUATED_METRIC
    from configuration.naming import cloudfront_logging_check_name

    not_evaluated = (
        [
            AlarmSpec(
                id="CloudFrontLoggingAccountsNotEvaluated",
                title="CloudFront logging check could not evaluate an account",
                severity=Severity.LOW,
                requirements=("DPP-LOG-8", "DPP-MON-6"),
                metric=MetricRef(METRIC_NAMESPACE, NOT_EVALUATED_METRIC),
                meaning="An account's AWS Config asked the security account's CloudFront logging check to evaluate it, and STS refused the account's evaluator role: a member outside the member OUs (organization rules reach every account, the StackSet only those OUs), a member whose role is missing, or an account outside the organization invoking the function.",
                investigate="Read the function's log group for 'account not evaluated' and the account ID; a member of the organization: add its OU to memberOrganizationalUnits or check its StackSet instance in us-east-1; an unknown account: someone else's Config invoked the function, which did nothing there.",
                placed=((config.security_account.account_id, CLOUDFRONT_REGION),),
            )
        ]
        if config.org_mode
        else []
    )
    return not_evaluated + [
        AlarmSpec(
            id="CloudFrontLoggingCheckErrors",
            title="CloudFront logging check failed",
            severity=Severity.MEDIUM,
            requirements=("DPP-LOG-8", "DPP-MON-6"),
            metric=MetricRef("AWS/Lambda", "Errors", (("FunctionName", cloudfront_logging_check_name(config)),)),
            meaning="The Config rule CloudFrontAccessLogs could not evaluate the account's distributions (an API call failed or Config refused the results): a distribution whose logging was switched off may show its old verdict.",
            investigate="Read the function's log group for the error code (AccessDenied on a CloudFront or Logs call: the function's or the member role's policy; throttling: retry is automatic at the next run); re-evaluate the rule in AWS Config once fixed.",
            placed=tuple((a.account_id, CLOUDFRONT_REGION) for a in config.monitored_accounts),
        )
    ]


def log_forwarder_alarms(config: BaselineConfig) -> list[AlarmSpec]:
    """DPP-LOG-8, DPP-MON-6: the log forwarder copies the workload log buckets (ALB, WAF) into
    the archive; a failed copy leaves those logs outside the locked copies. Placed where the
    forwarder runs: every workload account (organization mode: the management account, for the
    members) in every covered region."""
    from configuration.naming import log_forwarder_name

    name = log_forwarder_name(config)
    places = tuple((a.account_id, r) for a in config.log_forwarder_accounts for r in config.regions)
    return [
        AlarmSpec(
            id="LogForwarderErrors",
            title="Workload log forwarder failed",
            severity=Severity.HIGH,
            requirements=("DPP-LOG-8", "DPP-MON-6"),
            metric=MetricRef("AWS/Lambda", "Errors", (("FunctionName", name),)),
            meaning="A copy of an ALB access log or WAF log into the archive failed (Lambda retries twice, then dead-letters the event): the log is still in the workload log bucket, not yet in the locked copies. Or (organization mode) an event named a bucket other than its sender's own workload log bucket and was refused.",
            investigate="Read the forwarder's log group for the keys and error codes (AccessDenied: the archive's bucket or key policy; a non-KMS copy: the destination's default encryption; 'not a workload log bucket': the event's account, region and bucket name who sent it, and whether that member is misconfigured or probing); fix the cause and redrive the dead letters (refused events: delete them once explained).",
            placed=places,
        ),
        AlarmSpec(
            id="LogForwarderDeadLetters",
            title="Workload log objects in the forwarder's dead-letter queue",
            severity=Severity.HIGH,
            requirements=("DPP-LOG-8", "DPP-MON-6", "DPP-RET-1"),
            metric=MetricRef("AWS/SQS", "ApproximateNumberOfMessagesVisible", (("QueueName", f"{name}-dead-letters"),), "Maximum"),
            meaning="Some ALB or WAF log objects were not copied into the archive after all retries: they are kept only in the workload log bucket (retention + 30 days) until redriven.",
            investigate="Each message is the S3 event (bucket, key, version); fix the cause, then redrive the queue to the function or copy the keys by hand; the forwarder's conditional write skips keys already copied.",
            placed=places,
        ),
    ]
