"""Application logging for SP-API applications, on AWS Lambda Powertools Logger (DPP-LOG-2.b,
DPP-PII-1, DPP-PII-2).

    from dpp_logging import bind_correlation_id, get_logger, security_event, sp_api_call

    logger = get_logger("orders-api")

    def handler(event, context):
        bind_correlation_id(logger, event)           # API Gateway request ID / X-Amzn-Trace-Id
        with sp_api_call(logger, "getOrder", marketplace) as call:
            response = sp_api.get(...)
            call.response(response.status_code, response.headers)
        security_event(logger, who=principal, what="orders:read", outcome="success",
                       resource=order_id, source=source_ip, rule="seller-owns-order")

Every record passes through ``RedactingFormatter``: keys that name personal data and e-mail
addresses or phone numbers in any string are replaced before the record is written.
Needs ``aws-lambda-powertools`` (the ``logging`` extra of this package).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger

from dpp_logging.correlation import bind_correlation_id, correlation_id
from dpp_logging.events import OUTCOMES, SpApiCall, security_event, sp_api_call
from dpp_logging.formatter import RedactingFormatter
from dpp_logging.redaction import REDACTED, redact


def get_logger(service: str | None = None, *, level: str | None = None, **kwargs: Any) -> Logger:
    """A Powertools Logger that redacts personal data; ``level`` defaults to the environment's
    (POWERTOOLS_LOG_LEVEL / LOG_LEVEL) or INFO. DEBUG is refused (DPP-PII-2)."""
    kwargs.setdefault("logger_formatter", RedactingFormatter(utc=True))
    logger = Logger(service=service, level=level, **kwargs)
    if logger.log_level < 20:  # logging.INFO
        raise ValueError("dpp_logging refuses DEBUG: production systems that handle Information log at INFO or above (DPP-PII-2)")
    return logger


__all__ = [
    "OUTCOMES",
    "REDACTED",
    "RedactingFormatter",
    "SpApiCall",
    "bind_correlation_id",
    "correlation_id",
    "get_logger",
    "redact",
    "security_event",
    "sp_api_call",
]
