"""Cross-bucket replication into the WORM archive and its replica (DPP-PRT-2, DPP-PRT-5).

Written at the CloudFormation level because the replica's key lives in another region: the
destination key is named by alias ARN (which S3 accepts) and the role's KMS rights are scoped
by ``kms:ResourceAliases``, so no cross-region reference or lookup is needed.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct

from capabilities.foundation.building_blocks import key_by_alias_statement


# What the replication role needs on a destination key. Decrypt as well: the destination
# buckets use S3 Bucket Keys, and "to use replication with an S3 Bucket Key, the AWS KMS key
# policy for the KMS key that's used to encrypt the object replica must include the
# kms:Decrypt permission for the calling principal"
# (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html).
DESTINATION_KEY_ACTIONS = ["kms:Encrypt", "kms:GenerateDataKey", "kms:Decrypt"]


@dataclass(frozen=True)
class Destination:
    rule_id: str
    bucket_arn: str
    key_arn: str  # key ARN or alias ARN in the destination's region


def replication_role(scope: Construct, id: str, *, role_name: str, account: str) -> tuple[iam.Role, iam.ManagedPolicy]:
    """A role that only S3, acting for this account, may assume, with a managed policy that
    the ``grant_*`` functions fill (managed rather than inline, so it can be reviewed and
    reused on its own)."""
    role = iam.Role(
        scope,
        id,
        role_name=role_name,
        description="Replicates log objects into the WORM archive and its replica region (DPP-PRT-5)",
        assumed_by=iam.ServicePrincipal("s3.amazonaws.com", conditions={"StringEquals": {"aws:SourceAccount": account}}),
    )
    policy = iam.ManagedPolicy(scope, f"{id}Policy", description="Least privilege for log replication", roles=[role])
    return role, policy


def grant_source(policy: iam.ManagedPolicy, bucket_arn: str) -> None:
    policy.add_statements(iam.PolicyStatement(actions=["s3:GetReplicationConfiguration", "s3:ListBucket"], resources=[bucket_arn]))
    policy.add_statements(
        iam.PolicyStatement(
            actions=[
                "s3:GetObjectVersionForReplication",
                "s3:GetObjectVersionAcl",
                "s3:GetObjectVersionTagging",
                "s3:GetObjectRetention",
                "s3:GetObjectLegalHold",
            ],
            resources=[f"{bucket_arn}/*"],
        )
    )


def grant_destination(policy: iam.ManagedPolicy, bucket_arn: str) -> None:
    # No s3:ReplicateDelete: delete markers are never replicated into the archive.
    policy.add_statements(iam.PolicyStatement(actions=["s3:ReplicateObject", "s3:ReplicateTags"], resources=[f"{bucket_arn}/*"]))


def grant_key(policy: iam.ManagedPolicy, *, key_arn: str, region: str, actions: list[str]) -> None:
    """KMS rights on one key, used through S3 only."""
    policy.add_statements(iam.PolicyStatement(actions=actions, resources=[key_arn], conditions={"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}}))


def grant_key_by_alias(policy: iam.ManagedPolicy, *, region: str, account: str, alias: str, actions: list[str]) -> None:
    """KMS rights on the replica key, known here only by alias, used through S3 only."""
    policy.add_statements(key_by_alias_statement(actions=actions, region=region, account=account, alias=alias, via_services=["s3"]))


def replicate(bucket: s3.Bucket, *, role: iam.IRole, destinations: list[Destination], time_control: bool) -> None:
    """Replicates every object (all prefixes) of ``bucket`` to each destination.

    Delete markers are not replicated, so a delete in the source never hides evidence in the
    archive. KMS-encrypted objects are included. Replication metrics are always on so that
    failed replication can be alarmed on (DPP-MON-6); Replication Time Control (15-minute SLA,
    extra cost) is optional. The metrics feed the ``ReplicationFailed`` alarms of the
    log-archive account (capabilities.alarms.dpp).
    """
    rules = []
    for priority, destination in enumerate(destinations, start=1):
        target: dict = {
            "bucket": destination.bucket_arn,
            "encryptionConfiguration": {"replicaKmsKeyId": destination.key_arn},
            "metrics": {"status": "Enabled", "eventThreshold": {"minutes": 15}} if time_control else {"status": "Enabled"},
        }
        if time_control:
            target["replicationTime"] = {"status": "Enabled", "time": {"minutes": 15}}
        rules.append(
            {
                "id": destination.rule_id,
                "priority": priority,
                "status": "Enabled",
                "filter": {"prefix": ""},
                "deleteMarkerReplication": {"status": "Disabled"},
                "sourceSelectionCriteria": {"sseKmsEncryptedObjects": {"status": "Enabled"}},
                "destination": target,
            }
        )
    cfn: s3.CfnBucket = bucket.node.default_child  # type: ignore[assignment]
    cfn.replication_configuration = {"role": role.role_arn, "rules": rules}
