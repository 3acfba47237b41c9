"""Customer-managed KMS keys for the archive (DPP-PRT-3)."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct

from capabilities.archive.audience import Audience
from capabilities.archive.tamper import KEY_TAMPER_ACTIONS


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

    def deny_tampering(self, *, exempt_role_arns: list[str]) -> None:
        """Nobody but the break-glass role and the CloudFormation execution role that deploys
        this reviewed code may disable, delete or re-policy the key (DPP-PRT-4.b): root's
        ``kms:*`` delegation stays, so the key remains manageable (no lockout: the exempt roles
        keep every right, and KMS's policy lockout check passes because the deploying role,
        which calls PutKeyPolicy, stays exempt)."""
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="DenyKeyTamperingExceptBreakGlassAndDeployment",
                effect=iam.Effect.DENY,
                principals=[iam.AnyPrincipal()],
                actions=list(KEY_TAMPER_ACTIONS),
                resources=["*"],
                conditions={"ArnNotLike": {"aws:PrincipalArn": exempt_role_arns}},
            )
        )

    def admit_cloudtrail(self, audience: Audience) -> None:
        """CloudTrail encrypts log and digest files for trails of the covered accounts (in
        organization mode, the management account's organization trail)."""
        accounts = list(audience.trail_accounts)
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

    def admit_config(self, audience: Audience) -> None:
        """AWS Config encrypts configuration history and snapshots of the covered accounts."""
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="ConfigEncryptsCoveredAccountsDeliveries",
                principals=[iam.ServicePrincipal("config.amazonaws.com")],
                actions=["kms:Decrypt", "kms:GenerateDataKey"],
                resources=["*"],
                conditions=audience.account_only(),
            )
        )

    def admit_member_config_roles(self, audience: Audience, *, role_pattern: str, region: str) -> None:
        """Organization mode: members' recorder roles encrypt their deliveries, through S3 only
        (the Config service principal cannot be scoped to an organization)."""
        if not audience.organization_id:
            return
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="MemberConfigRolesEncryptDeliveries",
                principals=[iam.AnyPrincipal()],
                actions=["kms:Decrypt", "kms:GenerateDataKey"],
                resources=["*"],
                conditions={
                    "StringEquals": {"aws:PrincipalOrgID": audience.organization_id, "kms:ViaService": f"s3.{region}.amazonaws.com"},
                    "ArnLike": {"aws:PrincipalArn": role_pattern},
                },
            )
        )

    def admit_log_delivery(self, audience: Audience) -> None:
        """The log-delivery service writes VPC flow logs and Resolver query logs."""
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="LogDeliveryEncryptsCoveredAccountsLogs",
                principals=[iam.ServicePrincipal("delivery.logs.amazonaws.com")],
                actions=["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
                resources=["*"],
                conditions=audience.source("arn:aws:logs:*:{account}:*"),
            )
        )

    def admit_guardduty(self, audience: Audience) -> None:
        """GuardDuty encrypts the findings that detectors of the covered accounts export."""
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="GuardDutyEncryptsCoveredAccountsFindings",
                principals=[iam.ServicePrincipal("guardduty.amazonaws.com")],
                actions=["kms:GenerateDataKey"],
                resources=["*"],
                conditions=audience.detectors(),
            )
        )

    def admit_log_export(self, audience: Audience, *, role_name_pattern: str, region: str) -> None:
        """The covered accounts' Firehose roles write the account-wide CloudWatch Logs export
        into a bucket that this key encrypts by default, through S3 only: the writer needs the
        key for SSE-KMS (GenerateDataKey, and Decrypt for multipart uploads,
        https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html#using-kms-key-for-s3-cross-account)."""
        self._admit_roles_through_s3("LogExportRolesEncryptThroughS3", audience, role_name_pattern=role_name_pattern, region=region)

    def admit_log_forwarder(self, audience: Audience, *, role_name_pattern: str, region: str) -> None:
        """The covered accounts' log forwarders copy into a bucket this key encrypts by
        default, through S3 only: GenerateDataKey for the SSE-KMS copy, Decrypt for a multipart
        copy (a multipart upload with a KMS key needs both on the key,
        https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateMultipartUpload.html)."""
        self._admit_roles_through_s3("LogForwardersEncryptThroughS3", audience, role_name_pattern=role_name_pattern, region=region)

    def _admit_roles_through_s3(self, sid: str, audience: Audience, *, role_name_pattern: str, region: str) -> None:
        """The covered accounts' roles named by ``role_name_pattern`` use the key through S3 in
        ``region`` only: GenerateDataKey for an SSE-KMS write, Decrypt for a multipart one."""
        principals, conditions = audience.roles(role_name_pattern)
        conditions.setdefault("StringEquals", {})["kms:ViaService"] = f"s3.{region}.amazonaws.com"
        self.key.add_to_resource_policy(iam.PolicyStatement(sid=sid, principals=principals, actions=["kms:GenerateDataKey", "kms:Decrypt"], resources=["*"], conditions=conditions))

    def admit_key_lookup(self, audience: Audience, owner: str, readers: list[str]) -> None:
        """Other covered accounts (``readers``, or any account of the organization) may read the
        key's metadata (its ARN, behind the alias they know): GuardDuty's export accepts a key
        ARN only. Metadata, no cryptographic use."""
        if audience.organization_id:
            self.key.add_to_resource_policy(
                iam.PolicyStatement(
                    sid="CoveredAccountsLookUpKeyArn",
                    principals=[iam.AnyPrincipal()],
                    actions=["kms:DescribeKey"],
                    resources=["*"],
                    conditions={"StringEquals": {"aws:PrincipalOrgID": audience.organization_id}},
                )
            )
            return
        others = [a for a in readers if a != owner]
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
