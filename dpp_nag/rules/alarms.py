"""Rules for metric filters and alarms (DPP-MON-2, DPP-MON-3)."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnResource

from dpp_nag.cis_patterns import CIS_PATTERNS
from dpp_nag.framework import DppRule, Props, RuleContext

ALARM = "AWS::CloudWatch::Alarm"
FILTER = "AWS::Logs::MetricFilter"


def _watched_metrics(props: Props) -> list[tuple[Any, Any, Any]]:
    """(namespace, metric name, statistic) of everything an alarm reads, as resolved (any may
    be missing, or a token the template resolves later)."""
    if props.get("metricName"):
        return [(props.get("namespace"), props["metricName"], props.get("statistic") or props.get("extendedStatistic"))]
    found: list[tuple[Any, Any, Any]] = []
    for query in props.get("metrics") or []:
        stat = query.get("metricStat")
        if stat:
            metric = stat.get("metric") or {}
            found.append((metric.get("namespace"), metric.get("metricName"), stat.get("stat")))
    return found


def _alarm_can_fire(node: CfnResource, props: Props, ctx: RuleContext) -> bool:
    if props.get("actionsEnabled") is False or not props.get("alarmActions"):
        return False
    filters = ctx.app_wide(
        "filter-metrics",
        lambda: {(t.get("metricNamespace"), t.get("metricName")) for f in ctx.app_resources(FILTER) for t in ctx.props(f).get("metricTransformations") or []},
    )
    # A metric-filter count must be summed: Average of a 1-per-event count stays at 1 and
    # Minimum/Maximum ignore how many events came, so the alarm would mislead or never fire.
    return all(stat in ("Sum", "SampleCount") for namespace, name, stat in _watched_metrics(props) if (namespace, name) in filters)


def _filter_alarmed(node: CfnResource, props: Props, ctx: RuleContext) -> bool:
    mine = {(t.get("metricNamespace"), t.get("metricName")) for t in props.get("metricTransformations") or []}
    watched = ctx.app_wide("alarm-metrics", lambda: {(ns, name) for alarm in ctx.app_resources(ALARM) for ns, name, _ in _watched_metrics(ctx.props(alarm))})
    return bool(mine & watched)


def _cis_present(node: CfnResource, props: Props, ctx: RuleContext) -> bool | None:
    if not props.get("cloudWatchLogsLogGroupArn"):
        return None  # DPP-TrailToCloudWatchLogs reports that
    patterns = {ctx.props(f).get("filterPattern") for f in ctx.app_resources(FILTER)}
    required = {key for key in CIS_PATTERNS if not key.endswith("-iam-users")}
    return all(CIS_PATTERNS[key] in patterns for key in required)


RULES = (
    DppRule(
        suffix="AlarmCanFire",
        requirements=("DPP-MON-3",),
        info="The alarm has no enabled actions, or reads a metric-filter count with a statistic other than Sum",
        explanation="Give the alarm an action (the topic of its severity) and use statistic Sum with >= threshold on metric-filter counts, so one event can fire it.",
        resource_types=(ALARM,),
        check=_alarm_can_fire,
    ),
    DppRule(
        suffix="MetricFilterAlarmed",
        requirements=("DPP-MON-3",),
        info="The metric filter's metric has no alarm: matching events are counted and nobody is told",
        explanation="Add an alarm on the filter's metric (namespace and name of its metric transformation).",
        resource_types=(FILTER,),
        check=_filter_alarmed,
    ),
    DppRule(
        suffix="CisMonitoringPresent",
        requirements=("DPP-MON-3",),
        info="The app lacks one or more CIS AWS Foundations v3.0 section 4 metric filters for its trail",
        explanation="Add metric filters with the benchmark's exact patterns (dpp_nag.cis_patterns) on the trail's log group, each with an alarm.",
        resource_types=("AWS::CloudTrail::Trail",),
        check=_cis_present,
    ),
)
