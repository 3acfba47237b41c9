"""The member baseline, deployed by a service-managed StackSet into every account of the
member OUs and every covered region (DPP-LOG-3/4/5 at organization scale).

Environment-agnostic: each stack instance reads its account and region from CloudFormation's
pseudo parameters. Self-contained: its key, log group and roles are its own (no other stack
of this app exists in a member account), the flow-log enforcer's code is inline (StackSets
carry no asset files), and its stateful resources are retained."""
from __future__ import annotations

from aws_cdk import Aws, CfnCondition, Fn, Stack
from constructs import Construct

from capabilities.archive import LogPrefix
from capabilities.config_recorder import ConfigRecorder, recorder_role
from capabilities.foundation import MonitoringKey, protected_log_group
from capabilities.network_logs import FlowLogDestinations
from configuration.model import BaselineConfig
from configuration.naming import archive_names, enforcer_function_name, lambda_log_group, monitoring_names
from stacks.vpc_logging import log_every_vpc


class MemberBaselineStack(Stack):
    def __init__(self, scope: Construct, id: str, *, config: BaselineConfig, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        archive = archive_names(config)
        names = monitoring_names(config, Aws.ACCOUNT_ID)
        key = MonitoringKey(self, "MonitoringKey", alias=names.monitoring_key_alias, account=Aws.ACCOUNT_ID, region=Aws.REGION, prefix=config.resource_prefix).key
        at_home = CfnCondition(self, "HomeRegion", expression=Fn.condition_equals(Aws.REGION, config.home_region))

        if config.features.config_recorder:
            # IAM is global but every region's instance has its own (unnamed) role: instances
            # of one account must not collide on a name.
            role = recorder_role(
                self,
                "ConfigRecorderRole",
                role_name=None,
                staging_bucket=archive.config_staging_bucket,
                account=Aws.ACCOUNT_ID,
                archive_region=archive.home_region,
                archive_key_alias=archive.archive_key_alias,
            )
            ConfigRecorder(
                self,
                "ConfigRecorder",
                role_arn=role.role_arn,
                is_home_region=Fn.condition_if(at_home.logical_id, True, False),
                staging_bucket=archive.config_staging_bucket,
                snapshot_frequency=config.collection.config_snapshot_frequency,
            )

        if config.features.flow_logs:
            protected_log_group(self, "FlowLogEnforcerLogGroup", name=lambda_log_group(enforcer_function_name(config)), key=key, retention_days=config.retention_days)
        enforcer = log_every_vpc(
            self,
            config,
            vpc_ids=[],  # every VPC, existing and new, is covered by the enforcer
            destinations=FlowLogDestinations(archive_arn=f"arn:aws:s3:::{archive.archive_bucket}/{LogPrefix.VPC_FLOW_LOGS.value}"),
            monitoring_key_alias=names.monitoring_key_alias,
            account=Aws.ACCOUNT_ID,
            region=Aws.REGION,
            inline=True,
        )
        if enforcer is not None:
            # The key (and its alias) and the log group exist before the function and queue use them.
            enforcer.node.add_dependency(key)
            enforcer.node.add_dependency(self.node.find_child("FlowLogEnforcerLogGroup"))
