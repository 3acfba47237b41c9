"""Stateless, per workload account and region: Config, flow logs, DNS query logs."""

from __future__ import annotations

from aws_cdk import Stack
from constructs import Construct

from capabilities.archive import LogPrefix
from capabilities.archive.prefixes import workload_logs_prefix
from capabilities.config_recorder import BaselineConfigRules, ConfigRecorder
from capabilities.config_recorder.baseline_rules import CloudFrontLoggingCheck
from capabilities.config_recorder.cloudfront_logging import MemberEvaluation, acceptance_parameters
from capabilities.network_logs import FlowLogDestinations, VpcFlowLogs
from capabilities.network_logs.vpc_flow_logs import cloudwatch_delivery_role
from capabilities.workload_logs import AccountDataProtection, AccountLogExport, LogForwarder, MemberSources
from capabilities.workload_logs.log_buckets import ALB_PREFIX, CLOUDFRONT_PREFIX, WAF_PREFIX
from configuration.model import BaselineConfig
from configuration.regions import CLOUDFRONT_REGION
from configuration.naming import archive_names, cloudfront_logging_check_name, cloudfront_logging_member_role, lambda_log_group, log_forwarder_name, monitoring_names
from stacks.vpc_logging import log_every_vpc


class CollectionStack(Stack):
    """Records configuration changes (DPP-LOG-5) and network and DNS activity of every VPC
    (DPP-LOG-3, DPP-LOG-4) in one region, all into the log archive; checks the workload's own
    log channels with Config rules (DPP-LOG-8) and masks PII in every log group of the account
    (DPP-PII-1.a, DPP-PII-2)."""

    def __init__(self, scope: Construct, id: str, *, config: BaselineConfig, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        archive = archive_names(config)
        account_id, region = self.account, self.region  # read once: each read of a stack attribute is a call into jsii
        names = monitoring_names(config, account_id)
        is_home = region == config.home_region
        account = next(a for a in config.accounts if a.account_id == account_id)
        vpc_ids = [v.vpc_id for v in account.vpcs if v.region == region]
        # The monitoring foundation's workload log bucket (ALB access logs, DPP-LOG-8).
        log_bucket = names.workload_log_bucket(region) if config.workload.log_buckets and account.is_workload else None

        if config.features.config_recorder:
            recorder = ConfigRecorder(
                self,
                "ConfigRecorder",
                role_arn=f"arn:aws:iam::{account_id}:role/{names.config_recorder_role}",
                is_home_region=is_home,
                staging_bucket=archive.config_staging_bucket,
                snapshot_frequency=config.collection.config_snapshot_frequency,
                kms_key_arn=f"arn:aws:kms:{archive.home_region}:{archive.account}:{archive.archive_key_alias}",
            )
            holds_archive = is_home and account_id == archive.account
            BaselineConfigRules(
                self,
                "BaselineRules",
                retention_days=config.retention_days,
                is_home_region=is_home,
                region=region,
                recorder=recorder.recorder,
                archive_buckets=[archive.archive_bucket] if holds_archive else [],
                sensitive_buckets=config.trail.sensitive_buckets,
                elb_log_buckets=(log_bucket,) if log_bucket else (),
                cloudfront_check=cloudfront_check(config, workload_buckets=log_bucket is not None, serves_members=config.org_mode and account_id == config.security_account.account_id)
                if region == CLOUDFRONT_REGION
                else None,
                account=account_id,
            )

        if config.workload.mask_log_data:
            AccountDataProtection(
                self,
                "AccountDataProtection",
                policy_name=names.data_protection_policy,
                marketplaces=config.workload.marketplaces,
                findings_log_group=names.data_protection_findings_log_group,
            )

        if config.workload.export_log_groups:
            AccountLogExport(
                self,
                "AccountLogExport",
                account=account_id,
                region=region,
                stream_name=names.log_export_stream,
                policy_name=names.log_export_stream,
                firehose_role_name=names.log_export_role(region),
                subscription_role_name=names.log_subscription_role(region),
                bucket_name=archive.log_export_bucket(region),
                key_account=archive.account,
                key_aliases=[archive.log_export_key_alias(region)],
                excluded_log_groups=already_archived_log_groups(config, account_id, region),
            )

        if account in config.log_forwarder_accounts:
            # The workload log bucket's objects into the archive: the same destination as the
            # export, by copy (S3 replication would keep their SSE-S3). Organization mode: the
            # management account's instance copies the members' buckets of this region.
            if config.org_mode:
                members: MemberSources | None = MemberSources(config.organization.organization_id, names.member_workload_log_bus)
                role_name, source_bucket = names.member_log_forwarder_role(region), member_bucket_name_pattern(config)
                destination_prefix = workload_logs_prefix("{account}", "{region}")  # filled in per event
            else:
                members = None
                role_name, source_bucket = names.log_forwarder_role(region), names.workload_log_bucket(region)
                destination_prefix = workload_logs_prefix(account_id, region)
            LogForwarder(
                self,
                "LogForwarder",
                function_name=log_forwarder_name(config),
                role_name=role_name,
                dead_letter_queue_name=f"{log_forwarder_name(config)}-dead-letters",
                log_group_name=lambda_log_group(log_forwarder_name(config)),
                source_bucket=source_bucket,
                source_prefixes=[ALB_PREFIX, WAF_PREFIX, CLOUDFRONT_PREFIX],
                members=members,
                destination_bucket=archive.log_export_bucket(region),
                destination_account=archive.account,
                destination_key_alias=archive.log_export_key_alias(region),
                destination_prefix=destination_prefix,
                monitoring_key_alias=names.monitoring_key_alias,
                account=account_id,
                region=region,
            )

        # The archive at home, the region's intake elsewhere (same-region delivery, replicated into the archive).
        destinations = FlowLogDestinations(archive_arn=f"arn:aws:s3:::{archive.network_log_bucket(region)}/{LogPrefix.VPC_FLOW_LOGS.value}")
        if config.features.flow_logs:
            if config.collection.flow_logs_to_cloudwatch:
                group_arn = names.log_group_arn(region, names.flow_log_group)
                role = cloudwatch_delivery_role(self, "FlowLogDeliveryRole", log_group_arn=group_arn, account=account_id)
                destinations = FlowLogDestinations(destinations.archive_arn, group_arn, role.role_arn)
            VpcFlowLogs(self, "VpcFlowLogs", vpc_ids=vpc_ids, destinations=destinations, max_aggregation_interval=config.collection.flow_log_aggregation_seconds)
        log_every_vpc(
            self,
            config,
            vpc_ids=vpc_ids,
            destinations=destinations,
            monitoring_key_alias=names.monitoring_key_alias,
            account=account_id,
            region=region,
        )


def cloudfront_check(config: BaselineConfig, *, workload_buckets: bool, serves_members: bool = False) -> CloudFrontLoggingCheck:
    """What the CloudFront rule accepts: with workload log buckets, v2 deliveries into the
    ``cloudfront/`` prefix of the account's bucket of any covered region (the forwarder copies
    it into the archive) and, with the account-wide export, log groups; otherwise any
    destination, as AWS's managed rule does. ``serves_members``: the security account's
    function, which members' organization rule also runs (through their evaluator roles)."""
    name = cloudfront_logging_check_name(config)
    pattern = f"{monitoring_names(config, '{account}').workload_log_bucket('{region}')}/{CLOUDFRONT_PREFIX.strip('/')}" if workload_buckets else None
    return CloudFrontLoggingCheck(
        function_name=name,
        log_group_name=lambda_log_group(name),
        parameters=acceptance_parameters(s3_destination=pattern, regions=config.regions, log_groups=config.workload.export_log_groups),
        members=MemberEvaluation(cloudfront_logging_member_role(config), config.organization.organization_id) if serves_members else None,
    )


def member_bucket_name_pattern(config: BaselineConfig) -> str:
    """Every member's workload log bucket, ``{account}`` and ``{region}`` left to the event
    (``stacks.member_workload_logs`` builds the same name from pseudo parameters)."""
    return monitoring_names(config, "{account}").workload_log_bucket("{region}")


def already_archived_log_groups(config: BaselineConfig, account: str, region: str) -> list[str]:
    """The project's log groups whose events reach the archive another way, left out of the
    account-wide export: the trail's group (CloudTrail delivers the same events to
    ``cloudtrail/``) and the flow-log group when flow logs also go to CloudWatch (they go to
    ``vpc-flow-logs/``). The project's functions' groups are exported like any other."""
    names = monitoring_names(config, account)
    excluded = []
    if config.trail_home(account, region):
        excluded.append(names.trail_log_group)
    if config.features.flow_logs and config.collection.flow_logs_to_cloudwatch:
        excluded.append(names.flow_log_group)
    return excluded
