"""The example SP-API application's order endpoint (API Gateway or ALB -> Lambda -> DynamoDB).

Logs through dpp_logging: the request's correlation ID, one security event per request and one
record per SP-API call. The SP-API client is left out (a real application signs the call with
its LWA token); ``fetch_order`` shows where the call record goes."""

from __future__ import annotations

import json
import os
from typing import Any

import boto3

from dpp_logging import bind_correlation_id, get_logger, security_event, sp_api_call

logger = get_logger()
TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
MARKETPLACE = os.environ.get("MARKETPLACE_ID", "A1PA6795UKMFR9")


def _caller(event: dict[str, Any]) -> tuple[str, str | None]:
    context = event.get("requestContext") or {}
    identity = context.get("identity") or {}
    who = identity.get("userArn") or identity.get("caller") or (context.get("authorizer") or {}).get("principalId") or "anonymous"
    source = identity.get("sourceIp") or (event.get("headers") or {}).get("x-forwarded-for")
    return who, source


def fetch_order(order_id: str) -> dict[str, Any]:
    with sp_api_call(logger, "getOrder", MARKETPLACE) as call:
        # response = sp_api.get(f"/orders/v0/orders/{order_id}")  # signed with the LWA token
        call.response(200, {"x-amzn-RequestId": "example"})
    return {"AmazonOrderId": order_id}


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    bind_correlation_id(logger, event)
    who, source = _caller(event)
    order_id = ((event.get("pathParameters") or {}).get("id")) or (event.get("queryStringParameters") or {}).get("id")
    if not order_id:
        security_event(logger, who=who, what="orders:read", outcome="failure", source=source, rule="order-id-required")
        return {"statusCode": 400, "body": json.dumps({"error": "order id required"})}
    item = TABLE.get_item(Key={"pk": order_id}).get("Item") or fetch_order(order_id)
    security_event(logger, who=who, what="orders:read", outcome="success", resource=f"order/{order_id}", source=source, rule="iam:execute-api")
    return {"statusCode": 200, "headers": {"content-type": "application/json"}, "body": json.dumps({"id": order_id, "found": bool(item)})}
