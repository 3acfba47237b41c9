"""AWS Config managed rules that watch the baseline itself, so drift shows up as a finding
(DPP-VER-1 at run time, DPP-MON-3: security-control modifications)."""
from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import aws_config as config
from constructs import Construct

from configuration.model import MIN_RETENTION_DAYS


@dataclass(frozen=True)
class BaselineRule:
    id: str
    identifier: str  # AWS Config's managed-rule identifier
    requirement: str
    parameters: dict | None = None
    home_only: bool = False  # account-wide checks run once, in the home region


def baseline_rules(retention_days: int) -> tuple[BaselineRule, ...]:
    return (
        BaselineRule("TrailMultiRegion", "MULTI_REGION_CLOUD_TRAIL_ENABLED", "DPP-LOG-1", home_only=True),
        BaselineRule("TrailLogFileValidation", "CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED", "DPP-PRT-2", home_only=True),
        BaselineRule("TrailEncrypted", "CLOUD_TRAIL_ENCRYPTION_ENABLED", "DPP-PRT-3", home_only=True),
        BaselineRule("TrailToCloudWatchLogs", "CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED", "DPP-MON-1", home_only=True),
        BaselineRule("RootMfa", "ROOT_ACCOUNT_MFA_ENABLED", "DPP-PRT-4", home_only=True),
        BaselineRule("AccessKeysRotated", "ACCESS_KEYS_ROTATED", "DPP-PRT-4", {"maxAccessKeyAge": "90"}, home_only=True),
        BaselineRule(
            "LogGroupRetention",
            "CW_LOGGROUP_RETENTION_PERIOD_CHECK",
            "DPP-RET-1",
            {"MinRetentionTime": str(max(retention_days, MIN_RETENTION_DAYS))},
        ),
        BaselineRule("FlowLogsEnabled", "VPC_FLOW_LOGS_ENABLED", "DPP-LOG-3", {"trafficType": "ALL"}),
        BaselineRule("GuardDutyEnabled", "GUARDDUTY_ENABLED_CENTRALIZED", "DPP-LOG-6"),
        BaselineRule("SecurityHubEnabled", "SECURITYHUB_ENABLED", "DPP-LOG-6"),
    )


class BaselineConfigRules(Construct):
    """One managed rule per ``BaselineRule`` that applies to this region; where the archive
    lives, also its server access logging and Object Lock (DPP-LOG-7, DPP-PRT-2)."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        retention_days: int,
        is_home_region: bool,
        recorder: config.CfnConfigurationRecorder,
        archive_buckets: list[str] = (),
    ) -> None:
        super().__init__(scope, id)
        self.rules: dict[str, config.ManagedRule] = {}
        for spec in baseline_rules(retention_days):
            if spec.home_only and not is_home_region:
                continue
            rule = config.ManagedRule(
                self,
                spec.id,
                identifier=spec.identifier,
                input_parameters=spec.parameters,
                description=f"DPP baseline check ({spec.requirement})",
            )
            # Config refuses rules while no recorder exists in the region.
            rule.node.add_dependency(recorder)
            self.rules[spec.id] = rule
        for bucket in archive_buckets:
            for rule_id, identifier, requirement, parameters in (
                ("ArchiveAccessLogging", "S3_BUCKET_LOGGING_ENABLED", "DPP-LOG-7", None),
                ("ArchiveObjectLock", "S3_BUCKET_DEFAULT_LOCK_ENABLED", "DPP-PRT-2", {"mode": "COMPLIANCE"}),
            ):
                rule = config.ManagedRule(
                    self,
                    rule_id,
                    identifier=identifier,
                    input_parameters=parameters,
                    rule_scope=config.RuleScope.from_resource(config.ResourceType.S3_BUCKET, bucket),
                    description=f"DPP baseline check on the log archive ({requirement})",
                )
                rule.node.add_dependency(recorder)
                self.rules[rule_id] = rule
