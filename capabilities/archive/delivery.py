"""Bucket-policy grants that admit each delivering service to its own prefix only (DPP-PRT-1/4)."""
from __future__ import annotations

from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3

from capabilities.archive.prefixes import LogPrefix


def _acl_check(bucket: s3.Bucket, sid: str, service: str, conditions: dict, extra_actions: tuple[str, ...] = ()) -> None:
    bucket.add_to_resource_policy(
        iam.PolicyStatement(
            sid=sid,
            principals=[iam.ServicePrincipal(service)],
            actions=["s3:GetBucketAcl", *extra_actions],
            resources=[bucket.bucket_arn],
            conditions=conditions,
        )
    )


def _put(bucket: s3.Bucket, sid: str, service: str, prefix: LogPrefix, accounts: list[str], conditions: dict) -> None:
    bucket.add_to_resource_policy(
        iam.PolicyStatement(
            sid=sid,
            principals=[iam.ServicePrincipal(service)],
            actions=["s3:PutObject"],
            resources=[bucket.arn_for_objects(prefix.objects(a)) for a in accounts],
            conditions=conditions,
        )
    )


def admit_cloudtrail(bucket: s3.Bucket, accounts: list[str]) -> None:
    conditions = {
        "StringEquals": {"aws:SourceAccount": accounts},
        "ArnLike": {"aws:SourceArn": [f"arn:aws:cloudtrail:*:{a}:trail/*" for a in accounts]},
    }
    _acl_check(bucket, "CloudTrailChecksAcl", "cloudtrail.amazonaws.com", conditions)
    _put(bucket, "CloudTrailWritesOwnPrefix", "cloudtrail.amazonaws.com", LogPrefix.CLOUDTRAIL, accounts, conditions)


def admit_log_delivery(bucket: s3.Bucket, accounts: list[str]) -> None:
    """VPC flow logs and Route 53 Resolver query logs arrive through the log-delivery service."""
    conditions = {
        "StringEquals": {"aws:SourceAccount": accounts},
        "ArnLike": {"aws:SourceArn": [f"arn:aws:logs:*:{a}:*" for a in accounts]},
    }
    _acl_check(bucket, "LogDeliveryChecksAcl", "delivery.logs.amazonaws.com", conditions)
    _put(bucket, "LogDeliveryWritesFlowLogs", "delivery.logs.amazonaws.com", LogPrefix.VPC_FLOW_LOGS, accounts, conditions)
    _put(bucket, "LogDeliveryWritesDnsQueryLogs", "delivery.logs.amazonaws.com", LogPrefix.DNS_QUERY_LOGS, accounts, conditions)


def admit_config(bucket: s3.Bucket, accounts: list[str]) -> None:
    conditions = {"StringEquals": {"aws:SourceAccount": accounts}}
    _acl_check(bucket, "ConfigChecksAcl", "config.amazonaws.com", conditions, ("s3:ListBucket",))
    _put(bucket, "ConfigWritesOwnPrefix", "config.amazonaws.com", LogPrefix.CONFIG, accounts, conditions)


def admit_guardduty(bucket: s3.Bucket, accounts: list[str]) -> None:
    """GuardDuty exports findings of the covered accounts' detectors (any region)."""
    conditions = {
        "StringEquals": {"aws:SourceAccount": accounts},
        "ArnLike": {"aws:SourceArn": [f"arn:aws:guardduty:*:{a}:detector/*" for a in accounts]},
    }
    bucket.add_to_resource_policy(
        iam.PolicyStatement(
            sid="GuardDutyChecksLocation",
            principals=[iam.ServicePrincipal("guardduty.amazonaws.com")],
            actions=["s3:GetBucketLocation"],
            resources=[bucket.bucket_arn],
            conditions=conditions,
        )
    )
    _put(bucket, "GuardDutyWritesOwnPrefix", "guardduty.amazonaws.com", LogPrefix.GUARDDUTY, accounts, conditions)
