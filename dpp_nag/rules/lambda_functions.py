"""Rules for the project's own functions (DPP-RET-1, DPP-PII-2, DPP-MON-6)."""

from __future__ import annotations

import re

from aws_cdk import CfnResource

from dpp_nag.framework import DppRule, Props, RuleContext

FUNCTION = "AWS::Lambda::Function"


def _explicit_log_group(node: CfnResource, props: Props, ctx: RuleContext) -> bool:
    return bool((props.get("loggingConfig") or {}).get("logGroup"))


def _no_debug(node: CfnResource, props: Props, ctx: RuleContext) -> bool:
    level = (props.get("loggingConfig") or {}).get("applicationLogLevel")
    debug_env = any(str(v).upper() in ("DEBUG", "TRACE") for k, v in ((props.get("environment") or {}).get("variables") or {}).items() if "LOG" in k.upper())
    return level not in ("DEBUG", "TRACE") and not debug_env


def _failures_kept(node: CfnResource, props: Props, ctx: RuleContext) -> bool:
    """Asynchronous invocations need a DLQ or on-failure destination; a function fed by an
    SQS queue keeps failures through that queue's redrive policy."""
    if (props.get("deadLetterConfig") or {}).get("targetArn"):
        return True
    me = {"Ref": ctx.logical_id()}
    for config in ctx.stack_resources("AWS::Lambda::EventInvokeConfig"):
        invoke = ctx.props(config)
        if invoke.get("functionName") == me and ((invoke.get("destinationConfig") or {}).get("onFailure") or {}).get("destination"):
            return True
    redriven = {ctx.logical_id(queue) for queue in ctx.stack_resources("AWS::SQS::Queue") if (ctx.props(queue).get("redrivePolicy") or {}).get("deadLetterTargetArn")}
    for mapping in ctx.stack_resources("AWS::Lambda::EventSourceMapping"):
        source = ctx.props(mapping)
        queue_arn = source.get("eventSourceArn") or {}
        queue = (queue_arn.get("Fn::GetAtt") or [None])[0] if isinstance(queue_arn, dict) else None
        if source.get("functionName") == me and queue in redriven:
            return True
    return False


_SECRET_NAME = re.compile(r"(?i)(secret|token|password|passwd|api[_-]?key|private[_-]?key|webhook[_-]?url)")
_SECRET_VALUE = re.compile(
    r"(?i)https?://[^\s\"]*(hooks\.slack\.com|webhook\.office\.com|logic\.azure\.com|hooks\.chime\.aws|/services/T[A-Z0-9]+/)"
    r"|xox[abpr]-[A-Za-z0-9-]{10,}|-----BEGIN [A-Z ]*PRIVATE KEY-----|AKIA[0-9A-Z]{16}"
)


def _no_secrets_in_environment(node: CfnResource, props: Props, ctx: RuleContext) -> bool:
    variables = (props.get("environment") or {}).get("variables") or {}
    for name, value in variables.items():
        if not isinstance(value, str):
            continue  # references (secret ARNs, table names) are resolved at deploy time
        if _SECRET_VALUE.search(value):
            return False
        if _SECRET_NAME.search(name) and not name.upper().endswith(("_NAME", "_ARN", "_ID")) and value:
            return False
    return True


RULES = (
    DppRule(
        suffix="LambdaExplicitLogGroup",
        requirements=("DPP-RET-1", "DPP-PRT-3"),
        info="The function writes to an implicit log group (never expires, not KMS-encrypted, deleted with nothing)",
        explanation="Create the log group yourself (retention, KMS, data protection, retained) and name it in logging_config / log_group.",
        resource_types=(FUNCTION,),
        check=_explicit_log_group,
    ),
    DppRule(
        suffix="LambdaNoDebugLogging",
        requirements=("DPP-PII-2",),
        info="The function logs at DEBUG or TRACE level",
        explanation="Use INFO or above in production: debug output tends to carry payloads and personal data.",
        resource_types=(FUNCTION,),
        check=_no_debug,
    ),
    DppRule(
        suffix="LambdaNoSecretsInEnvironment",
        requirements=("DPP-PRT-3",),
        info="The function's environment holds a secret (a webhook URL, token, key or password)",
        explanation="Keep secrets in Secrets Manager and pass only the secret's name or ARN; read it at run time (Powertools parameters, with caching).",
        resource_types=(FUNCTION,),
        check=_no_secrets_in_environment,
    ),
    DppRule(
        suffix="LambdaFailuresKept",
        requirements=("DPP-MON-6",),
        info="The function has no dead-letter queue, on-failure destination or redriven source queue: failed events vanish",
        explanation="Set dead_letter_queue or an on-failure destination, or feed it from an SQS queue with a redrive policy, so every event ends delivered or kept.",
        resource_types=(FUNCTION,),
        check=_failures_kept,
    ),
)
