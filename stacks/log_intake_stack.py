"""Stateful, in the log-archive account, in every covered region but the home region: the
regional intake of flow logs and DNS query logs (DPP-LOG-3, DPP-LOG-4)."""

from __future__ import annotations

from aws_cdk import Stack
from constructs import Construct

from capabilities.archive.intake import RegionalLogIntake
from configuration.model import BaselineConfig
from configuration.naming import archive_names
from stacks.log_archive_stack import archive_audience, log_export_roles, log_forwarder_roles


class LogIntakeStack(Stack):
    def __init__(self, scope: Construct, id: str, *, config: BaselineConfig, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        self.intake = RegionalLogIntake(
            self,
            "RegionalLogIntake",
            names=archive_names(config),
            region=self.region,
            retention_days=config.retention_days,
            settings=config.archive,
            audience=archive_audience(config),
            log_export_roles=log_export_roles(config),
            log_forwarder_roles=log_forwarder_roles(config),
        )
