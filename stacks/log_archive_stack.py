"""Stateful: the archive in the log-archive account's home region."""

from __future__ import annotations

from aws_cdk import Stack
from aws_cdk import aws_iam as iam
from constructs import Construct

from capabilities.archive import LogArchive
from capabilities.archive import LogPrefix
from capabilities.archive.audience import Audience
from capabilities.detection import ExportFolder
from capabilities.investigation import ArchiveCatalogue, InvestigationWorkgroup, SavedAthenaQueries, database_name
from capabilities.investigation.queries import investigations
from capabilities.investigation.tables import catalogue_tables
from configuration.model import BaselineConfig
from capabilities.drills.paths import drill_places
from configuration.naming import archive_names, drill_checker_name, export_folder_function_name, lambda_log_group


class LogArchiveStack(Stack):
    """Holds the archive key, the WORM archive, Config staging, access logs and the reader role
    (DPP-PRT-1..5, DPP-RET-1, DPP-LOG-7)."""

    def __init__(self, scope: Construct, id: str, *, config: BaselineConfig, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        self.archive = LogArchive(
            self,
            "LogArchive",
            names=archive_names(config),
            retention_days=config.retention_days,
            settings=config.archive,
            audience=archive_audience(config),
            key_readers=[a.account_id for a in config.monitored_accounts],
            intake_regions=list(config.intake_regions),
            log_export_roles=log_export_roles(config),
            log_forwarder_roles=log_forwarder_roles(config),
            evidence_writers=[f"arn:aws:iam::{account}:role/{drill_checker_name(config)}" for account, _ in drill_places(config)],
        )
        if config.features.guardduty:
            # Every detector's publishing destination names this folder; detection stacks
            # deploy after this stack (DPP-LOG-6).
            names = archive_names(config)
            self.export_folder = ExportFolder(
                self,
                "GuardDutyExportFolder",
                bucket_name=names.config_staging_bucket,
                folder=f"{LogPrefix.GUARDDUTY.value}/",
                key=self.archive.key,
                function_name=export_folder_function_name(config),
                log_group_name=lambda_log_group(export_folder_function_name(config)),
                retention_days=config.retention_days,
                account=names.account,
                region=names.home_region,
            )
        self._investigation(config)

    def _investigation(self, config: BaselineConfig) -> None:
        """The archive searchable in place: catalogue, workgroup, saved queries, and the reader
        role's right to use them (DPP-ANA-1, DPP-ANA-2)."""
        names = archive_names(config)
        database = database_name(config.resource_prefix)
        catalogue = ArchiveCatalogue(self, "Catalogue", database=database, tables=catalogue_tables(config))
        workgroup = InvestigationWorkgroup(
            self,
            "Investigation",
            prefix=config.resource_prefix,
            bucket_name=names.investigation_results_bucket,
            access_logs=self.archive.access_logs,
            max_bytes_scanned=config.investigation.max_bytes_scanned_per_query,
            allowed_role_arns=[names.role_arn(names.reader_role), names.role_arn(config.archive.break_glass_role_name)],
            tamper_exempt_role_arns=[names.role_arn(config.archive.break_glass_role_name), names.deploy_role_arn(names.home_region)],
        )
        policy = iam.ManagedPolicy(self, "InvestigationPolicy", description="Athena investigations over the DPP log archive", roles=[self.archive.reader_role])
        workgroup.grant_investigation(policy, account=names.account, region=names.home_region, database=database)
        saved = SavedAthenaQueries(self, "SavedQueries", prefix=config.resource_prefix, database=database, workgroup=workgroup.workgroup, investigations=investigations(config))
        saved.node.add_dependency(catalogue)


def log_export_roles(config: BaselineConfig) -> str | None:
    """The name pattern of the Firehose roles that export log groups into the archive."""
    return f"{config.resource_prefix}-log-export-*" if config.workload.export_log_groups else None


def log_forwarder_roles(config: BaselineConfig) -> str | None:
    """The name pattern of the roles that copy the workload log buckets into the archive."""
    return f"{config.resource_prefix}-log-forwarder-*" if config.workload.log_buckets else None


def archive_audience(config: BaselineConfig) -> Audience:
    """Single mode: the monitored accounts (workloads and the log-archive account); organization mode: the organization's members,
    with the management account's organization trail."""
    return Audience(
        accounts=() if config.org_mode else tuple(a.account_id for a in config.monitored_accounts),
        trail_accounts=tuple(a.account_id for a in config.trail_accounts),
        organization_id=config.organization.organization_id or None,
        detector_accounts=tuple(a.account_id for a in config.monitored_accounts) if config.features.guardduty else (),
    )
