"""The example application's admin endpoint (DPP-LOG-1.c, DPP-LOG-8): every administrative
request is a security event, allowed or not."""

from __future__ import annotations

import json
import os
from typing import Any

from dpp_logging import bind_correlation_id, get_logger, security_event

logger = get_logger()
ADMINS = {arn for arn in os.environ.get("ADMIN_ROLE_ARNS", "").split(",") if arn}


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    bind_correlation_id(logger, event)
    identity = (event.get("requestContext") or {}).get("identity") or {}
    who = identity.get("userArn") or "anonymous"
    allowed = any(who.startswith(arn.replace(":role/", ":assumed-role/")) for arn in ADMINS)
    security_event(
        logger,
        who=who,
        what=f"admin:{event.get('httpMethod', 'GET')} {event.get('resource', '/admin')}",
        outcome="success" if allowed else "denied",
        resource="admin",
        source=identity.get("sourceIp"),
        rule="admin-role-allow-list",
    )
    if not allowed:
        return {"statusCode": 403, "body": json.dumps({"error": "forbidden"})}
    return {"statusCode": 200, "body": json.dumps({"status": "ok"})}
