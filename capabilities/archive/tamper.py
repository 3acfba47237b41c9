"""Bucket-policy statements that keep the archive's evidence intact (DPP-PRT-2, DPP-PRT-4).

Explicit denies win over any IAM allow, so an administrator of the account cannot quietly
delete the archive, weaken its lock or lifecycle, or read it without the reader role.
"""

from __future__ import annotations

from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3

# Actions that could destroy or weaken the archive or hide what is in it.
TAMPER_ACTIONS = (
    "s3:DeleteBucket",
    "s3:DeleteBucketPolicy",
    "s3:PutBucketPolicy",
    "s3:PutLifecycleConfiguration",
    "s3:PutBucketObjectLockConfiguration",
    "s3:PutBucketVersioning",
    "s3:PutReplicationConfiguration",
    "s3:PutEncryptionConfiguration",
    "s3:PutBucketLogging",
    "s3:PutBucketOwnershipControls",
    "s3:PutBucketPublicAccessBlock",
    "s3:DeleteObjectVersion",
    "s3:BypassGovernanceRetention",
    "s3:PutObjectRetention",
    "s3:PutObjectLegalHold",
)

# Where CloudTrail writes digest files (account and organization trails alike).
DIGEST_OBJECTS = "cloudtrail/AWSLogs/*/CloudTrail-Digest/*"

READ_ACTIONS = ("s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectAttributes", "s3:RestoreObject")

# Key-policy actions that would make the archive unreadable or its key unmanageable by the
# baseline: disabling or deleting the key, replacing its policy, turning rotation off, moving
# its aliases (DPP-PRT-4.b). Cancelling a scheduled deletion stays open to administrators.
KEY_TAMPER_ACTIONS = (
    "kms:DisableKey",
    "kms:ScheduleKeyDeletion",
    "kms:PutKeyPolicy",
    "kms:DisableKeyRotation",
    "kms:DeleteAlias",
    "kms:UpdateAlias",
    "kms:UpdateKeyDescription",
)


def deny_tampering(bucket: s3.Bucket, *, exempt_role_arns: list[str]) -> None:
    """Denies ``TAMPER_ACTIONS`` to every principal but the break-glass role and the
    CloudFormation execution role that deploys this reviewed code (stack updates need it)."""
    bucket.add_to_resource_policy(
        iam.PolicyStatement(
            sid="DenyTamperingExceptBreakGlassAndDeployment",
            effect=iam.Effect.DENY,
            principals=[iam.AnyPrincipal()],
            actions=list(TAMPER_ACTIONS),
            resources=[bucket.bucket_arn, bucket.arn_for_objects("*")],
            conditions={"ArnNotLike": {"aws:PrincipalArn": exempt_role_arns}},
        )
    )


def deny_reads_except(bucket: s3.Bucket, *, reader_role_arns: list[str]) -> None:
    """Need-to-know: object reads only through the dedicated reader (and break-glass) role."""
    bucket.add_to_resource_policy(
        iam.PolicyStatement(
            sid="DenyReadsExceptReaderRole",
            effect=iam.Effect.DENY,
            principals=[iam.AnyPrincipal()],
            actions=list(READ_ACTIONS),
            resources=[bucket.arn_for_objects("*")],
            conditions={"ArnNotLike": {"aws:PrincipalArn": reader_role_arns}},
        )
    )


def deny_weaker_encryption(bucket: s3.Bucket) -> None:
    """Refuses writes that ask for a weaker encryption than KMS (SSE-S3, SSE-C).

    Only a header that is present and wrong is denied (``Null: false`` and ``StringNotEquals``,
    both must hold). A negated operator alone is true when the key is absent, and the services
    that rely on the bucket's default encryption send no ``x-amz-server-side-encryption``
    header at all (AWS Config without S3KmsKeyArn, VPC flow logs, Route 53 Resolver query
    logs): denying the absent header would refuse every one of their deliveries. Those objects
    get the bucket's KMS default.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
    (negated operators match when the key is missing; the Null operator tests presence).
    DSSE-KMS (``aws:kms:dsse``) is at least as strong and stays allowed. No key-ID condition:
    a trail configured by key alias may send a header that would not match, and a refused
    delivery is a lost log."""
    bucket.add_to_resource_policy(
        iam.PolicyStatement(
            sid="DenyObjectsWithoutKms",
            effect=iam.Effect.DENY,
            principals=[iam.AnyPrincipal()],
            actions=["s3:PutObject"],
            # Except CloudTrail's digest files: "Digest files are encrypted with Amazon
            # S3-managed encryption keys (SSE-S3)" even for a KMS trail
            # (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/encrypting-cloudtrail-log-files-with-aws-kms.html);
            # refusing them would break log file validation (DPP-PRT-2).
            not_resources=[bucket.arn_for_objects(DIGEST_OBJECTS)],
            conditions={
                "Null": {"s3:x-amz-server-side-encryption": "false"},
                "StringNotEquals": {"s3:x-amz-server-side-encryption": ["aws:kms", "aws:kms:dsse"]},
            },
        )
    )


def confine_reads_to_endpoints(bucket: s3.Bucket, *, reader_role_arn: str, endpoints: list[str]) -> None:
    """Network segregation (DPP-PRT-4.c): the reader role's object reads must arrive through
    one of ``endpoints``. S3 sets ``aws:SourceVpce`` only on requests through a VPC endpoint,
    and a negated operator is true when the key is absent, so a read from the internet is
    refused. Reads Athena makes with the role's credentials carry ``aws:CalledViaFirst``
    ``athena.amazonaws.com`` and no endpoint, so they are let through here (the role's own
    Athena calls are confined in its policy instead). Both negated keys sit in one operator
    block, so the Deny needs both to hold
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourcevpce,
    #condition-keys-calledviafirst). The break-glass role is not confined: it is the way in
    when the network is the problem."""
    bucket.add_to_resource_policy(
        iam.PolicyStatement(
            sid="DenyReaderReadsOutsideEndpoints",
            effect=iam.Effect.DENY,
            principals=[iam.AnyPrincipal()],
            actions=list(READ_ACTIONS),
            resources=[bucket.arn_for_objects("*")],
            conditions={
                "ArnEquals": {"aws:PrincipalArn": reader_role_arn},
                "StringNotEquals": {"aws:SourceVpce": endpoints, "aws:CalledViaFirst": "athena.amazonaws.com"},
            },
        )
    )


# What writes (or hides) an object: a direct write, a replicated copy (staging is replicated
# into the archive, so a fake record written to staging would otherwise land), and a delete
# marker that would hide a record without destroying it.
EVIDENCE_WRITE_ACTIONS = ("s3:PutObject", "s3:ReplicateObject", "s3:DeleteObject", "s3:ReplicateDelete")


def deny_evidence_writes_except(bucket: s3.Bucket, *, prefix: str, writer_role_arns: list[str]) -> None:
    """Only the evidence's own writers write under ``prefix`` (DPP-VER-4, DPP-MON-8): the drill
    checkers, the reader role (``make record``) and break-glass. An administrator of the account
    with s3:* cannot forge a drill or review record, nor can a service writing into the bucket.

    ``ArnNotLike`` on ``aws:PrincipalArn`` (a role session's value is its role's ARN,
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn)
    is a negated operator, true when the key is absent
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html):
    service principals send no aws:PrincipalArn, so the deny applies to them too, which is
    wanted: no service delivers under evidence/. S3 replication writes with the replication
    role, which is not exempt: a copy from staging is refused, while the archive's own records
    still replicate into the replica, whose bucket this is not."""
    bucket.add_to_resource_policy(
        iam.PolicyStatement(
            sid="DenyEvidenceWritesExceptEvidenceWriters",
            effect=iam.Effect.DENY,
            principals=[iam.AnyPrincipal()],
            actions=list(EVIDENCE_WRITE_ACTIONS),
            resources=[bucket.arn_for_objects(f"{prefix}*")],
            conditions={"ArnNotLike": {"aws:PrincipalArn": writer_role_arns}},
        )
    )
