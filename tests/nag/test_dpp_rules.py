"""Each DPP rule against a compliant and a non-compliant minimal stack (cdk-nag's own pattern),
and the pack's full list of rule IDs pinned."""
from __future__ import annotations

from typing import Callable

import aws_cdk as cdk
import pytest
from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3

from dpp_nag import ALL_RULES, DppChecks, PackSettings

ENV = cdk.Environment(account="111122223333", region="eu-west-1")


def violations(build: Callable[[cdk.Stack], None], settings: PackSettings | None = None) -> set[str]:
    app = cdk.App(context={"@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy": True})
    stack = cdk.Stack(app, "Rules", env=ENV)
    build(stack)
    report = DppChecks(app, settings=settings).validate_scope(stack)
    return {v.rule_name for v in report.violations}


def good_bucket(stack: cdk.Stack, id: str = "Archive", **overrides) -> s3.Bucket:
    key = kms.Key(stack, f"{id}Key", enable_key_rotation=True, removal_policy=RemovalPolicy.RETAIN)
    props = dict(
        versioned=True,
        encryption_key=key,
        encryption=s3.BucketEncryption.KMS,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        enforce_ssl=True,
        removal_policy=RemovalPolicy.RETAIN,
    )
    props.update(overrides)
    return s3.Bucket(stack, id, **props)


def locked_pair(stack: cdk.Stack, days: int = 365, mode: str = "compliance", tamper: bool = True, replicate: bool = True) -> s3.Bucket:
    retention = getattr(s3.ObjectLockRetention, mode)(Duration.days(days))
    bucket = good_bucket(stack, object_lock_enabled=True, object_lock_default_retention=retention)
    if tamper:
        bucket.add_to_resource_policy(
            iam.PolicyStatement(
                effect=iam.Effect.DENY,
                principals=[iam.AnyPrincipal()],
                actions=["s3:DeleteBucket", "s3:DeleteObjectVersion", "s3:PutBucketPolicy", "s3:PutLifecycleConfiguration", "s3:PutBucketObjectLockConfiguration", "s3:PutBucketVersioning"],
                resources=[bucket.bucket_arn, bucket.arn_for_objects("*")],
            )
        )
    if replicate:
        cfn: s3.CfnBucket = bucket.node.default_child
        cfn.replication_configuration = {
            "role": "arn:aws:iam::111122223333:role/r",
            "rules": [{"status": "Enabled", "destination": {"bucket": "arn:aws:s3:::replica"}}],
        }
    return bucket


def test_the_pack_rule_list_is_pinned():
    assert [r.rule_id for r in ALL_RULES] == [
        "DPP-S3ObjectLockCompliance",
        "DPP-S3Versioning",
        "DPP-S3KmsEncryption",
        "DPP-S3PublicAccessBlocked",
        "DPP-S3TlsOnly",
        "DPP-S3TamperDenied",
        "DPP-S3CrossRegionReplica",
        "DPP-S3LifecycleKeepsRetention",
        "DPP-KmsRotation",
        "DPP-KmsNoOpenPrincipal",
        "DPP-StatefulRetained",
    ]


def test_every_rule_cites_requirements_and_explains_the_fix():
    for rule in ALL_RULES:
        assert rule.requirements and all(r.startswith("DPP-") for r in rule.requirements), rule.rule_id
        assert len(rule.explanation) > 20, rule.rule_id


def test_compliant_locked_archive_passes_every_rule():
    assert violations(lambda st: locked_pair(st)) == set()


@pytest.mark.parametrize(
    "build, rule",
    [
        (lambda st: locked_pair(st, mode="governance"), "DPP-S3ObjectLockCompliance"),
        (lambda st: locked_pair(st, days=364), "DPP-S3ObjectLockCompliance"),
        (lambda st: good_bucket(st, versioned=False), "DPP-S3Versioning"),
        (lambda st: good_bucket(st, encryption=s3.BucketEncryption.S3_MANAGED, encryption_key=None), "DPP-S3KmsEncryption"),
        (lambda st: good_bucket(st, block_public_access=s3.BlockPublicAccess.BLOCK_ACLS), "DPP-S3PublicAccessBlocked"),
        (lambda st: good_bucket(st, enforce_ssl=False), "DPP-S3TlsOnly"),
        (lambda st: locked_pair(st, tamper=False), "DPP-S3TamperDenied"),
        (lambda st: locked_pair(st, replicate=False), "DPP-S3CrossRegionReplica"),
        (lambda st: good_bucket(st, lifecycle_rules=[s3.LifecycleRule(expiration=Duration.days(90))]), "DPP-S3LifecycleKeepsRetention"),
        (lambda st: good_bucket(st, lifecycle_rules=[s3.LifecycleRule(noncurrent_version_expiration=Duration.days(30))]), "DPP-S3LifecycleKeepsRetention"),
        (lambda st: kms.Key(st, "K", enable_key_rotation=False, removal_policy=RemovalPolicy.RETAIN), "DPP-KmsRotation"),
        (lambda st: good_bucket(st, removal_policy=RemovalPolicy.DESTROY), "DPP-StatefulRetained"),
        (lambda st: kms.Key(st, "K", enable_key_rotation=True, removal_policy=RemovalPolicy.DESTROY), "DPP-StatefulRetained"),
    ],
)
def test_non_compliant_resource_is_reported_with_the_exact_rule(build, rule):
    assert rule in violations(build)


def test_open_key_policy_is_reported_and_a_conditioned_one_is_not():
    def open_key(st, conditions=None):
        key = kms.Key(st, "K", enable_key_rotation=True, removal_policy=RemovalPolicy.RETAIN)
        key.add_to_resource_policy(iam.PolicyStatement(principals=[iam.AnyPrincipal()], actions=["kms:Decrypt"], resources=["*"], conditions=conditions))

    assert "DPP-KmsNoOpenPrincipal" in violations(open_key)
    assert "DPP-KmsNoOpenPrincipal" not in violations(lambda st: open_key(st, {"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}))


def test_access_log_bucket_may_use_sse_s3_but_nothing_else_may():
    def with_access_logs(st):
        target = good_bucket(st, "AccessLogs", encryption=s3.BucketEncryption.S3_MANAGED, encryption_key=None)
        good_bucket(st, server_access_logs_bucket=target)

    assert "DPP-S3KmsEncryption" not in violations(with_access_logs)


def test_a_replica_bucket_counts_as_replicated():
    def pair(st):
        locked_pair(st)  # replicates to arn:aws:s3:::replica
        locked_pair_named = good_bucket(
            st,
            "Replica",
            bucket_name="replica",
            object_lock_enabled=True,
            object_lock_default_retention=s3.ObjectLockRetention.compliance(Duration.days(365)),
        )
        locked_pair_named.add_to_resource_policy(
            iam.PolicyStatement(effect=iam.Effect.DENY, principals=[iam.AnyPrincipal()], actions=["s3:*"], resources=[locked_pair_named.arn_for_objects("*")])
        )

    assert violations(pair) == set()


def test_retention_setting_raises_the_bar():
    assert "DPP-S3ObjectLockCompliance" in violations(lambda st: locked_pair(st, days=365), PackSettings(retention_days=400))
    assert violations(lambda st: locked_pair(st, days=400), PackSettings(retention_days=400)) == set()
