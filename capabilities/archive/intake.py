"""A covered region's intake for VPC flow logs and Route 53 Resolver query logs (DPP-LOG-3,
DPP-LOG-4, DPP-PRT-1/3/5).

Route 53 Resolver writes query logs only to a destination in the query-logging
configuration's own region ("You can choose only resources that were created in the AWS
Region" of the configuration,
https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-query-logging-configurations-managing.html),
and AWS documents no cross-region S3 destination for flow logs either. So each covered region
other than the home region delivers into an intake bucket of its own, in the log-archive
account, which S3 replication copies into the WORM archive and its replica (S3 does not
replicate replicas onwards, so the intake feeds both, as the Config staging bucket does).
The intake is protected like the archive: its own rotating key, TLS only, tamper and read
denies, server access logs; it is not locked (the locked copies are the archive's).
"""

from __future__ import annotations

from constructs import Construct

from capabilities.archive import delivery, replication, tamper
from capabilities.archive.audience import Audience
from capabilities.archive.log_key import LogKey
from capabilities.archive.secure_bucket import retention_lifecycle, secure_bucket
from configuration.model import ArchiveSettings
from configuration.naming import ArchiveNames


class RegionalLogIntake(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        names: ArchiveNames,
        region: str,
        retention_days: int,
        settings: ArchiveSettings,
        audience: Audience,
        log_export_roles: str | None = None,
        log_forwarder_roles: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        intake_key = LogKey(self, "IntakeKey", alias=names.intake_key_alias, description=f"Encrypts the DPP log intake in {region} (DPP-PRT-3)")
        intake_key.admit_log_delivery(audience)
        if log_export_roles:
            intake_key.admit_log_export(audience, role_name_pattern=log_export_roles, region=region)
        if log_forwarder_roles:
            intake_key.admit_log_forwarder(audience, role_name_pattern=log_forwarder_roles, region=region)
        self.key = intake_key.key
        self.access_logs = secure_bucket(
            self,
            "AccessLogBucket",
            bucket_name=names.intake_access_log_bucket(region),
            encryption_key=None,
            access_logs=None,
            lifecycle_rules=retention_lifecycle(retention_days),
        )
        self.bucket = secure_bucket(
            self,
            "IntakeBucket",
            bucket_name=names.intake_bucket(region),
            encryption_key=self.key,
            access_logs=(self.access_logs, "log-intake/"),
            lifecycle_rules=retention_lifecycle(retention_days),
        )
        delivery.admit_log_delivery(self.bucket, audience)
        if log_export_roles:
            # The region's account-wide CloudWatch Logs export (DPP-LOG-8): Firehose writes
            # in its own region here, replication carries it into the locked copies.
            delivery.admit_log_export(self.bucket, audience, role_name_pattern=log_export_roles)
        if log_forwarder_roles:
            # The region's workload log buckets (ALB, WAF: SSE-S3 only), copied by each
            # workload account's log forwarder, replicated from here into the locked copies.
            delivery.admit_log_forwarder(self.bucket, audience, role_name_pattern=log_forwarder_roles)

        role, policy = replication.replication_role(self, "ReplicationRole", role_name=names.intake_replication_role(region), account=names.account)
        archive = replication.Destination(
            rule_id="IntoWormArchive",
            bucket_arn=names.bucket_arn(names.archive_bucket),
            key_arn=f"arn:aws:kms:{names.home_region}:{names.account}:{names.archive_key_alias}",
        )
        replica = replication.Destination(
            rule_id="ToReplicaRegion",
            bucket_arn=names.bucket_arn(names.replica_bucket),
            key_arn=f"arn:aws:kms:{names.replica_region}:{names.account}:{names.replica_key_alias}",
        )
        replication.replicate(self.bucket, role=role, destinations=[archive, replica], time_control=settings.replication_time_control)
        replication.grant_source(policy, names.bucket_arn(names.intake_bucket(region)))
        replication.grant_destination(policy, archive.bucket_arn)
        replication.grant_destination(policy, replica.bucket_arn)
        replication.grant_key(policy, key_arn=self.key.key_arn, region=region, actions=["kms:Decrypt"])
        for destination_region, alias in ((names.home_region, names.archive_key_alias), (names.replica_region, names.replica_key_alias)):
            replication.grant_key_by_alias(policy, region=destination_region, account=names.account, alias=alias, actions=replication.DESTINATION_KEY_ACTIONS)

        break_glass = names.role_arn(settings.break_glass_role_name)
        for bucket in (self.bucket, self.access_logs):
            tamper.deny_tampering(bucket, exempt_role_arns=[break_glass, names.deploy_role_arn(region)])
            tamper.deny_reads_except(bucket, reader_role_arns=[names.role_arn(names.reader_role), break_glass])
            if settings.reader_vpc_endpoints:
                tamper.confine_reads_to_endpoints(bucket, reader_role_arn=names.role_arn(names.reader_role), endpoints=list(settings.reader_vpc_endpoints))
        tamper.deny_weaker_encryption(self.bucket)
        intake_key.deny_tampering(exempt_role_arns=[break_glass, names.deploy_role_arn(region)])
