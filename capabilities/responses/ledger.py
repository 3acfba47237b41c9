"""The record of every automated response: evidence of what was done, and what undoing it
needs (DPP-IR-3, DPP-RET-1)."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kms as kms
from constructs import Construct


class ResponseLedger(Construct):
    """A DynamoDB table in the stateful foundation stack (it outlives the responder's stack),
    encrypted with the monitoring key, point-in-time recovery on, deletion-protected and
    retained. Items never expire: they are the incident record."""

    def __init__(self, scope: Construct, id: str, *, table_name: str, key: kms.IKey) -> None:
        super().__init__(scope, id)
        self.table = dynamodb.Table(
            self,
            "Table",
            table_name=table_name,
            partition_key=dynamodb.Attribute(name="id", type=dynamodb.AttributeType.STRING),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            encryption=dynamodb.TableEncryption.CUSTOMER_MANAGED,
            encryption_key=key,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True),
            deletion_protection=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
