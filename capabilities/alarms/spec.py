"""An alarm declared as data: what to count, when it fires, how urgent it is, what it means
and how to investigate it (DPP-MON-2/3/6, DPP-IR-2). ``AlarmSet`` renders specs."""

from __future__ import annotations

from dataclasses import dataclass

from configuration.model import Severity


@dataclass(frozen=True)
class MetricRef:
    """An existing CloudWatch metric (a service's own, not one of our metric filters)."""

    namespace: str
    name: str
    dimensions: tuple[tuple[str, str], ...] = ()
    statistic: str = "Sum"


@dataclass(frozen=True)
class ContributorRule:
    """A CloudWatch Contributor Insights rule on the trail's log group: counts matching events
    per contributor (e.g. per principal); the alarm watches the top contributor's count."""

    keys: tuple[str, ...]
    match: str
    starts_with: tuple[str, ...]


@dataclass(frozen=True)
class AlarmSpec:
    """One alarm on ``m1``, which is a metric filter on the trail's log group counting 1 per
    matching event (``filter_pattern``), an existing ``metric``, or the top contributor of a
    Contributor Insights rule (``contributor``); optionally watched through a metric-math
    ``expression`` over ``m1`` or an anomaly-detection band.

    Filter alarms use statistic Sum and ``>= threshold`` so one matching event can fire them
    (CDK's default Average and ``>`` never would). ``missing_data`` is ``notBreaching`` except
    for alarms on silence."""

    id: str
    title: str
    severity: Severity
    requirements: tuple[str, ...]
    meaning: str
    investigate: str
    filter_pattern: str | None = None
    metric: MetricRef | None = None
    contributor: ContributorRule | None = None
    expression: str | None = None
    anomaly_band_width: float | None = None  # alarm above the anomaly-detection band of m1
    threshold: float = 1
    comparison: str = "GreaterThanOrEqualToThreshold"
    period_minutes: int = 5
    evaluation_periods: int = 1
    missing_data: str = "notBreaching"
    cis: str | None = None  # CIS AWS Foundations Benchmark v3.0 recommendation
    home_region_only: bool = True
    # Where the alarm exists when only some (account, region) pairs have what it watches
    # (e.g. the log-archive account's replication); overrides home_region_only.
    placed: tuple[tuple[str, str], ...] | None = None
    # What a filter match adds to the metric: 1 per event, or a numeric field of the event
    # (e.g. the bytes a data event transferred), summed by the alarm.
    metric_value: str = "1"

    def __post_init__(self) -> None:
        if not self.id.isidentifier():
            raise ValueError(f"alarm id {self.id!r} must be letters, digits and underscores")
        if sum(x is not None for x in (self.filter_pattern, self.metric, self.contributor)) != 1:
            raise ValueError(f"alarm {self.id}: give exactly one of filter_pattern, metric and contributor")
        if self.expression is not None and self.anomaly_band_width is not None:
            raise ValueError(f"alarm {self.id}: an expression or an anomaly band, not both")
