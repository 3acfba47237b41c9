"""SNS severity topics -> encrypted queue -> relay function -> Slack, Teams, Chime, webhooks
(DPP-MON-5, DPP-MON-6, DPP-PII-1, DPP-PII-2)."""

from __future__ import annotations

import json
from pathlib import Path

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from capabilities.foundation.building_blocks import encrypted_queue, key_by_alias_statement, monitoring_function
from capabilities.relay.bundling import DRILL_MARKS, bundled_code
from configuration.model import NotificationTarget

SOURCE = Path(__file__).resolve().parents[2] / "lambdas" / "chat_relay"
# Standard library only: boto3, Powertools and the X-Ray SDK cost more than the relay's
# cold-start and per-event budgets (issue 16.6). Lambda's active tracing needs no SDK.
PACKAGES: tuple[str, ...] = ()
FUNCTION_TIMEOUT = Duration.minutes(5)
# Lambda's minimum for an SQS mapping's maximum concurrency (2 to 1,000):
# https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html
RELAY_MAX_CONCURRENCY = 2


class ChatRelay(Construct):
    """The relay reads the topics through a queue so a burst arrives in batches it can fold
    into digests; the event source mapping's maximum concurrency (2, Lambda's minimum) bounds
    how many instances post at once, and each paces its posts to about one per second per webhook. A record it cannot deliver in time goes back to the queue; after five
    receipts, or at once for a permanent rejection, it lands in the dead-letter queue.
    Webhook URLs stay in Secrets Manager: the function gets only the secret names, and every
    region's relay reads them from ``secrets_region`` (the home region), so each URL is stored
    and rotated in one place."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        prefix: str,
        targets: tuple[NotificationTarget, ...],
        topics: list[sns.ITopic],
        key_alias: str,
        log_group_name: str,
        metrics_namespace: str,
        account: str,
        region: str,
        secrets_region: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        secrets_region = secrets_region or region
        key = kms.Alias.from_alias_name(self, "MonitoringKey", key_alias)
        self.dead_letters = encrypted_queue(self, "DeadLetters", queue_name=f"{prefix}-chat-relay-dead-letters", key=key)
        self.inbox = encrypted_queue(
            self,
            "Inbox",
            queue_name=f"{prefix}-chat-relay-inbox",
            key=key,
            retention=Duration.days(4),
            visibility_timeout=Duration.minutes(30),  # six times the function timeout, as Lambda advises
            dead_letter_queue=sqs.DeadLetterQueue(queue=self.dead_letters, max_receive_count=5),
        )
        self.ledger = dynamodb.Table(
            self,
            "Ledger",
            partition_key=dynamodb.Attribute(name="id", type=dynamodb.AttributeType.STRING),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            time_to_live_attribute="expires",
            encryption=dynamodb.TableEncryption.CUSTOMER_MANAGED,
            encryption_key=key,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True),
            removal_policy=RemovalPolicy.DESTROY,  # a day of delivery receipts, not evidence
        )
        webhooks = [t for t in targets if t.is_webhook]
        role = iam.Role(self, "Role", description="DPP chat relay", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
        policy = iam.ManagedPolicy(
            self,
            "Policy",
            description="Least privilege for the chat relay",
            roles=[role],
            statements=[
                iam.PolicyStatement(
                    actions=["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"],
                    resources=[self.inbox.queue_arn],
                ),
                iam.PolicyStatement(actions=["sqs:SendMessage"], resources=[self.dead_letters.queue_arn]),
                iam.PolicyStatement(actions=["dynamodb:BatchGetItem", "dynamodb:BatchWriteItem"], resources=[self.ledger.table_arn]),
                iam.PolicyStatement(
                    actions=["secretsmanager:GetSecretValue"],
                    # Secrets Manager appends six random characters to a secret's ARN.
                    resources=[f"arn:aws:secretsmanager:{secrets_region}:{account}:secret:{t.secret_name}-??????" for t in webhooks],
                ),
                key_by_alias_statement(actions=["kms:Decrypt", "kms:GenerateDataKey"], region=region, account=account, alias=key_alias, via_services=["sqs", "dynamodb"]),
                iam.PolicyStatement(actions=["logs:CreateLogStream", "logs:PutLogEvents"], resources=[f"arn:aws:logs:{region}:{account}:log-group:{log_group_name}:*"]),
                iam.PolicyStatement(actions=["xray:PutTraceSegments", "xray:PutTelemetryRecords"], resources=["*"]),
            ],
        )
        environment = {
            "TARGETS": json.dumps([{"name": t.name, "kind": t.kind, "secretName": t.secret_name, "minSeverity": t.min_severity.value, "redactPii": t.redact_pii} for t in webhooks]),
            "LEDGER_TABLE": self.ledger.table_name,
            "DEAD_LETTER_QUEUE_URL": self.dead_letters.queue_url,
            "HOME_REGION": secrets_region,  # where the webhook secrets are read
            "METRICS_NAMESPACE": metrics_namespace,
            "LOG_LEVEL": "INFO",  # never DEBUG (DPP-PII-2)
        }
        self.function = monitoring_function(
            self,
            "Function",
            function_name=f"{prefix}-chat-relay",
            description="Relays DPP alerts to chat (DPP-MON-5)",
            code=bundled_code(SOURCE, PACKAGES, (DRILL_MARKS,)),
            role=role,
            log_group_name=log_group_name,
            timeout=FUNCTION_TIMEOUT,
            memory_size=256,
            environment=environment,
            tracing=lambda_.Tracing.ACTIVE,
        )
        self.function.node.add_dependency(policy)
        self.function.add_event_source(
            # Paced by the mapping, not by reserved concurrency: a reservation below the poller's
            # concurrency throttles its batches, which come back only after the visibility timeout
            # and count as receives (delayed alerts, dead letters).
            sources.SqsEventSource(
                self.inbox,
                batch_size=100,
                max_batching_window=Duration.seconds(20),
                report_batch_item_failures=True,
                max_concurrency=RELAY_MAX_CONCURRENCY,
            )
        )
        for topic in topics:
            topic.add_subscription(subscriptions.SqsSubscription(self.inbox))
