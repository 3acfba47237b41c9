"""Monitor and alert: DPP-MON-1 .. DPP-MON-8, graded on the alarms (by catalogue ID, with actions
that can notify), the EventBridge routes, topics, subscriptions and the relay as synthesized."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

from capabilities.drills.paths import PATHS
from configuration.schedule import parse_schedule
from evidence.checks import access, case, rule
from evidence.clauses.registry import grades
from evidence.facts import Facts, where
from evidence.grading import Finding
from evidence.register import Register, parse_time

_ALARMS = "tests/synth/test_alarms.py"
_FIRES = case(f"{_ALARMS}::test_every_alarm_can_fire_on_one_event_and_notifies_its_severity_topic")
_MATCHES = case(f"{_ALARMS}::test_filter_pattern_matches_the_event_and_not_the_close_miss")
_CAN_FIRE = rule("DPP-AlarmCanFire")


def _why_missing(f: Facts, alarm_id: str) -> str:
    if not f.feature("alarms"):
        return "switch on features.alarms"
    if alarm_id in (f.setting("alarms.disabled", []) or []):
        return f"remove {alarm_id} from alarms.disabled"
    return "not in the catalogue for this configuration"


def alarms(f: Facts, found: Finding, wanted: dict[str, str]) -> Finding:
    """Adds a control per alarm of ``wanted`` (ID -> what it watches) that exists with actions,
    and a gap per one that does not; no control at all leaves the clause not met."""
    present = []
    for alarm_id, what in wanted.items():
        resources = f.alarms_with_actions(alarm_id)
        if resources:
            threshold = resources[0].properties.get("Threshold")
            present.append(f"{what}: alarm {alarm_id}" + (f" (threshold {threshold:g})" if isinstance(threshold, (int, float)) else " (anomaly band)") + f", {where(resources)}")
        else:
            found.gaps.append(f"{what}: alarm {alarm_id} absent ({_why_missing(f, alarm_id)})")
    found.controls += present
    if not present:
        found.answer = "; ".join(sorted({g.split("(")[-1].rstrip(")") for g in found.gaps})) or "alarms on the trail's log group"
        found.gaps = []
    return found


def routes(f: Facts, marker: str) -> list:
    return [r for r in f.of_type("AWS::Events::Rule", f"FindingRoutes{marker}") if r.properties.get("Targets")]


@grades("DPP-MON-1")
def real_time(f: Facts) -> Finding:
    found = Finding(
        checks=[
            rule("DPP-TrailToCloudWatchLogs"),
            rule("DPP-GuardDutyEnabled"),
            case("tests/synth/test_collection.py::test_trail_is_multi_region_validated_encrypted_and_streamed"),
            case("tests/synth/test_detection.py::test_guardduty_findings_go_to_their_severity_band"),
            case("tests/synth/test_detection.py::test_every_route_is_a_rule_to_its_severity_topic_with_a_dead_letter_queue"),
        ]
    )
    streamed = [t for t in f.of_type("AWS::CloudTrail::Trail") if t.properties.get("CloudWatchLogsLogGroupArn")]
    if not streamed:
        found.answer = "stream the trail to CloudWatch Logs"
        return found
    found.controls.append(f"trail streamed to CloudWatch Logs: {where(streamed)}")
    finding_routes = routes(f, "GuardDuty") + routes(f, "SecurityHub")
    if finding_routes:
        found.controls.append(f"findings routed to the severity topics: {where(finding_routes)}")
        found.gaps += [f"no finding route in {p}" for p in f.missing_places(finding_routes)]
    else:
        found.gaps.append("findings reach nobody: no GuardDuty or Security Hub route (features.guardDuty, features.securityHub)")
    slow = [d for d in f.of_type("AWS::GuardDuty::Detector") if d.properties.get("FindingPublishingFrequency", "SIX_HOURS") != "FIFTEEN_MINUTES"]
    found.gaps += [f"GuardDuty in {d.place} publishes less often than every 15 minutes" for d in slow]
    return found


@grades("DPP-MON-2")
def investigative(f: Facts) -> Finding:
    found = Finding(
        checks=[
            _CAN_FIRE,
            rule("DPP-CanaryAlarmPresent"),
            rule("DPP-TrailDataEventsCanary"),
            _FIRES,
            _MATCHES,
            case("tests/synth/test_canary.py::test_every_object_call_on_the_decoy_is_a_trail_data_event"),
        ]
    )
    return alarms(
        f,
        found,
        {
            "UnauthorizedCallsByOnePrincipal": "multiple unauthorized calls",
            "ApiCallVolumeAnomaly": "unexpected request rate",
            "DataRetrievalAnomaly": "unexpected data-retrieval volume",
            "CanaryAccessed": "access to canary records",
        },
    )


@grades("DPP-MON-3.a")
def privileged_access(f: Facts) -> Finding:
    found = Finding(
        checks=[
            _CAN_FIRE,
            _FIRES,
            _MATCHES,
            case(f"{_ALARMS}::test_break_glass_sessions_are_counted_too"),
            case(f"{_ALARMS}::test_the_organization_access_role_counts_as_privileged"),
            case("tests/synth/test_detection.py::test_root_sign_in_is_critical"),
        ]
    )
    roles = ", ".join(f.setting("alarms.privileged_roles", []) or []) or "none configured"
    alarms(f, found, {"RootUsage": "root activity", "BreakGlassRoleUsed": "break-glass role", "PrivilegedRoleAssumed": f"administrator roles ({roles}; alarms.privilegedRoles)"})
    return found


@grades("DPP-MON-3.b")
def failed_logins(f: Facts) -> Finding:
    found = Finding(checks=[_CAN_FIRE, _FIRES, _MATCHES])
    alarms(f, found, {"ConsoleAuthenticationFailures": "failed console logins", "FailedConsoleSignInsBurst": "failures at the lockout threshold"})
    burst = f.alarm("FailedConsoleSignInsBurst")
    if burst and float(burst[0].properties.get("Threshold") or 0) > 10:
        found.gaps.append(f"FailedConsoleSignInsBurst fires at {burst[0].properties['Threshold']:g}, above the DPP's 10")
    return found


@grades("DPP-MON-3.c")
def outside_hours(f: Facts) -> Finding:
    found = Finding(
        checks=[_CAN_FIRE, _FIRES, case(f"{_ALARMS}::test_the_alarm_never_counts_a_sign_in_inside_business_hours"), case(f"{_ALARMS}::test_the_alarm_counts_a_sign_in_well_outside_business_hours")]
    )
    zone = f.setting("business_hours.time_zone", "?")
    return alarms(f, found, {"AccessOutsideBusinessHours": f"console access outside {f.setting('business_hours.start', '?')}-{f.setting('business_hours.end', '?')} {zone}"})


@grades("DPP-MON-3.d")
def unexpected_locations(f: Facts) -> Finding:
    found = Finding(
        checks=[
            _CAN_FIRE,
            _FIRES,
            _MATCHES,
            case(f"{_ALARMS}::test_every_uncovered_region_counts_and_no_covered_one"),
            case(f"{_ALARMS}::test_global_service_events_in_us_east_1_are_not_unexpected"),
            case("tests/synth/test_detection.py::test_unexpected_location_findings_have_their_own_route"),
        ]
    )
    located = routes(f, "GuardDutyUnexpectedLocation")
    if located:
        found.controls.append(f"GuardDuty's location findings (ConsoleLoginSuccess.B, InstanceCredentialExfiltration, IAM AnomalousBehavior) routed as unexpected locations: {where(located)}")
        found.gaps += [f"no location route in {p}" for p in f.missing_places(located)]
    else:
        found.gaps.append("GuardDuty's location findings: no route (features.guardDuty)")
    regions = ", ".join(f.regions)
    region_alarms = alarms(
        f, Finding(), {"UnexpectedRegionActivity": f"calls in regions outside {regions}"} | ({} if "us-east-1" in f.regions else {"UnexpectedRegionActivityUsEast1": "regional calls in us-east-1"})
    )
    found.controls += region_alarms.controls
    found.gaps += region_alarms.gaps or ([f"calls in regions outside {regions}: no alarm ({region_alarms.answer})"] if region_alarms.answer else [])
    if not found.controls:
        found.gaps = []
        found.answer = "switch on features.guardDuty (location findings) and features.alarms (calls outside the covered regions)"
    return found


@grades("DPP-MON-3.e")
def data_transfer(f: Facts) -> Finding:
    found = Finding(
        checks=[
            _CAN_FIRE,
            _FIRES,
            _MATCHES,
            case(f"{_ALARMS}::test_large_transfer_sums_the_bytes_read_and_fires_at_the_threshold"),
            case(f"{_ALARMS}::test_alarms_can_be_switched_off_rethresholded_and_added"),
        ]
    )
    limit = f.setting("alarms.large_transfer_bytes", None)
    alarms(
        f,
        found,
        {
            "LargeDataTransfer": f"bytes read from the sensitive buckets (alarms.largeTransferBytes {limit})",
            "DataRetrievalAnomaly": "reads of the sensitive buckets above their usual volume",
            "CanaryAccessed": "canary record read",
        },
    )
    egress = [a for a in f.of_type("AWS::CloudWatch::Alarm") if a.properties.get("MetricName") == "BytesOutToDestination" and a.properties.get("AlarmActions")]
    if egress:
        found.controls.append(f"egress bytes through the listed NAT gateways (alarms.natGateways): {where(egress)}")
    if not found.controls and not f.setting("trail.data_events", True):
        found.answer = "switch on trail.dataEvents (reads of the sensitive buckets are what the alarms count)"
    return found


@grades("DPP-MON-3.f")
def volume_spikes(f: Facts) -> Finding:
    found = Finding(checks=[_CAN_FIRE, case(f"{_ALARMS}::test_anomaly_alarm_uses_a_detection_band"), case("tests/synth/test_detection.py::test_cloudtrail_insights_start_only")])
    alarms(f, found, {"ApiCallVolumeAnomaly": "API call volume against its baseline"})
    insights = routes(f, "CloudTrailInsight")
    if insights:
        found.controls.append(f"CloudTrail Insights events routed: {where(insights)}")
    return found


_CONTROL_ROUTES = ("TrailTampering", "ConfigTampering", "GuardDutyTampering", "SecurityHubTampering", "FlowLogsDeleted", "KeyDisabledOrDeleted", "ArchiveTampering")


@grades("DPP-MON-3.g")
def configuration_changes(f: Facts) -> Finding:
    found = Finding(
        checks=[
            case("tests/synth/test_detection.py::test_control_changes_are_critical_and_near_misses_are_not"),
            case("tests/synth/test_detection.py::test_every_control_change_route_has_a_test"),
            case("tests/synth/test_detection.py::test_config_non_compliance"),
        ]
    )
    present = [r for r in _CONTROL_ROUTES if routes(f, r)]
    if present:
        found.controls.append(f"security-control changes routed as critical: {', '.join(present)} ({where([x for r in present for x in routes(f, r)])})")
        found.gaps += [f"no route {r}" for r in _CONTROL_ROUTES if r not in present]
        found.gaps += [f"control-change routes missing in {p}" for p in f.missing_places([x for r in present for x in routes(f, r)])]
    config_routes = routes(f, "ConfigNonCompliant")
    if config_routes:
        found.controls.append(f"configuration changes recorded by Config, non-compliance routed: {where(config_routes)}")
    else:
        found.gaps.append("production configuration changes: no Config non-compliance route (features.configRecorder)")
    if not present:
        found.answer = "EventBridge routes for changes to the trail, Config, GuardDuty, Security Hub, flow logs, keys and the archive policy"
        found.controls = []
    return found


@grades("DPP-MON-3.h")
def workload_health(f: Facts) -> Finding:
    found = Finding(
        checks=[
            case("tests/synth/test_costs.py::test_cost_anomalies_are_detected_in_us_east_1_and_notify_the_high_topic"),
            case("tests/synth/test_costs.py::test_monthly_budget_notifies_the_medium_topic_on_actual_and_forecast_spend"),
            case("tests/access/test_access_paths.py::test_every_path_is_decided_as_aws_would"),
            case(f"{_ALARMS}::test_alarms_can_be_switched_off_rethresholded_and_added"),
        ]
    )
    subscriptions = [s for s in f.of_type("AWS::CE::AnomalySubscription") if s.properties.get("Subscribers")]
    if subscriptions:
        found.controls.append(f"cost anomalies notified to the alert topic: {where(subscriptions)}")
    else:
        found.gaps.append("cost anomalies: no subscription (costs.anomalyDetection, features.alarms)")
    budgets = [b for b in f.of_type("AWS::Budgets::Budget") if b.properties.get("NotificationsWithSubscribers")]
    if budgets:
        found.controls.append(f"monthly budget (costs.monthlyBudgetUsd) notifying the alert topic: {where(budgets)}")
    else:
        found.gaps.append("monthly budget: none (set costs.monthlyBudgetUsd)")
    workload = f.setting("alarms.workload_metrics", []) or []
    if workload:
        found.controls.append(f"workload availability and utilization alarms (alarms.workloadMetrics): {', '.join(w['id'] if isinstance(w, dict) else str(w) for w in workload)}")
    else:
        found.gaps.append("workload utilization, availability and performance: no alarm configured (alarms.workloadMetrics names the workload's own metrics)")
    if not found.controls:
        found.answer = "cost anomaly detection (costs.anomalyDetection), a budget (costs.monthlyBudgetUsd) and workload alarms (alarms.workloadMetrics)"
        found.gaps = []
    return found


@grades("DPP-MON-4")
def beyond_boundaries(f: Facts) -> Finding:
    found = Finding(
        checks=[
            rule("DPP-GuardDutyEnabled"),
            rule("DPP-MalwareScanTagsVerdict"),
            rule("DPP-CanaryAlarmPresent"),
            case("tests/synth/test_detection.py::test_guardduty_findings_go_to_their_severity_band"),
            case("tests/synth/test_canary.py::test_every_object_call_on_the_decoy_is_a_trail_data_event"),
            case("tests/synth/test_detection.py::test_sensitive_bucket_is_scanned_for_malware_in_its_own_region_only"),
            case("tests/synth/test_detection.py::test_exposed_credentials_are_critical"),
        ]
    )
    guardduty = [d for d in f.of_type("AWS::GuardDuty::Detector") if "S3_DATA_EVENTS" in json.dumps(d.properties.get("Features"))]
    if guardduty:
        found.controls.append(f"GuardDuty S3 protection (exfiltration findings): {where(guardduty)}")
    else:
        found.gaps.append("exfiltration findings: GuardDuty S3 protection off (features.guardDuty, detection.guardDutyProtections.s3DataEvents)")
    canary = f.alarms_with_actions("CanaryAccessed")
    if canary:
        found.controls.append(f"canary records alarmed: {where(canary)}")
    else:
        found.gaps.append("canary records: none alarmed (canary.enabled, features.alarms)")
    malware = f.of_type("AWS::GuardDuty::MalwareProtectionPlan")
    if malware:
        found.controls.append(f"Malware Protection for S3 on the sensitive buckets: {where(malware)}")
    if not f.of_type("AWS::Macie::Session"):
        found.gaps.append("sensitive-data discovery: Macie off (features.macie)")
    health = [r for r in f.of_type("AWS::Events::Rule") if "aws.health" in json.dumps(r.properties.get("EventPattern")) and r.properties.get("Targets")]
    if health:
        found.controls.append(f"exposed credentials: AWS Health risk events routed to the alert topics, {where(health)}")
    else:
        found.gaps.append("exposed credentials from AWS Health risk events: reach the security contact by e-mail only, no route to the alert topics")
    found.gaps.append("dark-web monitoring: a procedure in the plan, but no recorded results (no evidence register)")
    if not found.controls:
        found.answer = "GuardDuty S3 protection, canary records with their alarm, Macie, a route for AWS Health risk events"
    return found


@grades("DPP-MON-5")
def notify_people(f: Facts) -> Finding:
    found = Finding(
        checks=[
            case("tests/lambdas/test_chat_relay.py::test_alarm_reaches_every_target_in_its_own_format"),
            case("tests/lambdas/test_chat_relay.py::test_a_clear_reaches_every_target_that_saw_the_alarm"),
            case("tests/synth/test_relay.py::test_the_topics_wanted_by_a_webhook_target_feed_the_inbox"),
            case("tests/synth/test_detection.py::test_impoc_and_email_targets_are_subscribed_by_severity"),
            access("alarm-publish", "events-publish", "sns-to-relay"),
        ]
    )
    targets = f.config.get("notification_targets", [])
    relays = f.of_type("AWS::Lambda::Function", "ChatRelay")
    subscriptions = f.of_type("AWS::SNS::Subscription")
    emails = {str(s.properties.get("Endpoint")) for s in subscriptions if s.properties.get("Protocol") == "email"}
    reached = []
    for target in targets:
        if target.get("kind") == "email":
            if target.get("address") in emails:
                reached.append(f"e-mail {target['name']}")
            else:
                found.gaps.append(f"e-mail target {target['name']}: not subscribed")
        elif relays:
            reached.append(f"{target['kind']} {target['name']} through the chat relay ({where(relays)})")
        else:
            found.gaps.append(f"{target['kind']} target {target['name']}: no chat relay deployed (features.chatRelay)")
    if relays:
        found.gaps += [f"no chat relay in {p}" for p in f.missing_places(relays)]
    if reached:
        found.controls.append("alarm -> SNS -> " + "; ".join(reached))
    else:
        found.answer = "notification targets reached through the severity topics (e-mail subscriptions, the chat relay)"
    return found


@grades("DPP-MON-6")
def monitoring_faults(f: Facts) -> Finding:
    found = Finding(checks=[_CAN_FIRE, rule("DPP-LambdaFailuresKept"), case(f"{_ALARMS}::test_silence_is_an_alarm"), case("tests/synth/test_relay.py::test_monitors_watch_the_relay")])
    alarms(
        f,
        found,
        {
            "TrailSilent": "a stopped trail (no events for an hour)",
            "AlertRoutingDeadLetters": "failed alert routing",
            "ChatRelayDeadLetters": "failed chat delivery",
            "FlowLogEnforcerErrors": "flow-log enforcer failures",
        },
    )
    if found.controls:
        for route in ("ConfigTampering", "TrailTampering"):
            if not routes(f, route):
                found.gaps.append(f"no {route} route (a stopped recorder or trail is not reported)")
        found.gaps.append("log delivery failures (flow-log and DNS delivery errors, Config delivery failures): no alarm")
    return found


@grades("DPP-MON-7")
def periodic_review(f: Facts) -> Finding:
    found = Finding(
        checks=[
            case("tests/lambdas/test_review_digest.py::test_the_digest_counts_alarms_canary_findings_and_non_compliance"),
            case("tests/lambdas/test_review_digest.py::test_the_handler_publishes_to_the_review_topic"),
            case("tests/unit/test_configuration.py::test_review_schedule_must_be_a_schedule_expression"),
            rule("DPP-LambdaFailuresKept"),
        ]
    )
    schedules = f.of_type("AWS::Events::Rule", "ReviewDigest")
    if not schedules:
        found.answer = "the review digest (alarms stack, home region)"
        return found
    expression = str(schedules[0].properties.get("ScheduleExpression", ""))
    found.controls.append(f"review digest on {expression} (UTC): {where(schedules)}")
    if _runs_per_week(expression) < 2:
        found.gaps.append(f"the digest runs fewer than twice a week ({expression}; review.schedule)")
    digests = f.of_type("AWS::Lambda::Function", "ReviewDigest")
    regions_seen = json.dumps([d.properties.get("Environment") for d in digests])
    if len(f.regions) > 1 and "REGIONS" not in regions_seen:
        found.gaps.append("the digest summarises the home region only: " + ", ".join(r for r in f.regions if r != f.home_region) + " not included")
    found.gaps.append("its review is not recorded (no evidence register)")
    return found


def _runs_per_week(expression: str) -> float:
    if expression.startswith("rate("):
        amount, unit = expression[5:-1].split()
        per_day = {"minute": 1440, "minutes": 1440, "hour": 24, "hours": 24, "day": 1, "days": 1}[unit] / float(amount)
        return per_day * 7
    if expression.startswith("cron("):
        fields = expression[5:-1].split()
        if len(fields) == 6 and fields[4] not in ("?", "*"):
            return float(len(fields[4].split(",")))
        return 7.0
    return 0.0


# A drill may come this long after the schedule's longest gap and still count: the state
# machine's 17 minutes, EventBridge's retries of the schedule (up to 6 hours), a re-run by
# make drill the next day.
DRILL_SLACK = timedelta(days=1)
DEFAULT_DRILL_SCHEDULE = "cron(0 9 ? * WED *)"


def drill_window(schedule: str) -> timedelta:
    """How old the latest passing drill of a path may be: the schedule's longest gap between
    two runs, plus ``DRILL_SLACK``."""
    return timedelta(minutes=parse_schedule(schedule).max_gap_minutes) + DRILL_SLACK


def drilled_paths(f: Facts) -> list[tuple[str, str]]:
    """The ``(account, path)`` pairs this configuration drills: one DrillAlertPathBroken<Path>
    alarm each, in the account whose drill runs that path."""
    by_suffix = {p.alarm_suffix: p.id for p in PATHS}
    pairs = set()
    for alarm in f.of_type("AWS::CloudWatch::Alarm"):
        name = str(alarm.properties.get("AlarmName", ""))
        suffix = name.rsplit("DrillAlertPathBroken", 1)[1] if "-DrillAlertPathBroken" in name else ""
        if suffix in by_suffix:
            pairs.add((alarm.account, by_suffix[suffix]))
    return sorted(pairs)


def _latest_of(register: Register, account: str, path: str, sole_account: bool) -> dict[str, Any] | None:
    """The account's latest record of the path. A record that names no account (written before
    the checker named it) can only be the sole drilling account's; with several it stands for none."""
    latest = register.latest_drills()
    candidates = [r for r in (latest.get((account, path)), latest.get(("", path)) if sole_account else None) if r is not None]
    return max(candidates, key=lambda r: parse_time(str(r.get("recordedAt"))), default=None)


def recorded_outcomes(f: Facts, found: Finding, pairs: list[tuple[str, str]], now: datetime) -> None:
    """Graded on the drill records (README: Drills): a path counts as drilled in an account only
    when that account's latest record of it passed within the schedule's window; another
    account's record never counts; without a register nothing is claimed."""
    register = f.register
    if register is None:
        found.gaps.append(
            "drill outcomes were not read (no evidence register given: make report REGISTER=DIR for an exported copy, REGISTER=s3 for the archive); "
            "the drills exist, but no recorded outcome shows that the alert paths work"
        )
        return
    schedule = str(f.setting("drills.schedule", DEFAULT_DRILL_SCHEDULE) or DEFAULT_DRILL_SCHEDULE)
    window = drill_window(schedule)
    sole_account = len({account for account, _ in pairs}) == 1
    for account, path in pairs:
        label = f"{path} in {account}"
        record = _latest_of(register, account, path, sole_account)
        if record is None:
            found.gaps.append(f"{label}: no drill recorded in the register ({register.source})")
            continue
        at = parse_time(str(record.get("recordedAt")))
        day = at.date().isoformat()
        if record.get("outcome") != "pass":
            found.gaps.append(f"{label}: the latest drill ({record.get('drillId') or record.get('id')}, {day}) failed at {record.get('brokenHop') or 'an unnamed hop'}")
        elif now - at > window:
            found.gaps.append(f"{label}: the latest drill passed on {day}, longer ago than the schedule {schedule} allows ({window.days} days with slack): stale")
        else:
            latency = record.get("latencySeconds")
            found.controls.append(f"{label}: drill passed on {day} ({record.get('drillId') or record.get('id')}" + (f", delivered in {latency:g} s" if isinstance(latency, (int, float)) else "") + ")")


@grades("DPP-MON-8")
def monitoring_drills(f: Facts, now: datetime | None = None) -> Finding:
    """The alert drill (README: Drills): a scheduled state machine that exercises each alert
    path, records every outcome in the archive and alarms on a broken path. Met only on the
    recorded outcomes: every drilled path's latest record passed within the schedule's window."""
    drills, synth = "tests/lambdas/test_drills.py", "tests/synth/test_drills.py"
    found = Finding(checks=[
        case(f"{drills}::test_a_drill_is_raised_routed_delivered_and_recorded_per_path"),
        case(f"{drills}::test_a_target_that_never_receives_the_drill_breaks_that_path_at_its_hop"),
        case(f"{drills}::test_a_path_that_could_not_start_is_broken_at_raised_and_the_others_still_run"),
        case(f"{drills}::test_the_control_change_is_made_and_reverted_as_the_drill_role_under_the_drill_id"),
        case(f"{synth}::test_the_state_machine_checks_after_the_deadline"),
        case(f"{synth}::test_the_drill_role_reads_the_canary_without_a_real_canary_alarm"),
        case(f"{synth}::test_the_control_change_drill_takes_the_real_log_group_tampering_rule_and_no_other"),
        case("tests/lambdas/test_responder.py::test_the_same_finding_without_the_sample_flag_is_answered"),
        case("tests/unit/test_drill_grading.py::test_met_only_when_every_path_passed_within_the_window"),
        case("tests/unit/test_drill_grading.py::test_each_drilling_account_is_graded_on_its_own_records"),
    ])  # fmt: skip
    machines = [r for r in f.of_type("AWS::StepFunctions::StateMachine") if "AlertDrill" in r.path]
    broken = [r for r in f.of_type("AWS::CloudWatch::Alarm") if "-DrillAlertPathBroken" in str(r.properties.get("AlarmName", "")) and r.properties.get("AlarmActions")]
    if not machines:
        found.answer = "switch on drills.enabled with features.alarms and a chat target: a weekly drill of each alert path, recorded as evidence"
        return found
    found.controls.append(f"alert drill (scheduled; make drill on demand): {where(machines)}")
    if broken:
        paths = sorted({str(r.properties["AlarmName"]).rsplit("DrillAlertPathBroken", 1)[1] for r in broken})
        found.controls.append(f"alert-path-broken alarms for {', '.join(paths)}: {where(broken)}")
    recorded_outcomes(f, found, drilled_paths(f), now or datetime.now(timezone.utc))
    return found
