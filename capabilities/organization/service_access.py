"""Trusted access for the services the organization trail and Security Hub's delegation need,
enabled from the management account before either is created (DPP-LOG-1, DPP-LOG-6).

An organization trail created through the API (CloudFormation included) needs trusted access
for CloudTrail first: "If you create an organization trail with the AWS CLI or the CloudTrail
APIs, you must enable trusted access manually"
(https://docs.aws.amazon.com/awscloudtrail/latest/userguide/creating-trail-organization.html,
https://docs.aws.amazon.com/organizations/latest/userguide/services-that-can-integrate-cloudtrail.html).
Security Hub enables its own trusted access when a delegated administrator is designated
(https://docs.aws.amazon.com/organizations/latest/userguide/services-that-can-integrate-securityhub.html);
enabling it first as well costs nothing and keeps the delegation from depending on that.
"""

from __future__ import annotations

from aws_cdk import aws_iam as iam
from constructs import Construct

from capabilities.foundation.building_blocks import deploy_action

TRUSTED_SERVICES = ("cloudtrail.amazonaws.com", "securityhub.amazonaws.com")


class OrganizationServiceAccess(Construct):
    """A deploy action that may enable trusted access for exactly these services."""

    def __init__(self, scope: Construct, id: str, *, function_name: str, log_group_name: str, account: str, region: str, services: tuple[str, ...] = TRUSTED_SERVICES) -> None:
        super().__init__(scope, id)
        self.resource = deploy_action(
            self,
            resource_id="TrustedAccess",
            action="EnableServiceAccess",
            properties={"ServicePrincipals": list(services)},
            statements=[
                iam.PolicyStatement(
                    actions=["organizations:EnableAWSServiceAccess"],
                    resources=["*"],  # the action takes no resource ARN
                    conditions={"StringEquals": {"organizations:ServicePrincipal": list(services)}},
                ),
                iam.PolicyStatement(actions=["organizations:ListAWSServiceAccessForOrganization"], resources=["*"]),
            ],
            function_name=function_name,
            log_group_name=log_group_name,
            descriptions=(
                "Enables trusted access for CloudTrail and Security Hub in the organization",
                "Enable trusted access for the named services only",
                "Enables trusted access for the organization trail and Security Hub (DPP-LOG-1)",
            ),
            account=account,
            region=region,
        )
