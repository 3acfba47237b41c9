"""Structured logs and metrics on stdout, without a library: one JSON line per log record,
and CloudWatch embedded metric format (EMF) documents that CloudWatch turns into metrics
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).

Only counts, target names and IDs are ever passed here: never a payload, a secret or
personal data (DPP-PII-1, DPP-PII-2).
"""

from __future__ import annotations

import json
import sys
import time

SERVICE = "dpp-chat-relay"
_LEVELS = {"DEBUG": 10, "INFO": 20, "WARNING": 30, "ERROR": 40}


class Telemetry:
    def __init__(self, namespace: str, level: str = "INFO", out=None) -> None:
        self.namespace = namespace
        self.level = _LEVELS.get(level.upper(), 20)
        self.out = out
        self.context: dict = {}

    def _write(self, document: dict) -> None:
        (self.out or sys.stdout).write(json.dumps(document, separators=(",", ":"), default=str) + "\n")

    def log(self, level: str, message: str, **fields) -> None:
        if _LEVELS[level] >= self.level:
            stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + "Z"
            self._write({"level": level, "message": message, "timestamp": stamp, "service": SERVICE, **self.context, **fields})

    def metrics(self, values: dict[str, float], dimensions: dict[str, str] | None = None) -> None:
        """One EMF document: ``values`` (counts) under the ``service`` dimension and any others."""
        dimensions = {"service": SERVICE, **(dimensions or {})}
        self._write(
            {
                "_aws": {
                    "Timestamp": int(time.time() * 1000),
                    "CloudWatchMetrics": [{"Namespace": self.namespace, "Dimensions": [list(dimensions)], "Metrics": [{"Name": n, "Unit": "Count"} for n in values]}],
                },
                **dimensions,
                **values,
            }
        )
