"""Stateless, organization mode only, in the log-archive account's regions with archive
buckets: the archive's replication alarms and the forwarding of their state changes and of
the archive's control changes to the security account (DPP-PRT-5, DPP-MON-6)."""

from __future__ import annotations

from aws_cdk import Stack
from constructs import Construct

from capabilities.alarms.alarm_set import AlarmSet
from capabilities.alarms.dpp import replication_alarms
from capabilities.alerting.archive_watch import ArchiveEventForwarder
from configuration.model import BaselineConfig


class ArchiveWatchStack(Stack):
    """The log-archive account has no topics in organization mode: its alarms have no actions
    and everything is announced by the security account's routes."""

    def __init__(self, scope: Construct, id: str, *, config: BaselineConfig, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        here = (self.account, self.region)
        specs = [s for s in replication_alarms(config) if s.placed and here in s.placed] if config.features.alarms else []
        if specs:
            AlarmSet(self, "Alarms", specs=specs, prefix=config.resource_prefix, namespace=f"DPP/{config.stage}", log_group_name=None, topic_arn=None)
        ArchiveEventForwarder(self, "Forwarder", config=config, region=self.region)
