"""Customer-managed KMS keys for the archive (DPP-PRT-3)."""
from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct


class LogKey(Construct):
    """A rotating KMS key that only named AWS services, acting for the covered accounts, may use.

    The key policy keeps CDK's statement that delegates administration to the owning account's
    IAM (without it the key could become unmanageable); every service grant is pinned to the
    covered accounts with ``aws:SourceAccount`` and, where the service sets one, to its
    encryption context or source ARN, so no other account's trail or log delivery can use it.
    Answers DPP-PRT-3 (customer-managed keys, rotation) and DPP-RET-1 (retained on delete).
    """

    def __init__(self, scope: Construct, id: str, *, alias: str, description: str) -> None:
        super().__init__(scope, id)
        self.key = kms.Key(
            self,
            "Key",
            alias=alias,
            description=description,
            enable_key_rotation=True,
            pending_window=Duration.days(30),
            removal_policy=RemovalPolicy.RETAIN,
        )

    def admit_cloudtrail(self, accounts: list[str]) -> None:
        """CloudTrail encrypts log and digest files for trails of the covered accounts."""
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudTrailEncryptsCoveredAccountsTrails",
                principals=[iam.ServicePrincipal("cloudtrail.amazonaws.com")],
                actions=["kms:GenerateDataKey*"],
                resources=["*"],
                conditions={
                    "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": [f"arn:aws:cloudtrail:*:{a}:trail/*" for a in accounts]},
                    "StringEquals": {"aws:SourceAccount": accounts},
                },
            )
        )
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudTrailDescribesKey",
                principals=[iam.ServicePrincipal("cloudtrail.amazonaws.com")],
                actions=["kms:DescribeKey"],
                resources=["*"],
                conditions={"StringEquals": {"aws:SourceAccount": accounts}},
            )
        )

    def admit_config(self, accounts: list[str]) -> None:
        """AWS Config encrypts configuration history and snapshots of the covered accounts."""
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="ConfigEncryptsCoveredAccountsDeliveries",
                principals=[iam.ServicePrincipal("config.amazonaws.com")],
                actions=["kms:Decrypt", "kms:GenerateDataKey"],
                resources=["*"],
                conditions={"StringEquals": {"aws:SourceAccount": accounts}},
            )
        )

    def admit_log_delivery(self, accounts: list[str]) -> None:
        """The log-delivery service writes VPC flow logs and Resolver query logs."""
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="LogDeliveryEncryptsCoveredAccountsLogs",
                principals=[iam.ServicePrincipal("delivery.logs.amazonaws.com")],
                actions=["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
                resources=["*"],
                conditions={
                    "StringEquals": {"aws:SourceAccount": accounts},
                    "ArnLike": {"aws:SourceArn": [f"arn:aws:logs:*:{a}:*" for a in accounts]},
                },
            )
        )

    def admit_guardduty(self, accounts: list[str]) -> None:
        """GuardDuty encrypts the findings that detectors of the covered accounts export."""
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="GuardDutyEncryptsCoveredAccountsFindings",
                principals=[iam.ServicePrincipal("guardduty.amazonaws.com")],
                actions=["kms:GenerateDataKey"],
                resources=["*"],
                conditions={
                    "StringEquals": {"aws:SourceAccount": accounts},
                    "ArnLike": {"aws:SourceArn": [f"arn:aws:guardduty:*:{a}:detector/*" for a in accounts]},
                },
            )
        )

    def admit_key_lookup(self, accounts: list[str], owner: str) -> None:
        """Other covered accounts may read the key's metadata (its ARN, behind the alias they
        know): GuardDuty's export accepts a key ARN only. Metadata, no cryptographic use."""
        others = [a for a in accounts if a != owner]
        if not others:
            return  # the owning account's IAM already decides
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CoveredAccountsLookUpKeyArn",
                principals=[iam.AccountPrincipal(a) for a in others],
                actions=["kms:DescribeKey"],
                resources=["*"],
            )
        )
