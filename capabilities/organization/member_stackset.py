"""The member baseline as a service-managed StackSet: every account of the member OUs, every
covered region, and every account that joins later (DPP-LOG-3/4/5 at organization scale).

The member template itself is synthesized and gated one layer up (``checks.member_template``)
and handed in: a capability does not run the nag gate."""

from __future__ import annotations

import json
from aws_cdk import aws_cloudformation as cloudformation
from constructs import Construct

from configuration.model import BaselineConfig

MEMBER_STACK = "MemberBaseline"
# CloudFormation's limit for a StackSet's inline TemplateBody.
MAX_TEMPLATE_BYTES = 51_200


class MemberBaselineStackSet(Construct):
    """SERVICE_MANAGED (Organizations creates the roles), auto-deployment on, stacks retained
    when an account leaves (they hold its logs' key and log group), regions in parallel,
    accounts a fifth at a time with a tenth allowed to fail before the operation stops."""

    def __init__(self, scope: Construct, id: str, *, config: BaselineConfig, template: dict) -> None:
        super().__init__(scope, id)
        size = len(json.dumps(template, separators=(",", ":")))
        if size > MAX_TEMPLATE_BYTES:
            raise ValueError(f"the member baseline template is {size} bytes, over the StackSet limit of {MAX_TEMPLATE_BYTES}")
        self.template = template  # the member stack's template, synthesized and gated by checks.member_template
        self.stack_set = cloudformation.CfnStackSet(
            self,
            "StackSet",
            stack_set_name=f"{config.resource_prefix}-member-baseline",
            description="DPP member baseline: AWS Config, VPC flow logs and DNS query logs into the organization's log archive",
            permission_model="SERVICE_MANAGED",
            auto_deployment=cloudformation.CfnStackSet.AutoDeploymentProperty(enabled=True, retain_stacks_on_account_removal=True),
            capabilities=["CAPABILITY_IAM"],
            managed_execution={"Active": True},
            operation_preferences=cloudformation.CfnStackSet.OperationPreferencesProperty(region_concurrency_type="PARALLEL", max_concurrent_percentage=20, failure_tolerance_percentage=10),
            stack_instances_group=[
                cloudformation.CfnStackSet.StackInstancesProperty(
                    deployment_targets=cloudformation.CfnStackSet.DeploymentTargetsProperty(organizational_unit_ids=list(config.organization.member_ous)),
                    regions=list(config.regions),
                )
            ],
            # Sorted keys: the body changes only when the template does, not with construction order.
            template_body=json.dumps(self.template, separators=(",", ":"), sort_keys=True),
        )
