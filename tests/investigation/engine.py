"""A local stand-in for Athena over sample archive objects: DuckDB tables built from the
catalogue's own table definitions (columns, Hive types, projection templates), queries
transpiled from Athena's Trino SQL with sqlglot.

What it keeps of Athena's semantics:
- a row's partition values come from its object's key, parsed with the table's
  ``storage.location.template`` (a key the template does not match is an error, not a skip);
- columns are typed as the Glue table types them; JSON objects read into ``string`` columns
  stay JSON text (the CloudTrail and OpenX SerDes do so), keys match case-insensitively;
- execution parameters are SQL literals applied to the ``?`` in order
  (https://docs.aws.amazon.com/athena/latest/ug/querying-with-prepared-statements.html).
"""

from __future__ import annotations

import gzip
import io
import json
import re
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import sqlglot
from sqlglot.dialects.dialect import Dialect
from sqlglot.tokens import TokenType

from capabilities.investigation.tables import TableSpec


def split_type(text: str) -> list[str]:
    """Top-level comma split of a Hive type list."""
    parts, depth, current = [], 0, ""
    for ch in text:
        if ch == "<":
            depth += 1
        elif ch == ">":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    return parts + ([current] if current else [])


def duck_type(hive: str) -> str:
    hive = hive.strip()
    simple = {"string": "VARCHAR", "int": "INTEGER", "bigint": "BIGINT", "double": "DOUBLE", "boolean": "BOOLEAN"}
    if hive in simple:
        return simple[hive]
    if hive.startswith("array<"):
        return duck_type(hive[6:-1]) + "[]"
    if hive.startswith("map<"):
        key, value = split_type(hive[4:-1])
        return f"MAP({duck_type(key)}, {duck_type(value)})"
    if hive.startswith("struct<"):
        fields = [f.split(":", 1) for f in split_type(hive[7:-1])]
        return "STRUCT(" + ", ".join(f'"{n}" {duck_type(t)}' for n, t in fields) + ")"
    raise ValueError(f"no DuckDB type for Hive type {hive}")


def conform(value: Any, hive: str) -> Any:
    """A JSON value as the SerDe hands it to the column of Hive type ``hive``."""
    hive = hive.strip()
    if value is None:
        return None
    if hive == "string":
        return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
    if hive in ("int", "bigint"):
        return int(value)
    if hive == "double":
        return float(value)
    if hive == "boolean":
        return bool(value)
    if hive.startswith("array<"):
        return [conform(v, hive[6:-1]) for v in value]
    if hive.startswith("map<"):
        _, value_type = split_type(hive[4:-1])
        return {str(k): conform(v, value_type) for k, v in value.items()}
    if hive.startswith("struct<"):
        lowered = {k.lower(): v for k, v in value.items()}
        return {n: conform(lowered.get(n), t) for n, t in (f.split(":", 1) for f in split_type(hive[7:-1]))}
    raise ValueError(hive)


def _regex_value(group: str | None, hive: str) -> Any:
    """A RegexSerDe group as its column reads it: a number that does not parse (ALB's empty
    target port when there is no target) reads as NULL, as Hive's RegexSerDe does."""
    if group in (None, "-"):
        return None
    if hive in ("int", "bigint", "double"):
        try:
            float(group)
        except ValueError:
            return None
    return group


def _records(spec: TableSpec, body: bytes) -> list[dict]:
    if spec.serde.endswith("ParquetHiveSerDe"):
        return pq.read_table(io.BytesIO(body)).to_pylist()
    text = gzip.decompress(body).decode() if body[:2] == b"\x1f\x8b" else body.decode()
    if spec.serde.endswith("CloudTrailSerde"):
        return json.loads(text)["Records"]
    if spec.serde.endswith("RegexSerDe"):
        regex = re.compile(dict(spec.serde_parameters)["input.regex"])
        rows = []
        for line in text.splitlines():
            match = regex.match(line)
            groups = match.groups() if match else (None,) * len(spec.columns)
            rows.append({name: _regex_value(g, hive) for (name, hive), g in zip(spec.columns, groups, strict=False)})
        return rows
    return [json.loads(line) for line in text.splitlines() if line.strip()]


class LocalAthena:
    def __init__(self, tables: list[TableSpec], objects: dict[tuple[str, str], bytes], workdir: Path) -> None:
        self.db = duckdb.connect()
        self.tables = {t.name: t for t in tables}
        self.keys_by_table: dict[str, list[str]] = {t.name: [] for t in tables}
        for spec in tables:
            rows = []
            pattern = spec.layout.key_pattern()
            # Tables whose LOCATION is the same prefix (the workload copies, workload-logs/)
            # split its keys between them; a key none of them matches is an error.
            siblings = [t.layout.key_pattern() for t in tables if t.layout.location == spec.layout.location]
            for (bucket, key), body in objects.items():
                if bucket != spec.layout.bucket or not key.startswith(spec.layout.location.split("/", 3)[3]):
                    continue
                match = pattern.match(key)
                if not match and len(siblings) > 1 and any(p.match(key) for p in siblings):
                    continue
                assert match, f"{key} does not match {spec.name}'s storage.location.template {spec.layout.location_template}"
                self.keys_by_table[spec.name].append(key)
                for record in _records(spec, body):
                    lowered = {k.lower(): v for k, v in record.items()}
                    row = {name: conform(lowered.get(name), hive) for name, hive in spec.columns}
                    row |= match.groupdict()
                    rows.append(row)
            path = workdir / f"{spec.name}.ndjson"
            path.write_text("".join(json.dumps(r) + "\n" for r in rows))
            columns = {n: duck_type(t) for n, t in spec.columns} | {k: "VARCHAR" for k in spec.partition_keys}
            struct = "{" + ", ".join(f"'{n}': '{t}'" for n, t in columns.items()) + "}"
            if rows:
                self.db.execute(f"CREATE TABLE {spec.name} AS SELECT * FROM read_json('{path}', format='newline_delimited', columns={struct})")
            else:
                self.db.execute(f"CREATE TABLE {spec.name} (" + ", ".join(f'"{n}" {t}' for n, t in columns.items()) + ")")

    def run(self, athena_sql: str, parameters: list[str]) -> list[dict]:
        """Runs Athena SQL with ``?`` execution parameters (SQL literal texts, in order)."""
        tokens = [t for t in Dialect.get_or_raise("athena").tokenize(athena_sql) if t.token_type == TokenType.PLACEHOLDER]
        assert len(tokens) == len(parameters), f"{len(tokens)} parameters expected, {len(parameters)} given"
        text = athena_sql
        for token, literal in reversed(list(zip(tokens, parameters, strict=True))):
            text = text[: token.start] + literal + text[token.end + 1 :]
        sql = sqlglot.transpile(text, read="athena", write="duckdb")[0]
        relation = self.db.sql(sql)
        # Timestamps with a zone come back as text (Athena's own result files are text too).
        columns = [f'CAST("{n}" AS VARCHAR) AS "{n}"' if "TIME ZONE" in str(t) else f'"{n}"' for n, t in zip(relation.columns, relation.types, strict=True)]
        relation = relation.project(", ".join(columns))
        return [dict(zip(relation.columns, row, strict=True)) for row in relation.fetchall()]
