"""Relays alerts from the severity topics (via an SQS queue) to chat (DPP-MON-5).

Thin: wiring of AWS clients, Powertools (Logger with the SQS/SNS message ID as correlation
ID, Metrics, Tracer, Secrets with caching) and the batch logic in ``relay.batch``. Logs only
counts, target names and IDs: never a payload, a secret or personal data (DPP-PII-1).
"""
from __future__ import annotations

import json
import logging
import os
import time

import boto3
from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import SQSEvent
from aws_lambda_powertools.utilities.parameters import SecretsProvider

from relay.batch import Relay, Target, read_records
from relay.delivery import Deliverer

logger = Logger(service="dpp-chat-relay", level=os.environ.get("LOG_LEVEL", "INFO"))
# The AWS SDK logs response bodies at DEBUG, and a Secrets Manager response body is the
# webhook URL: keep the SDK quiet whatever the function's log level (DPP-PII-1).
for _noisy in ("botocore", "boto3", "urllib3", "s3transfer"):
    logging.getLogger(_noisy).setLevel(logging.WARNING)
metrics = Metrics(namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE", "DPP/Relay"), service="dpp-chat-relay")
tracer = Tracer(service="dpp-chat-relay")
secrets = SecretsProvider()
SECRET_MAX_AGE = 300


def webhook_url(secret_name: str, refresh: bool) -> str:
    """The URL stored in the secret: the whole string, or its ``url`` field if it is JSON."""
    value = secrets.get(secret_name, max_age=SECRET_MAX_AGE, force_fetch=refresh)
    if isinstance(value, bytes):
        value = value.decode()
    text = str(value).strip()
    if text.startswith("{"):
        return str(json.loads(text)["url"])
    return text


class DynamoLedger:
    """(SNS message ID, target) pairs already posted, kept for a day."""

    def __init__(self, table_name: str, client=None) -> None:
        self.table = table_name
        self.client = client or boto3.client("dynamodb")

    def _key(self, message_id: str, target: str) -> dict:
        return {"id": {"S": f"{message_id}#{target}"}}

    def delivered(self, message_id: str, target: str) -> bool:
        return "Item" in self.client.get_item(TableName=self.table, Key=self._key(message_id, target), ConsistentRead=True)

    def record(self, message_id: str, target: str) -> None:
        item = self._key(message_id, target) | {"expires": {"N": str(int(time.time()) + 86400)}}
        self.client.put_item(TableName=self.table, Item=item)


def dead_letter_sender(queue_url: str, client=None):
    sqs = client or boto3.client("sqs")

    def send(body: str, target: str, reason: str) -> None:
        sqs.send_message(
            QueueUrl=queue_url,
            MessageBody=body,
            MessageAttributes={"target": {"DataType": "String", "StringValue": target}, "reason": {"DataType": "String", "StringValue": reason[:256]}},
        )

    return send


def build_relay(context) -> Relay:
    remaining = (lambda: context.get_remaining_time_in_millis() / 1000) if context else (lambda: 300.0)
    return Relay(
        targets=Target.from_environment(os.environ["TARGETS"]),
        webhook_url=webhook_url,
        ledger=DynamoLedger(os.environ["LEDGER_TABLE"]),
        dead_letter=dead_letter_sender(os.environ["DEAD_LETTER_QUEUE_URL"]),
        deliverer=Deliverer(
            deadline=remaining,
            pace_seconds=float(os.environ.get("PACE_SECONDS", "1.0")),
            initial_backoff=float(os.environ.get("INITIAL_BACKOFF_SECONDS", "1.0")),
            request_timeout=float(os.environ.get("REQUEST_TIMEOUT_SECONDS", "10")),
            safety_margin=float(os.environ.get("SAFETY_MARGIN_SECONDS", "15")),
        ),
    )


@logger.inject_lambda_context(log_event=False, clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def handler(event: dict, context) -> dict:
    batch = SQSEvent(event)
    records = read_records([{"messageId": r.message_id, "body": r.body} for r in batch.records])
    logger.set_correlation_id(",".join(r.alert.message_id for r in records[:10]))
    relay = build_relay(context)
    outcome = relay.process(records)
    metrics.add_metric(name="Received", unit=MetricUnit.Count, value=len(records))
    metrics.add_metric(name="Posted", unit=MetricUnit.Count, value=outcome.posted)
    metrics.add_metric(name="Digests", unit=MetricUnit.Count, value=outcome.digests)
    metrics.add_metric(name="Retries", unit=MetricUnit.Count, value=relay.deliverer.retries)
    metrics.add_metric(name="DeadLettered", unit=MetricUnit.Count, value=outcome.dead_lettered)
    metrics.add_metric(name="Requeued", unit=MetricUnit.Count, value=len(outcome.retry))
    logger.info(
        "batch relayed",
        extra={
            "received": len(records),
            "posted": outcome.posted,
            "digests": outcome.digests,
            "deadLettered": outcome.dead_lettered,
            "requeued": len(outcome.retry),
            "duplicatesSkipped": outcome.skipped_duplicates,
        },
    )
    return {"batchItemFailures": [{"itemIdentifier": receipt} for receipt in sorted(outcome.retry)]}
