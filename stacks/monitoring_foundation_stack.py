"""Stateful, per workload account and region: the monitoring key and the log groups."""

from __future__ import annotations

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from capabilities.alerting.severity_topics import topic_name
from capabilities.canary import DecoyBucket
from capabilities.drills.paths import control_change_places
from capabilities.foundation import MonitoringKey, protected_log_group
from capabilities.responses import ResponseLedger
from capabilities.workload_logs import WorkloadLogBucket
from configuration.model import BaselineConfig
from configuration.regions import CLOUDFRONT_REGION
from configuration.naming import (
    DEFAULT_BOOTSTRAP_QUALIFIER,
    canary_writer_name,
    cloudfront_logging_check_name,
    drill_checker_name,
    drill_control_log_group,
    drill_runner_name,
    enforcer_function_name,
    key_lookup_function_name,
    organization_admin_function_name,
    organization_access_function_name,
    lambda_log_group,
    log_forwarder_name,
    monitoring_names,
    relay_function_name,
    responder_function_name,
    response_ledger_name,
    review_digest_name,
    security_contact_function_name,
)


class MonitoringFoundationStack(Stack):
    """Keys and log groups outlive the stateless stacks that write to them (DPP-PRT-3,
    DPP-RET-1, DPP-PII-1): the trail's group (home region), the data protection findings group, the flow-log group when flow logs
    also go to CloudWatch, the functions' own groups (the archive-key lookup's wherever GuardDuty runs), the record of automated responses (DPP-IR-3); and at home the canary's decoy bucket
    (DPP-MON-2)."""

    def __init__(self, scope: Construct, id: str, *, config: BaselineConfig, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        account, region = self.account, self.region  # read once: each read of a stack attribute is a call into jsii
        names = monitoring_names(config, account)
        cost_topics = (
            {service: f"arn:aws:sns:{region}:{account}:{topic_name(config.resource_prefix, severity)}" for service, severity in config.cost_publishers.items()}
            if region == config.home_region
            else None
        )
        self.key = MonitoringKey(self, "MonitoringKey", alias=names.monitoring_key_alias, account=account, region=region, prefix=config.resource_prefix, cost_topics=cost_topics).key

        def group(id: str, name: str) -> None:
            protected_log_group(self, id, name=name, key=self.key, retention_days=config.retention_days)

        if config.workload.log_buckets and any(a.account_id == account and a.is_workload for a in config.accounts):
            self._workload_log_bucket(config)
        if any(a.account_id == self.account for a in config.log_forwarder_accounts):
            group("LogForwarderLogGroup", lambda_log_group(log_forwarder_name(config)))

        if config.trail_home(account, region):
            group("TrailLogGroup", names.trail_log_group)
            group("SecurityContactLogGroup", lambda_log_group(security_contact_function_name(config)))
        if region == config.home_region:
            if config.features.alarms:
                group("ReviewDigestLogGroup", lambda_log_group(review_digest_name(config)))
        if config.trail_home(account, region):
            if config.canary.enabled:
                DecoyBucket(
                    self,
                    "CanaryBucket",
                    bucket_name=config.canary.bucket_name(account, region),
                    key_alias_arn=f"arn:aws:kms:{region}:{account}:{names.monitoring_key_alias}",
                )
                group("CanaryWriterLogGroup", lambda_log_group(canary_writer_name(config)))
        if config.drills_here(account, region):
            group("DrillRunnerLogGroup", lambda_log_group(drill_runner_name(config)))
            group("DrillCheckerLogGroup", lambda_log_group(drill_checker_name(config)))
        if (account, region) in control_change_places(config):
            # Holds nothing: the control-change drill changes its retention and reverts it.
            group("DrillControlChangeLogGroup", drill_control_log_group(config))
        if config.features.chat_relay and any(t.is_webhook for t in config.notification_targets):
            group("ChatRelayLogGroup", lambda_log_group(relay_function_name(config)))
        if config.features.guardduty:
            group("ArchiveKeyLookupLogGroup", lambda_log_group(key_lookup_function_name(config)))
        if config.org_mode and (account, region) in _organization_function_places(config):
            group("OrganizationAdminLogGroup", lambda_log_group(organization_admin_function_name(config)))
        if config.org_mode and config.trail_home(account, region):
            group("OrganizationAccessLogGroup", lambda_log_group(organization_access_function_name(config)))
        if config.features.automated_responses:
            group("ResponderLogGroup", lambda_log_group(responder_function_name(config)))
            ResponseLedger(self, "ResponseLedger", table_name=response_ledger_name(config), key=self.key)
        if config.workload.mask_log_data:
            # Kept like every evidence group: the account-wide policy's audit findings (DPP-PII-2).
            group("DataProtectionFindingsLogGroup", names.data_protection_findings_log_group)
        if config.features.config_recorder and region == CLOUDFRONT_REGION:
            group("CloudFrontLoggingCheckLogGroup", lambda_log_group(cloudfront_logging_check_name(config)))
        if config.features.flow_logs:
            group("FlowLogEnforcerLogGroup", lambda_log_group(enforcer_function_name(config)))
            if config.collection.flow_logs_to_cloudwatch:
                group("FlowLogGroup", names.flow_log_group)

    def _workload_log_bucket(self, config: BaselineConfig) -> None:
        """ALB access logs and WAF logs, which cannot write to the KMS/Object Lock archive
        (DPP-LOG-8); named in an output and an SSM parameter for the workload's own stacks."""
        account, region = self.account, self.region  # read once: each read is a call into jsii
        names = monitoring_names(config, account)
        bucket = WorkloadLogBucket(
            self,
            "WorkloadLogBucket",
            account=account,
            region=region,
            bucket_name=names.workload_log_bucket(region),
            access_log_bucket_name=names.workload_log_access_bucket(region),
            retention_days=config.retention_days,
            exempt_role_arns=[
                f"arn:aws:iam::{account}:role/{config.archive.break_glass_role_name}",
                f"arn:aws:iam::{account}:role/cdk-{DEFAULT_BOOTSTRAP_QUALIFIER}-cfn-exec-role-{account}-{region}",
            ],
        ).bucket
        CfnOutput(self, "WorkloadLogsBucketName", value=bucket.bucket_name, description="ALB access logs (prefix alb) and WAF logs (prefix waf) of this account and region (DPP-LOG-8)")
        ssm.StringParameter(
            self,
            "WorkloadLogsBucketParameter",
            parameter_name=names.workload_log_bucket_parameter,
            string_value=bucket.bucket_name,
            description="The bucket for ALB access logs (prefix alb) and WAF logs (prefix waf) in this region (DPP-LOG-8)",
        )


def _organization_function_places(config: BaselineConfig) -> set[tuple[str, str]]:
    """Where the organization deploy actions run: the management account at home (delegation)
    and the security account in every region (GuardDuty auto-enable)."""
    places = {(config.management_account.account_id, config.home_region)}
    if config.features.guardduty:
        places |= {(config.security_account.account_id, r) for r in config.regions}
    return places
