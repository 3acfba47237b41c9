"""The member baseline, deployed by a service-managed StackSet into every account of the
member OUs and every covered region (DPP-LOG-3/4/5 at organization scale).

Environment-agnostic: each stack instance reads its account and region from CloudFormation's
pseudo parameters. Self-contained: its key, log group and roles are its own (no other stack
of this app exists in a member account), the flow-log enforcer's code is inline (StackSets
carry no asset files), and its stateful resources are retained."""

from __future__ import annotations

from aws_cdk import Aws, CfnCondition, CfnResource, CfnWaitConditionHandle, Fn, Stack
from constructs import Construct

from capabilities.archive import LogPrefix
from capabilities.config_recorder import ConfigRecorder, recorder_role
from capabilities.config_recorder.cloudfront_logging import member_evaluator_role
from capabilities.foundation import MonitoringKey, protected_log_group
from capabilities.network_logs import FlowLogDestinations
from capabilities.workload_logs import AccountDataProtection, AccountLogExport
from configuration.model import BaselineConfig
from configuration.naming import archive_names, cloudfront_logging_check_name, cloudfront_logging_member_role, enforcer_function_name, lambda_log_group, monitoring_names
from configuration.regions import CLOUDFRONT_REGION
from stacks.member_workload_logs import member_workload_logs
from stacks.vpc_logging import log_every_vpc


class MemberBaselineStack(Stack):
    def __init__(self, scope: Construct, id: str, *, config: BaselineConfig, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        archive = archive_names(config)
        names = monitoring_names(config, Aws.ACCOUNT_ID)
        key = MonitoringKey(self, "MonitoringKey", alias=names.monitoring_key_alias, account=Aws.ACCOUNT_ID, region=Aws.REGION, prefix=config.resource_prefix).key
        at_home = CfnCondition(self, "HomeRegion", expression=Fn.condition_equals(Aws.REGION, config.home_region))
        recorder = None

        if config.features.config_recorder:
            # IAM is global but every region's instance has its own role: instances of one
            # account must not collide on a name.
            role = recorder_role(
                self,
                "ConfigRecorderRole",
                # Named (per region: IAM is global) so the archive admits members' roles by pattern.
                role_name=names.member_config_recorder_role(Aws.REGION),
                staging_bucket=archive.config_staging_bucket,
                account=Aws.ACCOUNT_ID,
                archive_region=archive.home_region,
                archive_key_alias=archive.archive_key_alias,
            )
            recorder = ConfigRecorder(
                self,
                "ConfigRecorder",
                role_arn=role.role_arn,
                is_home_region=Fn.condition_if(at_home.logical_id, True, False),
                staging_bucket=archive.config_staging_bucket,
                snapshot_frequency=config.collection.config_snapshot_frequency,
                kms_key_arn=f"arn:aws:kms:{archive.home_region}:{archive.account}:{archive.archive_key_alias}",
            )

        if config.features.config_recorder and CLOUDFRONT_REGION in config.regions:
            # The organization CloudFront rule's function (security account) evaluates this
            # member's distributions through this role: us-east-1's instance holds it (IAM is global).
            security = config.security_account.account_id
            evaluator = member_evaluator_role(
                self,
                role_name=cloudfront_logging_member_role(config),
                function_role_arn=f"arn:aws:iam::{security}:role/{cloudfront_logging_check_name(config)}",
                security_account=security,
                account=Aws.ACCOUNT_ID,
            )
            in_cloudfront_region = CfnCondition(self, "CloudFrontRegion", expression=Fn.condition_equals(Aws.REGION, CLOUDFRONT_REGION))
            for part in evaluator:
                part.node.default_child.cfn_options.condition = in_cloudfront_region  # type: ignore[union-attr]

        if config.workload.mask_log_data:
            # Members run the workloads: every log group of theirs is masked too (DPP-PII-2).
            findings = protected_log_group(self, "DataProtectionFindingsLogGroup", name=names.data_protection_findings_log_group, key=key, retention_days=config.retention_days)
            protection = AccountDataProtection(
                self,
                "AccountDataProtection",
                policy_name=names.data_protection_policy,
                marketplaces=config.workload.marketplaces,
                findings_log_group=names.data_protection_findings_log_group,
            )
            protection.node.add_dependency(findings)  # the findings destination must exist first
        if config.workload.export_log_groups:
            # Every member log group into the archive, through the staging bucket at home and
            # the region's intake elsewhere (DPP-LOG-8); members have no group archived otherwise.
            AccountLogExport(
                self,
                "AccountLogExport",
                account=Aws.ACCOUNT_ID,
                region=Aws.REGION,
                stream_name=names.log_export_stream,
                policy_name=names.log_export_stream,
                firehose_role_name=names.log_export_role(Aws.REGION),
                subscription_role_name=names.log_subscription_role(Aws.REGION),
                bucket_name=Fn.condition_if(at_home.logical_id, archive.config_staging_bucket, archive.intake_bucket(Aws.REGION)).to_string(),
                writable_buckets=[archive.config_staging_bucket, archive.intake_bucket(Aws.REGION)],
                key_account=archive.account,
                key_aliases=[archive.archive_key_alias, archive.intake_key_alias],
                excluded_log_groups=[],
            )
        if config.workload.log_buckets:
            # ALB access logs and WAF logs, which cannot write to the archive (DPP-LOG-8), as in
            # a directly monitored workload account's foundation.
            member_workload_logs(self, config, recorder.recorder if recorder else None)
        if config.features.flow_logs:
            protected_log_group(self, "FlowLogEnforcerLogGroup", name=lambda_log_group(enforcer_function_name(config)), key=key, retention_days=config.retention_days)
        # The archive at home, the region's intake elsewhere (Resolver writes in its own region only).
        network_bucket = Fn.condition_if(at_home.logical_id, archive.archive_bucket, archive.intake_bucket(Aws.REGION)).to_string()
        enforcer = log_every_vpc(
            self,
            config,
            vpc_ids=[],  # every VPC, existing and new, is covered by the enforcer
            destinations=FlowLogDestinations(archive_arn=f"arn:aws:s3:::{network_bucket}/{LogPrefix.VPC_FLOW_LOGS.value}"),
            network_bucket=network_bucket,
            monitoring_key_alias=names.monitoring_key_alias,
            account=Aws.ACCOUNT_ID,
            region=Aws.REGION,
            inline=True,
        )
        if enforcer is not None:
            # The key (and its alias) and the log group exist before the function and queue use them.
            enforcer.node.add_dependency(key)
            enforcer.node.add_dependency(self.node.find_child("FlowLogEnforcerLogGroup"))
        _only_outside(self, [a.account_id for a in config.monitored_accounts])


def _only_outside(stack: Stack, accounts: list[str]) -> None:
    """Every resource is conditioned on the account not being one this app monitors with its
    own stacks (the security account may sit in a member OU): there the StackSet's key alias,
    log group and recorder would collide with that account's own ("already exists"). A
    StackSet's account filters are ignored by automatic deployment, so the template decides
    (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-manage-auto-deployment.html).
    An unconditioned placeholder keeps the stack valid where everything else is skipped."""
    outside = [Fn.condition_not(Fn.condition_equals(Aws.ACCOUNT_ID, a)) for a in accounts]
    applies = CfnCondition(stack, "NotMonitoredDirectly", expression=outside[0] if len(outside) == 1 else Fn.condition_and(*outside))
    combined: dict[str, CfnCondition] = {}
    for child in stack.node.find_all():
        if not isinstance(child, CfnResource) or child.cfn_resource_type == "AWS::CDK::Metadata":
            continue
        existing = child.cfn_options.condition
        if existing is None:
            child.cfn_options.condition = applies
        else:
            key = existing.node.id  # the construct ID: a logical ID is a token until synthesis
            if key not in combined:
                combined[key] = CfnCondition(stack, f"{key}AndNotMonitoredDirectly", expression=Fn.condition_and(existing, applies))
            child.cfn_options.condition = combined[key]
    CfnWaitConditionHandle(stack, "Placeholder")
