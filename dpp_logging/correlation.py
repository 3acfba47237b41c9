"""Correlation IDs carried from the request that started the invocation (DPP-LOG-2.b).

API Gateway events carry the request's ID in ``requestContext.requestId`` (REST and WebSocket:
https://docs.aws.amazon.com/lambda/latest/dg/services-apigateway.html; HTTP API payload 1.0/2.0:
https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html),
the same ``$context.requestId`` the access log records, so an application record joins the
access-log line. Load balancer events have no request context; the ALB adds
``X-Amzn-Trace-Id`` (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-request-tracing.html),
which its access log records as ``trace_id``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aws_lambda_powertools import Logger

TRACE_HEADER = "x-amzn-trace-id"


def correlation_id(event: Any) -> str | None:
    """The request ID of an API Gateway event, else the X-Amzn-Trace-Id header, else None."""
    if not isinstance(event, Mapping):
        return None
    context = event.get("requestContext")
    if isinstance(context, Mapping) and isinstance(context.get("requestId"), str) and context["requestId"]:
        return str(context["requestId"])
    for headers in (event.get("headers"), event.get("multiValueHeaders")):
        if isinstance(headers, Mapping):
            for name, value in headers.items():
                if isinstance(name, str) and name.lower() == TRACE_HEADER:
                    found = value[0] if isinstance(value, list) and value else value
                    if isinstance(found, str) and found:
                        return found
    return None


def bind_correlation_id(logger: Logger, event: Any) -> str | None:
    """Sets the event's correlation ID on every later record of ``logger`` (key ``correlation_id``)."""
    found = correlation_id(event)
    logger.set_correlation_id(found)
    return found
