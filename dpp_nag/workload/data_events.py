"""DynamoDB tables and Lambda functions that hold or serve Information have their data events
logged by CloudTrail (DPP-LOG-1.b).

Basic selectors: ``DataResources`` of type AWS::DynamoDB::Table / AWS::Lambda::Function with
the resource's ARN, or the documented prefixes for all of them (``arn:aws:lambda``; for tables
``arn:aws:dynamodb``) (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-cloudtrail-trail-dataresource.html,
https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_DataResource.html).
Advanced selectors: ``eventCategory`` = Data with ``resources.type`` the resource's type and no
``resources.ARN`` condition, or one that names the resource
(https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html,
https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedFieldSelector.html).
A selector restricted to read-only or write-only events does not count: both reads and
writes of Information are access (DPP-LOG-1).

Which resources hold Information, and trails outside the app: settings.py.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnResource

from dpp_nag.framework import DppRule, RuleContext, is_intrinsic
from dpp_nag.workload.common import named_by, references, tag_value
from dpp_nag.workload.settings import WorkloadSettings

TABLE = "AWS::DynamoDB::Table"
GLOBAL_TABLE = "AWS::DynamoDB::GlobalTable"
FUNCTION = "AWS::Lambda::Function"
TRAIL = "AWS::CloudTrail::Trail"
EVENT_DATA_STORE = "AWS::CloudTrail::EventDataStore"

_KIND = {
    TABLE: ("AWS::DynamoDB::Table", "tableName", ":table/", "arn:aws:dynamodb"),
    GLOBAL_TABLE: ("AWS::DynamoDB::Table", "tableName", ":table/", "arn:aws:dynamodb"),
    FUNCTION: ("AWS::Lambda::Function", "functionName", ":function:", "arn:aws:lambda"),
}


def holds_information(node: CfnResource, props: dict[str, Any], settings: WorkloadSettings) -> bool:
    _, name_key, marker, _ = _KIND[node.cfn_resource_type]
    tags: list[Any] = [tag_value(props, settings.information_tag)]
    if node.cfn_resource_type == GLOBAL_TABLE:
        tags += [tag_value(replica, settings.information_tag) for replica in props.get("replicas") or [] if isinstance(replica, dict)]
    if any(isinstance(t, str) and t.lower() == "true" for t in tags):
        return True
    return named_by(node, props, name_key, marker, settings.information_resources)


def _names_resource(value: Any, node: CfnResource, props: dict[str, Any], ctx: RuleContext) -> bool:
    _, name_key, marker, _ = _KIND[node.cfn_resource_type]
    if references(value, ctx, node):
        return True
    name = props.get(name_key)
    if isinstance(value, str) and isinstance(name, str):
        return value.endswith(f"{marker}{name}") or value.endswith(f"{marker}{name}:*")
    return False


def _basic_covers(selectors: list[Any], node: CfnResource, props: dict[str, Any], ctx: RuleContext) -> bool:
    data_type, _, _, everything = _KIND[node.cfn_resource_type]
    for selector in selectors:
        if not isinstance(selector, dict) or selector.get("readWriteType", "All") != "All":
            continue
        for resource in selector.get("dataResources") or []:
            if resource.get("type") != data_type:
                continue
            for value in resource.get("values") or []:
                if value in (everything, everything + ":") or _names_resource(value, node, props, ctx):
                    return True
    return False


def _equals(fields: dict[Any, Any], name: str) -> list[Any]:
    selector = fields.get(name) or {}
    return list(selector.get("equalTo") or selector.get("equals") or [])


def _advanced_covers(selectors: list[Any], node: CfnResource, props: dict[str, Any], ctx: RuleContext) -> bool:
    data_type = _KIND[node.cfn_resource_type][0]
    for selector in selectors:
        fields = {f.get("field"): f for f in (selector or {}).get("fieldSelectors") or [] if isinstance(f, dict)}
        if _equals(fields, "eventCategory") != ["Data"] or data_type not in _equals(fields, "resources.type") or "readOnly" in fields:
            continue
        if set(fields) - {"eventCategory", "resources.type", "resources.ARN"}:
            continue  # filtered by event name, source or principal: not every access
        arn = fields.get("resources.ARN")
        if arn is None:
            return True
        candidates = list(arn.get("equalTo") or arn.get("equals") or []) + list(arn.get("startsWith") or [])
        if any(_names_resource(v, node, props, ctx) for v in candidates):
            return True
    return False


def _data_events(node: CfnResource, props: dict[str, Any], ctx: RuleContext) -> bool | None:
    settings: WorkloadSettings = ctx.settings
    if not holds_information(node, props, settings):
        return None
    _, name_key, marker, _ = _KIND[node.cfn_resource_type]
    if named_by(node, props, name_key, marker, settings.data_events_logged_elsewhere):
        return True
    for trail in ctx.stack_resources(TRAIL) + ctx.stack_resources(EVENT_DATA_STORE):
        trail_props = ctx.props(trail)
        if trail.cfn_resource_type == TRAIL and trail_props.get("isLogging") is False:
            continue
        basic = trail_props.get("eventSelectors")
        advanced = trail_props.get("advancedEventSelectors")
        if isinstance(basic, list) and not is_intrinsic(basic) and _basic_covers(basic, node, props, ctx):
            return True
        if isinstance(advanced, list) and _advanced_covers(advanced, node, props, ctx):
            return True
    return False


RULES = (
    DppRule(
        suffix="DataEventsLogged",
        requirements=("DPP-LOG-1",),
        info="The table or function holds or serves Information (tagged dpp:information=true or listed) but no trail of this stack logs its data events, and it is not listed as logged elsewhere",
        explanation="Log its data events: trail.add_lambda_event_selector([fn]) for a function; for a table an advanced event selector (eventCategory=Data, resources.type=AWS::DynamoDB::Table, resources.ARN equals the table's ARN) on the CfnTrail. Or list it in WorkloadSettings.data_events_logged_elsewhere when another trail (the baseline's) logs it.",
        resource_types=(TABLE, GLOBAL_TABLE, FUNCTION),
        check=_data_events,
    ),
)
