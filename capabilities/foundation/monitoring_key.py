"""The key that encrypts what monitoring keeps in a region: log groups, queues, topics."""
from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct


class MonitoringKey(Construct):
    """A rotating customer-managed key, one per (account, region), retained on delete.

    CloudWatch Logs may use it only for this account's log groups in this region (the
    encryption context CloudWatch Logs sets names the log group); EventBridge and CloudWatch
    alarms may use it, for this account only, to publish to the encrypted severity topics and
    dead-letter queues. Answers DPP-PRT-3.
    """

    def __init__(self, scope: Construct, id: str, *, alias: str, account: str, region: str) -> None:
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
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AlertPublishersUseKeyForThisAccount",
                principals=[
                    iam.ServicePrincipal("events.amazonaws.com"),
                    iam.ServicePrincipal("cloudwatch.amazonaws.com"),
                    iam.ServicePrincipal("sns.amazonaws.com"),  # topics deliver to the relay's encrypted queue
                ],
                actions=["kms:GenerateDataKey*", "kms:Decrypt"],
                resources=["*"],
                conditions={"StringEquals": {"aws:SourceAccount": account}},
            )
        )
