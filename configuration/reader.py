"""A strict reader for one JSON object of configuration: typed fields, paths in every error.

Every key a section does not ask for is a mistake (usually a typo) and is reported with the
closest valid key, so ``retentionDay`` never silently falls back to a default.

Every typed read can also be *recorded* (``recording()``): its key, JSON type, pattern,
choices, bounds and whether it has a default. ``configuration.schema`` builds
config.schema.json from such a record of the loader reading representative documents, so
the schema cannot drift from what the loader checks.
"""

from __future__ import annotations

import difflib
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, TypeVar

from configuration.errors import ConfigError

T = TypeVar("T")
_REQUIRED: Any = object()
Fragment = dict[str, Any]
Check = Callable[[str, str], Any]


def describe(value: Any) -> str:
    """A short, quoted rendering of a bad value for an error line."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def item_schema(fragment: Fragment) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Declares what a ``check`` function accepts, as a JSON Schema fragment for the schema."""

    def attach(check: Callable[..., T]) -> Callable[..., T]:
        check.schema = fragment  # type: ignore[attr-defined]
        return check

    return attach


def _check_schema(check: Check | None) -> Fragment:
    return dict(getattr(check, "schema", {})) if check is not None else {}


# --- the record ----------------------------------------------------------------------------


@dataclass
class KeyRecord:
    fragments: list[Fragment] = field(default_factory=list)
    required_in: set[int] = field(default_factory=set)  # ids of the Section instances that required it
    nullable: bool = False  # read with a default: null means "use the default"


@dataclass
class ObjectRecord:
    instances: set[int] = field(default_factory=set)
    keys: dict[str, KeyRecord] = field(default_factory=dict)


@dataclass
class Recorder:
    objects: dict[str, ObjectRecord] = field(default_factory=dict)

    def object(self, template: str) -> ObjectRecord:
        return self.objects.setdefault(template, ObjectRecord())


_recorder: Recorder | None = None


@contextmanager
def recording() -> Iterator[Recorder]:
    """Records every typed read made inside the block."""
    global _recorder
    previous, _recorder = _recorder, Recorder()
    try:
        yield _recorder
    finally:
        _recorder = previous


def template(path: str) -> str:
    """``dpp.accounts[1].vpcs[0]`` -> ``dpp.accounts[].vpcs[]``: one schema for every element."""
    return re.sub(r"\[\d+\]", "[]", path)


# --- the reader ----------------------------------------------------------------------------


class Section:
    """Reads the keys of one configuration object, remembering which were read."""

    def __init__(self, data: Any, path: str) -> None:
        if not isinstance(data, dict):
            raise ConfigError(path, f"expected an object, got {describe(data)}", "write it as a JSON object {...}")
        self._data: dict[str, Any] = data
        self._path = path
        self._read: set[str] = set()
        if _recorder is not None:
            _recorder.object(template(path)).instances.add(id(self))

    def path(self, key: str) -> str:
        return f"{self._path}.{key}"

    def _note(self, key: str, fragment: Fragment, default: Any) -> None:
        if _recorder is None:
            return
        record = _recorder.object(template(self._path)).keys.setdefault(key, KeyRecord())
        record.fragments.append(fragment)
        if default is _REQUIRED:
            record.required_in.add(id(self))
        else:
            record.nullable = True

    def _take(self, key: str, default: Any) -> Any:
        self._read.add(key)
        if key in self._data and self._data[key] is not None:
            return self._data[key]
        if default is _REQUIRED:
            raise ConfigError(self.path(key), "is missing", f"add '{key}' to {self._path}")
        return default

    def raw(self, key: str, default: Any = _REQUIRED, *, schema: Fragment | None = None) -> Any:
        """The value as written; ``schema`` says what the caller then accepts."""
        self._note(key, schema or {}, default)
        return self._take(key, default)

    def _string(self, key: str, value: Any, pattern: str | None, hint: str, check: Check | None) -> str:
        if not isinstance(value, str):
            raise ConfigError(self.path(key), f"expected a string, got {describe(value)}", "quote the value")
        # ASCII: \d and \w would otherwise accept other scripts' digits and letters, which
        # AWS names and IDs do not.
        if pattern is not None and not re.fullmatch(pattern, value, flags=re.ASCII):
            raise ConfigError(self.path(key), f"{describe(value)} is not valid", hint or f"match {pattern}")
        if check is not None:
            check(self.path(key), value)
        return value

    @staticmethod
    def _string_schema(pattern: str | None, check: Check | None, schema: Fragment | None) -> Fragment:
        if schema is not None:
            return schema
        fragment: Fragment = {"type": "string", **_check_schema(check)}
        if pattern is not None:
            fragment["x-python-pattern"] = pattern
        return fragment

    def string(self, key: str, default: Any = _REQUIRED, *, pattern: str | None = None, hint: str = "", check: Check | None = None, schema: Fragment | None = None) -> str:
        self._note(key, self._string_schema(pattern, check, schema), default)
        return self._string(key, self._take(key, default), pattern, hint, check)

    def optional_string(self, key: str, *, pattern: str | None = None, hint: str = "", check: Check | None = None, schema: Fragment | None = None) -> str | None:
        self._note(key, self._string_schema(pattern, check, schema), None)
        value = self._take(key, None)
        return None if value is None else self._string(key, value, pattern, hint, check)

    def _integer(self, key: str, value: Any, minimum: int | None, maximum: int | None, why: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(self.path(key), f"expected a whole number, got {describe(value)}", "write a number without quotes")
        if minimum is not None and value < minimum:
            raise ConfigError(self.path(key), f"{value} is below the minimum of {minimum}{why}", f"set {minimum} or more")
        if maximum is not None and value > maximum:
            raise ConfigError(self.path(key), f"{value} is above the maximum of {maximum}{why}", f"set {maximum} or less")
        return value

    @staticmethod
    def _integer_schema(minimum: int | None, maximum: int | None, schema: Fragment | None) -> Fragment:
        if schema is not None:
            return schema
        fragment: Fragment = {"type": "integer"}
        if minimum is not None:
            fragment["minimum"] = minimum
        if maximum is not None:
            fragment["maximum"] = maximum
        return fragment

    def integer(self, key: str, default: Any = _REQUIRED, *, minimum: int | None = None, maximum: int | None = None, why: str = "", schema: Fragment | None = None) -> int:
        """``schema`` replaces the recorded bounds where they depend on other settings."""
        self._note(key, self._integer_schema(minimum, maximum, schema), default)
        return self._integer(key, self._take(key, default), minimum, maximum, why)

    def optional_integer(self, key: str, *, minimum: int | None = None, maximum: int | None = None, why: str = "") -> int | None:
        self._note(key, self._integer_schema(minimum, maximum, None), None)
        value = self._take(key, None)
        return None if value is None else self._integer(key, value, minimum, maximum, why)

    def boolean(self, key: str, default: Any = _REQUIRED) -> bool:
        self._note(key, {"type": "boolean"}, default)
        value = self._take(key, default)
        if not isinstance(value, bool):
            raise ConfigError(self.path(key), f"expected true or false, got {describe(value)}", "write true or false without quotes")
        return value

    def choice(self, key: str, choices: tuple[str, ...], default: Any = _REQUIRED) -> str:
        self._note(key, {"type": "string", "enum": list(choices)}, default)
        value = self._string(key, self._take(key, default), None, "", None)
        if value not in choices:
            raise ConfigError(self.path(key), f"{describe(value)} is not one of {', '.join(choices)}", _suggest(value, choices))
        return value

    def _items(self, key: str, default: Any, non_empty: bool) -> list[tuple[str, Any]]:
        value = self._take(key, default)
        if not isinstance(value, list):
            raise ConfigError(self.path(key), f"expected a list, got {describe(value)}", "write it as a JSON list [...]")
        if non_empty and not value:
            raise ConfigError(self.path(key), "is empty", "add at least one entry")
        return [(f"{self.path(key)}[{i}]", item) for i, item in enumerate(value)]

    def items(self, key: str, default: Any = _REQUIRED, *, non_empty: bool = False) -> list[tuple[str, Any]]:
        """A list's elements with their own paths, e.g. ``dpp.accounts[1]``; each element is
        read as a ``Section`` at that path (the schema's item object)."""
        fragment: Fragment = {"type": "array", "items": {"x-object": template(self.path(key)) + "[]"}}
        if non_empty:
            fragment["minItems"] = 1
        self._note(key, fragment, default)
        return self._items(key, default, non_empty)

    def strings(
        self,
        key: str,
        default: Any = _REQUIRED,
        *,
        non_empty: bool = False,
        check: Check | None = None,
        choices: tuple[str, ...] | None = None,
    ) -> tuple[str, ...]:
        item: Fragment = {"type": "string", **_check_schema(check)}
        if choices is not None:
            item["enum"] = list(choices)
        fragment: Fragment = {"type": "array", "items": item, "uniqueItems": True}
        if non_empty:
            fragment["minItems"] = 1
        self._note(key, fragment, default)
        result: list[str] = []
        for path, value in self._items(key, default, non_empty):
            if not isinstance(value, str):
                raise ConfigError(path, f"expected a string, got {describe(value)}", "quote the value")
            if choices is not None and value not in choices:
                raise ConfigError(path, f"{describe(value)} is not one of {', '.join(choices)}", _suggest(value, choices))
            if check is not None:
                check(path, value)
            if value in result:
                raise ConfigError(path, f"{describe(value)} is listed twice", "list each value once")
            result.append(value)
        return tuple(result)

    def positive_numbers(self, key: str, default: Any = _REQUIRED, *, fix: str) -> tuple[tuple[str, float], ...]:
        """An object of name -> number > 0 (names checked by the caller)."""
        self._note(key, {"type": "object", "additionalProperties": {"type": "number", "exclusiveMinimum": 0}}, default)
        value = self._take(key, default)
        if not isinstance(value, dict):
            raise ConfigError(self.path(key), f"expected an object, got {describe(value)}", "write it as a JSON object {...}")
        result = []
        for name, number in value.items():
            if isinstance(number, bool) or not isinstance(number, (int, float)) or number <= 0:
                raise ConfigError(f"{self.path(key)}.{name}", f"{describe(number)} is not a positive number", fix)
            result.append((name, float(number)))
        return tuple(result)

    def section(self, key: str, default: Any = _REQUIRED) -> "Section":
        self._note(key, {"x-object": template(self.path(key))}, default)
        return Section(self._take(key, default), self.path(key))

    def done(self) -> None:
        """Rejects keys nobody read: typos and settings this version does not know."""
        for key in self._data:
            if key not in self._read:
                raise ConfigError(self.path(key), "is not a known setting", _suggest(key, tuple(sorted(self._read))))


def _suggest(value: str, choices: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(str(value), choices, n=1)
    listing = ", ".join(choices)
    if close:
        return f"did you mean '{close[0]}'? (valid: {listing})"
    return f"use one of: {listing}"
