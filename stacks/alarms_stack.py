"""Stateless, per workload account and region: alarms (trail-based ones at home) and the
monitoring dashboard."""

from __future__ import annotations

from aws_cdk import Stack
from constructs import Construct

from capabilities.alarms.alarm_set import AlarmSet
from capabilities.alarms.catalogue import alarm_specs
from capabilities.alarms.dashboard import MonitoringDashboard
from capabilities.alerting import review_topic_name, topic_name
from capabilities.canary import CANARY_KEY, CanaryWriter
from capabilities.drills.alert_drill import AlertDrill, ArchiveTarget, DrillNames
from capabilities.drills.paths import GUARDDUTY_SAMPLE_TYPE, control_change_retention, drill_paths, expected_targets
from capabilities.foundation.log_group import CLOUDWATCH_RETENTIONS, cloudwatch_retention_days
from capabilities.costs import CostAnomalyAlerts, MonthlyBudget, cost_anomaly_region
from capabilities.review import ReviewDigest
from configuration.model import BaselineConfig, Severity
from configuration.naming import (
    archive_names,
    canary_writer_name,
    drill_canary_role_name,
    drill_checker_name,
    drill_control_log_group,
    drill_control_role_name,
    drill_runner_name,
    drill_state_machine_name,
    lambda_log_group,
    monitoring_names,
    relay_function_name,
    review_digest_name,
)


class AlarmsStack(Stack):
    """CIS v3.0 section 4 and the DPP's investigative alarms on the trail's log group (home
    region), alarms on the monitoring itself (every region), each on the topic of its
    severity; and a dashboard at home (DPP-MON-2, DPP-MON-3, DPP-MON-6)."""

    def __init__(self, scope: Construct, id: str, *, config: BaselineConfig, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        account, region = self.account, self.region  # read once: each read of a stack attribute is a call into jsii
        is_home = region == config.home_region
        trail_home = config.trail_home(account, region)  # the trail's log group is here
        names = monitoring_names(config, account)
        here = (account, region)
        specs = [s for s in alarm_specs(config) if (here in s.placed if s.placed is not None else trail_home or not s.home_region_only)]
        namespace = f"DPP/{config.stage}"

        def topic_arn(severity: Severity) -> str:
            return f"arn:aws:sns:{region}:{account}:{topic_name(config.resource_prefix, severity)}"

        self.alarm_set = AlarmSet(
            self,
            "Alarms",
            specs=specs,
            prefix=config.resource_prefix,
            namespace=namespace,
            log_group_name=names.trail_log_group if trail_home else None,
            topic_arn=topic_arn,
        )
        if trail_home and config.canary.enabled:
            CanaryWriter(
                self,
                "Canary",
                function_name=canary_writer_name(config),
                log_group_name=lambda_log_group(canary_writer_name(config)),
                bucket_name=config.canary.bucket_name(account, region),
                key_alias=names.monitoring_key_alias,
                account=account,
                region=region,
            )
        if is_home:
            self._cost_alerts(config, topic_arn)
            ReviewDigest(
                self,
                "ReviewDigest",
                prefix=config.resource_prefix,
                schedule=config.review.schedule,
                period_hours=config.review.period_hours,
                review_topic_arn=f"arn:aws:sns:{region}:{account}:{review_topic_name(config.resource_prefix)}",
                key_alias=names.monitoring_key_alias,
                log_group_name=lambda_log_group(review_digest_name(config)),
                account=account,
                region=region,
                regions=config.regions,
            )
            MonitoringDashboard(
                self,
                "Dashboard",
                name=f"{config.resource_prefix}-monitoring",
                prefix=config.resource_prefix,
                namespace=namespace,
                specs=specs,
                account=account,
                region=region,
            )
        if config.drills_here(account, region):
            self.drill = alert_drill(self, config, names.monitoring_key_alias)

    def _cost_alerts(self, config: BaselineConfig, topic_arn) -> None:
        """DPP-MON-3.h at home: the monthly budget, and the cost anomaly subscription when home
        is us-east-1 (elsewhere the global-events stack there holds it)."""
        publishers = config.cost_publishers
        if "budgets.amazonaws.com" in publishers:
            MonthlyBudget(self, "MonthlyBudget", prefix=config.resource_prefix, settings=config.costs, topic_arn=topic_arn(publishers["budgets.amazonaws.com"]))
        if "costalerts.amazonaws.com" in publishers and self.region == cost_anomaly_region():
            CostAnomalyAlerts(self, "CostAnomalies", prefix=config.resource_prefix, settings=config.costs, topic_arn=topic_arn(publishers["costalerts.amazonaws.com"]))


def alert_drill(stack: Stack, config: BaselineConfig, key_alias: str) -> AlertDrill:
    """The weekly alert drill at each trail's home, next to the alarms it breaches (DPP-MON-8)."""
    paths = drill_paths(config)
    archive = archive_names(config)
    retention = cloudwatch_retention_days(config.retention_days)  # the drill log group's own
    return AlertDrill(
        stack,
        "AlertDrill",
        names=DrillNames(
            prefix=config.resource_prefix,
            namespace=f"DPP/{config.stage}/Drills",
            runner_function=drill_runner_name(config),
            checker_function=drill_checker_name(config),
            runner_log_group=lambda_log_group(drill_runner_name(config)),
            checker_log_group=lambda_log_group(drill_checker_name(config)),
            canary_role=drill_canary_role_name(config),
            state_machine=drill_state_machine_name(config),
            relay_log_group=lambda_log_group(relay_function_name(config)),
            monitoring_key_alias=key_alias,
            control_role=drill_control_role_name(config),
            control_log_group=drill_control_log_group(config),
        ),
        paths=paths,
        expected_targets={p.id: expected_targets(config, p) for p in paths},
        schedule=config.drills.schedule,
        archive=ArchiveTarget(bucket=archive.archive_bucket, account=archive.account, region=config.home_region, key_alias=archive.archive_key_alias),
        guardduty_type=GUARDDUTY_SAMPLE_TYPE,
        canary_bucket=config.canary.bucket_name(stack.account, stack.region) if config.canary.enabled else None,
        canary_key=CANARY_KEY,
        account=stack.account,
        region=stack.region,
        control_retention_days=(retention, control_change_retention(retention, CLOUDWATCH_RETENTIONS)),
    )
