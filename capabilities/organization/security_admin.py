"""From the security account, the delegated administrator: every member account gets
GuardDuty, Security Hub with the configured standards, and the baseline Config rules, and the
findings and compliance of all of them come to this account (DPP-LOG-5, DPP-LOG-6)."""

from __future__ import annotations

import json

from aws_cdk import aws_config as config
from aws_cdk import aws_iam as iam
from aws_cdk import aws_securityhub as securityhub
from constructs import Construct

from capabilities.config_recorder import baseline_rules
from capabilities.config_recorder.baseline_rules import CloudFrontLoggingCheck
from capabilities.config_recorder.cloudfront_logging import organization_rule_metadata
from capabilities.detection.guardduty import organization_features
from capabilities.detection.security_hub import standard_arn
from capabilities.foundation.building_blocks import deploy_action


class GuardDutyOrganization(Construct):
    """In one region: GuardDuty auto-enabled for ALL members, present and future, with the
    configured protection plans (UpdateOrganizationConfiguration has no CloudFormation
    resource, so a deploy action calls it on this account's own detector)."""

    def __init__(self, scope: Construct, id: str, *, protections: tuple[str, ...], function_name: str, log_group_name: str, account: str, region: str) -> None:
        super().__init__(scope, id)
        self.configuration = deploy_action(
            self,
            resource_id="AutoEnable",
            action="ConfigureGuardDutyOrganization",
            properties={"AutoEnable": "ALL", "Features": json.dumps(organization_features(protections))},
            statements=[
                iam.PolicyStatement(actions=["guardduty:ListDetectors"], resources=["*"]),
                iam.PolicyStatement(actions=["guardduty:UpdateOrganizationConfiguration"], resources=[f"arn:aws:guardduty:{region}:{account}:detector/*"]),
            ],
            function_name=function_name,
            log_group_name=log_group_name,
            descriptions=(
                "Auto-enables GuardDuty for every organization member",
                "Update this account's GuardDuty organization configuration, nothing else",
                "GuardDuty for every member account, present and future (DPP-LOG-6)",
            ),
            account=account,
            region=region,
        )


class SecurityHubCentralConfiguration(Construct):
    """In the home region: central configuration (members cannot switch it off themselves), one
    policy enabling Security Hub with the configured standards, associated with each member OU;
    findings of every region come through the finding aggregator of the detection stack."""

    def __init__(self, scope: Construct, id: str, *, standards: tuple[str, ...], home_region: str, targets: tuple[str, ...], prefix: str) -> None:
        super().__init__(scope, id)
        self.organization = securityhub.CfnOrganizationConfiguration(self, "Organization", auto_enable=False, auto_enable_standards="NONE", configuration_type="CENTRAL")
        self.policy = securityhub.CfnConfigurationPolicy(
            self,
            "Policy",
            name=f"{prefix}-security-hub",
            description="DPP baseline: Security Hub on with the configured standards in every member account (DPP-LOG-6)",
            configuration_policy=securityhub.CfnConfigurationPolicy.PolicyProperty(
                security_hub=securityhub.CfnConfigurationPolicy.SecurityHubPolicyProperty(
                    service_enabled=True,
                    enabled_standard_identifiers=[standard_arn(s, home_region) for s in standards],
                    security_controls_configuration=securityhub.CfnConfigurationPolicy.SecurityControlsConfigurationProperty(disabled_security_control_identifiers=[]),
                )
            ),
        )
        self.policy.add_dependency(self.organization)
        for target in targets:
            association = securityhub.CfnPolicyAssociation(
                self,
                f"Association-{target}",
                configuration_policy_id=self.policy.attr_id,
                target_id=target,
                target_type="ROOT" if target.startswith("r-") else "ORGANIZATIONAL_UNIT",
            )
            association.add_dependency(self.policy)


class ConfigOrganization(Construct):
    """The baseline Config rules as organization rules in this region (global ones at home
    only); at home, an aggregator of every member's configuration and compliance."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        retention_days: int,
        is_home_region: bool,
        region: str,
        regions: tuple[str, ...],
        prefix: str,
        sensitive_buckets: tuple[str, ...] = (),
        cloudfront_check: CloudFrontLoggingCheck | None = None,
        account: str = "",
        directly_monitored: tuple[str, ...] = (),
    ) -> None:
        super().__init__(scope, id)
        for rule in baseline_rules(retention_days, sensitive_buckets):
            if not rule.applies(region, is_home_region):
                continue
            if rule.custom:
                # The security account's function (its collection stack, same region), run for
                # every member through the member's evaluator role.
                if cloudfront_check is None:
                    raise ValueError(f"{rule.id} is a custom rule: ConfigOrganization needs cloudfront_check in {region}")
                config.CfnOrganizationConfigRule(
                    self,
                    rule.id,
                    # A new name, so that an organization that had the managed rule of 0.1.0 gets
                    # this one by replacement rather than an in-place change of the rule's kind.
                    organization_config_rule_name=f"{prefix}-{rule.id}Custom",
                    # The accounts with stacks of their own run the account rule; members have the evaluator role.
                    excluded_accounts=list(directly_monitored) or None,
                    organization_custom_rule_metadata=organization_rule_metadata(
                        function_arn=f"arn:aws:lambda:{region}:{account}:function:{cloudfront_check.function_name}",
                        parameters=cloudfront_check.parameters,
                        description=f"DPP baseline ({rule.requirement}) in every member account: CloudFront standard logging, legacy or v2, into a destination the archive keeps",
                    ),
                )
                continue
            config.CfnOrganizationConfigRule(
                self,
                rule.id,
                organization_config_rule_name=f"{prefix}-{rule.id}",
                organization_managed_rule_metadata=config.CfnOrganizationConfigRule.OrganizationManagedRuleMetadataProperty(
                    rule_identifier=rule.identifier,
                    description=f"DPP baseline ({rule.requirement}) in every member account",
                    input_parameters=json.dumps(rule.parameters) if rule.parameters else None,
                    resource_types_scope=[rule.scope[0]] if rule.scope else None,
                    resource_id_scope=rule.scope[1] if rule.scope else None,
                ),
            )
        if is_home_region:
            role = iam.Role(
                self,
                "AggregatorRole",
                description="Lets AWS Config read the organization's accounts for the aggregator",
                assumed_by=iam.ServicePrincipal("config.amazonaws.com"),
                managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name("service-role/AWSConfigRoleForOrganizations")],
            )
            self.aggregator = config.CfnConfigurationAggregator(
                self,
                "Aggregator",
                configuration_aggregator_name=f"{prefix}-organization",
                organization_aggregation_source=config.CfnConfigurationAggregator.OrganizationAggregationSourceProperty(role_arn=role.role_arn, aws_regions=list(regions)),
            )
