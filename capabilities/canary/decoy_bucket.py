"""The bucket that holds the canary object: named and protected like a real export bucket."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_s3 as s3
from constructs import Construct


class DecoyBucket(Construct):
    """A private, versioned, KMS-encrypted, TLS-only bucket whose name looks like a customer
    export bucket. Every object-level call on it is a CloudTrail data event (the account
    trail selects it), and reading the canary object raises a critical alarm."""

    def __init__(self, scope: Construct, id: str, *, bucket_name: str, key_alias_arn: str) -> None:
        super().__init__(scope, id)
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            bucket_name=bucket_name,
            versioned=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            minimum_tls_version=1.2,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            removal_policy=RemovalPolicy.RETAIN,
        )
        # The monitoring key by alias ARN (S3 accepts it): no cross-stack reference needed.
        cfn: s3.CfnBucket = self.bucket.node.default_child  # type: ignore[assignment]
        cfn.bucket_encryption = s3.CfnBucket.BucketEncryptionProperty(
            server_side_encryption_configuration=[
                s3.CfnBucket.ServerSideEncryptionRuleProperty(
                    bucket_key_enabled=True,
                    server_side_encryption_by_default=s3.CfnBucket.ServerSideEncryptionByDefaultProperty(sse_algorithm="aws:kms", kms_master_key_id=key_alias_arn),
                )
            ]
        )
