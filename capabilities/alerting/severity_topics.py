"""One encrypted SNS topic per severity, and the review topic (DPP-MON-5, DPP-MON-7, DPP-IR-1,
DPP-PRT-3)."""

from __future__ import annotations

from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from configuration.model import Impoc, NotificationTarget, Severity


def topic_name(prefix: str, severity: Severity) -> str:
    """Alarms and the relay in other stacks find the topics by these names."""
    return f"{prefix}-alerts-{severity.value}"


def review_topic_name(prefix: str) -> str:
    """The twice-weekly review digest's topic (DPP-MON-7)."""
    return f"{prefix}-review"


class SeverityTopics(Construct):
    """Topics ``<prefix>-alerts-<severity>`` and ``<prefix>-review``, encrypted with the
    monitoring key, TLS-only, accepting publishes only from this account's principals and from
    CloudWatch and EventBridge acting for this account. The IMPOC (and backup) get the critical
    topic by e-mail (DPP-IR-1); e-mail targets get every topic at or above their minimum
    severity; everyone who receives alerts gets the review."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        prefix: str,
        account: str,
        key_alias: str,
        impoc: Impoc,
        targets: tuple[NotificationTarget, ...],
        cost_publishers: dict[str, Severity] | None = None,
    ) -> None:
        super().__init__(scope, id)
        key = kms.Alias.from_alias_name(self, "MonitoringKey", key_alias)
        self.topics: dict[Severity, sns.Topic] = {severity: self._topic(severity.value.title(), topic_name(prefix, severity), f"DPP {severity.value} alerts", key, account) for severity in Severity}
        for service, severity in (cost_publishers or {}).items():
            self._admit_cost_service(self.topics[severity], service, account)
        self.review = self._topic("Review", review_topic_name(prefix), "DPP twice-weekly review", key, account)
        impoc_addresses = [a for a in (impoc.email, impoc.backup_email) if a]
        for address in impoc_addresses:
            self.topics[Severity.CRITICAL].add_subscription(subscriptions.EmailSubscription(address))
            self.review.add_subscription(subscriptions.EmailSubscription(address))
        for target in targets:
            if target.kind == "sms" and target.phone:
                # Paging (DPP-IR-1, 24/7): an SNS SMS subscription to each topic at or above the
                # target's severity (https://docs.aws.amazon.com/sns/latest/dg/sms_publish-to-topic.html);
                # the account must be out of the SMS sandbox or have the number verified.
                for severity, topic in self.topics.items():
                    if severity.at_least(target.min_severity):
                        topic.add_subscription(subscriptions.SmsSubscription(target.phone))
                continue
            if target.kind != "email":
                continue
            already = target.address in impoc_addresses  # has critical and review through the IMPOC
            if not already:
                self.review.add_subscription(subscriptions.EmailSubscription(target.address))
            for severity, topic in self.topics.items():
                if severity.at_least(target.min_severity) and not (already and severity is Severity.CRITICAL):
                    topic.add_subscription(subscriptions.EmailSubscription(target.address))

    @staticmethod
    def _admit_cost_service(topic: sns.Topic, service: str, account: str) -> None:
        """DPP-MON-3.h: Cost Anomaly Detection and AWS Budgets publish for this account only,
        as their topic policies are documented
        (https://docs.aws.amazon.com/cost-management/latest/userguide/ad-SNS.html: costalerts
        with aws:SourceAccount; https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-sns-policy.html:
        budgets with aws:SourceAccount and aws:SourceArn arn:aws:budgets::<account>:*)."""
        conditions: dict = {"StringEquals": {"aws:SourceAccount": account}}
        if service == "budgets.amazonaws.com":
            conditions["ArnLike"] = {"aws:SourceArn": f"arn:aws:budgets::{account}:*"}
        topic.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CostAnomalyDetectionPublishes" if service == "costalerts.amazonaws.com" else "BudgetsPublish",
                principals=[iam.ServicePrincipal(service)],
                actions=["sns:Publish"],
                resources=[topic.topic_arn],
                conditions=conditions,
            )
        )

    def _topic(self, id: str, name: str, display_name: str, key: kms.IKey, account: str) -> sns.Topic:
        topic = sns.Topic(self, id, topic_name=name, display_name=display_name, master_key=key, enforce_ssl=True)
        arn = topic.topic_arn  # read once: each read is a call into jsii
        topic.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudWatchAlarmsOfThisAccountPublish",
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["sns:Publish"],
                resources=[arn],
                conditions={"StringEquals": {"aws:SourceAccount": account}},
            )
        )
        topic.add_to_resource_policy(
            iam.PolicyStatement(
                sid="DenyPublishersOutsideThisAccount",
                effect=iam.Effect.DENY,
                principals=[iam.AnyPrincipal()],
                actions=["sns:Publish"],
                resources=[arn],
                # Services have no principal account, and principals have no source account:
                # together these deny anything not acting for this account. EventBridge's
                # documented topic policy names the rule by aws:SourceArn only
                # (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html),
                # so a rule or alarm of this account is recognised by its ARN too (a negated
                # operator is true when the key is absent: without this, a publish carrying no
                # aws:SourceAccount would be refused).
                conditions={
                    "StringNotEqualsIfExists": {"aws:PrincipalAccount": account, "aws:SourceAccount": account},
                    "ArnNotLikeIfExists": {"aws:SourceArn": [f"arn:aws:events:*:{account}:rule/*", f"arn:aws:cloudwatch:*:{account}:alarm:*"]},
                },
            )
        )
        return topic
