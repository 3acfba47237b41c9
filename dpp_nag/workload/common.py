"""Helpers shared by the workload rules: matching a resource against names, paths and ARNs."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnResource, Stack

from dpp_nag.framework import RuleContext, is_intrinsic, refers_to


def construct_path(node: CfnResource) -> str:
    """The L2 construct's path (``Stack/Orders``) for an L1 ``Stack/Orders/Resource``."""
    path = node.node.path
    return path.removesuffix("/Resource")


def tag_value(props: dict[str, Any], key: str) -> Any:
    """A tag's value from resolved ``tags`` (a list of {key, value}, or a map on some types)."""
    tags = props.get("tags")
    if isinstance(tags, dict):
        return tags.get(key)
    for tag in tags or []:
        if isinstance(tag, dict) and tag.get("key") == key:
            return tag.get("value")
    return None


def named_by(node: CfnResource, props: dict[str, Any], name_key: str, arn_marker: str, entries: tuple[str, ...]) -> bool:
    """Whether one of ``entries`` (construct paths, physical names, ARNs) names the resource.

    ``arn_marker`` is the ARN's resource part before the name: ``":table/"`` or ``":function:"``.
    """
    path = construct_path(node)
    name = props.get(name_key)
    for entry in entries:
        if entry in (path, node.node.path):
            return True
        if isinstance(name, str) and (entry == name or entry.endswith(f"{arn_marker}{name}")):
            return True
    return False


def references(value: Any, ctx: RuleContext, target: CfnResource) -> bool:
    """Whether a resolved value refers to ``target`` (same stack: logical ids are per stack)."""
    return ctx.stack.node.path == Stack.of(target).node.path and refers_to(value, ctx.logical_id(target))


def literal(value: Any) -> bool:
    return value is not None and not is_intrinsic(value)
