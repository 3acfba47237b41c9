"""The settings every bucket of the archive shares (DPP-PRT-2/3, DPP-RET-1, DPP-LOG-7)."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct


def secure_bucket(
    scope: Construct,
    id: str,
    *,
    bucket_name: str,
    encryption_key: kms.IKey | None,
    access_logs: tuple[s3.IBucket, str] | None,
    lifecycle_rules: list[s3.LifecycleRule],
    locked_days: int | None = None,
    replication_rules: list[s3.ReplicationRule] | None = None,
    replication_role=None,
) -> s3.Bucket:
    """A versioned, private, TLS-only bucket owned by its account and retained on delete.

    ``encryption_key`` None means SSE-S3: only for server access log buckets, because S3
    server access logging cannot deliver to SSE-KMS buckets. ``locked_days`` turns on Object
    Lock with a COMPLIANCE-mode default retention: not even the root user can shorten it.
    """
    bucket = s3.Bucket(
        scope,
        id,
        bucket_name=bucket_name,
        versioned=True,
        encryption=s3.BucketEncryption.KMS if encryption_key else s3.BucketEncryption.S3_MANAGED,
        encryption_key=encryption_key,
        bucket_key_enabled=True if encryption_key else None,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        enforce_ssl=True,
        minimum_tls_version=1.2,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        object_lock_enabled=True if locked_days else None,
        object_lock_default_retention=s3.ObjectLockRetention.compliance(Duration.days(locked_days)) if locked_days else None,
        server_access_logs_bucket=access_logs[0] if access_logs else None,
        server_access_logs_prefix=access_logs[1] if access_logs else None,
        # <prefix><account>/<region>/<bucket>/<yyyy>/<MM>/<dd>/: the access logs' Athena table
        # projects one day at a time instead of listing a flat prefix (DPP-ANA-1).
        target_object_key_format=s3.TargetObjectKeyFormat.partitioned_prefix(s3.PartitionDateSource.EVENT_TIME) if access_logs else None,
        lifecycle_rules=lifecycle_rules,
        replication_rules=replication_rules,
        replication_role=replication_role,
        removal_policy=RemovalPolicy.RETAIN,
    )
    for index, rule in enumerate(lifecycle_rules):
        if rule.object_size_greater_than is not None:
            # CloudFormation types the size as a string of digits; CDK writes a number
            # (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-s3-bucket-rule.html).
            cfn = bucket.node.default_child
            assert isinstance(cfn, s3.CfnBucket)
            cfn.add_property_override(f"LifecycleConfiguration.Rules.{index}.ObjectSizeGreaterThan", str(rule.object_size_greater_than))
    return bucket


_COLD_CLASSES = {
    "GLACIER_IR": s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
    "GLACIER": s3.StorageClass.GLACIER,
    "DEEP_ARCHIVE": s3.StorageClass.DEEP_ARCHIVE,
}


def retention_lifecycle(
    retention_days: int,
    *,
    to_infrequent_access_days: int | None = None,
    to_glacier_days: int | None = None,
    cold_storage_class: str = "GLACIER_IR",
    keep_empty_objects: bool = False,
) -> list[s3.LifecycleRule]:
    """Colder tiers over time; current and noncurrent versions expire only once retention ends.

    Expiry never comes before ``retention_days`` (DPP-RET-1); on a locked bucket S3 also
    refuses to remove a version before its lock lapses, whatever a rule says. The cold tier
    is Glacier Instant Retrieval unless configured otherwise: its objects are read with a
    plain GET (Athena too), so logs stay readable for the whole retention (DPP-PRT-4.a);
    Glacier Flexible Retrieval and Deep Archive need a restore first
    (https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-class-intro.html).

    ``keep_empty_objects`` spares zero-byte objects from expiry (a folder marker a service
    checks for, such as GuardDuty's ``guardduty/``, holds no log): the expiring rule applies
    only to objects larger than 0 bytes ("Objects must be larger than this value in bytes",
    https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-s3-bucket-rule.html;
    https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-filters.html). S3
    refuses AbortIncompleteMultipartUpload in a rule with an object size filter ("cannot be
    specified with Object Size", https://github.com/aws-cloudformation/cfn-lint/issues/3554),
    so that action gets a rule of its own, for every object.
    """
    transitions = []
    if to_infrequent_access_days is not None:
        transitions.append(s3.Transition(storage_class=s3.StorageClass.INFREQUENT_ACCESS, transition_after=Duration.days(to_infrequent_access_days)))
    if to_glacier_days is not None and to_glacier_days < retention_days:
        transitions.append(s3.Transition(storage_class=_COLD_CLASSES[cold_storage_class], transition_after=Duration.days(to_glacier_days)))
    abort_uploads = Duration.days(7)
    rules = [
        s3.LifecycleRule(
            id="ColderTiersThenExpiryAfterRetention",
            enabled=True,
            transitions=[t for t in transitions if t.transition_after.to_days() < retention_days] or None,
            expiration=Duration.days(retention_days),
            noncurrent_version_expiration=Duration.days(retention_days),
            abort_incomplete_multipart_upload_after=None if keep_empty_objects else abort_uploads,
            object_size_greater_than=0 if keep_empty_objects else None,
        ),
        s3.LifecycleRule(id="RemoveExpiredDeleteMarkers", enabled=True, expired_object_delete_marker=True),
    ]
    if keep_empty_objects:
        rules.append(s3.LifecycleRule(id="AbortIncompleteUploads", enabled=True, abort_incomplete_multipart_upload_after=abort_uploads))
    return rules
