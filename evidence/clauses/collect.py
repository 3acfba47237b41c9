"""Collect: DPP-LOG-1 .. DPP-LOG-8, graded on what the trails, flow logs, resolver configs,
recorders and detectors of the assembly actually record, in which accounts and regions."""

from __future__ import annotations

import json

from evidence.checks import access, case, rule
from evidence.clauses.registry import grades
from evidence.facts import Facts, where
from evidence.grading import Finding

TRAIL = "AWS::CloudTrail::Trail"
STACKSET = "AWS::CloudFormation::StackSet"
_COLLECTION = "tests/synth/test_collection.py"


def _full_selector(fields: dict) -> bool:
    return "readOnly" not in fields  # a read-only or write-only selector does not log access as a whole


def management_events_logged(props: dict) -> bool:
    advanced = props.get("AdvancedEventSelectors")
    if advanced:
        for selector in advanced:
            fields = {f.get("Field"): f for f in selector.get("FieldSelectors", [])}
            if (fields.get("eventCategory") or {}).get("Equals") == ["Management"] and _full_selector(fields):
                return True
        return False
    basic = props.get("EventSelectors")
    if basic:
        return any(s.get("IncludeManagementEvents", True) and s.get("ReadWriteType", "All") == "All" for s in basic)
    return True  # no selectors: CloudTrail logs all management events


def data_event_prefixes(props: dict, resource_type: str) -> tuple[bool, list[str]]:
    """(every resource of the type logged?, ARN prefixes logged) for reads and writes."""
    everything, prefixes = False, []
    for selector in props.get("AdvancedEventSelectors") or []:
        fields = {f.get("Field"): f for f in selector.get("FieldSelectors", [])}
        if (fields.get("eventCategory") or {}).get("Equals") != ["Data"] or not _full_selector(fields):
            continue
        if resource_type not in ((fields.get("resources.type") or {}).get("Equals") or []):
            continue
        arn = fields.get("resources.ARN")
        if arn is None:
            everything = True
        else:
            prefixes += list(arn.get("StartsWith") or []) + list(arn.get("Equals") or [])
    return everything, prefixes


def multi_region_trails(f: Facts) -> list:
    return [t for t in f.of_type(TRAIL) if t.properties.get("IsMultiRegionTrail") is True and t.properties.get("IncludeGlobalServiceEvents") is True]


def _trail_gaps(f: Facts, trails: list) -> list[str]:
    if any(t.properties.get("IsOrganizationTrail") for t in trails):
        return []
    covered = {t.account for t in trails}
    return [f"account {a} ({', '.join(roles)}) has no trail of its own" for a, roles in f.account_roles() if a not in covered]


@grades("DPP-LOG-1.a")
def management_events(f: Facts) -> Finding:
    found = Finding(
        checks=[
            rule("DPP-TrailMultiRegion"),
            rule("DPP-TrailManagementEvents"),
            rule("DPP-TrailPresent"),
            case(f"{_COLLECTION}::test_trail_is_multi_region_validated_encrypted_and_streamed"),
            case(f"{_COLLECTION}::test_trail_records_management_events_and_reads_of_the_archive"),
            access("cloudtrail-put"),
        ]
    )
    trails = [t for t in multi_region_trails(f) if management_events_logged(t.properties)]
    if not trails:
        return found.needs("a multi-region trail with global service and management events (the account-baseline stack)")
    kind = "organization trail (every member account)" if any(t.properties.get("IsOrganizationTrail") for t in trails) else "multi-region trail"
    found.controls.append(f"{kind}, global service events, all management events: {where(trails)}")
    found.gaps += _trail_gaps(f, trails)
    return found


@grades("DPP-LOG-1.b")
def data_events(f: Facts) -> Finding:
    found = Finding(
        checks=[
            rule("DPP-TrailDataEventsSensitiveBuckets"),
            case(f"{_COLLECTION}::test_sensitive_buckets_get_data_events_and_switches_are_honoured"),
            case("tests/nag/test_dpp_rules.py::test_sensitive_buckets_need_data_events"),
            case("tests/synth/test_workload_channels.py::test_trail_logs_item_calls_on_configured_tables_and_invocations_of_configured_functions"),
        ]
    )
    buckets = f.setting("trail.sensitive_buckets", []) or []
    trails = multi_region_trails(f)
    if not buckets:
        return found.needs("name the buckets holding Information in trail.sensitiveBuckets")
    covered = []
    for bucket in buckets:
        for trail in trails:
            everything, prefixes = data_event_prefixes(trail.properties, "AWS::S3::Object")
            if everything or any(f"arn:aws:s3:::{bucket}/".startswith(p) or p.rstrip("/") == f"arn:aws:s3:::{bucket}" for p in prefixes):
                covered.append(bucket)
                break
    if not covered:
        return found.needs(
            ("switch on trail.dataEvents (it is false: no object access of " + ", ".join(buckets) + " is logged)")
            if not f.setting("trail.data_events", True)
            else "a data-event selector (reads and writes) for each bucket of trail.sensitiveBuckets"
        )
    found.controls.append(f"S3 object data events (reads and writes) on {', '.join(covered)}: {where(trails)}")
    found.gaps += [f"bucket {b} is configured as sensitive but its object access is not logged" for b in buckets if b not in covered]
    for cfn_type, what, key in (
        ("AWS::DynamoDB::Table", "DynamoDB tables", "trail.dataEventTables"),
        ("AWS::Lambda::Function", "Lambda functions", "trail.dataEventFunctions"),
    ):
        listed = list(f.setting(key.replace("dataEventTables", "data_event_tables").replace("dataEventFunctions", "data_event_functions"), []) or [])
        selected = [data_event_prefixes(t.properties, cfn_type) for t in trails]
        everything = any(e for e, _ in selected)
        prefixes = {p for _, ps in selected for p in ps}
        if not listed and not everything:
            found.gaps.append(f"{what} holding or serving Information: none listed in {key}, so no trail selects their data events")
            continue
        covered_here = [arn for arn in listed if everything or arn in prefixes]
        if covered_here:
            found.controls.append(f"{what} data events on {', '.join(covered_here)}: {where(trails)}")
        found.gaps += [f"{arn} is listed in {key} but no trail selects its data events" for arn in listed if arn not in covered_here]
    return found


@grades("DPP-LOG-1.c")
def console_sign_ins(f: Facts) -> Finding:
    found = Finding(
        checks=[
            case(f"{_COLLECTION}::test_trail_is_multi_region_validated_encrypted_and_streamed"),
            case("tests/synth/test_detection.py::test_root_sign_in_is_critical"),
            case("tests/synth/test_alarms.py::test_filter_pattern_matches_the_event_and_not_the_close_miss"),
        ]
    )
    trails = [t for t in multi_region_trails(f) if management_events_logged(t.properties)]
    if not trails:
        return found.needs("a multi-region trail with global service events (console sign-ins are global-service management events)")
    found.controls.append(f"AWS console sign-ins: the multi-region trail with global service events, {where(trails)}")
    found.gaps += _trail_gaps(f, trails)
    found.gaps.append("the application's own admin dashboard: not logged by this project (DPP-LOG-8)")
    return found


_FLOW_FIELDS_NEEDED = ("srcaddr", "dstaddr", "srcport", "dstport", "action", "start", "end")


@grades("DPP-LOG-2.a")
def service_log_fields(f: Facts) -> Finding:
    found = Finding(
        checks=[
            case(f"{_COLLECTION}::test_flow_log_format_carries_every_field_the_dpp_names"),
            case(f"{_COLLECTION}::test_trail_is_multi_region_validated_encrypted_and_streamed"),
        ]
    )
    trails = multi_region_trails(f)
    if trails:
        found.controls.append(f"CloudTrail records (time, source IP, identity, event, error code, resources): {where(trails)}")
    formats = [(r, json.dumps(r.properties.get("LogFormat", ""))) for r in f.of_type("AWS::EC2::FlowLog")]
    formats += [(r, json.dumps((r.properties.get("Environment") or {}).get("Variables", {}).get("FLOW_LOG_FORMAT", ""))) for r in f.of_type("AWS::Lambda::Function", "FlowLogEnforcer")]
    if formats:
        short = [r for r, fmt in formats if not all(f"${{{field}}}" in fmt for field in _FLOW_FIELDS_NEEDED)]
        found.controls.append(f"flow-log format with addresses, ports, action and times: {where([r for r, _ in formats])}")
        found.gaps += [f"{r.path}: flow-log format lacks some of {', '.join(_FLOW_FIELDS_NEEDED)}" for r in short]
    else:
        found.gaps.append("flow logs: none deployed (switch on features.flowLogs)")
    if f.of_type("AWS::Route53Resolver::ResolverQueryLoggingConfig") or f.of_type(STACKSET, "MemberBaseline"):
        found.controls.append(f"Route 53 Resolver query logs: {where(f.of_type('AWS::Route53Resolver::ResolverQueryLoggingConfig'))}")
    else:
        found.gaps.append("DNS query logs: none deployed (switch on features.dnsQueryLogs)")
    if not trails:
        found.answer = "a multi-region trail"
        found.controls = []
    return found


@grades("DPP-LOG-2.b")
def application_logs(f: Facts) -> Finding:
    """The helper is code the application imports, so it is graded on its tests, not on a template."""
    return Finding(
        controls=[
            "dpp_logging (in the wheel with dpp_nag): Powertools JSON records with the request's correlation ID, security events "
            "with the DPP-LOG-2 fields, one record per SP-API call (operation, marketplace, status, request ID, latency; no "
            "payload), personal data redacted before writing; used by the example workload (examples/workload)"
        ],
        checks=[
            case("tests/workload/test_dpp_logging.py::test_a_security_event_carries_every_dpp_log_2_field_and_the_correlation_id"),
            case("tests/workload/test_dpp_logging.py::test_one_record_per_sp_api_call_without_the_payload"),
            case("tests/workload/test_dpp_logging.py::test_personal_data_is_redacted_in_nested_dicts_and_lists"),
            case("tests/workload/test_example_workload.py::test_the_example_function_logs_a_security_event_and_its_sp_api_call"),
        ],
    )


def _per_place(f: Facts, found: Finding, resources: list, label: str, feature: str) -> Finding:
    members = f.of_type(STACKSET, "MemberBaseline")
    if not resources and not members:
        return found.needs(f"switch on features.{feature}" if not f.feature(feature) else f"{label} in every configured account and region")
    if resources:
        found.controls.append(f"{label}: {where(resources)}")
    if members:
        found.controls.append(f"member accounts: the member baseline StackSet ({where(members)})")
    found.gaps += [f"no {label} in {p}" for p in f.missing_places(resources)]
    return found


@grades("DPP-LOG-3")
def flow_logs(f: Facts) -> Finding:
    found = Finding(
        checks=[
            rule("DPP-VpcFlowLogged"),
            rule("DPP-FlowLogAllTraffic"),
            case(f"{_COLLECTION}::test_every_other_vpc_is_covered_by_the_enforcer"),
            case("tests/lambdas/test_flow_log_enforcer.py::test_a_new_vpc_gets_an_all_traffic_flow_log_and_dns_logging"),
            case("tests/lambdas/test_flow_log_enforcer.py::test_daily_sweep_covers_every_vpc_including_the_default_one"),
            case("tests/synth/test_log_archive.py::test_each_service_may_only_write_its_own_prefix_for_covered_accounts"),
            access("vpc-flow-logs-put"),
        ]
    )
    enforcers = f.of_type("AWS::Lambda::Function", "FlowLogEnforcer")
    _per_place(f, found, enforcers, "flow-log enforcer (ALL traffic, new VPCs on CreateVpc, daily sweep)", "flowLogs")
    named = f.of_type("AWS::EC2::FlowLog")
    if named:
        found.controls.append(f"flow logs of the named VPCs: {where(named)}")
    return found


@grades("DPP-LOG-4")
def dns_logs(f: Facts) -> Finding:
    found = Finding(
        checks=[
            case(f"{_COLLECTION}::test_named_vpcs_are_associated_with_dns_query_logging"),
            case("tests/lambdas/test_flow_log_enforcer.py::test_a_new_vpc_gets_an_all_traffic_flow_log_and_dns_logging"),
            case("tests/synth/test_log_archive.py::test_each_service_may_only_write_its_own_prefix_for_covered_accounts"),
            access("dns-query-logs-put"),
        ]
    )
    configs = f.of_type("AWS::Route53Resolver::ResolverQueryLoggingConfig")
    _per_place(f, found, configs, "Route 53 Resolver query logging to the archive", "dnsQueryLogs")
    if configs and not f.of_type("AWS::Lambda::Function", "FlowLogEnforcer"):
        found.gaps.append("VPCs created after deployment are associated by the flow-log enforcer, which is off (features.flowLogs)")
    return found


@grades("DPP-LOG-5")
def config_history(f: Facts) -> Finding:
    found = Finding(
        checks=[
            rule("DPP-ConfigRecordsAllResources"),
            rule("DPP-ConfigGlobalTypesOnce"),
            rule("DPP-ConfigRecorderDelivers"),
            rule("DPP-ConfigRecorderPresent"),
            case(f"{_COLLECTION}::test_config_records_everything_and_global_types_once"),
            case("tests/synth/test_log_archive.py::test_config_staging_has_no_object_lock_and_feeds_both_locked_copies"),
            access("config-put-service", "config-put-role"),
        ]
    )
    recorders = [r for r in f.of_type("AWS::Config::ConfigurationRecorder") if (r.properties.get("RecordingGroup") or {}).get("AllSupported") is True]
    _per_place(f, found, recorders, "Config recorder of every supported type, delivering to the staging bucket replicated into the archive", "configRecorder")
    delivering = {r.place for r in f.of_type("AWS::Config::DeliveryChannel")}
    found.gaps += [f"recorder in {r.place} has no delivery channel" for r in recorders if r.place not in delivering]
    return found


_PLANS = {
    "s3DataEvents": "S3_DATA_EVENTS",
    "eksAuditLogs": "EKS_AUDIT_LOGS",
    "runtimeMonitoring": "RUNTIME_MONITORING",
    "ebsMalwareProtection": "EBS_MALWARE_PROTECTION",
    "rdsLoginEvents": "RDS_LOGIN_EVENTS",
    "lambdaNetworkLogs": "LAMBDA_NETWORK_LOGS",
}


@grades("DPP-LOG-6")
def threat_detection(f: Facts) -> Finding:
    found = Finding(
        checks=[
            rule("DPP-GuardDutyEnabled"),
            rule("DPP-GuardDutyPresent"),
            rule("DPP-SecurityHubPresent"),
            rule("DPP-SecurityHubStandard"),
            case("tests/synth/test_detection.py::test_guardduty_in_every_region_with_every_protection_plan"),
            case("tests/synth/test_detection.py::test_security_hub_standards_per_region_and_aggregator_only_at_home"),
            access("guardduty-put"),
        ]
    )
    detectors = [r for r in f.of_type("AWS::GuardDuty::Detector") if r.properties.get("Enable") is True]
    hubs = f.of_type("AWS::SecurityHub::Hub")
    standards = f.of_type("AWS::SecurityHub::Standard")
    if not detectors and not hubs:
        return found.needs("switch on features.guardDuty and features.securityHub")
    if detectors:
        found.controls.append(f"GuardDuty detectors: {where(detectors)}")
    else:
        found.gaps.append("GuardDuty: no detector anywhere (switch on features.guardDuty)")
    if hubs:
        distinct = {str(s.properties.get("StandardsArn")).split("standards/")[-1] for s in standards}
        found.controls.append(f"Security Hub with {len(distinct)} standard(s) ({', '.join(sorted(distinct))}): {where(hubs)}")
    else:
        found.gaps.append("Security Hub: no hub anywhere (switch on features.securityHub)")
    if detectors:
        found.gaps += [f"no GuardDuty detector in {p}" for p in f.missing_places(detectors)]
    if hubs:
        found.gaps += [f"no Security Hub in {p}" for p in f.missing_places(hubs)]
        with_standards = {s.place for s in standards}
        found.gaps += [f"Security Hub in {h.place} has no standard enabled" for h in hubs if h.place not in with_standards]
    for detector in detectors:
        enabled = {feat.get("Name") for feat in detector.properties.get("Features") or [] if feat.get("Status") == "ENABLED"}
        off = [key for key, name in _PLANS.items() if name not in enabled]
        if off:
            found.gaps.append(f"GuardDuty in {detector.place}: protection plans off: {', '.join(off)} (detection.guardDutyProtections)")
    return found


@grades("DPP-LOG-7")
def log_store_access(f: Facts) -> Finding:
    found = Finding(
        checks=[
            case("tests/synth/test_log_archive.py::test_archive_access_is_logged_to_the_access_log_bucket"),
            case(f"{_COLLECTION}::test_trail_records_management_events_and_reads_of_the_archive"),
            access("access-logging"),
        ]
    )
    archive = f.of_type("AWS::S3::Bucket", "ArchiveBucket") + f.of_type("AWS::S3::Bucket", "ReplicaBucket")
    logged = [b for b in archive if b.properties.get("LoggingConfiguration")]
    if not logged:
        return found.needs("S3 server access logging on the archive and replica buckets, and trail data events on reads of the archive")
    found.controls.append(f"S3 server access logs of the archive buckets: {where(logged)}")
    found.gaps += [f"{b.path}: no server access logging" for b in archive if b not in logged]
    archive_names = [str(b.properties.get("BucketName")) for b in archive]
    reads = [t for t in multi_region_trails(f) if any(any(n in p for n in archive_names) for p in _all_prefixes(t.properties))]
    if reads:
        found.controls.append(f"trail data events on reads of the archive: {where(reads)}")
    archive_accounts = {b.account for b in archive}
    readers = archive_accounts if any(t.properties.get("IsOrganizationTrail") for t in reads) else {t.account for t in reads}
    found.gaps += [f"the log-archive account {a} has no trail logging reads of the archive" for a in sorted(archive_accounts - readers)]
    return found


def _all_prefixes(props: dict) -> list[str]:
    prefixes = []
    for selector in props.get("AdvancedEventSelectors") or []:
        for field in selector.get("FieldSelectors", []):
            if field.get("Field") == "resources.ARN":
                prefixes += list(field.get("StartsWith") or []) + list(field.get("Equals") or [])
    return prefixes


_CLOUDFRONT_CUSTOM = "custom:AWS::CloudFront::Distribution"


def _rule_identifier(rule, custom_functions: dict[tuple[str, str], str]) -> str:
    """A managed rule's identifier; for a custom Lambda rule, ``custom:`` and the one resource
    type it evaluates, when it runs the project's own check (``custom_functions``: the function
    names by stack and logical ID) on changes and on a schedule; any other custom rule is
    ``custom:unknown`` and detects nothing here."""
    source = rule.properties.get("Source") or {}
    if source.get("Owner") == "CUSTOM_LAMBDA":
        target = (source.get("SourceIdentifier") or {}).get("Fn::GetAtt", [""])[0] if isinstance(source.get("SourceIdentifier"), dict) else ""
        triggers = {d.get("MessageType") for d in source.get("SourceDetails") or []}
        if custom_functions.get((rule.stack, target)) is None or not {"ConfigurationItemChangeNotification", "ScheduledNotification"} <= triggers:
            return "custom:unknown"
        return "custom:" + ",".join((rule.properties.get("Scope") or {}).get("ComplianceResourceTypes") or [])
    return str(source.get("SourceIdentifier"))


# AWS Config rules (name, identifier) that detect each channel's logging at run time:
# https://docs.aws.amazon.com/config/latest/developerguide/managed-rules-by-aws-config.html
_WORKLOAD_CHANNELS = {
    "load balancer access logs": ("elb-logging-enabled", "ELB_LOGGING_ENABLED"),
    "API Gateway execution logs": ("api-gw-execution-logging-enabled", "API_GW_EXECUTION_LOGGING_ENABLED"),
    "API Gateway REST access logs": ("apigateway-stage-access-logs-enabled", "APIGATEWAY_STAGE_ACCESS_LOGS_ENABLED"),
    "API Gateway HTTP/WebSocket access logs": ("api-gwv2-access-logs-enabled", "API_GWV2_ACCESS_LOGS_ENABLED"),
    # The project's custom rule, which also accepts standard logging v2 (AWS's recognises legacy only).
    "CloudFront logs": ("CloudFrontAccessLogs, custom", _CLOUDFRONT_CUSTOM),
    "WAF logs": ("wafv2-logging-enabled", "WAFV2_LOGGING_ENABLED"),
    "RDS/Aurora audit logs": ("rds-logging-enabled", "RDS_LOGGING_ENABLED"),
    "retention of every log group of the account": ("cw-loggroup-retention-period-check", "CW_LOGGROUP_RETENTION_PERIOD_CHECK"),
}
_CLOUDFRONT_REGION = "us-east-1"  # where Config records distributions and the rule runs
_WORKLOAD = "tests/synth/test_workload_channels.py"


def _exports_into_archive(f: Facts, policy) -> bool:
    """A subscription filter policy of every log group (no pattern) whose destination is a
    Firehose stream of its own account and region writing the archive's cloudwatch-logs/ layout
    into the staging bucket or that region's intake (both replicated into the locked copies)."""
    props = policy.properties
    try:
        document = json.loads(props.get("PolicyDocument") or "{}")
    except (TypeError, ValueError):
        return False
    if props.get("Scope") != "ALL" or document.get("FilterPattern") != "":
        return False
    destination = str(document.get("DestinationArn", ""))
    name = destination.rsplit("/", 1)[-1]
    if destination != f"arn:aws:firehose:{policy.region}:{policy.account}:deliverystream/{name}":
        return False
    buckets = {f"arn:aws:s3:::{f.prefix}-config-staging-", f"arn:aws:s3:::{f.prefix}-log-intake-"}
    for stream in f.of_type("AWS::KinesisFirehose::DeliveryStream"):
        if stream.place != policy.place or stream.properties.get("DeliveryStreamName") != name:
            continue
        s3 = stream.properties.get("ExtendedS3DestinationConfiguration") or {}
        processors = [p.get("Type") for p in (s3.get("ProcessingConfiguration") or {}).get("Processors", [])]
        if (
            str(s3.get("Prefix", "")).startswith(f"cloudwatch-logs/{policy.account}/{policy.region}/")
            and any(str(s3.get("BucketARN", "")).startswith(b) for b in buckets)
            and "Decompression" in processors
        ):
            return True
    return False


def _workload_log_buckets(f: Facts) -> list:
    """Buckets that really take ALB access logs and WAF logs: named aws-waf-logs-* (WAF's
    rule), SSE-S3 (ALB's only encryption), versioned, with server access logs, and a
    policy admitting the ELB log delivery under alb/ and the log-delivery service, bound to
    the bucket's account, under waf/ (capabilities.workload_logs.log_buckets)."""
    from evidence.clauses.protect import _policies_of, statements

    sound = []
    for bucket in f.of_type("AWS::S3::Bucket"):
        p = bucket.properties
        if not str(p.get("BucketName", "")).startswith("aws-waf-logs-"):
            continue
        algorithms = {str(((r or {}).get("ServerSideEncryptionByDefault") or {}).get("SSEAlgorithm")) for r in (p.get("BucketEncryption") or {}).get("ServerSideEncryptionConfiguration", [])}
        if algorithms != {"AES256"} or (p.get("VersioningConfiguration") or {}).get("Status") != "Enabled" or not p.get("LoggingConfiguration"):
            continue
        policy = [s for r in _policies_of(f, bucket) for s in statements(r) if s.get("Effect") == "Allow"]
        text = [json.dumps(s) for s in policy]
        alb = any("logdelivery.elasticloadbalancing.amazonaws.com" in t and "/alb/AWSLogs/" in t for t in text)
        waf = any("delivery.logs.amazonaws.com" in t and "/waf/AWSLogs/" in t and "aws:SourceAccount" in t and "aws:SourceArn" in t for t in text)
        if alb and waf:
            sound.append(bucket)
    return sound


def _forwarded(f: Facts, buckets: list) -> list:
    """The workload log buckets whose new objects reach the archive: the bucket announces them
    to EventBridge, a rule of its account and region takes its "Object Created" events and
    invokes a function of that place that copies under ``workload-logs/<account>/<region>`` into
    the staging bucket or an intake (both replicated into the locked copies;
    capabilities.workload_logs.log_forwarder)."""
    archive = (f"{f.prefix}-config-staging-", f"{f.prefix}-log-intake-")
    forwarded = []
    for bucket in buckets:
        notification = (bucket.properties.get("NotificationConfiguration") or {}).get("EventBridgeConfiguration") or {}
        if notification.get("EventBridgeEnabled") is not True:
            continue
        name = bucket.properties.get("BucketName")
        functions = {
            r.logical_id
            for r in f.of_type("AWS::Lambda::Function")
            if r.place == bucket.place
            and ((r.properties.get("Environment") or {}).get("Variables") or {}).get("DESTINATION_PREFIX") == f"workload-logs/{bucket.account}/{bucket.region}"
            and str(((r.properties.get("Environment") or {}).get("Variables") or {}).get("DESTINATION_BUCKET", "")).startswith(archive)
        }
        for events_rule in f.of_type("AWS::Events::Rule"):
            pattern = events_rule.properties.get("EventPattern") or {}
            targets = json.dumps(events_rule.properties.get("Targets") or [])
            if (
                events_rule.place == bucket.place
                and pattern.get("detail-type") == ["Object Created"]
                and name in ((pattern.get("detail") or {}).get("bucket") or {}).get("name", [])
                and any(fn in targets for fn in functions)
            ):
                forwarded.append(bucket)
                break
    return forwarded


@grades("DPP-LOG-8")
def workload_channels(f: Facts) -> Finding:
    found = Finding(
        checks=[
            case("tests/synth/test_collection.py::test_config_rules_watch_the_baseline_account_wide_checks_only_at_home"),
            case("tests/workload/test_example_workload.py::test_the_example_without_logging_fails_with_the_rules_a_user_looks_up"),
            case(f"{_WORKLOAD}::test_every_covered_region_checks_load_balancer_api_gateway_waf_and_rds_logging"),
            case(f"{_WORKLOAD}::test_the_cloudfront_rule_accepts_v2_into_the_cloudfront_prefix_of_the_accounts_workload_buckets_only"),
            case("tests/lambdas/test_cloudfront_logging_rule.py::test_v2_into_the_workload_buckets_cloudfront_prefix_is_compliant_and_elsewhere_is_not"),
            case(f"{_WORKLOAD}::test_non_compliance_of_a_workload_rule_reaches_the_high_topic_and_compliance_does_not"),
            case(f"{_WORKLOAD}::test_every_log_group_streams_through_firehose_into_the_archive_layout"),
            access("firehose-put"),
            access("logs-assumes-subscription-role"),
            case("tests/synth/test_workload_log_buckets.py::test_the_forwarder_copies_into_the_regions_replicated_destination"),
            case("tests/lambdas/test_log_forwarder.py::test_copies_the_object_under_the_archive_prefix_with_the_destination_key"),
            access("forwarder-put"),
        ]
    )
    # enforced at synth for the application's own stacks by the workload pack they apply
    found.controls.append("DPP workload pack (DppWorkloadPack) for the application's CDK apps: load balancer, API Gateway, CloudFront, WAF, RDS/Aurora, ECS and log-group rules")
    rules = f.of_type("AWS::Config::ConfigRule")
    # The project's CloudFront check function (configuration.naming.cloudfront_logging_check_name).
    checks = {(r.stack, r.logical_id): str(r.properties.get("FunctionName")) for r in f.of_type("AWS::Lambda::Function") if r.properties.get("FunctionName") == f"{f.prefix}-cloudfront-logging-check"}
    identifiers = {_rule_identifier(r, checks) for r in rules}
    detected = [name for name, (_, ident) in _WORKLOAD_CHANNELS.items() if ident in identifiers]
    if detected:
        found.controls.append(f"Config rules detecting at run time: {', '.join(detected)}")
        for name, (_, ident) in _WORKLOAD_CHANNELS.items():
            if ident == _CLOUDFRONT_CUSTOM:
                continue
            having = [r for r in rules if _rule_identifier(r, checks) == ident]
            if ident in identifiers:
                found.gaps += [f"{name}: no Config rule in {p}" for p in f.missing_places(having)]
    missing = [f"{name} (Config rule {rule_name})" for name, (rule_name, ident) in _WORKLOAD_CHANNELS.items() if ident not in identifiers]
    if _CLOUDFRONT_CUSTOM not in identifiers and _CLOUDFRONT_REGION not in f.regions:
        missing = [m for m in missing if not m.startswith("CloudFront")]
        found.gaps.append(f"CloudFront logs: Config records distributions only in {_CLOUDFRONT_REGION}, which is not a covered region")
    exports = [p for p in f.of_type("AWS::Logs::AccountPolicy") if p.properties.get("PolicyType") == "SUBSCRIPTION_FILTER_POLICY" and _exports_into_archive(f, p)]
    if exports:
        found.controls.append(f"every log group streamed into the archive's cloudwatch-logs/ (Firehose, replicated into the locked copies): {where(exports)}")
        found.gaps += [f"log groups not exported into the archive in {p}" for p in f.missing_places(exports)]
    what = "at run time, Config rules: " + "; ".join(missing)
    if detected or exports:
        found.gaps += [f"not detected: {m}" for m in missing]
        if not exports:
            found.gaps.append("log groups of the account: not exported into the archive (no account-wide subscription filter policy)")
        buckets = _workload_log_buckets(f)
        if buckets:
            found.controls.append(
                "workload log buckets for ALB access logs (alb/, ELB account and logdelivery.elasticloadbalancing) and WAF logs (waf/, "
                f"delivery.logs bound to the account): aws-waf-logs-*, SSE-S3, versioned, server access logs: {where(buckets)}"
            )
            forwarded = _forwarded(f, buckets)
            if forwarded:
                found.controls.append(f"workload log buckets copied into the archive's workload-logs/ by the log forwarder (SSE-KMS, replicated into the locked copies): {where(forwarded)}")
            found.gaps += [f"workload log bucket not copied into the log-archive account in {p}" for p in f.missing_places(forwarded, [b.place for b in buckets])]
        workload_places = [f"{a}/{r}" for a in f.accounts("workload") for r in f.regions]
        found.gaps += [f"no workload log bucket for ALB/WAF logs (sound: SSE-S3, versioned, logged, delivery policies) in {p}" for p in f.missing_places(buckets, workload_places)]
        found.gaps += [
            "CloudFront standard logs: no ACL-enabled workload bucket (bring your own)",
            "container and host logs (agents): not checked",
        ]
    else:
        found.answer = what
    return found
