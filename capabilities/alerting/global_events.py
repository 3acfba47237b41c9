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
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from capabilities.alerting.event_routes import GLOBAL_SOURCES, forwarding_failed_alarm_name


class BusForwarding:
    """What a forwarder to another event bus needs, built in ``scope``: a role EventBridge
    assumes, allowed ``events:PutEvents`` on that one bus; a dead-letter queue (encrypted by
    SQS: no monitoring key need live where the forwarder runs) behind EventBridge's 24 hours of
    retries; and an alarm on that queue, whose state change the caller forwards too."""

    def __init__(self, scope: Construct, *, bus_arn: str, purpose: str, policy_description: str, queue_name: str, role_name: str | None = None) -> None:
        role = iam.Role(scope, "Role", role_name=role_name, description=purpose, assumed_by=iam.ServicePrincipal("events.amazonaws.com"))
        iam.ManagedPolicy(
            scope,
            "Policy",
            description=policy_description,
            roles=[role],
            statements=[iam.PolicyStatement(actions=["events:PutEvents"], resources=[bus_arn])],
        )
        self.dead_letters = sqs.Queue(
            scope,
            "DeadLetters",
            queue_name=queue_name,
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(14),
        )
        self._bus = events.EventBus.from_event_bus_arn(scope, "TargetBus", bus_arn)
        self._role = role.without_policy_updates()  # its rights are in the managed policy above
        self._scope = scope

    def target(self) -> targets.EventBus:
        return targets.EventBus(self._bus, role=self._role, dead_letter_queue=self.dead_letters)

    def failed_alarm(self, *, alarm_name: str, description: str) -> cloudwatch.Alarm:
        # SQS reports its queue metrics to CloudWatch every minute; an empty, idle queue may
        # report nothing, which is no failure (treat missing data as not breaching,
        # https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html).
        return cloudwatch.Alarm(
            self._scope,
            "ForwardingFailed",
            alarm_name=alarm_name,
            alarm_description=description,
            metric=self.dead_letters.metric_approximate_number_of_messages_visible(period=Duration.minutes(5), statistic="Maximum"),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )


class GlobalEventForwarder(Construct):
    """A rule for every global-service event, targeting the home region's default bus, with
    24 hours of retries and a dead-letter queue (encrypted by SQS: no monitoring key lives in
    us-east-1 unless it is a covered region). A message in that queue is an event lost to the
    routes, so an alarm watches it and its state change goes home the same way, where the
    ``GlobalEventsForwardingFailed`` route announces it (DPP-MON-6)."""

    def __init__(self, scope: Construct, id: str, *, home_region: str, account: str, dead_letter_queue_name: str, prefix: str) -> None:
        super().__init__(scope, id)
        home_bus_arn = f"arn:aws:events:{home_region}:{account}:event-bus/default"
        forwarding = BusForwarding(
            self,
            bus_arn=home_bus_arn,
            purpose="Forwards global-service events to the home region (DPP-MON-3)",
            policy_description="Put global-service events on the home region's default bus only",
            queue_name=dead_letter_queue_name,
        )
        self.dead_letters = forwarding.dead_letters
        self.rule = events.Rule(
            self,
            "ToHomeRegion",
            description=f"Forwards IAM, STS and sign-in events to {home_region}, where the alert routes run",
            event_pattern=events.EventPattern(source=list(GLOBAL_SOURCES)),
            targets=[forwarding.target()],
        )
        alarm_name = forwarding_failed_alarm_name(prefix)
        self.failed = forwarding.failed_alarm(
            alarm_name=alarm_name,
            description=f"Global-service events wait in {dead_letter_queue_name}: they did not reach {home_region}'s routes (announced there as GlobalEventsForwardingFailed)",
        )
        self.alarm_rule = events.Rule(
            self,
            "AlarmToHomeRegion",
            description=f"Forwards the forwarder's own failure alarm to {home_region}",
            event_pattern=events.EventPattern(source=["aws.cloudwatch"], detail_type=["CloudWatch Alarm State Change"], detail={"alarmName": [alarm_name]}),
            targets=[forwarding.target()],
        )
