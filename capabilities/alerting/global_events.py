"""Global-service events (IAM, STS, AWS sign-in) forwarded from us-east-1 to the home region.

EventBridge receives these events in us-east-1 only, so routes such as ``RootSignIn`` and
``BaselineRoleTampering`` would never fire in any other region (DPP-MON-3, DPP-MON-6). One
rule in us-east-1 sends them to the home region's default event bus, where the global routes
are rendered once. Same account, so the target bus needs no resource policy; the rule's role
needs ``events:PutEvents`` on it
(https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-region.html).
"""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from capabilities.alerting.event_routes import GLOBAL_SOURCES


class GlobalEventForwarder(Construct):
    """A rule for every global-service event, targeting the home region's default bus, with
    24 hours of retries and a dead-letter queue (encrypted by SQS: no monitoring key lives in
    us-east-1 unless it is a covered region)."""

    def __init__(self, scope: Construct, id: str, *, home_region: str, account: str, dead_letter_queue_name: str) -> None:
        super().__init__(scope, id)
        home_bus_arn = f"arn:aws:events:{home_region}:{account}:event-bus/default"
        role = iam.Role(self, "Role", description="Forwards global-service events to the home region (DPP-MON-3)", assumed_by=iam.ServicePrincipal("events.amazonaws.com"))
        iam.ManagedPolicy(
            self,
            "Policy",
            description="Put global-service events on the home region's default bus only",
            roles=[role],
            statements=[iam.PolicyStatement(actions=["events:PutEvents"], resources=[home_bus_arn])],
        )
        self.dead_letters = sqs.Queue(
            self,
            "DeadLetters",
            queue_name=dead_letter_queue_name,
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(14),
        )
        self.rule = events.Rule(
            self,
            "ToHomeRegion",
            description=f"Forwards IAM, STS and sign-in events to {home_region}, where the alert routes run",
            event_pattern=events.EventPattern(source=list(GLOBAL_SOURCES)),
            targets=[
                targets.EventBus(
                    events.EventBus.from_event_bus_arn(self, "HomeBus", home_bus_arn),
                    role=role.without_policy_updates(),  # its rights are in the managed policy above
                    dead_letter_queue=self.dead_letters,
                )
            ],
        )
