"""A scheduled summary of what was logged and alerted, put in front of people (DPP-MON-7)."""

from __future__ import annotations

import json
from pathlib import Path

from aws_cdk import Duration
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct

from capabilities.foundation.lambda_code import source_code

from capabilities.foundation.building_blocks import encrypted_queue, key_by_alias_statement, monitoring_function

SOURCE = Path(__file__).resolve().parents[2] / "lambdas" / "review_digest"


class ReviewDigest(Construct):
    """On the configured schedule (default Monday and Thursday 08:00 UTC), counts the alarms
    that fired, canary hits and non-compliant Config rules in every covered region, and new
    Security Hub findings by severity (aggregated in the home region), over the period, and publishes the digest to the review topic, which reaches the
    IMPOC, the e-mail targets and, through the relay, every chat target. A failed run is
    retried and then kept in a dead-letter queue (alarmed)."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        prefix: str,
        schedule: str,
        period_hours: int,
        review_topic_arn: str,
        key_alias: str,
        log_group_name: str,
        account: str,
        region: str,
        regions: tuple[str, ...] = (),
    ) -> None:
        super().__init__(scope, id)
        key = kms.Alias.from_alias_name(self, "MonitoringKey", key_alias)
        dead_letters = encrypted_queue(self, "DeadLetters", queue_name=f"{prefix}-review-digest-dead-letters", key=key)
        role = iam.Role(self, "Role", description="Reads alarm history, findings and compliance; publishes the review", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
        policy = iam.ManagedPolicy(
            self,
            "Policy",
            description="Read-only summaries and one topic to publish to",
            roles=[role],
            statements=[
                # These read APIs take no resource-level permissions.
                iam.PolicyStatement(actions=["cloudwatch:DescribeAlarmHistory", "config:DescribeComplianceByConfigRule"], resources=["*"]),
                iam.PolicyStatement(actions=["securityhub:GetFindings"], resources=[f"arn:aws:securityhub:{region}:{account}:hub/default"]),
                iam.PolicyStatement(actions=["sns:Publish"], resources=[review_topic_arn]),
                iam.PolicyStatement(actions=["sqs:SendMessage"], resources=[dead_letters.queue_arn]),
                key_by_alias_statement(actions=["kms:GenerateDataKey", "kms:Decrypt"], region=region, account=account, alias=key_alias, via_services=["sns", "sqs"]),
                iam.PolicyStatement(actions=["logs:CreateLogStream", "logs:PutLogEvents"], resources=[f"arn:aws:logs:{region}:{account}:log-group:{log_group_name}:*"]),
            ],
        )
        function = monitoring_function(
            self,
            "Function",
            function_name=f"{prefix}-review-digest",
            description="Twice-weekly review digest (DPP-MON-7)",
            code=source_code(SOURCE),
            role=role,
            log_group_name=log_group_name,
            timeout=Duration.minutes(5),
            memory_size=256,
            # Every covered region's alarms and Config rules are read from here (DPP-MON-7).
            environment={"RESOURCE_PREFIX": prefix, "REVIEW_TOPIC_ARN": review_topic_arn, "PERIOD_HOURS": str(period_hours), "ACCOUNT_ID": account, "REGIONS": json.dumps(sorted({region, *regions}))},
            dead_letter_queue=dead_letters,
            retry_attempts=2,
        )
        function.node.add_dependency(policy)
        events.Rule(
            self,
            "Schedule",
            description="DPP review digest (DPP-MON-7)",
            schedule=events.Schedule.expression(schedule),
            targets=[targets.LambdaFunction(function, retry_attempts=8, max_event_age=Duration.hours(6))],
        )
