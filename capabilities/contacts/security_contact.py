"""Registers the IMPOC as the account's security alternate contact at deploy time (DPP-IR-1)."""
from __future__ import annotations

from pathlib import Path

from aws_cdk import CfnCustomResource, Duration
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from capabilities.foundation.building_blocks import monitoring_function
from configuration.model import Impoc

SOURCE = Path(__file__).resolve().parents[2] / "lambdas" / "deploy_actions"


class SecurityContact(Construct):
    """AWS sends security notifications (abuse reports, exposed keys, Health security events)
    to the account's security alternate contact; this makes that the IMPOC. The function may
    set the SECURITY contact of this account and nothing else."""

    def __init__(self, scope: Construct, id: str, *, impoc: Impoc, function_name: str, log_group_name: str, account: str, region: str) -> None:
        super().__init__(scope, id)
        role = iam.Role(self, "Role", description="Sets the account's security contact to the IMPOC", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
        policy = iam.ManagedPolicy(
            self,
            "Policy",
            description="Put the SECURITY alternate contact of this account, nothing else",
            roles=[role],
            statements=[
                iam.PolicyStatement(
                    actions=["account:PutAlternateContact"],
                    resources=[f"arn:aws:account::{account}:account"],
                    conditions={"ForAllValues:StringEquals": {"account:AlternateContactTypes": ["SECURITY"]}},
                ),
                iam.PolicyStatement(actions=["logs:CreateLogStream", "logs:PutLogEvents"], resources=[f"arn:aws:logs:{region}:{account}:log-group:{log_group_name}:*"]),
            ],
        )
        function = monitoring_function(
            self,
            "Function",
            function_name=function_name,
            description="Registers the IMPOC as the security contact (DPP-IR-1)",
            code=lambda_.Code.from_asset(str(SOURCE)),
            role=role,
            log_group_name=log_group_name,
            timeout=Duration.minutes(1),
            memory_size=128,
            reserved_concurrency=1,
        )
        function.node.add_dependency(policy)
        self.contact = CfnCustomResource(self, "Contact", service_token=function.function_arn)
        for key, value in (
            ("Action", "PutSecurityContact"),
            ("Name", impoc.name),
            ("Title", impoc.title),
            ("EmailAddress", impoc.email),
            ("PhoneNumber", impoc.phone),
        ):
            self.contact.add_property_override(key, value)
