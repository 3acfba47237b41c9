"""Stateless, per workload account and region: GuardDuty, Security Hub, severity topics and
the routes of findings and control changes to them."""

from __future__ import annotations

from aws_cdk import Stack
from constructs import Construct

from capabilities.alerting import FindingRoutes, SeverityTopics, event_routes
from capabilities.alerting.archive_watch import admit_archive_events
from capabilities.detection import FindingsExport, FindingsHub, S3MalwareScan, ThreatDetection
from configuration.model import BaselineConfig
from configuration.naming import archive_names, key_lookup_function_name, lambda_log_group, monitoring_names


class DetectionStack(Stack):
    """Threat detection with findings exported to the archive and malware scanning of the
    sensitive buckets, one place for findings (DPP-LOG-6), routed by severity within
    seconds to encrypted topics (DPP-MON-3, DPP-MON-4, DPP-MON-5), the IMPOC on critical
    (DPP-IR-1)."""

    def __init__(self, scope: Construct, id: str, *, config: BaselineConfig, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        account, region = self.account, self.region  # read once: each read of a stack attribute is a call into jsii
        names = monitoring_names(config, account)
        at_home = region == config.home_region
        if config.features.guardduty:
            detection = ThreatDetection(self, "ThreatDetection", protections=config.detection.guardduty_protections, macie_enabled=config.features.macie)
            FindingsExport(
                self,
                "FindingsExport",
                detector=detection.detector,
                archive=archive_names(config),
                function_name=key_lookup_function_name(config),
                log_group_name=lambda_log_group(key_lookup_function_name(config)),
                account=account,
                region=region,
            )
            if "s3MalwareProtection" in config.detection.guardduty_protections:
                for bucket in config.detection.malware_scanned_buckets:
                    if (bucket.account, bucket.region) == (account, region):
                        S3MalwareScan(self, f"MalwareScan-{bucket.name}", bucket=bucket)
        if config.features.security_hub:
            is_home = region == config.home_region
            FindingsHub(
                self,
                "FindingsHub",
                region=region,
                standards=config.detection.security_hub_standards,
                linked_regions=[r for r in config.regions if r != region] if is_home else [],
            )
        if config.org_mode and (account, region) == (config.security_account.account_id, config.home_region):
            admit_archive_events(self, config)
        topics = SeverityTopics(
            self,
            "SeverityTopics",
            prefix=config.resource_prefix,
            account=account,
            key_alias=names.monitoring_key_alias,
            impoc=config.impoc,
            targets=config.notification_targets,
            cost_publishers=config.cost_publishers if region == config.home_region else None,
        )
        self.topics = topics.topics
        FindingRoutes(
            self,
            "FindingRoutes",
            # Global-service routes only at home, which receives those events from us-east-1 (and,
            # in the security account, the log-archive account's archive events).
            routes=[r for r in event_routes(config) if (not r.is_global or at_home) and (r.rendered_in is None or account in r.rendered_in)],
            topics=topics.topics,
            key_alias=names.monitoring_key_alias,
            dead_letter_queue_name=f"{config.resource_prefix}-alert-routing-dead-letters",
        )
