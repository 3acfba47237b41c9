"""Every log group of the account, kept 12 months under WORM whatever its own retention: an
account-wide CloudWatch Logs subscription filter policy streams each log group through Amazon
Data Firehose into the log archive (DPP-LOG-8, DPP-RET-1, DPP-PRT-2).

What AWS requires, and where it is met:

- An account-level subscription filter policy delivers to a Firehose stream "in the same
  account as the subscription policy", one policy per account and Region, and its
  ``selectionCriteria`` supports only ``LogGroupName NOT IN [...]``, up to 50 names in 25 KB
  (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutAccountPolicy.html).
  So each workload account and covered region has its own stream.
- CloudWatch Logs puts records with a role it assumes; its trust is pinned to this account's
  log groups in this region by ``aws:SourceArn`` and ``aws:SourceAccount`` (the confused-deputy
  conditions of
  https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters-AccountLevel.html#FirehoseExample-AccountLevel).
- Firehose writes into a bucket of the log-archive account with its own role, which that
  bucket's policy and key admit
  (https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html#cross-account-delivery-s3).
  The bucket is the unlocked Config staging bucket at home and the region's intake elsewhere,
  both replicated into the Object Lock archive and its replica: S3 refuses a PUT into a bucket
  with default retention without a Content-MD5 or checksum header
  (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-managing.html), and
  Firehose documents sending neither; same-region delivery also keeps to the pattern the flow
  logs use.
- CloudWatch Logs sends each batch GZIP-compressed; Firehose decompresses it, so the archive
  holds the JSON envelopes (messageType, owner, logGroup, logStream, subscriptionFilters,
  logEvents) one per line, GZIP-compressed per object
  (https://docs.aws.amazon.com/firehose/latest/dev/writing-with-cloudwatch-logs-decompression.html),
  under ``cloudwatch-logs/<account>/<region>/<yyyy>/<MM>/<dd>/<HH>/`` by the timestamp
  namespace of custom prefixes (https://docs.aws.amazon.com/firehose/latest/dev/s3-prefixes.html).
- No encryption header is sent: objects take the destination bucket's KMS default (the archive
  key at home, the intake key elsewhere), which the bucket's encryption deny admits.
"""

from __future__ import annotations

import json

from aws_cdk import aws_iam as iam
from aws_cdk import aws_kinesisfirehose as firehose
from aws_cdk import aws_logs as logs
from constructs import Construct

from capabilities.archive.prefixes import LogPrefix
from capabilities.foundation.building_blocks import key_by_alias_statement

# PutAccountPolicy: "You can specify up to 50 values in each IN or NOT IN list" (API page above).
MAX_EXCLUDED_LOG_GROUPS = 50


def selection_criteria(excluded: list[str]) -> str | None:
    """``LogGroupName NOT IN [...]`` for the groups already archived another way, or none."""
    if not excluded:
        return None
    if len(excluded) > MAX_EXCLUDED_LOG_GROUPS:
        raise ValueError(f"{len(excluded)} log groups to exclude, CloudWatch Logs allows {MAX_EXCLUDED_LOG_GROUPS}")
    return f"LogGroupName NOT IN {json.dumps(sorted(excluded))}"


def export_prefix(account: str, region: str) -> str:
    return f"{LogPrefix.CLOUDWATCH_LOGS.value}/{account}/{region}/!{{timestamp:yyyy}}/!{{timestamp:MM}}/!{{timestamp:dd}}/!{{timestamp:HH}}/"


def error_prefix(account: str, region: str) -> str:
    return f"{LogPrefix.CLOUDWATCH_LOGS_ERRORS.value}/{account}/{region}/!{{firehose:error-output-type}}/!{{timestamp:yyyy}}/!{{timestamp:MM}}/!{{timestamp:dd}}/"


def _keys_by_alias(*, region: str, account: str, aliases: list[str]) -> iam.PolicyStatement:
    """The destination bucket's default key, known only by alias (another account's key)."""
    statement = key_by_alias_statement(actions=["kms:GenerateDataKey", "kms:Decrypt"], region=region, account=account, alias=aliases[0], via_services=["s3"])
    if len(aliases) == 1:
        return statement
    return iam.PolicyStatement(
        actions=["kms:GenerateDataKey", "kms:Decrypt"],
        resources=[f"arn:aws:kms:{region}:{account}:key/*"],
        conditions={"ForAnyValue:StringEquals": {"kms:ResourceAliases": aliases}, "StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}},
    )


class AccountLogExport(Construct):
    """The Firehose stream, its role, CloudWatch Logs' role and the account's subscription
    filter policy for one account and region."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        account: str,
        region: str,
        stream_name: str,
        policy_name: str,
        firehose_role_name: str,
        subscription_role_name: str,
        bucket_name: str,
        key_account: str,
        key_aliases: list[str],
        excluded_log_groups: list[str],
        writable_buckets: list[str] | None = None,
    ) -> None:
        """``writable_buckets``: the buckets the role may write (default: ``bucket_name``); the
        member baseline, whose destination is chosen by a template condition, names both
        candidates, each under this account's own prefixes only. ``key_aliases``: the aliases
        of the keys those buckets use by default, in this region of ``key_account``."""
        super().__init__(scope, id)
        bucket_arn = f"arn:aws:s3:::{bucket_name}"
        writable = [f"arn:aws:s3:::{b}" for b in (writable_buckets or [bucket_name])]
        stream_arn = f"arn:aws:firehose:{region}:{account}:deliverystream/{stream_name}"
        delivery_role = iam.Role(
            self,
            "DeliveryRole",
            role_name=firehose_role_name,
            description="Lets Firehose write this account's exported log groups into the DPP archive's intake (DPP-LOG-8)",
            # Firehose's documented trust: its principal, with the account as external ID
            # (https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html#using-iam-s3).
            assumed_by=iam.ServicePrincipal("firehose.amazonaws.com", conditions={"StringEquals": {"sts:ExternalId": account}}),
        )
        delivery_policy = iam.ManagedPolicy(
            self,
            "DeliveryPolicy",
            description="Write the exported log groups under this account's own prefixes of one bucket, with its key through S3",
            roles=[delivery_role],
            statements=[
                iam.PolicyStatement(actions=["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"], resources=writable),
                iam.PolicyStatement(
                    actions=["s3:PutObject", "s3:AbortMultipartUpload"],
                    resources=[f"{b}/{p.value}/{account}/*" for b in writable for p in (LogPrefix.CLOUDWATCH_LOGS, LogPrefix.CLOUDWATCH_LOGS_ERRORS)],
                ),
                _keys_by_alias(region=region, account=key_account, aliases=key_aliases),
            ],
        )
        self.stream = firehose.CfnDeliveryStream(
            self,
            "Stream",
            delivery_stream_name=stream_name,
            delivery_stream_type="DirectPut",
            # Records wait in Firehose encrypted with an AWS-owned key until delivered.
            delivery_stream_encryption_configuration_input=firehose.CfnDeliveryStream.DeliveryStreamEncryptionConfigurationInputProperty(key_type="AWS_OWNED_CMK"),
            extended_s3_destination_configuration=firehose.CfnDeliveryStream.ExtendedS3DestinationConfigurationProperty(
                bucket_arn=bucket_arn,
                role_arn=delivery_role.role_arn,
                prefix=export_prefix(account, region),
                error_output_prefix=error_prefix(account, region),
                compression_format="GZIP",
                buffering_hints=firehose.CfnDeliveryStream.BufferingHintsProperty(interval_in_seconds=300, size_in_m_bs=64),
                encryption_configuration=firehose.CfnDeliveryStream.EncryptionConfigurationProperty(no_encryption_config="NoEncryption"),
                processing_configuration=firehose.CfnDeliveryStream.ProcessingConfigurationProperty(
                    enabled=True,
                    processors=[
                        firehose.CfnDeliveryStream.ProcessorProperty(
                            type="Decompression",
                            parameters=[firehose.CfnDeliveryStream.ProcessorParameterProperty(parameter_name="CompressionFormat", parameter_value="GZIP")],
                        ),
                        firehose.CfnDeliveryStream.ProcessorProperty(type="AppendDelimiterToRecord"),
                    ],
                ),
            ),
        )
        # Firehose checks at creation that its role may write to the destination.
        self.stream.node.add_dependency(delivery_policy)

        subscription_role = iam.Role(
            self,
            "SubscriptionRole",
            role_name=subscription_role_name,
            description="Lets CloudWatch Logs put this account's log events into the export stream (DPP-LOG-8)",
            assumed_by=iam.ServicePrincipal(
                "logs.amazonaws.com",
                conditions={"StringEquals": {"aws:SourceAccount": account}, "ArnLike": {"aws:SourceArn": f"arn:aws:logs:{region}:{account}:*"}},
            ),
        )
        subscription_policy = iam.ManagedPolicy(
            self,
            "SubscriptionPolicy",
            description="Put records into the export stream only",
            roles=[subscription_role],
            statements=[iam.PolicyStatement(actions=["firehose:PutRecord", "firehose:PutRecordBatch"], resources=[stream_arn])],
        )
        self.policy = logs.CfnAccountPolicy(
            self,
            "Policy",
            policy_name=policy_name,
            policy_type="SUBSCRIPTION_FILTER_POLICY",
            scope="ALL",
            # An empty pattern matches every event.
            policy_document=json.dumps({"DestinationArn": stream_arn, "RoleArn": f"arn:aws:iam::{account}:role/{subscription_role_name}", "FilterPattern": "", "Distribution": "Random"}),
            selection_criteria=selection_criteria(excluded_log_groups),
        )
        for prerequisite in (self.stream, subscription_role, subscription_policy):
            self.policy.node.add_dependency(prerequisite)
