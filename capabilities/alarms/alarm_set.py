"""Renders alarm specifications into metric filters, Contributor Insights rules and alarms
with one naming scheme and the topic of each alarm's severity as its action (DPP-MON-2/3/6)."""

from __future__ import annotations

import json
from typing import Callable

from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_logs as logs
from constructs import Construct

from capabilities.alarms.spec import AlarmSpec
from configuration.model import Severity

# Alarms that should also say when the condition clears.
_OK_ACTIONS = (Severity.CRITICAL, Severity.HIGH)


def alarm_description(spec: AlarmSpec) -> str:
    """What the relay shows people: the meaning and the first investigation step."""
    text = f"{spec.title} [{spec.severity.value}; {', '.join(spec.requirements)}]. {spec.meaning} Investigate: {spec.investigate}"
    return text if len(text) <= 1024 else text[:1021] + "..."


class AlarmSet(Construct):
    """One alarm per spec, named ``<prefix>-<spec id>``. Filter metrics go to the namespace
    ``DPP/<stage>`` and count 1 per matching event; alarms on them use statistic Sum and
    ``>=``, so a single event fires them."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        specs: list[AlarmSpec],
        prefix: str,
        namespace: str,
        log_group_name: str | None,
        topic_arn: Callable[[Severity], str] | None,
    ) -> None:
        """``topic_arn`` None: alarms without actions, for an account with no topics whose
        alarm state changes are forwarded to another's routes instead (archive watch)."""
        super().__init__(scope, id)
        self.alarms: dict[str, cloudwatch.CfnAlarm] = {}
        for spec in specs:
            queries = self._queries(spec, prefix, namespace, log_group_name)
            topic = topic_arn(spec.severity) if topic_arn else None
            # Every property is given to the constructor: each one set afterwards is one more
            # call into the jsii kernel (five per alarm; 4,580 in the large estate).
            shape: dict[str, object] = {"metrics": queries}
            if len(queries) == 1 and queries[0].metric_stat is not None:
                # A single metric watched as it is: the classic form, which Security Hub's
                # CloudWatch.1-14 checks recognise as an alarm on the filter's metric.
                stat = queries[0].metric_stat
                shape = {"namespace": stat.metric.namespace, "metric_name": stat.metric.metric_name, "dimensions": stat.metric.dimensions, "period": stat.period}
                # Percentiles are extended statistics in the classic form.
                shape["extended_statistic" if stat.stat.startswith("p") else "statistic"] = stat.stat
            alarm = cloudwatch.CfnAlarm(
                self,
                spec.id,
                alarm_name=f"{prefix}-{spec.id}",
                alarm_description=alarm_description(spec),
                actions_enabled=True,
                alarm_actions=[topic] if topic else None,
                ok_actions=[topic] if topic and spec.severity in _OK_ACTIONS else None,
                comparison_operator=spec.comparison,
                threshold=None if spec.anomaly_band_width is not None else spec.threshold,
                threshold_metric_id="band" if spec.anomaly_band_width is not None else None,
                evaluation_periods=spec.evaluation_periods,
                datapoints_to_alarm=spec.evaluation_periods,
                treat_missing_data=spec.missing_data,
                **shape,  # type: ignore[arg-type]
            )
            self.alarms[spec.id] = alarm

    def _queries(self, spec: AlarmSpec, prefix: str, namespace: str, log_group_name: str | None) -> list:
        period = spec.period_minutes * 60
        Query = cloudwatch.CfnAlarm.MetricDataQueryProperty
        if spec.contributor is not None:
            rule_name = f"{prefix}-{spec.id}"
            cloudwatch.CfnInsightRule(
                self,
                f"{spec.id}Rule",
                rule_name=rule_name,
                rule_state="ENABLED",
                rule_body=json.dumps(
                    {
                        "Schema": {"Name": "CloudWatchLogRule", "Version": 1},
                        "LogGroupNames": [log_group_name],
                        "LogFormat": "JSON",
                        "Contribution": {
                            "Keys": list(spec.contributor.keys),
                            "Filters": [{"Match": spec.contributor.match, "StartsWith": list(spec.contributor.starts_with)}],
                        },
                        "AggregateOn": "Count",
                    }
                ),
            )
            return [Query(id="m1", expression=f"INSIGHT_RULE_METRIC('{rule_name}', 'MaxContributorValue')", period=period, return_data=True, label=spec.title)]
        if spec.filter_pattern is not None:
            if log_group_name is None:
                raise ValueError(f"alarm {spec.id} needs the trail's log group")
            logs.CfnMetricFilter(
                self,
                f"{spec.id}Filter",
                log_group_name=log_group_name,
                filter_name=f"{prefix}-{spec.id}",
                filter_pattern=spec.filter_pattern,
                metric_transformations=[logs.CfnMetricFilter.MetricTransformationProperty(metric_namespace=namespace, metric_name=spec.id, metric_value=spec.metric_value)],
            )
            stat = cloudwatch.CfnAlarm.MetricProperty(namespace=namespace, metric_name=spec.id)
            statistic = "Sum"
        else:
            metric = spec.metric
            stat = cloudwatch.CfnAlarm.MetricProperty(
                namespace=metric.namespace,
                metric_name=metric.name,
                dimensions=[cloudwatch.CfnAlarm.DimensionProperty(name=n, value=v) for n, v in metric.dimensions] or None,
            )
            statistic = metric.statistic
        queries = [
            Query(
                id="m1",
                metric_stat=cloudwatch.CfnAlarm.MetricStatProperty(metric=stat, period=period, stat=statistic),
                # m1 is what the alarm reads unless an expression reads it (an anomaly band needs it returned too)
                return_data=spec.expression is None,
                label=spec.title,
            )
        ]
        if spec.expression is not None:
            queries.append(Query(id="e1", expression=spec.expression, period=period, return_data=True, label=spec.title))
        if spec.anomaly_band_width is not None:
            queries.append(Query(id="band", expression=f"ANOMALY_DETECTION_BAND(m1, {spec.anomaly_band_width:g})", return_data=True, label="expected range"))
        return queries
