"""AWS Config recording in one region (DPP-LOG-5)."""

from __future__ import annotations

from aws_cdk import IResolvable
from aws_cdk import aws_config as config
from aws_cdk import aws_iam as iam
from constructs import Construct

from capabilities.archive.prefixes import LogPrefix
from capabilities.foundation.building_blocks import key_by_alias_statement


def recorder_role(scope: Construct, id: str, *, role_name: str | None, staging_bucket: str, account: str, archive_region: str, archive_key_alias: str) -> iam.Role:
    """The account's Config role (IAM is global: created once, in the home region).

    AWS_ConfigRole is AWS's managed policy for reading resource configurations; AWS keeps it
    current as Config learns new resource types. Delivery rights are ours and narrow.
    """
    role = iam.Role(
        scope,
        id,
        role_name=role_name,
        description="AWS Config recorder and delivery channel role (DPP-LOG-5)",
        assumed_by=iam.ServicePrincipal("config.amazonaws.com", conditions={"StringEquals": {"aws:SourceAccount": account}}),
        managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name("service-role/AWS_ConfigRole")],
    )
    iam.ManagedPolicy(
        scope,
        f"{id}DeliveryPolicy",
        description="Deliver configuration history and snapshots to the Config staging bucket only",
        roles=[role],
        statements=[
            iam.PolicyStatement(actions=["s3:GetBucketAcl", "s3:ListBucket"], resources=[f"arn:aws:s3:::{staging_bucket}"]),
            # PutObjectAcl too: AWS asks it of a recorder role delivering to another account's bucket
            # (https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html).
            iam.PolicyStatement(actions=["s3:PutObject", "s3:PutObjectAcl"], resources=[f"arn:aws:s3:::{staging_bucket}/{LogPrefix.CONFIG.objects(account)}"]),
            # The archive key may sit in another (log-archive) account: any account, pinned by alias.
            # Decrypt as well as GenerateDataKey: AWS documents both for delivery to a bucket
            # encrypted with a customer managed key
            # (https://docs.aws.amazon.com/config/latest/developerguide/s3-kms-key-policy.html).
            key_by_alias_statement(actions=["kms:Decrypt", "kms:GenerateDataKey"], region=archive_region, account="*", alias=archive_key_alias, via_services=["s3"]),
        ],
    )
    return role


class ConfigRecorder(Construct):
    """Records every supported resource type in this region, global types (IAM) only in the
    home region so they are recorded once per account, and delivers to the Config staging
    bucket, whence S3 replication puts it under Object Lock (DPP-LOG-5, DPP-PRT-2)."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        role_arn: str,
        is_home_region: bool | IResolvable,
        staging_bucket: str,
        snapshot_frequency: str,
        kms_key_arn: str,
    ) -> None:
        super().__init__(scope, id)
        self.recorder = config.CfnConfigurationRecorder(
            self,
            "Recorder",
            role_arn=role_arn,
            recording_group=config.CfnConfigurationRecorder.RecordingGroupProperty(
                all_supported=True,
                include_global_resource_types=is_home_region,
            ),
            recording_mode=config.CfnConfigurationRecorder.RecordingModeProperty(recording_frequency="CONTINUOUS"),
        )
        self.delivery_channel = config.CfnDeliveryChannel(
            self,
            "DeliveryChannel",
            s3_bucket_name=staging_bucket,
            s3_key_prefix=LogPrefix.CONFIG.value,
            # The archive key, by alias ARN (AWS Config accepts "your KMS key or alias ARN",
            # https://docs.aws.amazon.com/config/latest/developerguide/manage-delivery-channel.html):
            # Config then asks S3 for SSE-KMS with it explicitly, instead of relying on what it
            # sends without one (undocumented) meeting the staging bucket's encryption deny.
            s3_kms_key_arn=kms_key_arn,
            config_snapshot_delivery_properties=config.CfnDeliveryChannel.ConfigSnapshotDeliveryPropertiesProperty(delivery_frequency=snapshot_frequency),
        )
