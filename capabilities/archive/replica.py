"""The archive's geographically separated copy, in the replica region."""

from __future__ import annotations

from constructs import Construct

from capabilities.archive import tamper
from capabilities.archive.log_key import LogKey
from capabilities.archive.secure_bucket import retention_lifecycle, secure_bucket
from configuration.model import ArchiveSettings
from configuration.naming import ArchiveNames


class LogArchiveReplica(Construct):
    """The replica of the WORM archive, protected exactly as the original (DPP-PRT-5).

    Its own rotating key, Object Lock in COMPLIANCE mode for the same retention, the same
    tamper and read denies, and server access logs in its own region (DPP-LOG-7). It only
    receives objects through replication (``LogArchive``); deploy it before the archive.
    """

    def __init__(self, scope: Construct, id: str, *, names: ArchiveNames, retention_days: int, settings: ArchiveSettings) -> None:
        super().__init__(scope, id)
        region = names.replica_region
        replica_key = LogKey(self, "ReplicaKey", alias=names.replica_key_alias, description="Encrypts the DPP log archive replica (DPP-PRT-3, DPP-PRT-5)")
        self.key = replica_key.key
        self.access_logs = secure_bucket(
            self,
            "AccessLogBucket",
            bucket_name=names.replica_access_log_bucket,
            encryption_key=None,
            access_logs=None,
            lifecycle_rules=retention_lifecycle(retention_days),
        )
        self.bucket = secure_bucket(
            self,
            "ReplicaBucket",
            bucket_name=names.replica_bucket,
            encryption_key=self.key,
            access_logs=(self.access_logs, "log-replica/"),
            lifecycle_rules=retention_lifecycle(
                retention_days,
                to_infrequent_access_days=settings.transition_to_infrequent_access_days,
                to_glacier_days=settings.transition_to_glacier_days,
                cold_storage_class=settings.cold_storage_class,
            ),
            locked_days=retention_days,
        )
        break_glass = names.role_arn(settings.break_glass_role_name)
        for bucket in (self.bucket, self.access_logs):
            tamper.deny_tampering(bucket, exempt_role_arns=[break_glass, names.deploy_role_arn(region)])
            tamper.deny_reads_except(bucket, reader_role_arns=[names.role_arn(names.reader_role), break_glass])
            if settings.reader_vpc_endpoints:
                tamper.confine_reads_to_endpoints(bucket, reader_role_arn=names.role_arn(names.reader_role), endpoints=list(settings.reader_vpc_endpoints))
        tamper.deny_weaker_encryption(self.bucket)
        replica_key.deny_tampering(exempt_role_arns=[break_glass, names.deploy_role_arn(region)])
