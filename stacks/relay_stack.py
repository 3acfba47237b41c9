"""Stateless, per workload account and region: the chat relay on the severity topics."""

from __future__ import annotations

from aws_cdk import Stack
from aws_cdk import aws_sns as sns
from constructs import Construct

from capabilities.alerting import review_topic_name, topic_name
from capabilities.relay import ChatRelay
from configuration.model import BaselineConfig, Severity
from configuration.naming import lambda_log_group, monitoring_names, relay_function_name


def relayed_severities(config: BaselineConfig) -> list[Severity]:
    """Severities some webhook target wants: the others' topics are not subscribed."""
    webhooks = [t for t in config.notification_targets if t.is_webhook]
    return [s for s in Severity if any(s.at_least(t.min_severity) for t in webhooks)]


class RelayStack(Stack):
    """Relays alerts to chat where people work (DPP-MON-5)."""

    def __init__(self, scope: Construct, id: str, *, config: BaselineConfig, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        account, region = self.account, self.region  # read once: each read is a call into jsii
        names = monitoring_names(config, account)
        topics = [sns.Topic.from_topic_arn(self, f"{s.value.title()}Topic", f"arn:aws:sns:{region}:{account}:{topic_name(config.resource_prefix, s)}") for s in relayed_severities(config)]
        # The review digest reaches every chat target (DPP-MON-7).
        topics.append(sns.Topic.from_topic_arn(self, "ReviewTopic", f"arn:aws:sns:{region}:{account}:{review_topic_name(config.resource_prefix)}"))
        self.relay = ChatRelay(
            self,
            "ChatRelay",
            prefix=config.resource_prefix,
            targets=config.notification_targets,
            topics=topics,
            key_alias=names.monitoring_key_alias,
            log_group_name=lambda_log_group(relay_function_name(config)),
            metrics_namespace=f"DPP/{config.stage}/Relay",
            account=account,
            region=region,
            secrets_region=config.home_region,  # webhook secrets live in the home region only
        )
