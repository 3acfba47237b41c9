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

from aws_cdk import Duration
from aws_cdk import aws_config as config
from aws_cdk import aws_iam as iam
from constructs import Construct

from capabilities.foundation.building_blocks import monitoring_function
from capabilities.foundation.lambda_code import source_code

SOURCE = Path(__file__).resolve().parents[2] / "lambdas" / "cloudfront_logging_rule"
EVALUATION_FREQUENCY = config.MaximumExecutionFrequency.SIX_HOURS


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
    ) -> None:
        super().__init__(scope, id)
        role = iam.Role(
            self,
            "Role",
            description="Reads CloudFront distributions' logging and their vended-log deliveries for a Config rule (DPP-LOG-8)",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        )
        policy = iam.ManagedPolicy(
            self,
            "Policy",
            description="Read distributions' logging settings and CloudWatch Logs deliveries; report Config evaluations",
            roles=[role],
            statements=[
                iam.PolicyStatement(actions=["logs:CreateLogStream", "logs:PutLogEvents"], resources=[f"arn:aws:logs:{region}:{account}:log-group:{log_group_name}:*"]),
                iam.PolicyStatement(actions=["cloudfront:GetDistributionConfig"], resources=[f"arn:aws:cloudfront::{account}:distribution/*"]),
                # ListDistributions, the Describe* of deliveries and PutEvaluations take no
                # resource ARN (Service Authorization Reference: CloudFront, CloudWatch Logs, Config).
                iam.PolicyStatement(
                    actions=["cloudfront:ListDistributions", "logs:DescribeDeliverySources", "logs:DescribeDeliveries", "logs:DescribeDeliveryDestinations", "config:PutEvaluations"],
                    resources=["*"],
                ),
            ],
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
        )
        self.function.node.add_dependency(policy)
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
