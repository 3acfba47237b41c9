"""A CloudWatch dashboard: the state of every alarm and the key activity metrics."""

from __future__ import annotations

import json

from aws_cdk import aws_cloudwatch as cloudwatch
from constructs import Construct

from capabilities.alarms.spec import AlarmSpec


class MonitoringDashboard(Construct):
    """``<prefix>-monitoring``: alarm states first (what needs attention), then API call
    volume, refused calls and sign-ins over time (DPP-MON-1, DPP-MON-7)."""

    def __init__(self, scope: Construct, id: str, *, name: str, prefix: str, namespace: str, specs: list[AlarmSpec], account: str, region: str) -> None:
        super().__init__(scope, id)
        alarm_arns = [f"arn:aws:cloudwatch:{region}:{account}:alarm:{prefix}-{s.id}" for s in specs]
        filter_metrics = {s.id for s in specs if s.filter_pattern is not None}

        def graph(title: str, metric_ids: list[str], y: int) -> dict:
            metrics = [[namespace, m, {"stat": "Sum", "label": m}] for m in metric_ids if m in filter_metrics]
            return {
                "type": "metric",
                "x": 0,
                "y": y,
                "width": 24,
                "height": 6,
                "properties": {"title": title, "region": region, "view": "timeSeries", "period": 300, "metrics": metrics},
            }

        widgets = [
            {
                "type": "alarm",
                "x": 0,
                "y": 0,
                "width": 24,
                "height": 8,
                "properties": {"title": "DPP alarms", "alarms": alarm_arns, "sortBy": "stateUpdatedTimestamp"},
            },
            graph("API calls", ["ApiCallVolumeAnomaly"], 8),
            graph("Refused calls and failed sign-ins", ["UnauthorizedApiCalls", "ConsoleAuthenticationFailures", "FailedConsoleSignInsBurst"], 14),
            graph("Privileged and out-of-hours access", ["RootUsage", "BreakGlassRoleUsed", "AccessOutsideBusinessHours", "ConsoleSignInWithoutMfa"], 20),
        ]
        widgets = [w for w in widgets if w["type"] == "alarm" or w["properties"]["metrics"]]
        cloudwatch.CfnDashboard(self, "Dashboard", dashboard_name=name, dashboard_body=json.dumps({"widgets": widgets}))
