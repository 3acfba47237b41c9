"""Where the relay keeps what it did: the delivery ledger (DynamoDB) and the dead-letter queue
(SQS), each through one client built once per container."""

from __future__ import annotations

import time

from relay.aws import Client


class DynamoLedger:
    """(SNS message ID, target) pairs already posted or settled, kept for a day (TTL attribute
    ``expires``), read and written in batches: BatchGetItem takes up to 100 keys, BatchWriteItem
    up to 25 puts, and either may hand back unprocessed ones to send again
    (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html,
    https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html)."""

    ATTEMPTS = 5

    def __init__(self, table_name: str, client: Client) -> None:
        self.table = table_name
        self.client = client

    @staticmethod
    def _id(key: tuple[str, str]) -> str:
        return f"{key[0]}#{key[1]}"

    def delivered(self, keys: list[tuple[str, str]]) -> set[tuple[str, str]]:
        by_id = {self._id(k): k for k in keys}
        found: set[tuple[str, str]] = set()
        ids = list(by_id)
        for first in range(0, len(ids), 100):
            request = {self.table: {"Keys": [{"id": {"S": i}} for i in ids[first : first + 100]], "ConsistentRead": True, "ProjectionExpression": "#id", "ExpressionAttributeNames": {"#id": "id"}}}
            for attempt in range(self.ATTEMPTS):
                answer = self.client.call("BatchGetItem", {"RequestItems": request})
                found.update(by_id[item["id"]["S"]] for item in answer.get("Responses", {}).get(self.table, []))
                request = answer.get("UnprocessedKeys") or {}
                if not request:
                    break
                time.sleep(0.05 * 2**attempt)
            else:
                raise RuntimeError("the ledger kept keys unprocessed (throttled); the batch is retried")
        return found

    def record(self, keys: list[tuple[str, str]]) -> None:
        expires = {"N": str(int(time.time()) + 86400)}
        puts = [{"PutRequest": {"Item": {"id": {"S": self._id(k)}, "expires": expires}}} for k in keys]
        for first in range(0, len(puts), 25):
            request = {self.table: puts[first : first + 25]}
            for attempt in range(self.ATTEMPTS):
                request = self.client.call("BatchWriteItem", {"RequestItems": request}).get("UnprocessedItems") or {}
                if not request:
                    break
                time.sleep(0.05 * 2**attempt)
            else:
                raise RuntimeError("the ledger kept writes unprocessed (throttled); the batch is retried")


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
