"""Findings the project accepts, each with the reason a security reviewer would read.

Kept as data in this one module. ``path`` is a glob over construct paths (``*`` crosses
``/``); an acknowledgement covers the construct it names and everything below it. The test
suite fails when an acknowledgement suppresses nothing (no stale exceptions), and the
compliance report lists every one with its reason.
"""
from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase

from aws_cdk import Acknowledgment, App, Validations
from constructs import IConstruct

from configuration.model import BaselineConfig
from configuration.naming import archive_names


@dataclass(frozen=True)
class Acknowledgement:
    rule: str  # "<Pack>::<Rule-ID>", e.g. "AwsSolutions::AwsSolutions-S1"
    path: str
    reason: str


_ACCESS_LOG_BUCKETS = "*/LogArchive*/AccessLogBucket"
_SSE_S3_ONLY = (
    "S3 server access logging can only deliver to buckets encrypted with SSE-S3 (AES-256); "
    "the access-log bucket is versioned, private, TLS-only and tamper-denied instead."
)
_NO_LOCK_ON_ACCESS_LOGS = (
    "S3 server access logging refuses targets with an Object Lock default retention, so access logs "
    "cannot be replicated into the WORM archive without a logging loop; they are kept in-region for "
    "the full retention period behind deny-delete and need-to-know policies."
)
_REPLICA_IS_DESTINATION = "This bucket is the replication destination (the geographically separate copy, DPP-PRT-5); replicating it again would only add a third region."

_STATIC: tuple[Acknowledgement, ...] = (
    *(
        Acknowledgement(rule, _ACCESS_LOG_BUCKETS, _SSE_S3_ONLY)
        for rule in (
            "NIST.800.53.R5::NIST.800.53.R5-S3DefaultEncryptionKMS",
            "HIPAA.Security::HIPAA.Security-S3DefaultEncryptionKMS",
            "PCI.DSS.321::PCI.DSS.321-S3DefaultEncryptionKMS",
        )
    ),
    *(
        Acknowledgement(rule, _ACCESS_LOG_BUCKETS, _NO_LOCK_ON_ACCESS_LOGS)
        for rule in (
            "NIST.800.53.R5::NIST.800.53.R5-S3BucketReplicationEnabled",
            "HIPAA.Security::HIPAA.Security-S3BucketReplicationEnabled",
            "PCI.DSS.321::PCI.DSS.321-S3BucketReplicationEnabled",
        )
    ),
    *(
        Acknowledgement(rule, "*/LogArchiveReplica/ReplicaBucket", _REPLICA_IS_DESTINATION)
        for rule in (
            "NIST.800.53.R5::NIST.800.53.R5-S3BucketReplicationEnabled",
            "HIPAA.Security::HIPAA.Security-S3BucketReplicationEnabled",
            "PCI.DSS.321::PCI.DSS.321-S3BucketReplicationEnabled",
        )
    ),
)




def _wildcard(path: str, resources: list[str], reason: str) -> list[Acknowledgement]:
    return [Acknowledgement(f"AwsSolutions::AwsSolutions-IAM5[Resource::{r}]", path, reason) for r in resources]


def acknowledgements(config: BaselineConfig) -> tuple[Acknowledgement, ...]:
    """All acknowledgements for this configuration: the fixed ones and those whose finding IDs
    carry names derived from it (AwsSolutions-IAM5 names each wildcard it found)."""
    names = archive_names(config)
    objects = lambda *buckets: [f"{names.bucket_arn(b)}/*" for b in buckets]  # noqa: E731
    replica_key = f"arn:aws:kms:{names.replica_region}:{names.account}:key/*"
    log_objects = (
        "Log object keys are chosen by the delivering services (account, region and date paths), so "
        "access must cover the bucket's objects; the actions are only those named, on these buckets only."
    )
    alias_scoped = (
        f"The replica key lives in {names.replica_region}, so its ARN is unknown to this stack; the statement "
        f"matches only the key with alias {names.replica_key_alias} (kms:ResourceAliases), used through S3 (kms:ViaService)."
    )
    reader = "*/LogArchive/LogReaderPolicy"
    replication = "*/LogArchive/ReplicationRolePolicy"
    return (
        *_STATIC,
        *_wildcard(
            reader,
            objects(names.archive_bucket, names.config_staging_bucket, names.access_log_bucket, names.replica_bucket, names.replica_access_log_bucket),
            log_objects + " Read-only; the buckets deny reads to every other principal (DPP-PRT-4).",
        ),
        *_wildcard(reader, [replica_key], alias_scoped),
        *_wildcard(
            replication,
            objects(names.archive_bucket, names.config_staging_bucket, names.replica_bucket),
            log_objects + " Replication reads source versions and writes replicas; it cannot delete (no s3:ReplicateDelete).",
        ),
        *_wildcard(replication, [replica_key], alias_scoped),
    )


@dataclass(frozen=True)
class AppliedAcknowledgement:
    acknowledgement: Acknowledgement
    construct_path: str


def apply_acknowledgements(app: App, config: BaselineConfig) -> list[AppliedAcknowledgement]:
    """Acknowledges each entry on the outermost constructs its glob matches."""
    applied: list[AppliedAcknowledgement] = []
    constructs: list[IConstruct] = app.node.find_all()
    for ack in acknowledgements(config):
        matched = [c for c in constructs if c.node.path and fnmatchcase(c.node.path, ack.path)]
        outermost = [c for c in matched if not any(c.node.path.startswith(m.node.path + "/") for m in matched)]
        for construct in outermost:
            Validations.of(construct).acknowledge(Acknowledgment(id=ack.rule, reason=ack.reason))
            applied.append(AppliedAcknowledgement(ack, construct.node.path))
    return applied
