"""Bucket-policy grants that admit each delivering service to its own prefix only, for the
covered accounts or organization only (DPP-PRT-1/4)."""

from __future__ import annotations

from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3

from capabilities.archive.audience import Audience
from capabilities.archive.prefixes import LogPrefix


def _grant(bucket: s3.Bucket, sid: str, service: str, actions: list[str], resources: list[str], conditions: dict) -> None:
    bucket.add_to_resource_policy(iam.PolicyStatement(sid=sid, principals=[iam.ServicePrincipal(service)], actions=actions, resources=resources, conditions=conditions))


def _objects(bucket: s3.Bucket, patterns: list[str]) -> list[str]:
    return [bucket.arn_for_objects(p) for p in patterns]


def admit_cloudtrail(bucket: s3.Bucket, audience: Audience) -> None:
    """Only the covered trails: each account's, or the management account's organization trail."""
    accounts = list(audience.trail_accounts)
    conditions = {
        "StringEquals": {"aws:SourceAccount": accounts},
        "ArnLike": {"aws:SourceArn": [f"arn:aws:cloudtrail:*:{a}:trail/*" for a in accounts]},
    }
    _grant(bucket, "CloudTrailChecksAcl", "cloudtrail.amazonaws.com", ["s3:GetBucketAcl"], [bucket.bucket_arn], conditions)
    _grant(bucket, "CloudTrailWritesOwnPrefix", "cloudtrail.amazonaws.com", ["s3:PutObject"], _objects(bucket, audience.trail_prefixes(LogPrefix.CLOUDTRAIL.value)), conditions)


def admit_log_delivery(bucket: s3.Bucket, audience: Audience) -> None:
    """VPC flow logs and Route 53 Resolver query logs arrive through the log-delivery service.
    A query-logging configuration in another account also needs that account allowed to list
    the bucket: "the owner of the S3 bucket must add permissions for your account"
    (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-query-logs-choosing-target-resource.html)."""
    if audience.organization_id:
        bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="ResolverConfigOwnersListBucket",
                principals=[iam.AnyPrincipal()],
                actions=["s3:ListBucket"],
                resources=[bucket.bucket_arn],
                conditions={"StringEquals": {"aws:PrincipalOrgID": audience.organization_id}},
            )
        )
    elif audience.accounts:
        bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="ResolverConfigOwnersListBucket",
                principals=[iam.AccountPrincipal(a) for a in audience.accounts],
                actions=["s3:ListBucket"],
                resources=[bucket.bucket_arn],
            )
        )
    conditions = audience.source("arn:aws:logs:*:{account}:*")
    _grant(bucket, "LogDeliveryChecksAcl", "delivery.logs.amazonaws.com", ["s3:GetBucketAcl"], [bucket.bucket_arn], conditions)
    _grant(bucket, "LogDeliveryWritesFlowLogs", "delivery.logs.amazonaws.com", ["s3:PutObject"], _objects(bucket, audience.prefixes(LogPrefix.VPC_FLOW_LOGS.value)), conditions)
    _grant(bucket, "LogDeliveryWritesDnsQueryLogs", "delivery.logs.amazonaws.com", ["s3:PutObject"], _objects(bucket, audience.prefixes(LogPrefix.DNS_QUERY_LOGS.value)), conditions)


def admit_config(bucket: s3.Bucket, audience: Audience, *, member_role_pattern: str | None = None) -> None:
    """AWS Config delivers with the recorder's role, and across accounts retries as
    config.amazonaws.com when the bucket policy does not admit the role
    (https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html). The
    service principal "won't work with organization ID ... based conditions" (same page), so in
    organization mode the members' recorder roles (``member_role_pattern``) are admitted by
    ``aws:PrincipalOrgID`` instead."""
    conditions = audience.account_only()
    _grant(bucket, "ConfigChecksAcl", "config.amazonaws.com", ["s3:GetBucketAcl", "s3:ListBucket"], [bucket.bucket_arn], conditions)
    _grant(bucket, "ConfigWritesOwnPrefix", "config.amazonaws.com", ["s3:PutObject"], _objects(bucket, audience.prefixes(LogPrefix.CONFIG.value)), conditions)
    if audience.organization_id and member_role_pattern:
        members = {"StringEquals": {"aws:PrincipalOrgID": audience.organization_id}, "ArnLike": {"aws:PrincipalArn": member_role_pattern}}
        for sid, actions, resources in (
            ("MemberConfigRolesCheckAcl", ["s3:GetBucketAcl", "s3:ListBucket"], [bucket.bucket_arn]),
            ("MemberConfigRolesWriteOwnPrefix", ["s3:PutObject", "s3:PutObjectAcl"], _objects(bucket, audience.prefixes(LogPrefix.CONFIG.value))),
        ):
            bucket.add_to_resource_policy(iam.PolicyStatement(sid=sid, principals=[iam.AnyPrincipal()], actions=actions, resources=resources, conditions=members))


def admit_guardduty(bucket: s3.Bucket, audience: Audience) -> None:
    """GuardDuty exports findings of the covered detectors (any region)."""
    conditions = audience.detectors()
    _grant(bucket, "GuardDutyChecksLocation", "guardduty.amazonaws.com", ["s3:GetBucketLocation"], [bucket.bucket_arn], conditions)
    _grant(bucket, "GuardDutyWritesOwnPrefix", "guardduty.amazonaws.com", ["s3:PutObject"], _objects(bucket, audience.prefixes(LogPrefix.GUARDDUTY.value)), conditions)


def admit_log_export(bucket: s3.Bucket, audience: Audience, *, role_name_pattern: str) -> None:
    """The covered accounts' Firehose streams deliver the account-wide CloudWatch Logs export
    (``cloudwatch-logs/<account>/...`` and its error records) with their own roles, the
    cross-account grant Firehose documents for an S3 destination in another account
    (https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html#cross-account-delivery-s3).
    Its s3:GetObject is left out: reads stay denied to everyone but the reader roles, and
    Firehose only writes (unverified against AWS, README)."""
    principals, conditions = audience.roles(role_name_pattern)
    bucket.add_to_resource_policy(
        iam.PolicyStatement(
            sid="LogExportRolesLocateBucket",
            principals=principals,
            actions=["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
            resources=[bucket.bucket_arn],
            conditions=conditions,
        )
    )
    bucket.add_to_resource_policy(
        iam.PolicyStatement(
            sid="LogExportRolesWriteOwnPrefix",
            principals=principals,
            actions=["s3:PutObject", "s3:AbortMultipartUpload"],
            resources=_objects(bucket, audience.own_prefixes(LogPrefix.CLOUDWATCH_LOGS.value) + audience.own_prefixes(LogPrefix.CLOUDWATCH_LOGS_ERRORS.value)),
            conditions=conditions,
        )
    )


def admit_log_forwarder(bucket: s3.Bucket, audience: Audience, *, role_name_pattern: str) -> None:
    """The covered workload accounts' log forwarders copy their workload log buckets' objects
    (ALB access logs, WAF logs) under ``workload-logs/<account>/`` with their own roles
    (``lambdas/log_forwarder``). A cross-account CopyObject needs write permission on the
    destination from its bucket policy, the source read being the requester's own
    (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html); a multipart copy may
    also abort its upload. No read: the conditional write answers whether a key exists."""
    principals, conditions = audience.roles(role_name_pattern)
    bucket.add_to_resource_policy(
        iam.PolicyStatement(
            sid="LogForwardersWriteOwnPrefix",
            principals=principals,
            actions=["s3:PutObject", "s3:AbortMultipartUpload"],
            resources=_objects(bucket, audience.own_prefixes(LogPrefix.WORKLOAD_LOGS.value)),
            conditions=conditions,
        )
    )
