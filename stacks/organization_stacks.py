"""Organization mode: the management account's delegation and member StackSet, and the
security account's organization-wide detection settings."""

from __future__ import annotations

from aws_cdk import Stack
from constructs import Construct

from capabilities.organization import ConfigOrganization, DelegatedAdministrators, GuardDutyOrganization, MemberBaselineStackSet, SecurityHubCentralConfiguration
from configuration.model import BaselineConfig
from configuration.naming import lambda_log_group, organization_admin_function_name
from configuration.regions import CLOUDFRONT_REGION
from stacks.collection_stack import cloudfront_check


class OrganizationAdminStack(Stack):
    """In the management account, home region: the security account becomes the delegated
    administrator of GuardDuty, Security Hub and Config (DPP-LOG-6, DPP-PRT-4), and the member
    baseline StackSet reaches every member account and region (DPP-LOG-3/4/5)."""

    def __init__(self, scope: Construct, id: str, *, config: BaselineConfig, member_template: dict | None = None, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        function_name = organization_admin_function_name(config)
        DelegatedAdministrators(
            self,
            "Delegation",
            security_account=config.security_account.account_id,
            regions=list(config.regions),
            function_name=function_name,
            log_group_name=lambda_log_group(function_name),
            account=self.account,
            region=self.region,
        )
        if member_template is None:
            raise ValueError("organization mode needs the member baseline template: build it with checks.member_template.member_template(config)")
        self.members = MemberBaselineStackSet(self, "MemberBaseline", config=config, template=member_template)


class OrganizationSecurityStack(Stack):
    """In the security account, every covered region: GuardDuty for every member; at home,
    Security Hub central configuration and the Config aggregator; organization Config rules in
    each region (DPP-LOG-5, DPP-LOG-6)."""

    def __init__(self, scope: Construct, id: str, *, config: BaselineConfig, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        is_home = self.region == config.home_region
        function_name = organization_admin_function_name(config)
        if config.features.guardduty:
            GuardDutyOrganization(
                self,
                "GuardDuty",
                protections=config.detection.guardduty_protections,
                function_name=function_name,
                log_group_name=lambda_log_group(function_name),
                account=self.account,
                region=self.region,
            )
        if config.features.security_hub and is_home:
            SecurityHubCentralConfiguration(
                self,
                "SecurityHub",
                standards=config.detection.security_hub_standards,
                home_region=config.home_region,
                targets=config.organization.member_ous,
                prefix=config.resource_prefix,
            )
        if config.features.config_recorder:
            ConfigOrganization(
                self,
                "Config",
                retention_days=config.retention_days,
                is_home_region=is_home,
                region=self.region,
                regions=config.regions,
                prefix=config.resource_prefix,
                sensitive_buckets=config.trail.sensitive_buckets,
                cloudfront_check=cloudfront_check(config, workload_buckets=config.workload.log_buckets, serves_members=True) if self.region == CLOUDFRONT_REGION else None,
                account=self.account,
                directly_monitored=tuple(a.account_id for a in config.monitored_accounts),
            )
