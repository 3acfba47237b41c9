"""The response ledger (DynamoDB, retained): one item per action taken, keyed by finding,
action and target, so a repeated finding is answered once and every action can be undone
from what the item holds. An item is written when an action starts ("started"), before any
change, and marked "done", "failed" or "undone" (DPP-IR-3). IP blocks have one item per
address with its expiry and the network ACL entries that enforce it."""

from __future__ import annotations

import time
from typing import Any

from boto3.dynamodb.conditions import Attr
from botocore.exceptions import ClientError

DONE_STATUS = "done"


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
        self.table.update_item(
            Key={"id": record_id}, UpdateExpression="SET #s = :s, changedAt = :t", ExpressionAttributeNames={"#s": "status"}, ExpressionAttributeValues={":s": status, ":t": int(time.time())}
        )

    def mark_reported(self, record_ids: list[str]) -> None:
        """The report naming these actions reached the alert topic."""
        for record_id in record_ids:
            self.table.update_item(Key={"id": record_id}, UpdateExpression="SET reported = :r", ExpressionAttributeValues={":r": True})

    def complete(self, record_id: str, **fields: Any) -> None:
        """Marks a started action done, with what it produced (snapshot IDs, the group used)."""
        names = {"#s": "status", **{f"#f{i}": k for i, k in enumerate(fields)}}
        values = {":s": DONE_STATUS, ":t": int(time.time()), **{f":f{i}": v for i, v in enumerate(fields.values())}}
        sets = ["#s = :s", "changedAt = :t", *[f"#f{i} = :f{i}" for i in range(len(fields))]]
        self.table.update_item(Key={"id": record_id}, UpdateExpression="SET " + ", ".join(sets), ExpressionAttributeNames=names, ExpressionAttributeValues=values)

    def block(self, ip: str, expires_at: int, finding_id: str) -> None:
        """One item per blocked address; a newer finding extends the block. Written before the
        address is added anywhere, so no block is ever without its expiry."""
        self.table.update_item(
            Key={"id": f"block#{ip}"},
            UpdateExpression="SET kind = :k, ip = :ip, #s = :s, expiresAt = :e, findingId = :f",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":k": "ip-block", ":ip": ip, ":s": "active", ":e": expires_at, ":f": finding_id},
        )

    def add_network_acl_entries(self, ip: str, entries: list[dict]) -> None:
        """Remembers the network ACL entries that enforce a block, so expiry and undo remove
        exactly those (network ACL entries carry no tags)."""
        if entries:
            self.table.update_item(
                Key={"id": f"block#{ip}"},
                UpdateExpression="SET networkAclEntries = list_append(if_not_exists(networkAclEntries, :empty), :e)",
                ExpressionAttributeValues={":e": entries, ":empty": []},
            )

    def expired_blocks(self, now: int) -> list[dict]:
        found: list[dict] = []
        kwargs: dict[str, Any] = {"FilterExpression": Attr("kind").eq("ip-block") & Attr("status").eq("active") & Attr("expiresAt").lte(now)}
        while True:
            page = self.table.scan(**kwargs)
            found += page.get("Items", [])
            if "LastEvaluatedKey" not in page:
                return found
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
