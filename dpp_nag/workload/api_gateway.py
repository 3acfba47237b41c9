"""API Gateway stages: access logs that carry the DPP-LOG-2 fields, execution logs without the
full request/response trace (DPP-LOG-8, DPP-LOG-2, DPP-PII-1, DPP-PII-2).

Access-log variables, per API type:
  REST:      https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html
             (``$context`` variables for data models, authorizers, mapping templates and access logging)
  HTTP:      https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging-variables.html
  WebSocket: https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-api-logging.html
DPP-LOG-2 asks each entry for who, what, when, where from, the outcome and an identifier to
correlate; ``FIELDS`` names, per type, the variables any one of which answers each.

Execution logging: REST ``MethodSettings`` (LoggingLevel OFF | ERROR | INFO, DataTraceEnabled;
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-apigateway-stage-methodsetting.html),
WebSocket ``DefaultRouteSettings``/``RouteSettings``
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-apigatewayv2-stage-routesettings.html).
HTTP APIs have no execution logs (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging.html
documents access logging only). "Log full requests/responses data" (DataTraceEnabled) writes
bodies and headers, i.e. personal data; AWS's own guidance is not to enable it in production
(https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html). INFO is
the most verbose execution level API Gateway has; there is no DEBUG.
"""

from __future__ import annotations

import re
from typing import Any

from aws_cdk import CfnResource

from dpp_nag.framework import DppRule, RuleContext, Undecided, is_intrinsic
from dpp_nag.workload.common import references

REST_STAGE = "AWS::ApiGateway::Stage"
V2_STAGE = "AWS::ApiGatewayV2::Stage"
V2_API = "AWS::ApiGatewayV2::Api"

_IDENTITY = ("$context.identity.caller", "$context.identity.user", "$context.identity.userArn", "$context.identity.cognitoIdentityId", "$context.authorizer.principalId", "$context.authorizer.claims.")
# $context.authorizer.<property> is the Lambda authorizer's own context (an identity when the
# authorizer returns one); these names are the authorizer's diagnostics, not an identity.
_AUTHORIZER_DIAGNOSTICS = {"error", "latency", "status", "integrationLatency", "integrationStatus", "requestId"}

FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "REST": {
        "who (identity)": _IDENTITY,
        "what (method)": ("$context.httpMethod",),
        "what (resource)": ("$context.resourcePath", "$context.path"),
        "when": ("$context.requestTime", "$context.requestTimeEpoch"),
        "where from (source IP)": ("$context.identity.sourceIp",),
        "outcome (status)": ("$context.status",),
        "correlation (request ID)": ("$context.requestId", "$context.extendedRequestId"),
    },
    "HTTP": {
        "who (identity)": _IDENTITY,
        "what (method)": ("$context.httpMethod",),
        "what (route)": ("$context.routeKey", "$context.path"),
        "when": ("$context.requestTime", "$context.requestTimeEpoch"),
        "where from (source IP)": ("$context.identity.sourceIp",),
        "outcome (status)": ("$context.status",),
        "correlation (request ID)": ("$context.requestId",),
    },
    "WEBSOCKET": {
        "who (identity)": _IDENTITY,
        "what (event type)": ("$context.eventType",),
        "what (route)": ("$context.routeKey",),
        "when": ("$context.requestTime", "$context.requestTimeEpoch"),
        "where from (source IP)": ("$context.identity.sourceIp",),
        "outcome (status)": ("$context.status",),
        "correlation (request ID)": ("$context.requestId", "$context.extendedRequestId"),
    },
}

_VARIABLE = re.compile(r"\$context\.[A-Za-z0-9_.\-]+")


def _variables(log_format: str) -> set[str]:
    return {v.rstrip(".") for v in _VARIABLE.findall(log_format)}


def missing_fields(log_format: str, api_type: str) -> list[str]:
    """The DPP-LOG-2 fields an access-log format lacks, for one API type (REST, HTTP, WEBSOCKET)."""
    found = _variables(log_format)
    identities = {v for v in found if v.startswith("$context.authorizer.") and v.split(".")[2] not in _AUTHORIZER_DIAGNOSTICS}
    missing = []
    for field, accepted in FIELDS[api_type].items():
        present = any(a in found or (a.endswith(".") and any(v.startswith(a) for v in found)) for a in accepted)
        if field.startswith("who") and identities:
            present = True
        if not present:
            missing.append(field)
    return missing


def v2_protocol(props: dict[str, Any], ctx: RuleContext) -> str | None:
    """HTTP or WEBSOCKET for a v2 stage whose API is in the same stack; None when unknown."""
    api_id = props.get("apiId")
    for api in ctx.stack_resources(V2_API):
        if references(api_id, ctx, api):
            protocol = ctx.props(api).get("protocolType")
            return protocol if isinstance(protocol, str) else None
    return None


def _access_log_verdict(setting: object, api_types: list[str]) -> bool | Undecided:
    if is_intrinsic(setting):
        return Undecided("the access log setting is a token")
    if not isinstance(setting, dict) or not setting.get("destinationArn"):
        return False
    log_format = setting.get("format")
    if log_format is None:
        return False
    if not isinstance(log_format, str):
        return Undecided("the access log Format is built at deploy time (a token); it must carry " + ", ".join(FIELDS[api_types[0]]))
    # a stage whose API type is unknown must satisfy one of the candidate types
    return any(not missing_fields(log_format, t) for t in api_types)


def _rest_access_logs(node: CfnResource, props: dict[str, Any], ctx: RuleContext) -> bool | Undecided:
    return _access_log_verdict(props.get("accessLogSetting"), ["REST"])


def _v2_access_logs(node: CfnResource, props: dict[str, Any], ctx: RuleContext) -> bool | Undecided:
    protocol = v2_protocol(props, ctx)
    return _access_log_verdict(props.get("accessLogSettings"), [protocol] if protocol else ["HTTP", "WEBSOCKET"])


def _rest_execution_logs(node: CfnResource, props: dict[str, Any], ctx: RuleContext) -> bool | Undecided:
    settings = props.get("methodSettings")
    if is_intrinsic(settings):
        return Undecided("MethodSettings is a token")
    settings = settings or []
    everything = [s for s in settings if s.get("httpMethod") == "*" and s.get("resourcePath") == "/*"]
    for setting in settings:
        level = setting.get("loggingLevel")
        if is_intrinsic(level):
            return Undecided("a method setting's LoggingLevel is a token")
        if level == "OFF":
            return False
    return any(s.get("loggingLevel") in ("ERROR", "INFO") for s in everything)


def _ws_execution_logs(node: CfnResource, props: dict[str, Any], ctx: RuleContext) -> bool | None | Undecided:
    protocol = v2_protocol(props, ctx)
    if protocol == "HTTP":
        return None  # HTTP APIs have access logs only
    if protocol is None:
        return Undecided("the stage's API is not in this stack, so whether it is a WebSocket API (execution logs) or an HTTP API (none) is unknown")
    default = props.get("defaultRouteSettings") or {}
    if is_intrinsic(default.get("loggingLevel")):
        return Undecided("DefaultRouteSettings.LoggingLevel is a token")
    routes = props.get("routeSettings") or {}
    if isinstance(routes, dict) and any(isinstance(r, dict) and r.get("loggingLevel") == "OFF" for r in routes.values()):
        return False
    return default.get("loggingLevel") in ("ERROR", "INFO")


def _no_data_trace(node: CfnResource, props: dict[str, Any], ctx: RuleContext) -> bool | Undecided:
    if node.cfn_resource_type == REST_STAGE:
        settings = props.get("methodSettings")
    else:
        routes = props.get("routeSettings") or {}
        settings = [props.get("defaultRouteSettings") or {}, *(routes.values() if isinstance(routes, dict) else [routes])]
    if is_intrinsic(settings):
        return Undecided("the stage's method or route settings are a token")
    for setting in settings or []:
        if not isinstance(setting, dict):
            return Undecided("a method or route setting is a token")
        trace = setting.get("dataTraceEnabled")
        if is_intrinsic(trace):
            return Undecided("DataTraceEnabled is a token")
        if trace is True or trace == "true":
            return False
    return True


RULES = (
    DppRule(
        suffix="ApiAccessLogs",
        requirements=("DPP-LOG-8", "DPP-LOG-2"),
        info="The API Gateway REST stage has no access log, or its format lacks a DPP-LOG-2 field (identity, method, resource, time, source IP, status, request ID)",
        explanation="Set deploy_options access_log_destination and access_log_format, e.g. AccessLogFormat.json_with_standard_fields(...all True) or a custom JSON with $context.identity.caller/$context.authorizer.principalId, $context.httpMethod, $context.resourcePath, $context.requestTime, $context.identity.sourceIp, $context.status, $context.requestId.",
        resource_types=(REST_STAGE,),
        check=_rest_access_logs,
    ),
    DppRule(
        suffix="ApiV2AccessLogs",
        requirements=("DPP-LOG-8", "DPP-LOG-2"),
        info="The HTTP or WebSocket API stage has no access log, or its format lacks a DPP-LOG-2 field (identity, method or event type, route, time, source IP, status, request ID)",
        explanation="Set access_log_settings (destination_arn, format) with $context.identity.caller or $context.authorizer.*, $context.httpMethod (HTTP) or $context.eventType (WebSocket), $context.routeKey, $context.requestTime, $context.identity.sourceIp, $context.status, $context.requestId.",
        resource_types=(V2_STAGE,),
        check=_v2_access_logs,
    ),
    DppRule(
        suffix="ApiExecutionLogs",
        requirements=("DPP-LOG-8",),
        info="The REST stage's execution logging is off (no ERROR or INFO level for all methods, or a method turns it off)",
        explanation="Set deploy_options logging_level=MethodLoggingLevel.INFO (or ERROR); keep data_trace_enabled=False. The account needs API Gateway's CloudWatch role (cloud_watch_role=True once per account and region).",
        resource_types=(REST_STAGE,),
        check=_rest_execution_logs,
    ),
    DppRule(
        suffix="WebSocketExecutionLogs",
        requirements=("DPP-LOG-8",),
        info="The WebSocket stage's execution logging is off (DefaultRouteSettings.LoggingLevel not ERROR or INFO, or a route turns it off)",
        explanation="Set default_route_settings logging_level ERROR or INFO and data_trace_enabled false.",
        resource_types=(V2_STAGE,),
        check=_ws_execution_logs,
    ),
    DppRule(
        suffix="ApiNoDataTrace",
        requirements=("DPP-PII-1", "DPP-PII-2"),
        info="The API stage logs full requests and responses (DataTraceEnabled): bodies and headers, i.e. personal data and tokens",
        explanation="Set data_trace_enabled=False on every method and route setting; use access logs for who-did-what.",
        resource_types=(REST_STAGE, V2_STAGE),
        check=_no_data_trace,
    ),
)
