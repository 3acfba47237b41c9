"""config.schema.json and the README's configuration table, generated from the loader itself.

The loader reads representative documents (the defaults under cdk.json's example and under
every ``examples/*.json``) while ``configuration.reader`` records each typed read; the record
becomes a JSON Schema (2020-12): types, enums, patterns (in the ECMA-262 dialect editors use),
bounds, required keys, and ``additionalProperties: false`` because ``Section.done()`` refuses
keys nobody reads. Descriptions come from ``configuration.reference``. Cross-field rules (a
home region among the regions, one log-archive account...) stay the loader's alone: the schema
helps editors, the loader decides.

``python -m configuration.schema`` (``make schema``) rewrites both files; tests fail when either
is stale.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

from configuration.defaults import DEFAULTS
from configuration.loader import CONTEXT_KEY, _merge, config_from_dict
from configuration.reader import Fragment, Recorder, recording
from configuration.reference import ROWS, Row

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_FILE = ROOT / "config.schema.json"
README = ROOT / "README.md"
EXAMPLES = ROOT / "examples"
START, END = "<!-- configuration:start -->", "<!-- configuration:end -->"
DIALECT = "https://json-schema.org/draft/2020-12/schema"


class SchemaError(Exception):
    """The record cannot describe a key (e.g. no document has an element in some list)."""


def representative_documents() -> dict[str, dict[str, Any]]:
    """cdk.json's example and every example file, each as the loader reads it (over the defaults)."""
    documents = {"cdk.json": json.loads((ROOT / "cdk.json").read_text(encoding="utf-8"))["context"][CONTEXT_KEY]}
    for path in sorted(EXAMPLES.glob("*.json")):
        documents[f"examples/{path.name}"] = json.loads(path.read_text(encoding="utf-8"))
    return documents


def record(documents: dict[str, dict[str, Any]]) -> Recorder:
    with recording() as recorder:
        for document in documents.values():
            config_from_dict(_merge(copy.deepcopy(DEFAULTS), copy.deepcopy(document)))
    return recorder


# --- Python regular expressions -> ECMA-262 ------------------------------------------------


def ecma_pattern(pattern: str) -> str:
    """An equivalent ECMA-262 pattern, anchored like ``re.fullmatch`` with ``re.ASCII``.

    ``\\d`` and ``\\w`` become explicit ASCII classes (Python validators of the schema would
    otherwise read them as Unicode); constructs ECMA lacks are refused rather than mistranslated."""
    for construct in ("(?P", "(?i", "(?s", "(?x", "(?m", "(?a", "\\A", "\\Z", "(?#", "(?<"):
        if construct in pattern:
            raise SchemaError(f"pattern {pattern!r} uses {construct}, which ECMA-262 lacks")
    out, in_class, i = [], False, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            escape = pattern[i + 1]
            if escape == "d":
                out.append("0-9" if in_class else "[0-9]")
            elif escape == "w":
                out.append("A-Za-z0-9_" if in_class else "[A-Za-z0-9_]")
            else:
                out.append(char + escape)
            i += 2
            continue
        if char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False
        out.append(char)
        i += 1
    return "^(?:" + "".join(out) + ")$"


def _translate(fragment: Any) -> Any:
    if isinstance(fragment, dict):
        result = {}
        for key, value in fragment.items():
            if key == "x-python-pattern":
                result["pattern"] = ecma_pattern(value)
            else:
                result[key] = _translate(value)
        return result
    if isinstance(fragment, list):
        return [_translate(v) for v in fragment]
    return fragment


# --- the record -> a schema ----------------------------------------------------------------


def _merge_fragments(fragments: list[Fragment], where: str) -> Fragment:
    """One fragment for a key read several times (in several documents or instances): what
    every read agrees on. A constraint that differs between reads depends on other settings
    and is left to the loader."""
    typed = [f for f in fragments if f]
    if not typed:
        raise SchemaError(f"{where} is only ever read untyped; read it with a typed Section call or pass schema=")
    merged = dict(typed[0])
    for other in typed[1:]:
        for key in list(merged):
            if other.get(key) != merged[key]:
                if key in ("type", "x-object"):
                    raise SchemaError(f"{where} is read as {merged[key]} and as {other.get(key)}")
                del merged[key]
    return merged


def _default_at(path: list[str]) -> tuple[bool, Any]:
    node: Any = DEFAULTS
    for part in path:
        if not isinstance(node, dict) or part not in node:
            return False, None
        node = node[part]
    return True, node


def _nullable(fragment: Fragment) -> Fragment:
    result = dict(fragment)
    if "enum" in result:
        result["enum"] = [*result["enum"], None]
    if "type" in result:
        result["type"] = [result["type"], "null"]
    return result


class _Builder:
    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder

    def value(self, fragment: Fragment, path: list[str], where: str) -> Fragment:
        if "x-object" in fragment:
            return self.object(fragment["x-object"], path)
        result = dict(fragment)
        if "items" in result:
            result["items"] = self.value(result["items"], [], where + "[]")
        return result

    def object(self, template: str, path: list[str]) -> Fragment:
        record = self.recorder.objects.get(template)
        if record is None:
            raise SchemaError(f"no representative document has an element of {template.removesuffix('[]')}; add one to an example so the schema knows its keys")
        properties: dict[str, Fragment] = {}
        required: list[str] = []
        for key, key_record in record.keys.items():
            where = f"{template}.{key}"
            sub_path = [*path, key] if path or template == CONTEXT_KEY else []
            merged = _merge_fragments(key_record.fragments, where)
            schema = self.value(merged, sub_path, where)
            has_default, default = _default_at(sub_path) if sub_path else (False, None)
            description = describe_key(where.removeprefix(CONTEXT_KEY + "."))
            if key_record.nullable:
                schema = _nullable(schema)
            if has_default and not isinstance(default, dict):
                schema["default"] = default
            if description:
                schema = {"description": _plain(description), "markdownDescription": description, **schema}
            properties[key] = schema
            if len(key_record.required_in) == len(record.instances) and not has_default:
                required.append(key)
        result: Fragment = {"type": "object", "properties": properties, "additionalProperties": False}
        if required:
            result["required"] = required
        return result


def _plain(markdown: str) -> str:
    return markdown.replace("`", "")


def _covers(row_key: str, key: str) -> bool:
    """Whether a reference row's key documents ``key`` (both without ``dpp.``)."""
    if row_key.endswith(".*"):
        row_key = row_key[:-2]
    bare = row_key.removesuffix("[]")
    return key in (row_key, bare) or key.startswith(bare + ".") or key.startswith(bare + "[]")


def row_for(key: str) -> Row | None:
    """The most specific reference row covering ``key``."""
    best: tuple[int, Row] | None = None
    for row in ROWS:
        for row_key in row.keys:
            if _covers(row_key, key) and (best is None or len(row_key) > best[0]):
                best = (len(row_key), row)
    return best[1] if best else None


def describe_key(key: str) -> str | None:
    """The meaning of the row naming ``key`` itself, or its object with ``.*`` (keys only
    covered by an ancestor's row, such as ``accounts[].id``, are described there once)."""
    for row in ROWS:
        for row_key in row.keys:
            if row_key.removesuffix("[]") == key or (row_key.endswith(".*") and key.rsplit(".", 1)[0] == row_key[:-2]):
                return row.meaning
    return None


def build_schema(recorder: Recorder) -> Fragment:
    body = _Builder(recorder).object(CONTEXT_KEY, [])
    schema: Fragment = _translate(
        {
            "$schema": DIALECT,
            "$id": "https://github.com/dpp-logging-baseline/config.schema.json",
            "title": "DPP logging baseline configuration",
            "description": "The object under the dpp key of cdk.json context, or a file given with -c dpp:config=FILE. Generated from configuration/loader.py (make schema); the loader's cross-field rules are not in it.",
            **{k: v for k, v in body.items() if k != "type"},
            "type": "object",
        }
    )
    return schema


def leaf_keys(schema: Fragment, prefix: str = "") -> list[str]:
    """Every key path of the schema (``accounts[].id``), objects' own keys included."""
    keys = []
    for key, sub in schema.get("properties", {}).items():
        path = f"{prefix}{key}"
        keys.append(path)
        if "properties" in sub:
            keys += leaf_keys(sub, path + ".")
        items = sub.get("items", {})
        if "properties" in items:
            keys += leaf_keys(items, path + "[].")
    return keys


# --- the README table ------------------------------------------------------------------------


def _render_default(row: Row) -> str:
    if row.default is not None:
        return row.default
    rendered = []
    for key in row.keys:
        found, value = _default_at(key.split("."))
        if not found:
            raise SchemaError(f"reference row {row.keys} has no built-in default for {key}; give default=")
        rendered.append(f"`{value}`" if isinstance(value, str) else f"`{json.dumps(value)}`")
    return ", ".join(rendered)


def readme_table() -> str:
    lines = ["| key | default | meaning |", "|---|---|---|"]
    for row in ROWS:
        keys = ", ".join(f"`{k}`" for k in row.keys)
        lines.append(f"| {keys} | {_render_default(row)} | {row.meaning} |")
    return "\n".join(lines)


def readme_with_table(readme: str) -> str:
    if START not in readme or END not in readme:
        raise SchemaError(f"README.md lacks the {START} ... {END} markers")
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{readme_table()}\n{END}{tail}"


def schema_text(schema: Fragment) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def generate() -> tuple[str, str]:
    """(config.schema.json's text, README.md's text) as they should be."""
    schema = build_schema(record(representative_documents()))
    return schema_text(schema), readme_with_table(README.read_text(encoding="utf-8"))


def main() -> int:
    try:
        schema, readme = generate()
    except SchemaError as error:
        print(f"schema: {error}", file=sys.stderr)
        return 1
    SCHEMA_FILE.write_text(schema, encoding="utf-8")
    README.write_text(readme, encoding="utf-8")
    print(f"wrote {SCHEMA_FILE.name} and the configuration table in {README.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
