"""The response ledger (DynamoDB, retained): one item per action taken, keyed by finding,
action and target, so a repeated finding is answered once and every action can be undone
from what the item holds. IP blocks have one item per address with its expiry."""
from __future__ import annotations

import time
from typing import Any

from boto3.dynamodb.conditions import Attr
from botocore.exceptions import ClientError


class Ledger:
    def __init__(self, table: Any) -> None:
        self.table = table  # a boto3 DynamoDB Table resource

    def get(self, record_id: str) -> dict | None:
        return self.table.get_item(Key={"id": record_id}, ConsistentRead=True).get("Item")

    def seen(self, record_id: str) -> bool:
        return self.get(record_id) is not None

    def record(self, record_id: str, **fields: Any) -> bool:
        """False when another invocation recorded it first (the action is then not repeated)."""
        try:
            self.table.put_item(Item={"id": record_id, "recordedAt": int(time.time()), **fields}, ConditionExpression=Attr("id").not_exists())
            return True
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise

    def mark(self, record_id: str, status: str) -> None:
        self.table.update_item(Key={"id": record_id}, UpdateExpression="SET #s = :s, changedAt = :t", ExpressionAttributeNames={"#s": "status"}, ExpressionAttributeValues={":s": status, ":t": int(time.time())})

    def block(self, ip: str, expires_at: int, finding_id: str) -> None:
        """One item per blocked address; a newer finding extends the block."""
        self.table.put_item(Item={"id": f"block#{ip}", "kind": "ip-block", "ip": ip, "status": "active", "expiresAt": expires_at, "findingId": finding_id})

    def expired_blocks(self, now: int) -> list[str]:
        found: list[str] = []
        kwargs: dict[str, Any] = {"FilterExpression": Attr("kind").eq("ip-block") & Attr("status").eq("active") & Attr("expiresAt").lte(now)}
        while True:
            page = self.table.scan(**kwargs)
            found += [item["ip"] for item in page.get("Items", [])]
            if "LastEvaluatedKey" not in page:
                return found
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
