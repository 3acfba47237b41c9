"""No Lambda function of the workload logs at debug level (DPP-PII-2) or logs whole events
(DPP-PII-1).

``LoggingConfig.ApplicationLogLevel`` / ``SystemLogLevel`` (TRACE | DEBUG | INFO | WARN | ERROR
| FATAL; https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-log-level.html).
Log-level environment variables: ``AWS_LAMBDA_LOG_LEVEL`` (same page), ``POWERTOOLS_LOG_LEVEL``
and ``LOG_LEVEL`` (Powertools reads both; https://docs.powertools.aws.dev/lambda/python/latest/core/logger/),
and any other ``*LOG_LEVEL`` / ``*LOGLEVEL`` variable an application reads.
``POWERTOOLS_LOGGER_LOG_EVENT=true`` logs every incoming event (the request with its personal
data) and ``POWERTOOLS_LOGGER_SAMPLE_RATE`` > 0 switches a share of invocations to DEBUG (same page).
"""

from __future__ import annotations

import re
from typing import Any

from aws_cdk import CfnResource

from dpp_nag.framework import DppRule, RuleContext, Undecided, is_intrinsic

FUNCTION = "AWS::Lambda::Function"
_LEVEL_VARIABLE = re.compile(r"(^|_)LOG_?LEVEL$", re.IGNORECASE)
_VERBOSE = {"DEBUG", "TRACE"}


def _no_debug(node: CfnResource, props: dict[str, Any], ctx: RuleContext) -> bool | Undecided:
    config = props.get("loggingConfig") or {}
    for key in ("applicationLogLevel", "systemLogLevel"):
        if is_intrinsic(config.get(key)):
            return Undecided(f"LoggingConfig.{key} is a token")
        if str(config.get(key, "")).upper() in _VERBOSE:
            return False
    variables = (props.get("environment") or {}).get("variables") or {}
    if is_intrinsic(variables):
        return Undecided("the environment variables are a token")
    for name, value in variables.items():
        relevant = _LEVEL_VARIABLE.search(name) or name in ("POWERTOOLS_LOGGER_LOG_EVENT", "POWERTOOLS_LOGGER_SAMPLE_RATE")
        if not relevant:
            continue
        if not isinstance(value, str):
            return Undecided(f"environment variable {name} is a token")
        if _LEVEL_VARIABLE.search(name) and value.strip().upper() in _VERBOSE:
            return False
        if name == "POWERTOOLS_LOGGER_LOG_EVENT" and value.strip().lower() == "true":
            return False
        if name == "POWERTOOLS_LOGGER_SAMPLE_RATE":
            try:
                if float(value) > 0:
                    return False
            except ValueError:
                return Undecided(f"POWERTOOLS_LOGGER_SAMPLE_RATE={value!r} is not a number")
    return True


RULES = (
    DppRule(
        suffix="LambdaNoDebugLogging",
        requirements=("DPP-PII-2", "DPP-PII-1"),
        info="The function logs at DEBUG or TRACE (LoggingConfig or a *LOG_LEVEL variable), logs whole events (POWERTOOLS_LOGGER_LOG_EVENT) or samples debug logs (POWERTOOLS_LOGGER_SAMPLE_RATE)",
        explanation="Use INFO or above in production (application_log_level_v2=ApplicationLogLevel.INFO, LOG_LEVEL=INFO); do not log events; leave the debug sample rate at 0.",
        resource_types=(FUNCTION,),
        check=_no_debug,
    ),
)
