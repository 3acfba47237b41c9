"""A custom Config rule in place of CLOUDFRONT_ACCESSLOGS_ENABLED, which recognises legacy
logging only: every distribution of the account has standard logging, legacy or v2, into a
destination whose logs reach the archive (DPP-LOG-8, DPP-LOG-2). The verdicts are
``lambdas/cloudfront_logging_rule``'s; this construct deploys it in us-east-1, where
CloudFront's delivery sources live and Config records distributions
(https://docs.aws.amazon.com/config/latest/developerguide/cloudfront-accesslogs-enabled.html).

Triggers (https://docs.aws.amazon.com/config/latest/developerguide/evaluate-config-rules.html):
a change of a distribution's configuration item, and every six hours for all of them, since a
v2 delivery is a CloudWatch Logs resource whose change leaves the distribution's item as it was.
"""

from __future__ import annotations

from pathlib import Path

import json
from dataclasses import dataclass

from aws_cdk import Duration
from aws_cdk import aws_config as config
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from capabilities.foundation.building_blocks import monitoring_function
from capabilities.foundation.lambda_code import source_code

SOURCE = Path(__file__).resolve().parents[2] / "lambdas" / "cloudfront_logging_rule"
EVALUATION_FREQUENCY = config.MaximumExecutionFrequency.SIX_HOURS
# The organization rule's triggers, the same as the account rule's
# (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-config-organizationconfigrule-organizationcustomrulemetadata.html).
TRIGGERS = ("ConfigurationItemChangeNotification", "OversizedConfigurationItemChangeNotification", "ScheduledNotification")
RESOURCE_TYPE = "AWS::CloudFront::Distribution"
# Organization mode: accounts the function was asked to evaluate but could not (no evaluator role).
METRIC_NAMESPACE = "DPP/CloudFrontLoggingCheck"
NOT_EVALUATED_METRIC = "AccountsNotEvaluated"
# What the function calls in the account it evaluates (its own, or a member's through the member role).
EVALUATION_ACTIONS = ["cloudfront:ListDistributions", "logs:DescribeDeliverySources", "logs:DescribeDeliveries", "logs:DescribeDeliveryDestinations", "config:PutEvaluations"]


@dataclass(frozen=True)
class MemberEvaluation:
    """Organization mode: the function also evaluates members, through ``member_role_name`` in
    each (``member_evaluator_role``), for the organization rule members' Config invoke."""

    member_role_name: str
    organization_id: str


def evaluation_statements(account: str) -> list[iam.PolicyStatement]:
    return [
        iam.PolicyStatement(actions=["cloudfront:GetDistributionConfig"], resources=[f"arn:aws:cloudfront::{account}:distribution/*"]),
        # ListDistributions, the Describe* of deliveries and PutEvaluations take no resource ARN
        # (Service Authorization Reference: CloudFront, CloudWatch Logs, Config).
        iam.PolicyStatement(actions=EVALUATION_ACTIONS, resources=["*"]),
    ]


def acceptance_parameters(*, s3_destination: str | None, regions: tuple[str, ...], log_groups: bool) -> dict[str, str]:
    """The rule's parameters, read by the function (``Acceptance.from_parameters``):
    ``s3_destination`` a ``<bucket>/<prefix>`` pattern with ``{account}``/``{region}`` filled
    with each of ``regions``; None accepts any destination, as the managed rule does."""
    if s3_destination is None:
        return {"acceptLogGroups": "true"}
    return {"acceptedS3Destination": s3_destination, "acceptedRegions": ",".join(regions), "acceptLogGroups": "true" if log_groups else "false"}


class CloudFrontLoggingRule(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        function_name: str,
        log_group_name: str,
        parameters: dict[str, str],
        description: str,
        account: str,
        region: str,
        members: MemberEvaluation | None = None,
    ) -> None:
        super().__init__(scope, id)
        role = iam.Role(
            self,
            "Role",
            # Named: members' evaluator roles admit exactly this one (IAM is global; the function runs in us-east-1 only).
            role_name=function_name,
            description="Reads CloudFront distributions' logging and their vended-log deliveries for a Config rule (DPP-LOG-8)",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        )
        statements = [
            iam.PolicyStatement(actions=["logs:CreateLogStream", "logs:PutLogEvents"], resources=[f"arn:aws:logs:{region}:{account}:log-group:{log_group_name}:*"]),
            *evaluation_statements(account),
        ]
        if members is not None:
            # Members' roles only: an outsider could name a role so and trust this one
            # (aws:ResourceOrgID, the role's account's organization:
            # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourceorgid).
            statements.append(
                iam.PolicyStatement(
                    actions=["sts:AssumeRole"],
                    resources=[f"arn:aws:iam::*:role/{members.member_role_name}"],
                    conditions={"StringEquals": {"aws:ResourceOrgID": members.organization_id}},
                )
            )
            statements.append(iam.PolicyStatement(actions=["cloudwatch:PutMetricData"], resources=["*"], conditions={"StringEquals": {"cloudwatch:namespace": METRIC_NAMESPACE}}))
        policy = iam.ManagedPolicy(
            self,
            "Policy",
            description="Read distributions' logging settings and CloudWatch Logs deliveries; report Config evaluations",
            roles=[role],
            statements=statements,
        )
        self.function = monitoring_function(
            self,
            "Function",
            function_name=function_name,
            description="Config rule: CloudFront standard logging (legacy or v2) into a destination the DPP archive keeps (DPP-LOG-8)",
            code=source_code(SOURCE),
            role=role,
            log_group_name=log_group_name,
            timeout=Duration.minutes(5),
            memory_size=256,
            environment={"MEMBER_ROLE_NAME": members.member_role_name, "METRIC_NAMESPACE": METRIC_NAMESPACE} if members else None,
        )
        self.function.node.add_dependency(policy)
        if members is not None:
            # Each member's Config invokes the function for the organization rule; a permission
            # cannot name them (SourceAccount takes one account, and organization conditions apply
            # to account principals, not to config.amazonaws.com). The boundary is the function's
            # own: it assumes members' roles only inside the organization (aws:ResourceOrgID), and
            # an account whose role STS refuses is logged, counted (a low alarm) and left unevaluated.
            lambda_.CfnPermission(self, "MembersConfigInvoke", action="lambda:InvokeFunction", function_name=self.function.function_arn, principal="config.amazonaws.com")
        self.rule = config.CustomRule(
            self,
            "Rule",
            lambda_function=self.function,
            configuration_changes=True,
            periodic=True,
            maximum_execution_frequency=EVALUATION_FREQUENCY,
            rule_scope=config.RuleScope.from_resources([config.ResourceType.CLOUDFRONT_DISTRIBUTION]),
            input_parameters=parameters,
            description=description,
        )


def organization_rule_metadata(*, function_arn: str, parameters: dict[str, str], description: str) -> config.CfnOrganizationConfigRule.OrganizationCustomRuleMetadataProperty:
    """The organization rule members' Config run with the security account's function."""
    return config.CfnOrganizationConfigRule.OrganizationCustomRuleMetadataProperty(
        lambda_function_arn=function_arn,
        organization_config_rule_trigger_types=list(TRIGGERS),
        maximum_execution_frequency="Six_Hours",  # the account rule's EVALUATION_FREQUENCY, as CloudFormation spells it
        resource_types_scope=[RESOURCE_TYPE],
        input_parameters=json.dumps(parameters),
        description=description,
    )


def member_evaluator_role(scope: Construct, *, role_name: str, function_role_arn: str, security_account: str, account: str) -> tuple[iam.Role, iam.ManagedPolicy]:
    """In a member account (us-east-1's StackSet instance): what the security account's function
    may do there to evaluate the member's distributions and report the results, assumable by
    that function's role alone (``CloudFrontLoggingEvaluatorRole``, ``...Policy``)."""
    role = iam.Role(
        scope,
        "CloudFrontLoggingEvaluatorRole",
        role_name=role_name,
        description="Lets the DPP CloudFront logging check read distributions' logging and report Config evaluations (DPP-LOG-8)",
        assumed_by=iam.AccountPrincipal(security_account).with_conditions({"ArnEquals": {"aws:PrincipalArn": function_role_arn}}),
    )
    policy = iam.ManagedPolicy(scope, "CloudFrontLoggingEvaluatorPolicy", roles=[role], statements=evaluation_statements(account))
    return role, policy
