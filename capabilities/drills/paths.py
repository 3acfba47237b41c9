"""The alert paths a drill exercises, and the alarms drills add, as data (no CDK), so the alarm
catalogue, the drill construct, the relay's recognition and the tests read one list
(DPP-MON-8, DPP-VER-4)."""

from __future__ import annotations

from dataclasses import dataclass

from capabilities.alarms.spec import AlarmSpec, MetricRef
from configuration.model import BaselineConfig, Severity
from configuration.naming import drill_canary_role_name, drill_checker_name, drill_state_machine_name

# A path that has not delivered to every target this long after the drill started is broken.
DELIVERY_DEADLINE_SECONDS = 15 * 60
# GuardDuty's sample finding type for the drill: a High (8) finding type in GuardDuty's
# catalogue (https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-ec2.html#backdoor-ec2-ccactivityb),
# so it takes the High route and reaches the responder's rule, which must ignore it.
GUARDDUTY_SAMPLE_TYPE = "Backdoor:EC2/C&CActivity.B"
# The Security Hub test finding: our own product (every account may import into
# arn:aws:securityhub:<region>:<account>:product/<account>/default) and this generator.
SECURITY_HUB_GENERATOR = "dpp-alert-drill"
# Alarm IDs (the alarm name is <prefix>-<id>); the relay recognises drills by these suffixes.
DRILL_ALARM_ID = "DrillAlarmBreach"
DRILL_CANARY_ALARM_ID = "DrillCanaryRead"
DRILL_METRIC = "DrillSignal"
BROKEN_METRIC = "AlertPathBroken"
# The control-change path goes through this existing route (capabilities/alerting/event_routes.py):
# a retention change of a log group under /dpp/<stage>/ is a real DPP control change.
CONTROL_CHANGE_ROUTE = "LogGroupTampering"
CONTROL_CHANGE_EVENT = "PutRetentionPolicy"


@dataclass(frozen=True)
class DrillPath:
    id: str  # the record's "path"
    alarm_suffix: str  # DrillAlertPathBroken<alarm_suffix>
    severity: Severity  # the severity the drill's alert is routed with
    what: str


PATHS: tuple[DrillPath, ...] = (
    DrillPath("guardduty-finding", "GuardDutyFinding", Severity.HIGH, "a GuardDuty sample finding -> GuardDuty route -> high topic -> relay -> chat"),
    DrillPath(
        "securityhub-finding", "SecurityHubFinding", Severity.CRITICAL, "a Security Hub finding imported into the account's own product -> Security Hub route -> critical topic -> relay -> chat"
    ),
    DrillPath(
        "canary-read",
        "CanaryRead",
        Severity.CRITICAL,
        "the drill role reads the canary -> CloudTrail data event -> trail log group -> metric filter -> drill canary alarm -> critical topic -> relay -> chat",
    ),
    DrillPath("alarm-breach", "AlarmBreach", Severity.CRITICAL, "metric data breaches the drill alarm -> critical topic -> relay -> chat"),
    DrillPath(
        "control-change",
        "ControlChange",
        Severity.CRITICAL,
        "the drill role changes the retention of the drill's own log group (and reverts it) -> CloudTrail -> LogGroupTampering route -> critical topic -> relay -> chat",
    ),
)


def drill_paths(config: BaselineConfig) -> tuple[DrillPath, ...]:
    """The paths this configuration has: each needs its service, route or alarm switched on."""
    wanted = []
    for path in PATHS:
        if path.id == "guardduty-finding" and not (config.features.guardduty and Severity.HIGH.at_least(config.detection.guardduty_min_severity)):
            continue
        if path.id == "securityhub-finding" and not config.features.security_hub:
            continue
        if path.id == "canary-read" and not config.canary.enabled:
            continue
        wanted.append(path)
    return tuple(wanted)


def expected_targets(config: BaselineConfig, path: DrillPath) -> list[str]:
    """The chat targets the relay must deliver the path's alert to (e-mail delivery is not
    observable, so it is not a hop)."""
    return [t.name for t in config.notification_targets if t.is_webhook and path.severity.at_least(t.min_severity)]


def control_change_retention(current: int, accepted: tuple[int, ...]) -> int:
    """The retention the control-change drill sets for a moment: the next value CloudWatch Logs
    accepts above the group's own (below it at the longest), so the drill group never holds
    less than the baseline's retention and no retention check turns non-compliant."""
    higher = [days for days in accepted if days > current]
    if higher:
        return higher[0]
    return max(days for days in accepted if days < current)


def control_change_places(config: BaselineConfig) -> tuple[tuple[str, str], ...]:
    return drill_places(config) if any(p.id == "control-change" for p in drill_paths(config)) else ()


def drill_role_pattern(config: BaselineConfig) -> str:
    """The drill role's sessions as CloudTrail names them (userIdentity.arn)."""
    return f"arn:aws:sts::*:assumed-role/{drill_canary_role_name(config)}/*"


def drill_places(config: BaselineConfig) -> tuple[tuple[str, str], ...]:
    return tuple((a.account_id, config.home_region) for a in config.monitored_accounts if config.drills_here(a.account_id, config.home_region))


def drill_alarms(config: BaselineConfig, canary_pattern: str | None) -> list[AlarmSpec]:
    """The drill alarm, the drill's canary alarm, one alert-path-broken alarm per path, and an
    alarm on the checker failing (then no path is judged at all). Placed where drills run."""
    places = drill_places(config)
    if not places:
        return []
    namespace = f"DPP/{config.stage}/Drills"
    specs = [
        AlarmSpec(
            id=DRILL_ALARM_ID,
            title="Alert drill: alarm path",
            severity=Severity.CRITICAL,
            requirements=("DPP-MON-8",),
            metric=MetricRef(namespace, DRILL_METRIC),
            period_minutes=1,
            placed=places,
            meaning="DRILL, no action needed: the drill runner breached this alarm on purpose to prove the alarm -> topic -> relay -> chat path.",
            investigate="Nothing to do; the drill's record in the archive (evidence/drill/) says whether every target received it.",
        )
    ]
    if canary_pattern is not None:
        specs.append(
            AlarmSpec(
                id=DRILL_CANARY_ALARM_ID,
                title="Alert drill: canary read by the drill role",
                severity=Severity.CRITICAL,
                requirements=("DPP-MON-8", "DPP-MON-2"),
                filter_pattern=canary_pattern.rstrip().removesuffix("}").rstrip() + f' && ($.userIdentity.arn = "{drill_role_pattern(config)}") }}',
                meaning=f"DRILL, no action needed: the drill role {drill_canary_role_name(config)} read the canary record to prove the canary alarm path (the real CanaryAccessed alarm ignores this role only).",
                investigate="Nothing to do unless no drill ran: then the drill role was used outside a drill; find who assumed it (CloudTrail AssumeRole).",
                placed=places,
            )
        )
    for path in drill_paths(config):
        specs.append(
            AlarmSpec(
                id=f"DrillAlertPathBroken{path.alarm_suffix}",
                title=f"Alert path broken: {path.id}",
                severity=Severity.HIGH,
                requirements=("DPP-MON-8", "DPP-MON-6"),
                metric=MetricRef(namespace, BROKEN_METRIC, (("Path", path.id),), "Maximum"),
                period_minutes=60,
                # The checker reports once per drill: between drills the alarm keeps its state,
                # so a broken path stays in ALARM until a drill of it passes.
                missing_data="ignore",
                meaning=f"The last drill of {path.what} did not reach every chat target within 15 minutes: real alerts on this path may not reach people.",
                investigate=f"Read the newest evidence/drill/<date>/*-{path.id}.json record in the archive: brokenHop names the first hop that failed (raised, routed or delivered:<target>); check that hop (the {drill_state_machine_name(config)} state machine's execution shows the drill's input).",
                placed=places,
            )
        )
    specs.append(
        AlarmSpec(
            id="DrillCheckFailed",
            title="Alert drill could not be checked",
            severity=Severity.HIGH,
            requirements=("DPP-MON-8", "DPP-MON-6"),
            metric=MetricRef("AWS/Lambda", "Errors", (("FunctionName", drill_checker_name(config)),)),
            meaning="The drill checker failed, so no drill outcome was recorded and no broken alert path could be reported.",
            investigate=f"Open the {drill_checker_name(config)} function's log group for the error; re-run with make drill once fixed.",
            placed=places,
        )
    )
    return specs
