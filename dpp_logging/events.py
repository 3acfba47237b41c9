"""Security events and SP-API call records with the DPP-LOG-2 fields (DPP-LOG-2.b).

A security event answers who (``who``: a principal, seller or user ID), what (``what``: the
action), when (the record's ``timestamp``), where (``where``: the component that acted,
default the function's name and region), from where (``source``: the caller's IP or service),
the outcome (``outcome``), the affected ``resource``, the ``rule`` that decided (an
authorization policy, a WAF rule, a role check) and the ``correlation_id`` of the request.

An SP-API call record answers what the application asked of Amazon: ``operation``,
``marketplace``, ``status``, Amazon's request ID (``x-amzn-RequestId`` response header:
https://developer-docs.amazon.com/sp-api/docs/response-format), latency, outcome. It never
holds the request or response body (DPP-PII-1.b).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from aws_lambda_powertools import Logger

OUTCOMES = ("success", "failure", "denied", "error")
SECURITY_EVENT = "security_event"
SP_API_CALL = "sp_api_call"
REQUEST_ID_HEADER = "x-amzn-requestid"


def _where() -> str | None:
    function = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
    region = os.environ.get("AWS_REGION")
    return f"{function}@{region}" if function and region else function


def security_event(
    logger: Logger,
    *,
    who: str,
    what: str,
    outcome: str,
    resource: str | None = None,
    source: str | None = None,
    where: str | None = None,
    rule: str | None = None,
    correlation_id: str | None = None,
    **details: Any,
) -> dict[str, Any]:
    """Writes one security event (INFO on success, WARNING otherwise) and returns its fields.

    ``details`` are extra keys (redacted like everything else); they cannot replace the
    DPP-LOG-2 fields."""
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome must be one of {', '.join(OUTCOMES)}, not {outcome!r}")
    if not who or not what:
        raise ValueError("a security event needs who (a principal ID) and what (the action)")
    fields = {
        **details,
        "event_type": SECURITY_EVENT,
        "who": who,
        "what": what,
        "where": where or _where() or logger.service,
        "source": source,
        "outcome": outcome,
        "resource": resource,
        "rule": rule,
        "correlation_id": correlation_id or logger.get_correlation_id(),
    }
    (logger.info if outcome == "success" else logger.warning)(f"{what} {outcome}", extra=fields)
    return fields


@dataclass
class SpApiCall:
    """What the caller reports about one SP-API call while it runs (see ``sp_api_call``)."""

    operation: str
    marketplace: str
    status: int | None = None
    request_id: str | None = None
    rate_limit: str | None = None
    started: float = field(default_factory=time.monotonic)

    def response(self, status: int, headers: Mapping[str, Any] | None = None) -> None:
        """Records the HTTP status and Amazon's request ID (and rate limit) from the headers."""
        self.status = int(status)
        for name, value in (headers or {}).items():
            lowered = str(name).lower()
            if lowered == REQUEST_ID_HEADER:
                self.request_id = str(value)
            elif lowered == "x-amzn-ratelimit-limit":
                self.rate_limit = str(value)


def _fields(call: SpApiCall, error: BaseException | None, correlation_id: str | None) -> dict[str, Any]:
    ok = error is None and call.status is not None and 200 <= call.status < 400
    fields: dict[str, Any] = {
        "event_type": SP_API_CALL,
        "operation": call.operation,
        "marketplace": call.marketplace,
        "status": call.status,
        "request_id": call.request_id,
        "latency_ms": round((time.monotonic() - call.started) * 1000, 1),
        "outcome": "success" if ok else "failure",
        "correlation_id": correlation_id,
    }
    if call.rate_limit is not None:
        fields["rate_limit"] = call.rate_limit
    if error is not None:
        fields["error_type"] = type(error).__name__  # the type only: messages can quote the payload
    return fields


@contextmanager
def sp_api_call(logger: Logger, operation: str, marketplace: str, *, correlation_id: str | None = None) -> Iterator[SpApiCall]:
    """One record per SP-API call, written when the block ends, failures included::

    with sp_api_call(logger, "getOrders", "A1PA6795UKMFR9") as call:
        response = session.get(url, params=...)
        call.response(response.status_code, response.headers)
    """
    call = SpApiCall(operation=operation, marketplace=marketplace)
    try:
        yield call
    except BaseException as error:
        logger.warning(f"SP-API {operation} failed", extra=_fields(call, error, correlation_id or logger.get_correlation_id()))
        raise
    fields = _fields(call, None, correlation_id or logger.get_correlation_id())
    (logger.info if fields["outcome"] == "success" else logger.warning)(f"SP-API {operation} {fields['status']}", extra=fields)
