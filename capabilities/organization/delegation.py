"""From the management account: the security account administers GuardDuty, Security Hub and
AWS Config for the whole organization (DPP-LOG-6, DPP-PRT-4)."""

from __future__ import annotations

from aws_cdk import aws_iam as iam
from aws_cdk import aws_securityhub as securityhub
from constructs import Construct

from capabilities.foundation.building_blocks import deploy_action

CONFIG_SERVICES = ("config.amazonaws.com", "config-multiaccountsetup.amazonaws.com")


class DelegatedAdministrators(Construct):
    """Security Hub's delegated administrator is a CloudFormation resource; GuardDuty's (one per
    region) and Config's are not, so a deploy action makes those calls, allowed to do that and
    nothing else. The management account keeps no day-to-day security role."""

    def __init__(self, scope: Construct, id: str, *, security_account: str, regions: list[str], function_name: str, log_group_name: str, account: str, region: str) -> None:
        super().__init__(scope, id)
        self.security_hub = securityhub.CfnDelegatedAdmin(self, "SecurityHub", admin_account_id=security_account)
        self.others = deploy_action(
            self,
            resource_id="GuardDutyAndConfig",
            action="EnableOrganizationAdmins",
            properties={"AdminAccountId": security_account, "Regions": regions, "DelegatedServices": list(CONFIG_SERVICES)},
            statements=[
                iam.PolicyStatement(actions=["guardduty:EnableOrganizationAdminAccount", "guardduty:ListOrganizationAdminAccounts"], resources=["*"]),
                iam.PolicyStatement(
                    actions=["organizations:EnableAWSServiceAccess", "organizations:RegisterDelegatedAdministrator"],
                    resources=["*"],
                    conditions={"StringEquals": {"organizations:ServicePrincipal": [*CONFIG_SERVICES, "guardduty.amazonaws.com", "malware-protection.guardduty.amazonaws.com"]}},
                ),
                # EnableOrganizationAdminAccount enables GuardDuty's trusted access and role itself.
                iam.PolicyStatement(
                    actions=[
                        "organizations:DescribeOrganization",
                        "organizations:DescribeOrganizationalUnit",
                        "organizations:DescribeAccount",
                        "organizations:ListAWSServiceAccessForOrganization",
                        "organizations:ListDelegatedAdministrators",
                    ],
                    resources=["*"],
                ),
                iam.PolicyStatement(
                    actions=["iam:CreateServiceLinkedRole"],
                    resources=[f"arn:aws:iam::{account}:role/aws-service-role/guardduty.amazonaws.com/*"],
                    conditions={"StringLike": {"iam:AWSServiceName": "guardduty.amazonaws.com"}},
                ),
            ],
            function_name=function_name,
            log_group_name=log_group_name,
            descriptions=(
                "Delegates GuardDuty and Config administration to the security account",
                "Register the security account as delegated administrator of GuardDuty and Config, nothing else",
                "Delegates GuardDuty and Config administration (DPP-LOG-6)",
            ),
            account=account,
            region=region,
        )
