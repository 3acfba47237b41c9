"""A small evaluator of a classic (single-metric) CloudWatch alarm over raw datapoints, for
alarms on AWS services' own metrics: the statistic of each period, the comparison with the
threshold, "M out of N" over the last EvaluationPeriods and the missing-data treatment, as
documented at https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html
(notBreaching: a missing period is within the threshold; breaching: it breaches; missing and
ignore: not counted) and
https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarm-evaluation
(Period, EvaluationPeriods, DatapointsToAlarm). It reads the synthesized alarm's properties, so
it tests what would be deployed."""

from __future__ import annotations

from collections.abc import Sequence

_STATISTICS = {
    "Sum": sum,
    "Average": lambda xs: sum(xs) / len(xs),
    "Minimum": min,
    "Maximum": max,
    "SampleCount": len,
}
_COMPARISONS = {
    "GreaterThanOrEqualToThreshold": lambda v, t: v >= t,
    "GreaterThanThreshold": lambda v, t: v > t,
    "LessThanThreshold": lambda v, t: v < t,
    "LessThanOrEqualToThreshold": lambda v, t: v <= t,
}


def alarm_state(props: dict, periods: Sequence[Sequence[float]]) -> str:
    """'ALARM', 'OK' or 'INSUFFICIENT_DATA' after the last of ``periods`` (oldest first; each the
    raw values published in one period, empty for a period without data)."""
    statistic = _STATISTICS[props["Statistic"]]
    compare = _COMPARISONS[props["ComparisonOperator"]]
    window = list(periods)[-props["EvaluationPeriods"] :]
    to_alarm = props.get("DatapointsToAlarm", props["EvaluationPeriods"])
    treat = props.get("TreatMissingData", "missing")
    breaching = present = 0
    for values in window:
        if values:
            present += 1
            breaching += compare(statistic(values), props["Threshold"])
        elif treat == "breaching":
            present += 1
            breaching += 1
        elif treat == "notBreaching":
            present += 1
    if breaching >= to_alarm:
        return "ALARM"
    return "OK" if present else "INSUFFICIENT_DATA"
