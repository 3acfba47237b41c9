"""Stateful: the archive in the log-archive account's home region."""
from __future__ import annotations

from aws_cdk import Stack
from constructs import Construct

from capabilities.archive import LogArchive
from capabilities.archive.audience import Audience
from configuration.model import BaselineConfig
from capabilities.drills.paths import drill_places
from configuration.naming import archive_names, drill_checker_name


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
            evidence_writers=[f"arn:aws:iam::{account}:role/{drill_checker_name(config)}" for account, _ in drill_places(config)],
        )


def archive_audience(config: BaselineConfig) -> Audience:
    """Single mode: the monitored accounts (workloads and the log-archive account); organization mode: the organization's members,
    with the management account's organization trail."""
    return Audience(
        accounts=() if config.org_mode else tuple(a.account_id for a in config.monitored_accounts),
        trail_accounts=tuple(a.account_id for a in config.trail_accounts),
        organization_id=config.organization.organization_id or None,
        detector_accounts=tuple(a.account_id for a in config.monitored_accounts) if config.features.guardduty else (),
    )
