"""Writes the canary object at deploy time through a custom resource of our own."""

from __future__ import annotations

from aws_cdk import aws_iam as iam
from constructs import Construct

from capabilities.canary.content import CANARY_KEY, canary_csv
from capabilities.foundation.building_blocks import deploy_action, key_by_alias_statement


class CanaryWriter(Construct):
    """A small function, invoked only by CloudFormation, that puts the canary object into the
    decoy bucket on create and update (and leaves it on delete). Writing the object is itself
    a data event on the canary, so the canary alarm fires once on first deployment: proof,
    end to end, that it works."""

    def __init__(self, scope: Construct, id: str, *, function_name: str, log_group_name: str, bucket_name: str, key_alias: str, account: str, region: str) -> None:
        super().__init__(scope, id)
        self.object = deploy_action(
            self,
            resource_id="CanaryObject",
            action="PutCanaryObject",
            properties={"Bucket": bucket_name, "Key": CANARY_KEY, "Body": canary_csv()},
            statements=[
                iam.PolicyStatement(actions=["s3:PutObject"], resources=[f"arn:aws:s3:::{bucket_name}/{CANARY_KEY}"]),
                key_by_alias_statement(actions=["kms:GenerateDataKey"], region=region, account=account, alias=key_alias, via_services=["s3"]),
            ],
            function_name=function_name,
            log_group_name=log_group_name,
            descriptions=("Writes the DPP canary object", "Put the canary object, nothing else", "Writes the DPP canary object (DPP-MON-2)"),
            account=account,
            region=region,
        )
