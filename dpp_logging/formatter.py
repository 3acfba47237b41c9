"""A Powertools formatter that redacts every record before it is serialized (DPP-PII-1)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

from dpp_logging.redaction import redact, redact_text

# Keys Powertools itself writes (https://docs.powertools.aws.dev/lambda/python/latest/core/logger/#standard-structured-keys):
# left as they are, except the message, which is free text.
STANDARD_KEYS = frozenset(
    {
        "level",
        "location",
        "timestamp",
        "service",
        "sampling_rate",
        "cold_start",
        "function_name",
        "function_memory_size",
        "function_arn",
        "function_request_id",
        "xray_trace_id",
        "correlation_id",
        "exception_name",
        "exception_notes",
    }
)


class RedactingFormatter(LambdaPowertoolsFormatter):
    """Redacts keys and values (dpp_logging.redaction) in every record; the message and exception
    text are pattern-redacted, so an e-mail in an error message does not reach the log either."""

    def serialize(self, log: Any) -> str:
        cleaned: dict[str, Any] = {}
        for key, value in dict(log).items():
            if key in STANDARD_KEYS:
                cleaned[key] = value
            elif key in ("message", "exception", "stack_trace"):
                cleaned[key] = redact_text(value) if isinstance(value, str) else redact(value)
            else:
                cleaned[key] = redact(value, key)
        return super().serialize(cleaned)
