"""A strict reader for one JSON object of configuration: typed fields, paths in every error.

Every key a section does not ask for is a mistake (usually a typo) and is reported with the
closest valid key, so ``retentionDay`` never silently falls back to a default.
"""
from __future__ import annotations

import difflib
import re
from typing import Any, Callable, TypeVar

from configuration.errors import ConfigError

T = TypeVar("T")
_REQUIRED = object()


def describe(value: Any) -> str:
    """A short, quoted rendering of a bad value for an error line."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class Section:
    """Reads the keys of one configuration object, remembering which were read."""

    def __init__(self, data: Any, path: str) -> None:
        if not isinstance(data, dict):
            raise ConfigError(path, f"expected an object, got {describe(data)}", "write it as a JSON object {...}")
        self._data = data
        self._path = path
        self._read: set[str] = set()

    def path(self, key: str) -> str:
        return f"{self._path}.{key}"

    def raw(self, key: str, default: Any = _REQUIRED) -> Any:
        self._read.add(key)
        if key in self._data and self._data[key] is not None:
            return self._data[key]
        if default is _REQUIRED:
            raise ConfigError(self.path(key), "is missing", f"add '{key}' to {self._path}")
        return default

    def string(self, key: str, default: Any = _REQUIRED, *, pattern: str | None = None, hint: str = "") -> str:
        value = self.raw(key, default)
        if not isinstance(value, str):
            raise ConfigError(self.path(key), f"expected a string, got {describe(value)}", "quote the value")
        # ASCII: \d and \w would otherwise accept other scripts' digits and letters, which
        # AWS names and IDs do not.
        if pattern is not None and not re.fullmatch(pattern, value, flags=re.ASCII):
            raise ConfigError(self.path(key), f"{describe(value)} is not valid", hint or f"match {pattern}")
        return value

    def optional_string(self, key: str, *, pattern: str | None = None, hint: str = "") -> str | None:
        if self.raw(key, None) is None:
            return None
        return self.string(key, pattern=pattern, hint=hint)

    def integer(self, key: str, default: Any = _REQUIRED, *, minimum: int | None = None, maximum: int | None = None, why: str = "") -> int:
        value = self.raw(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(self.path(key), f"expected a whole number, got {describe(value)}", "write a number without quotes")
        if minimum is not None and value < minimum:
            raise ConfigError(self.path(key), f"{value} is below the minimum of {minimum}{why}", f"set {minimum} or more")
        if maximum is not None and value > maximum:
            raise ConfigError(self.path(key), f"{value} is above the maximum of {maximum}{why}", f"set {maximum} or less")
        return value

    def boolean(self, key: str, default: Any = _REQUIRED) -> bool:
        value = self.raw(key, default)
        if not isinstance(value, bool):
            raise ConfigError(self.path(key), f"expected true or false, got {describe(value)}", "write true or false without quotes")
        return value

    def choice(self, key: str, choices: tuple[str, ...], default: Any = _REQUIRED) -> str:
        value = self.string(key, default)
        if value not in choices:
            raise ConfigError(self.path(key), f"{describe(value)} is not one of {', '.join(choices)}", _suggest(value, choices))
        return value

    def items(self, key: str, default: Any = _REQUIRED, *, non_empty: bool = False) -> list[tuple[str, Any]]:
        """A list's elements with their own paths, e.g. ``dpp.accounts[1]``."""
        value = self.raw(key, default)
        if not isinstance(value, list):
            raise ConfigError(self.path(key), f"expected a list, got {describe(value)}", "write it as a JSON list [...]")
        if non_empty and not value:
            raise ConfigError(self.path(key), "is empty", "add at least one entry")
        return [(f"{self.path(key)}[{i}]", item) for i, item in enumerate(value)]

    def strings(self, key: str, default: Any = _REQUIRED, *, non_empty: bool = False, check: Callable[[str, str], T] | None = None) -> tuple[str, ...]:
        result = []
        for path, item in self.items(key, default, non_empty=non_empty):
            if not isinstance(item, str):
                raise ConfigError(path, f"expected a string, got {describe(item)}", "quote the value")
            if check is not None:
                check(path, item)
            if item in result:
                raise ConfigError(path, f"{describe(item)} is listed twice", "list each value once")
            result.append(item)
        return tuple(result)

    def section(self, key: str, default: Any = _REQUIRED) -> "Section":
        return Section(self.raw(key, default), self.path(key))

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
