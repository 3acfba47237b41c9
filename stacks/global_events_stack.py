"""Stateless, per monitored account, in us-east-1 when that is not the home region: forwards
global-service events to the home region (DPP-MON-3, DPP-MON-6)."""

from __future__ import annotations

from aws_cdk import Stack
from constructs import Construct

from capabilities.alerting import topic_name
from capabilities.alerting.global_events import GlobalEventForwarder
from capabilities.costs import CostAnomalyAlerts
from configuration.model import BaselineConfig


class GlobalEventsStack(Stack):
    """IAM, STS and AWS sign-in events exist in us-east-1 only; the routes that watch them run
    in the home region, so this stack deploys there whatever the covered regions are."""

    def __init__(self, scope: Construct, id: str, *, config: BaselineConfig, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        GlobalEventForwarder(
            self,
            "GlobalEventForwarder",
            home_region=config.home_region,
            account=self.account,
            dead_letter_queue_name=f"{config.resource_prefix}-global-events-dead-letters",
            prefix=config.resource_prefix,
        )
        # Cost Explorer's resources exist in us-east-1 only (capabilities.costs); they notify
        # the home region's topic.
        cost_severity = config.cost_publishers.get("costalerts.amazonaws.com")
        if cost_severity is not None:
            CostAnomalyAlerts(
                self,
                "CostAnomalies",
                prefix=config.resource_prefix,
                settings=config.costs,
                topic_arn=f"arn:aws:sns:{config.home_region}:{self.account}:{topic_name(config.resource_prefix, cost_severity)}",
            )
