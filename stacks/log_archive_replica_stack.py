"""Stateful: the archive's replica in another region."""

from __future__ import annotations

from aws_cdk import Stack
from constructs import Construct

from capabilities.archive import LogArchiveReplica
from configuration.model import BaselineConfig
from configuration.naming import archive_names


class LogArchiveReplicaStack(Stack):
    """Holds the replica key and the replica WORM bucket (DPP-PRT-5)."""

    def __init__(self, scope: Construct, id: str, *, config: BaselineConfig, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        self.replica = LogArchiveReplica(self, "LogArchiveReplica", names=archive_names(config), retention_days=config.retention_days, settings=config.archive)
