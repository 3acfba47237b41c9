"""The key that encrypts what monitoring keeps in a region: log groups, queues, topics."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct


class MonitoringKey(Construct):
    """A rotating customer-managed key, one per (account, region), retained on delete.

    CloudWatch Logs may use it only for this account's log groups in this region (the
    encryption context CloudWatch Logs sets names the log group); CloudWatch alarms and SNS may
    use it for this account only (``aws:SourceAccount``), EventBridge for this project's topics
    and queues in this account and region only (their encryption context). Answers DPP-PRT-3.
    """

    def __init__(self, scope: Construct, id: str, *, alias: str, account: str, region: str, prefix: str, cost_topics: dict[str, str] | None = None) -> None:
        super().__init__(scope, id)
        self.key = kms.Key(
            self,
            "Key",
            alias=alias,
            description="Encrypts DPP monitoring data in this region: log groups, queues and topics (DPP-PRT-3)",
            enable_key_rotation=True,
            pending_window=Duration.days(30),
            removal_policy=RemovalPolicy.RETAIN,
        )
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudWatchLogsEncryptsThisAccountsLogGroups",
                principals=[iam.ServicePrincipal(f"logs.{region}.amazonaws.com")],
                actions=["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                resources=["*"],
                conditions={"ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{region}:{account}:log-group:*"}},
            )
        )
        # CloudWatch alarms and SNS (topics -> the relay's encrypted queue) send aws:SourceAccount.
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AlarmsAndTopicsUseKeyForThisAccount",
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com"), iam.ServicePrincipal("sns.amazonaws.com")],
                actions=["kms:GenerateDataKey*", "kms:Decrypt"],
                resources=["*"],
                conditions={"StringEquals": {"aws:SourceAccount": account}},
            )
        )
        # EventBridge to an encrypted topic: the SNS developer guide says aws:SourceAccount,
        # aws:SourceArn and aws:SourceOrgID are not supported in the key policy for that path
        # (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html), so it is scoped by
        # the encryption context SNS sets (aws:sns:topicArn, as AWS's GameLift guide shows it):
        # only this project's topics of this account and region. EventBridge to an encrypted
        # dead-letter queue does send aws:SourceArn: the SQS guide lists it among the services
        # that support it (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html).
        for sid, context_key, arn in (
            ("EventBridgePublishesToProjectTopics", "kms:EncryptionContext:aws:sns:topicArn", f"arn:aws:sns:{region}:{account}:{prefix}-*"),
            ("EventBridgeDeadLettersFromThisAccountsRules", "aws:SourceArn", f"arn:aws:events:{region}:{account}:rule/*"),
        ):
            self.key.add_to_resource_policy(
                iam.PolicyStatement(
                    sid=sid,
                    principals=[iam.ServicePrincipal("events.amazonaws.com")],
                    actions=["kms:GenerateDataKey*", "kms:Decrypt"],
                    resources=["*"],
                    conditions={"ArnLike": {context_key: arn}},
                )
            )
        # Cost Anomaly Detection and AWS Budgets publishing to an encrypted topic need the
        # topic's key (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html); which
        # source keys they send to KMS is not documented, so, as for EventBridge, the grant is
        # scoped by the encryption context SNS sets: the one topic each publishes to.
        for service, topic_arn in sorted((cost_topics or {}).items()):
            self.key.add_to_resource_policy(
                iam.PolicyStatement(
                    sid="CostAnomalyDetectionPublishesToItsTopic" if service == "costalerts.amazonaws.com" else "BudgetsPublishToTheirTopic",
                    principals=[iam.ServicePrincipal(service)],
                    actions=["kms:GenerateDataKey*", "kms:Decrypt"],
                    resources=["*"],
                    conditions={"ArnEquals": {"kms:EncryptionContext:aws:sns:topicArn": topic_arn}},
                )
            )
