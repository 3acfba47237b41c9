"""EventBridge event-pattern matching, as the service documents it, for testing our rules
against real sample events without AWS.

Semantics: every field named in the pattern must match (AND); a list of values matches if
any value does (OR); an event field that is a list matches if any element matches; nested
objects recurse. Content filters: ``prefix``, ``suffix``, ``equals-ignore-case``,
``wildcard``, ``anything-but`` (values, or ``{"prefix": ...}``), ``exists`` and ``numeric``.
Values are compared with their JSON types (``"5"`` does not match ``5``).
"""
from __future__ import annotations

import fnmatch
import operator
from typing import Any

_MISSING = object()
_NUMERIC = {"<": operator.lt, "<=": operator.le, "=": operator.eq, ">=": operator.ge, ">": operator.gt}


def matches(pattern: dict, event: dict) -> bool:
    for key, expected in pattern.items():
        actual = event.get(key, _MISSING) if isinstance(event, dict) else _MISSING
        if isinstance(expected, dict):
            if actual is _MISSING or not isinstance(actual, dict):
                return False
            if not matches(expected, actual):
                return False
        elif isinstance(expected, list):
            if not _field_matches(expected, actual):
                return False
        else:
            raise ValueError(f"pattern value for {key!r} must be a list or an object, got {expected!r}")
    return True


def _field_matches(alternatives: list, actual: Any) -> bool:
    candidates = actual if isinstance(actual, list) else [actual]
    for alternative in alternatives:
        if isinstance(alternative, dict) and "exists" in alternative:
            if alternative["exists"] == (actual is not _MISSING):
                return True
            continue
        if any(c is not _MISSING and _value_matches(alternative, c) for c in candidates):
            return True
    return False


def _value_matches(alternative: Any, value: Any) -> bool:
    if not isinstance(alternative, dict):
        return type(alternative) is type(value) and alternative == value
    (kind, argument), = alternative.items()
    if kind == "prefix":
        return isinstance(value, str) and value.startswith(argument)
    if kind == "suffix":
        return isinstance(value, str) and value.endswith(argument)
    if kind == "equals-ignore-case":
        return isinstance(value, str) and value.lower() == argument.lower()
    if kind == "wildcard":
        return isinstance(value, str) and fnmatch.fnmatchcase(value, argument)
    if kind == "anything-but":
        if isinstance(argument, dict):
            return not _value_matches(argument, value)
        excluded = argument if isinstance(argument, list) else [argument]
        return not any(_value_matches(x, value) for x in excluded)
    if kind == "numeric":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        pairs = zip(argument[::2], argument[1::2])
        return all(_NUMERIC[op](value, bound) for op, bound in pairs)
    raise ValueError(f"unsupported content filter {kind!r}")
