"""Where the relay keeps what it did: the delivery ledger (DynamoDB) and the dead-letter queue
(SQS), each through one client built once per container."""
from __future__ import annotations

import time

from relay.aws import Client


class DynamoLedger:
    """(SNS message ID, target) pairs already posted, kept for a day (TTL attribute ``expires``)."""

    def __init__(self, table_name: str, client: Client) -> None:
        self.table = table_name
        self.client = client

    def _key(self, message_id: str, target: str) -> dict:
        return {"id": {"S": f"{message_id}#{target}"}}

    def delivered(self, message_id: str, target: str) -> bool:
        return "Item" in self.client.call("GetItem", {"TableName": self.table, "Key": self._key(message_id, target), "ConsistentRead": True})

    def record(self, message_id: str, target: str) -> None:
        item = self._key(message_id, target) | {"expires": {"N": str(int(time.time()) + 86400)}}
        self.client.call("PutItem", {"TableName": self.table, "Item": item})


class DeadLetters:
    """The original SQS body, with the target and the reason as message attributes."""

    def __init__(self, queue_url: str, client: Client) -> None:
        self.queue_url = queue_url
        self.client = client

    def __call__(self, body: str, target: str, reason: str) -> None:
        self.client.call(
            "SendMessage",
            {
                "QueueUrl": self.queue_url,
                "MessageBody": body,
                "MessageAttributes": {"target": {"DataType": "String", "StringValue": target}, "reason": {"DataType": "String", "StringValue": reason[:256]}},
            },
        )
