"""The member baseline as a service-managed StackSet: every account of the member OUs, every
covered region, and every account that joins later (DPP-LOG-3/4/5 at organization scale)."""
from __future__ import annotations

import json
import tempfile
from aws_cdk import App, BootstraplessSynthesizer
from aws_cdk import aws_cloudformation as cloudformation
from constructs import Construct

from configuration.model import BaselineConfig

MEMBER_STACK = "MemberBaseline"
# CloudFormation's limit for a StackSet's inline TemplateBody.
MAX_TEMPLATE_BYTES = 51_200


def member_template(config: BaselineConfig) -> dict:
    """Synthesizes the member baseline in an app of its own, under the same five nag packs and
    the member acknowledgements: the StackSet deploys only what passed them."""
    from checks.acknowledgements import member_acknowledgements
    from checks.gate import install_gate
    from stacks.member_baseline_stack import MemberBaselineStack

    with tempfile.TemporaryDirectory() as outdir:
        app = App(outdir=outdir, context={"aws:cdk:enable-path-metadata": True})
        # Members are never CDK-bootstrapped: no BootstrapVersion parameter or rule, no assets.
        MemberBaselineStack(
            app,
            MEMBER_STACK,
            config=config,
            description="DPP member baseline: AWS Config, VPC flow logs and DNS query logs (DPP-LOG-3/4/5)",
            synthesizer=BootstraplessSynthesizer(),
        )
        install_gate(app, config, member_acknowledgements(config))
        assembly = app.synth()  # raises, naming the finding, if a pack fails
        body = assembly.get_stack_by_name(MEMBER_STACK).template
    size = len(json.dumps(body, separators=(",", ":")))
    if size > MAX_TEMPLATE_BYTES:
        raise ValueError(f"the member baseline template is {size} bytes, over the StackSet limit of {MAX_TEMPLATE_BYTES}")
    return body


class MemberBaselineStackSet(Construct):
    """SERVICE_MANAGED (Organizations creates the roles), auto-deployment on, stacks retained
    when an account leaves (they hold its logs' key and log group), regions in parallel,
    accounts a fifth at a time with a tenth allowed to fail before the operation stops."""

    def __init__(self, scope: Construct, id: str, *, config: BaselineConfig) -> None:
        super().__init__(scope, id)
        self.template = member_template(config)  # the member stack's CloudFormation template
        self.stack_set = cloudformation.CfnStackSet(
            self,
            "StackSet",
            stack_set_name=f"{config.resource_prefix}-member-baseline",
            description="DPP member baseline: AWS Config, VPC flow logs and DNS query logs into the organization's log archive",
            permission_model="SERVICE_MANAGED",
            auto_deployment=cloudformation.CfnStackSet.AutoDeploymentProperty(enabled=True, retain_stacks_on_account_removal=True),
            capabilities=["CAPABILITY_IAM"],
            managed_execution={"Active": True},
            operation_preferences=cloudformation.CfnStackSet.OperationPreferencesProperty(
                region_concurrency_type="PARALLEL", max_concurrent_percentage=20, failure_tolerance_percentage=10
            ),
            stack_instances_group=[
                cloudformation.CfnStackSet.StackInstancesProperty(
                    deployment_targets=cloudformation.CfnStackSet.DeploymentTargetsProperty(organizational_unit_ids=list(config.organization.member_ous)),
                    regions=list(config.regions),
                )
            ],
            # Sorted keys: the body changes only when the template does, not with construction order.
            template_body=json.dumps(self.template, separators=(",", ":"), sort_keys=True),
        )
