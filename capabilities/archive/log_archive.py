"""The central log archive in the log-archive account's home region."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_iam as iam
from constructs import Construct

from capabilities.archive import delivery, replication, tamper
from capabilities.archive.audience import Audience
from capabilities.archive.key_layout import ACCESS_LOG_PREFIXES
from capabilities.archive.log_key import LogKey
from capabilities.archive.secure_bucket import retention_lifecycle, secure_bucket
from configuration.model import ArchiveSettings
from configuration.naming import ArchiveNames

EVIDENCE_DRILL_PREFIX = "evidence/drill/"  # the drill records' layout (README: Drills)


class LogArchive(Construct):
    """A KMS-encrypted, Object Lock (COMPLIANCE) archive that every log source delivers into.

    - ``bucket``: the WORM archive, one prefix per source (``capabilities.archive.LogPrefix``),
      replicated to the replica region (DPP-PRT-1/2/3/5, DPP-RET-1).
    - ``config_staging``: AWS Config refuses Object Lock buckets, so Config delivers here and
      S3 replication copies every object into the archive and the replica, where it is locked.
      GuardDuty's findings export lands here too (prefix ``guardduty/``): AWS does not document
      it writing to Object Lock buckets, and a refused export would be lost findings (DPP-LOG-6).
      The home region's account-wide CloudWatch Logs export (``cloudwatch-logs/``) lands here
      for the same reason: S3 requires a Content-MD5 or checksum header on every PUT into a
      bucket with default retention, and Firehose documents neither (DPP-LOG-8).
    - ``access_logs``: server access logs of both (DPP-LOG-7); SSE-S3 because S3 server access
      logging cannot write to SSE-KMS buckets.
    - ``reader_role``: the only way to read logs (DPP-PRT-4); tampering is denied to everyone
      but the configured break-glass role and the deploying CloudFormation role.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        names: ArchiveNames,
        retention_days: int,
        settings: ArchiveSettings,
        audience: Audience,
        key_readers: list[str],
        intake_regions: list[str] = (),
        log_export_roles: str | None = None,
        log_forwarder_roles: str | None = None,
        evidence_writers: list[str] = (),
    ) -> None:
        super().__init__(scope, id)
        self._intake_regions = list(intake_regions)
        region = names.home_region
        archive_key = LogKey(self, "ArchiveKey", alias=names.archive_key_alias, description="Encrypts the DPP log archive (DPP-PRT-3)")
        archive_key.admit_cloudtrail(audience)
        archive_key.admit_config(audience)
        archive_key.admit_log_delivery(audience)
        if audience.detector_accounts:
            archive_key.admit_guardduty(audience)
        member_roles = f"arn:aws:iam::*:role/{names.prefix}-config-recorder*"  # members: -<region>; management and security: none
        archive_key.admit_member_config_roles(audience, role_pattern=member_roles, region=region)
        archive_key.admit_key_lookup(audience, owner=names.account, readers=key_readers)
        if log_export_roles:
            archive_key.admit_log_export(audience, role_name_pattern=log_export_roles, region=region)
        if log_forwarder_roles:
            archive_key.admit_log_forwarder(audience, role_name_pattern=log_forwarder_roles, region=region)
        self.key = archive_key.key

        self.access_logs = secure_bucket(
            self,
            "AccessLogBucket",
            bucket_name=names.access_log_bucket,
            encryption_key=None,
            access_logs=None,
            lifecycle_rules=retention_lifecycle(retention_days),
        )
        lifecycle = retention_lifecycle(
            retention_days,
            to_infrequent_access_days=settings.transition_to_infrequent_access_days,
            to_glacier_days=settings.transition_to_glacier_days,
            cold_storage_class=settings.cold_storage_class,
        )
        self.bucket = secure_bucket(
            self,
            "ArchiveBucket",
            bucket_name=names.archive_bucket,
            encryption_key=self.key,
            access_logs=(self.access_logs, ACCESS_LOG_PREFIXES["archive"]),
            lifecycle_rules=lifecycle,
            locked_days=retention_days,
        )
        self.config_staging = secure_bucket(
            self,
            "ConfigStagingBucket",
            bucket_name=names.config_staging_bucket,
            encryption_key=self.key,
            access_logs=(self.access_logs, ACCESS_LOG_PREFIXES["staging"]),
            # GuardDuty's folder marker (guardduty/, zero bytes) must outlive every log here.
            lifecycle_rules=retention_lifecycle(retention_days, keep_empty_objects=True),
        )

        self.replication_role, self._replication_policy = replication.replication_role(self, "ReplicationRole", role_name=names.replication_role, account=names.account)
        self._replicate(names, settings)
        self.reader_role = self._reader_role(names, settings)

        exempt = [names.role_arn(settings.break_glass_role_name), names.deploy_role_arn(region)]
        readers = [self.reader_role.role_arn, names.role_arn(settings.break_glass_role_name)]
        delivery.admit_cloudtrail(self.bucket, audience)
        delivery.admit_log_delivery(self.bucket, audience)
        delivery.admit_config(self.config_staging, audience, member_role_pattern=member_roles)
        if audience.detector_accounts:
            delivery.admit_guardduty(self.config_staging, audience)
        if log_export_roles:
            delivery.admit_log_export(self.config_staging, audience, role_name_pattern=log_export_roles)
        if log_forwarder_roles:
            delivery.admit_log_forwarder(self.config_staging, audience, role_name_pattern=log_forwarder_roles)
        for bucket in (self.bucket, self.config_staging, self.access_logs):
            tamper.deny_tampering(bucket, exempt_role_arns=exempt)
            tamper.deny_reads_except(bucket, reader_role_arns=readers)
            if settings.reader_vpc_endpoints:
                tamper.confine_reads_to_endpoints(bucket, reader_role_arn=names.role_arn(names.reader_role), endpoints=list(settings.reader_vpc_endpoints))
        for bucket in (self.bucket, self.config_staging):
            tamper.deny_weaker_encryption(bucket)
        archive_key.deny_tampering(exempt_role_arns=exempt)
        if evidence_writers:
            self._admit_evidence_writers(list(evidence_writers))
        tamper.deny_evidence_writes_except(
            self.bucket,
            prefix=f"{EVIDENCE_PREFIX}/",
            writer_role_arns=[*evidence_writers, names.role_arn(names.reader_role), names.role_arn(settings.break_glass_role_name)],
        )

    def _admit_evidence_writers(self, role_arns: list[str]) -> None:
        """The drill checkers (each monitored account's, a fixed role name) write their records
        under ``evidence/drill/``, and only there (DPP-MON-8). The accounts are the principals and
        the role ARNs a condition, so the policies are valid before those roles exist (a policy
        naming a missing role as principal is refused). Writes only: reads stay with the reader
        role, and the bucket's default retention locks each record."""
        accounts = sorted({arn.split(":")[4] for arn in role_arns})
        writers = {"ArnEquals": {"aws:PrincipalArn": role_arns}}
        self.bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="DrillCheckersWriteEvidence",
                principals=[iam.AccountPrincipal(a) for a in accounts],
                actions=["s3:PutObject"],
                resources=[self.bucket.arn_for_objects(f"{EVIDENCE_DRILL_PREFIX}*")],
                conditions=writers,
            )
        )
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="DrillCheckersEncryptEvidence",
                principals=[iam.AccountPrincipal(a) for a in accounts],
                actions=["kms:GenerateDataKey"],
                resources=["*"],
                conditions={**writers, "StringEquals": {"kms:ViaService": f"s3.{self.bucket.env.region}.amazonaws.com"}},
            )
        )

    def _replicate(self, names: ArchiveNames, settings: ArchiveSettings) -> None:
        role, policy = self.replication_role, self._replication_policy
        # S3 checks at PutBucketReplication time that each destination bucket exists.
        self.config_staging.node.add_dependency(self.bucket)
        replica = replication.Destination(
            rule_id="ToReplicaRegion",
            bucket_arn=names.bucket_arn(names.replica_bucket),
            key_arn=f"arn:aws:kms:{names.replica_region}:{names.account}:{names.replica_key_alias}",
        )
        archive = replication.Destination(rule_id="IntoWormArchive", bucket_arn=names.bucket_arn(names.archive_bucket), key_arn=self.key.key_arn)
        # S3 does not replicate replicas onwards, so the staging bucket feeds both locked copies.
        replication.replicate(self.bucket, role=role, destinations=[replica], time_control=settings.replication_time_control)
        replication.replicate(self.config_staging, role=role, destinations=[archive, replica], time_control=settings.replication_time_control)
        for source in (names.archive_bucket, names.config_staging_bucket):
            replication.grant_source(policy, names.bucket_arn(source))
        replication.grant_destination(policy, archive.bucket_arn)
        replication.grant_destination(policy, replica.bucket_arn)
        replication.grant_key(policy, key_arn=self.key.key_arn, region=names.home_region, actions=["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"])
        # Decrypt on the destination key too: with S3 Bucket Keys on the destination, "the AWS
        # KMS key policy for the KMS key that's used to encrypt the object replica must include
        # the kms:Decrypt permission" (replication-config-for-kms-objects.html).
        replication.grant_key_by_alias(policy, region=names.replica_region, account=names.account, alias=names.replica_key_alias, actions=replication.DESTINATION_KEY_ACTIONS)

    def _reader_role(self, names: ArchiveNames, settings: ArchiveSettings) -> iam.Role:
        """Need-to-know reads (DPP-PRT-4.a): only the configured principals (none configured:
        the break-glass role) may assume it, with MFA unless switched off, for an hour at a
        time; every assumption alarms (``ArchiveReaderRoleAssumed``). Where the cold tier needs
        a restore, the role may restore objects too (README: restoring archived logs)."""
        trusted = list(settings.reader_principals) or [names.role_arn(settings.break_glass_role_name)]
        role = iam.Role(
            self,
            "LogReaderRole",
            role_name=names.reader_role,
            description="Need-to-know, read-only access to the DPP log archive and its replica (DPP-PRT-4)",
            assumed_by=iam.CompositePrincipal(*[iam.ArnPrincipal(arn) for arn in trusted]),
            max_session_duration=Duration.hours(1),
        )
        # One trust statement for every trusted principal, with the MFA condition on it (the
        # L2 role cannot put a condition on a composite principal).
        trust: dict = {"Effect": "Allow", "Principal": {"AWS": trusted if len(trusted) > 1 else trusted[0]}, "Action": "sts:AssumeRole"}
        if settings.reader_requires_mfa:
            trust["Condition"] = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
        cfn_role: iam.CfnRole = role.node.default_child  # type: ignore[assignment]
        cfn_role.assume_role_policy_document = {"Version": "2012-10-17", "Statement": [trust]}
        policy = iam.ManagedPolicy(self, "LogReaderPolicy", description="Read-only access to the DPP log archive", roles=[role])
        buckets = reader_buckets(names, self._intake_regions)
        object_actions = ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectAttributes"]
        if settings.cold_tier_needs_restore:
            object_actions.append("s3:RestoreObject")
        policy.add_statements(
            iam.PolicyStatement(
                actions=["s3:ListBucket", "s3:ListBucketVersions", "s3:GetBucketLocation"],
                resources=[names.bucket_arn(b) for b in buckets],
            ),
            iam.PolicyStatement(actions=object_actions, resources=[f"{names.bucket_arn(b)}/*" for b in buckets]),
        )
        # The evidence register (DPP-VER-4): reviewers record reviews and checks under
        # evidence/ of the archive, where Object Lock keeps them; nothing else is writable.
        policy.add_statements(iam.PolicyStatement(sid="RecordEvidence", actions=["s3:PutObject"], resources=[f"{names.bucket_arn(names.archive_bucket)}/{EVIDENCE_PREFIX}/*"]))
        replication.grant_key(policy, key_arn=self.key.key_arn, region=names.home_region, actions=["kms:Decrypt", "kms:GenerateDataKey"])
        replication.grant_key_by_alias(policy, region=names.replica_region, account=names.account, alias=names.replica_key_alias, actions=["kms:Decrypt"])
        if settings.reader_vpc_endpoints:
            # DPP-PRT-4.c: the role's queries start where its reads may (tamper.confine_reads_to_endpoints).
            policy.add_statements(
                iam.PolicyStatement(
                    sid="AthenaOnlyThroughEndpoints",
                    effect=iam.Effect.DENY,
                    actions=["athena:*"],
                    resources=["*"],
                    conditions={"StringNotEquals": {"aws:SourceVpce": list(settings.reader_vpc_endpoints)}},
                )
            )
        for region in self._intake_regions:
            replication.grant_key_by_alias(policy, region=region, account=names.account, alias=names.intake_key_alias, actions=["kms:Decrypt"])
        return role


# Where the evidence register lives in the archive (layout: evidence/register.py).
EVIDENCE_PREFIX = "evidence"


def reader_buckets(names: ArchiveNames, intake_regions: list[str]) -> list[str]:
    """Every bucket that holds logs or their access logs: what the reader role may read."""
    buckets = [names.archive_bucket, names.config_staging_bucket, names.access_log_bucket, names.replica_bucket, names.replica_access_log_bucket]
    for region in intake_regions:
        buckets += [names.intake_bucket(region), names.intake_access_log_bucket(region)]
    return buckets
