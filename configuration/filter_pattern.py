"""CloudWatch Logs JSON filter patterns, evaluated as the service documents them, so metric
filters can be tested against real CloudTrail events without AWS.

Grammar: ``{ expr }`` where ``expr`` combines comparisons with ``&&``, ``||`` and
parentheses. A comparison is a selector (``$.a.b``, ``$.list[0].c``, ``$.['dotted.key']``)
followed by ``=``, ``!=``, ``<``, ``<=``, ``>``, ``>=`` and a value (a quoted string, a bare
token, a number, or a ``%regular expression%`` compared with ``=``/``!=``, found anywhere in
the value), or by ``EXISTS``, ``NOT EXISTS``, ``IS NULL``, ``IS TRUE``, ``IS FALSE``.
``*`` in a string value matches any run of characters. A comparison on a field the event does
not have is false (for ``!=`` too); ``NOT EXISTS`` is how absence is matched.

Precedence: ``&&`` binds tighter than ``||`` (the conventional reading; AWS's documentation
does not state it, and every pattern the project ships groups its alternatives explicitly or
is tested only with events on which both readings agree).
"""

from __future__ import annotations

import fnmatch
import json
import re
from typing import Any

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<and>&&)|(?P<or>\|\|)|(?P<lparen>\()|(?P<rparen>\))|
        (?P<op>!=|<=|>=|=|<|>)|
        (?P<kw>NOT\s+EXISTS|EXISTS|IS\s+NULL|IS\s+TRUE|IS\s+FALSE)(?![\w.])|
        (?P<selector>\$(?:\.\[\s*'[^']*'\s*\]|\.[A-Za-z0-9_@-]+|\[\d+\])*)|
        (?P<quoted>"(?:[^"\\]|\\.)*")|
        (?P<regex>%[A-Za-z0-9:_\#=@/;,^$?\[\]{}|\\*+.-]+%)|
        (?P<bare>[^\s()&|"]+)
    )""",
    re.VERBOSE,
)

_MISSING = object()
# Regular expressions in filter patterns: between % signs, of letters, digits, the symbols
# : _ # = @ / ; , - and the operators ^ $ ? [ ] { } | \ * + . (no parentheses, no multibyte
# characters), at most two in a JSON pattern, matching anywhere in the value
# (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/regex-expressions.html).
MAX_REGEXES = 2
Node = tuple[Any, ...]  # ("or"|"and", left, right) | ("kw", selector, keyword) | ("cmp", selector, op, value, quoted)


class PatternError(ValueError):
    pass


def _tokens(body: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(body):
        if body[position:].strip() == "":
            break
        match = _TOKEN.match(body, position)
        if not match:
            raise PatternError(f"cannot parse {body[position:]!r}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.i = 0
        self.regexes = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, kind: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (kind and token[0] != kind):
            raise PatternError(f"expected {kind or 'a token'}, found {'the end' if token is None else repr(token[1])}")
        self.i += 1
        return token

    def next_is(self, kind: str) -> bool:
        token = self.peek()
        return token is not None and token[0] == kind

    def expr(self) -> Node:
        node = self.conjunction()
        while self.next_is("or"):
            self.take()
            node = ("or", node, self.conjunction())
        return node

    def conjunction(self) -> Node:
        node = self.term()
        while self.next_is("and"):
            self.take()
            node = ("and", node, self.term())
        return node

    def term(self) -> Node:
        if self.next_is("lparen"):
            self.take()
            node = self.expr()
            self.take("rparen")
            return node
        selector = self.take("selector")[1]
        kind, text = self.take()
        if kind == "kw":
            return ("kw", selector, " ".join(text.split()))
        if kind != "op":
            raise PatternError(f"expected an operator after {selector}, found {text!r}")
        value_kind, value = self.take()
        if value_kind == "quoted":
            return ("cmp", selector, text, json.loads(value), True)
        if value_kind == "bare" and value.startswith("%"):
            raise PatternError(f"{value} is not a regular expression CloudWatch Logs accepts (letters, digits, :_#=@/;,- and ^$?[]{{}}|\\*+. between % signs)")
        if value_kind == "bare":
            return ("cmp", selector, text, value, False)
        if value_kind == "regex":
            if text not in ("=", "!="):
                raise PatternError(f"a regular expression compares with = or != only, not {text}")
            self.regexes += 1
            if self.regexes > MAX_REGEXES:
                raise PatternError(f"a JSON filter pattern holds at most {MAX_REGEXES} regular expressions")
            try:
                compiled = re.compile(value[1:-1])
            except re.error as error:
                raise PatternError(f"{value} is not a regular expression ({error})") from None
            return ("re", selector, text, compiled)
        raise PatternError(f"expected a value after {selector} {text}")


def compile_pattern(pattern: str) -> Node:
    text = pattern.strip()
    if not (text.startswith("{") and text.endswith("}")):
        raise PatternError("only JSON filter patterns ({ ... }) are supported")
    parser = _Parser(_tokens(text[1:-1]))
    tree = parser.expr()
    if parser.peek() is not None:
        raise PatternError(f"unexpected {parser.peek()}")
    return tree


def _select(event: Any, selector: str) -> Any:
    node = event
    for part in re.findall(r"\.\[\s*'([^']*)'\s*\]|\.([A-Za-z0-9_@-]+)|\[(\d+)\]", selector[1:]):
        quoted, name, index = part
        key = quoted or name
        if index:
            if not isinstance(node, list) or int(index) >= len(node):
                return _MISSING
            node = node[int(index)]
        elif isinstance(node, dict) and key in node:
            node = node[key]
        else:
            return _MISSING
    return node


def _number(text: Any) -> float | None:
    if isinstance(text, bool):
        return None
    if isinstance(text, (int, float)):
        return float(text)
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def _equals(actual: Any, expected: str, quoted: bool) -> bool:
    if isinstance(actual, (dict, list)) or actual is None:
        return False
    if not quoted and _number(expected) is not None and _number(actual) is not None and not isinstance(actual, str):
        return _number(actual) == _number(expected)
    text = json.dumps(actual) if isinstance(actual, bool) else str(actual)
    return fnmatch.fnmatchcase(text, expected) if "*" in expected else text == expected


def _evaluate(node: Node, event: Any) -> bool:
    kind = node[0]
    if kind == "or":
        return _evaluate(node[1], event) or _evaluate(node[2], event)
    if kind == "and":
        return _evaluate(node[1], event) and _evaluate(node[2], event)
    if kind == "kw":
        value = _select(event, node[1])
        return {
            "EXISTS": value is not _MISSING,
            "NOT EXISTS": value is _MISSING,
            "IS NULL": value is None,
            "IS TRUE": value is True,
            "IS FALSE": value is False,
        }[node[2]]
    if kind == "re":
        _, selector, op, compiled = node
        actual = _select(event, selector)
        if actual is _MISSING or isinstance(actual, (dict, list)) or actual is None:
            return False
        found = compiled.search(json.dumps(actual) if isinstance(actual, bool) else str(actual)) is not None
        return found if op == "=" else not found
    _, selector, op, expected, quoted = node
    actual = _select(event, selector)
    if actual is _MISSING:
        return False
    if op == "=":
        return _equals(actual, expected, quoted)
    if op == "!=":
        return not _equals(actual, expected, quoted)
    left, right = _number(actual), _number(expected)
    if left is None or right is None:
        return False
    return {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right}[op]


def matches(pattern: str, event: dict[str, Any]) -> bool:
    return _evaluate(compile_pattern(pattern), event)
