"""Relays alerts from the severity topics (via an SQS queue) to chat (DPP-MON-5).

Thin: configuration and clients, built once per container on the first invocation, and the
batch logic in ``relay.batch``. Standard library only (no boto3, Powertools or X-Ray SDK: they
cost more than the relay's cold-start and per-event budgets, issue 16.6); Lambda's active
tracing still records every invocation. Logs only counts, target names and IDs: never a
payload, a secret or personal data (DPP-PII-1).
"""

from __future__ import annotations

import os
import time

from relay.aws import Client
from relay.batch import Relay, Target, read_records
from relay.delivery import Deliverer
from relay.stores import DeadLetters, DynamoLedger
from relay.telemetry import Telemetry
from relay.webhooks import WebhookSecrets

SECRET_MAX_AGE = 300


class _Container:
    """What outlives an invocation: configuration, clients, the secret cache, connections."""

    def __init__(self) -> None:
        region = os.environ["AWS_REGION"] if "AWS_REGION" in os.environ else os.environ["AWS_DEFAULT_REGION"]
        self.targets = Target.from_environment(os.environ["TARGETS"])
        # Webhook secrets live in the home region only: one place to store and rotate them.
        self.secrets = WebhookSecrets(Client("secretsmanager", os.environ.get("HOME_REGION") or region), SECRET_MAX_AGE)
        self.ledger = DynamoLedger(os.environ["LEDGER_TABLE"], Client("dynamodb", region))
        self.dead_letters = DeadLetters(os.environ["DEAD_LETTER_QUEUE_URL"], Client("sqs", region))
        self.telemetry = Telemetry(os.environ.get("METRICS_NAMESPACE", "DPP/Relay"), os.environ.get("LOG_LEVEL", "INFO"))
        self.pacing = {
            "pace_seconds": float(os.environ.get("PACE_SECONDS", "1.0")),
            "initial_backoff": float(os.environ.get("INITIAL_BACKOFF_SECONDS", "1.0")),
            "request_timeout": float(os.environ.get("REQUEST_TIMEOUT_SECONDS", "10")),
            "safety_margin": float(os.environ.get("SAFETY_MARGIN_SECONDS", "15")),
        }


_container: _Container | None = None


def _iso(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(epoch)) + f".{int(epoch * 1000) % 1000:03d}Z"


def reset() -> None:
    """Forget the container's state (tests change the environment between cases)."""
    global _container
    _container = None


def handler(event: dict, context) -> dict:
    global _container
    if _container is None:
        _container = _Container()
    box = _container
    remaining = (lambda: context.get_remaining_time_in_millis() / 1000) if context else (lambda: 300.0)
    records = read_records(event.get("Records") or [])
    box.telemetry.context = {
        "function_request_id": getattr(context, "aws_request_id", ""),
        "correlation_id": ",".join(r.alert.message_id for r in records[:10]),
    }
    relay = Relay(
        targets=box.targets,
        webhook_url=box.secrets.url,
        secret_text=box.secrets.text,
        ledger=box.ledger,
        dead_letter=box.dead_letters,
        deliverer=Deliverer(deadline=remaining, **box.pacing),
    )
    received_at = time.time()
    for record in records:  # the drill's "routed" hop: its topic delivered it to the relay
        if record.alert.drill is not None:
            box.telemetry.log("INFO", "drill received", drillId=record.alert.drill.drill_id, drillPath=record.alert.drill.path, messageId=record.alert.message_id, at=_iso(received_at))
    outcome = relay.process(records)
    for alert, target, posted_at in outcome.drill_deliveries:  # per target: the "delivered" hops
        box.telemetry.log("INFO", "drill delivered", drillId=alert.drill.drill_id, drillPath=alert.drill.path, messageId=alert.message_id, target=target, at=_iso(posted_at))
    box.telemetry.metrics(
        {
            "Received": len(records),
            "Posted": outcome.posted,
            "Digests": outcome.digests,
            "Retries": relay.deliverer.retries,
            "DeadLettered": outcome.dead_lettered,
            "Requeued": len(outcome.retry),
        }
    )
    for target, failures in outcome.failures.items():  # one alarm per target watches this
        box.telemetry.metrics({"TargetFailures": failures}, {"Target": target})
    box.telemetry.log(
        "INFO",
        "batch relayed",
        received=len(records),
        posted=outcome.posted,
        digests=outcome.digests,
        deadLettered=outcome.dead_lettered,
        requeued=len(outcome.retry),
        duplicatesSkipped=outcome.skipped_duplicates,
        failingTargets=sorted(t for t, n in outcome.failures.items() if n),
    )
    return {"batchItemFailures": [{"itemIdentifier": receipt} for receipt in sorted(outcome.retry)]}
