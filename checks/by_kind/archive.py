"""The log archive, its replica and the regional log intakes (stateful, log-archive account)."""

from __future__ import annotations

from capabilities.alarms.dpp import replication_alarms
from capabilities.archive.log_archive import reader_buckets
from checks.by_kind.common import LOG_OBJECTS, Acknowledgement, alias_scoped, deploy_action_function, in_public_packs, wildcards
from configuration.model import BaselineConfig
from configuration.naming import archive_names
from stacks.topology import PlannedStack


def log_archive(config: BaselineConfig, planned: PlannedStack, stack: str) -> list[Acknowledgement]:
    names = archive_names(config)
    objects = lambda *buckets: [f"{names.bucket_arn(b)}/*" for b in buckets]  # noqa: E731
    replica_key = [f"arn:aws:kms:{names.replica_region}:{names.account}:key/*"]
    access_logs = f"{stack}/LogArchive/AccessLogBucket"
    return [
        *in_public_packs(
            "S3DefaultEncryptionKMS",
            access_logs,
            "S3 server access logging can only deliver to buckets encrypted with SSE-S3 (AES-256); the access-log bucket is versioned, private, TLS-only and tamper-denied instead.",
        ),
        *in_public_packs(
            "S3BucketReplicationEnabled",
            access_logs,
            "S3 server access logging refuses targets with an Object Lock default retention, and replicating "
            "access logs into the archive would log its own writes without end; they stay in-region for the "
            "full retention period behind deny-delete and need-to-know policies.",
        ),
        *wildcards(
            f"{stack}/LogArchive/LogReaderPolicy",
            objects(*reader_buckets(names, list(config.intake_regions))),
            LOG_OBJECTS + " Read-only; the buckets deny reads to every other principal (DPP-PRT-4).",
        ),
        *wildcards(
            f"{stack}/LogArchive/LogReaderPolicy",
            [f"arn:aws:s3:::{names.archive_bucket}/evidence/*"],
            "The evidence register: records are named evidence/<kind>/<date>/<id>.json when written (evidence/register.py); "
            "the role may add objects under evidence/ of the archive only, where Object Lock keeps them unchanged (DPP-VER-4).",
        ),
        *wildcards(f"{stack}/LogArchive/LogReaderPolicy", replica_key, alias_scoped(names.replica_key_alias, names.replica_region)),
        *[
            ack
            for region in config.intake_regions
            if region != names.replica_region  # the replica region's key wildcard is acknowledged above
            for ack in wildcards(f"{stack}/LogArchive/LogReaderPolicy", [f"arn:aws:kms:{region}:{names.account}:key/*"], alias_scoped(names.intake_key_alias, region))
        ],
        *wildcards(
            f"{stack}/LogArchive/ReplicationRolePolicy",
            objects(names.archive_bucket, names.config_staging_bucket, names.replica_bucket),
            LOG_OBJECTS + " Replication reads source versions and writes replicas; it cannot delete (no s3:ReplicateDelete).",
        ),
        *wildcards(f"{stack}/LogArchive/ReplicationRolePolicy", replica_key, alias_scoped(names.replica_key_alias, names.replica_region)),
        *_investigation(config, stack),
        # GuardDuty's export folder (capabilities/detection/export_folder.py), put once per deployment.
        *(deploy_action_function(config, planned, stack, "GuardDutyExportFolder", "export-folder") if config.features.guardduty else []),
    ]


def _investigation(config: BaselineConfig, stack: str) -> list[Acknowledgement]:
    """The Athena results bucket holds working copies of query results, not logs."""
    names = archive_names(config)
    results = f"{stack}/Investigation/ResultsBucket"
    database = config.resource_prefix.replace("-", "_") + "_logs"
    return [
        *in_public_packs(
            "S3BucketReplicationEnabled",
            results,
            "Athena query results are derived working copies of logs that stay in the replicated, locked archive; they expire after 30 days and are not evidence, so they are not replicated.",
        ),
        Acknowledgement(
            "DPP::DPP-S3LifecycleKeepsRetention",
            results,
            "Not a log bucket: it holds Athena results computed from the archive (which keeps the logs for the "
            "retention period); expiring them after 30 days limits copies of log data (need-to-know, DPP-PRT-4.a).",
        ),
        *wildcards(
            f"{stack}/InvestigationPolicy",
            [f"arn:aws:glue:{names.home_region}:{names.account}:table/{database}/*"],
            "Read-only catalogue actions on the tables of the archive's own database only (Athena reads every table a query names through Glue).",
        ),
        *wildcards(
            f"{stack}/InvestigationPolicy",
            [f"{names.bucket_arn(names.investigation_results_bucket)}/athena/*"],
            "Athena names each result object by query execution ID; the statement covers the workgroup's enforced results prefix of the results bucket only, which denies every other principal.",
        ),
    ]


def log_replica(config: BaselineConfig, planned: PlannedStack, stack: str) -> list[Acknowledgement]:
    return [
        *in_public_packs(
            "S3DefaultEncryptionKMS",
            f"{stack}/LogArchiveReplica/AccessLogBucket",
            "S3 server access logging can only deliver to buckets encrypted with SSE-S3 (AES-256); the replica's access-log bucket is versioned, private, TLS-only and tamper-denied instead.",
        ),
        *in_public_packs(
            "S3BucketReplicationEnabled",
            f"{stack}/LogArchiveReplica/AccessLogBucket",
            "Access logs of the replica are kept in the replica region for the full retention period; S3 server access logging cannot write to an Object Lock bucket.",
        ),
        *in_public_packs(
            "S3BucketReplicationEnabled",
            f"{stack}/LogArchiveReplica/ReplicaBucket",
            "This bucket is the replication destination (the geographically separate copy, DPP-PRT-5); replicating it again would only add a third region.",
        ),
    ]


def log_intake(config: BaselineConfig, planned: PlannedStack, stack: str) -> list[Acknowledgement]:
    names = archive_names(config)
    region = planned.region
    access_logs = f"{stack}/RegionalLogIntake/AccessLogBucket"
    policy = f"{stack}/RegionalLogIntake/ReplicationRolePolicy"
    return [
        *in_public_packs(
            "S3DefaultEncryptionKMS",
            access_logs,
            "S3 server access logging can only deliver to buckets encrypted with SSE-S3 (AES-256); the intake's access-log bucket is versioned, private, TLS-only and tamper-denied instead.",
        ),
        *in_public_packs(
            "S3BucketReplicationEnabled",
            access_logs,
            "Access logs of the intake stay in its region for the full retention period behind deny-delete and "
            "need-to-know policies; replicating them into the archive would log its own writes without end.",
        ),
        *wildcards(
            policy,
            [f"{names.bucket_arn(b)}/*" for b in (names.intake_bucket(region), names.archive_bucket, names.replica_bucket)],
            LOG_OBJECTS + " Replication reads source versions and writes replicas; it cannot delete (no s3:ReplicateDelete).",
        ),
        *[
            ack
            for key_region, alias in ((names.home_region, names.archive_key_alias), (names.replica_region, names.replica_key_alias))
            for ack in wildcards(policy, [f"arn:aws:kms:{key_region}:{names.account}:key/*"], alias_scoped(alias, key_region))
        ],
    ]


def archive_watch(config: BaselineConfig, planned: PlannedStack, stack: str) -> list[Acknowledgement]:
    """Organization mode's archive watch (capabilities.alerting.archive_watch): no topics live in
    the log-archive account, so its alarms act through EventBridge instead."""
    reason = (
        "The log-archive account has no topics in organization mode, so the alarm has no action of its own: "
        "its state change goes to EventBridge and is forwarded to the security account's home bus, where the "
        "routes ArchiveReplicationFailing and ArchiveEventsForwardingFailed publish it to the critical topic "
        "(tests/synth/test_archive_watch.py)."
    )
    alarm_rules = ("NIST.800.53.R5::NIST.800.53.R5-CloudWatchAlarmAction", "HIPAA.Security::HIPAA.Security-CloudWatchAlarmAction", "DPP::DPP-AlarmCanFire")
    here = (planned.account, planned.region)
    alarms = [f"{stack}/Alarms/{s.id}" for s in replication_alarms(config) if config.features.alarms and s.placed and here in s.placed]
    return [
        Acknowledgement(
            "AwsSolutions::AwsSolutions-SQS3",
            f"{stack}/Forwarder/DeadLetters",
            "This queue is itself the dead-letter queue of the forwarding rules' target (cdk-nag only "
            "recognises SQS redrive); a dead-letter queue of a dead-letter queue would have nowhere further to go.",
        ),
        *(Acknowledgement(rule, path, reason) for rule in alarm_rules for path in [f"{stack}/Forwarder/ForwardingFailed/Resource", *alarms]),
    ]
