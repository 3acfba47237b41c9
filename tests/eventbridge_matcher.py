"""EventBridge event-pattern matching, as the service documents it, for testing our rules
against real sample events without AWS.

Semantics: every leaf of the pattern must match (AND); a list of values matches if any value
does (OR); an event field that is a list matches if any element matches; arrays of objects
are flattened, so a leaf path such as ``findings.Severity.Label`` collects the values of every
element (two leaves may be satisfied by different elements, as in EventBridge). Content filters: ``prefix``, ``suffix``, ``equals-ignore-case``,
``wildcard``, ``anything-but`` (values, or ``{"prefix": ...}``), ``exists`` and ``numeric``.
Values are compared with their JSON types (``"5"`` does not match ``5``).
"""

from __future__ import annotations

import fnmatch
import operator
from typing import Any

_NUMERIC = {"<": operator.lt, "<=": operator.le, "=": operator.eq, ">=": operator.ge, ">": operator.gt}


def matches(pattern: dict, event: dict) -> bool:
    return all(_leaf_matches(alternatives, _values_at(event, path)) for path, alternatives in _leaves(pattern))


def _leaves(pattern: dict, prefix: tuple = ()):
    for key, value in pattern.items():
        if isinstance(value, dict):
            yield from _leaves(value, prefix + (key,))
        elif isinstance(value, list):
            yield prefix + (key,), value
        else:
            raise ValueError(f"pattern value for {'.'.join(prefix + (key,))!r} must be a list or an object, got {value!r}")


def _values_at(event: dict, path: tuple) -> list:
    """Every value at ``path``, looking through arrays at each step."""
    current = [event]
    for key in path:
        found = []
        for item in current:
            for element in item if isinstance(item, list) else [item]:
                if isinstance(element, dict) and key in element:
                    found.append(element[key])
        current = found
    values = []
    for value in current:
        values.extend(value if isinstance(value, list) else [value])
    return values


def _leaf_matches(alternatives: list, values: list) -> bool:
    for alternative in alternatives:
        if isinstance(alternative, dict) and "exists" in alternative:
            if alternative["exists"] == bool(values):
                return True
        elif any(_value_matches(alternative, value) for value in values):
            return True
    return False


def _value_matches(alternative: Any, value: Any) -> bool:
    if not isinstance(alternative, dict):
        return type(alternative) is type(value) and alternative == value
    ((kind, argument),) = alternative.items()
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
        pairs = zip(argument[::2], argument[1::2], strict=True)
        return all(_NUMERIC[op](value, bound) for op, bound in pairs)
    raise ValueError(f"unsupported content filter {kind!r}")
