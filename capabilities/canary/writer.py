"""Writes the canary object at deploy time through a custom resource of our own."""
from __future__ import annotations

from pathlib import Path

from aws_cdk import CfnCustomResource, Duration
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from capabilities.canary.content import CANARY_KEY, canary_csv
from capabilities.foundation.building_blocks import key_by_alias_statement, monitoring_function

SOURCE = Path(__file__).resolve().parents[2] / "lambdas" / "deploy_actions"


class CanaryWriter(Construct):
    """A small function, invoked only by CloudFormation, that puts the canary object into the
    decoy bucket on create and update (and leaves it on delete). Writing the object is itself
    a data event on the canary, so the canary alarm fires once on first deployment: proof,
    end to end, that it works."""

    def __init__(
        self, scope: Construct, id: str, *, function_name: str, log_group_name: str, bucket_name: str, key_alias: str, account: str, region: str
    ) -> None:
        super().__init__(scope, id)
        role = iam.Role(self, "Role", description="Writes the DPP canary object", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
        policy = iam.ManagedPolicy(
            self,
            "Policy",
            description="Put the canary object, nothing else",
            roles=[role],
            statements=[
                iam.PolicyStatement(actions=["s3:PutObject"], resources=[f"arn:aws:s3:::{bucket_name}/{CANARY_KEY}"]),
                key_by_alias_statement(actions=["kms:GenerateDataKey"], region=region, account=account, alias=key_alias, via_services=["s3"]),
                iam.PolicyStatement(
                    actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                    resources=[f"arn:aws:logs:{region}:{account}:log-group:{log_group_name}:*"],
                ),
            ],
        )
        function = monitoring_function(
            self,
            "Function",
            function_name=function_name,
            description="Writes the DPP canary object (DPP-MON-2)",
            code=lambda_.Code.from_asset(str(SOURCE)),
            role=role,
            log_group_name=log_group_name,
            timeout=Duration.minutes(1),
            memory_size=128,
            reserved_concurrency=1,
        )
        function.node.add_dependency(policy)
        self.object = CfnCustomResource(self, "CanaryObject", service_token=function.function_arn)
        self.object.add_property_override("Action", "PutCanaryObject")
        self.object.add_property_override("Bucket", bucket_name)
        self.object.add_property_override("Key", CANARY_KEY)
        self.object.add_property_override("Body", canary_csv())
