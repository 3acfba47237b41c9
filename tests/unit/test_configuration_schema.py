"""config.schema.json is generated from the loader, current, valid JSON Schema 2020-12, used by
the examples, documented by the README table, and refuses what the loader refuses on the keys
it describes (issue: one schema for editors and code)."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess

import jsonschema
import pytest

from configuration import ConfigError, load_config
from configuration.reader import recording
from configuration.schema import (
    README,
    SCHEMA_FILE,
    SchemaError,
    _Builder,
    ecma_pattern,
    generate,
    leaf_keys,
    row_for,
)
from configuration.reference import ROWS
from tests.support import ROOT, cdk_json_context, example_config_dict

SCHEMA = json.loads(SCHEMA_FILE.read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))


def test_schema_and_readme_table_are_current():
    schema, readme = generate()
    assert SCHEMA_FILE.read_text() == schema, "config.schema.json is stale: run make schema"
    assert README.read_text() == readme, "the README's configuration table is stale: run make schema"


def test_the_schema_is_valid_json_schema_2020_12():
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def all_patterns(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern":
                yield value
            else:
                yield from all_patterns(value)
    elif isinstance(node, list):
        for value in node:
            yield from all_patterns(value)


def test_every_pattern_is_ecma_262_as_node_reads_it():
    """Editors evaluate patterns as JavaScript regular expressions; Node compiles each one
    (with the u flag, the strictest reading) and agrees with Python on sample strings."""
    node = shutil.which("node")
    assert node, "node is on PATH under make test"
    patterns = sorted(set(all_patterns(SCHEMA)))
    samples = ["111122223333", "eu-west-1", "vpc-0123456789abcdef0", "sp-api-orders-111122223333", "192.168.1.1", "Rôle", "١١١١٢٢٢٢٣٣٣٣", "secops@example.com", "+44 20 7946 0000", ""]
    script = "const [patterns, samples] = JSON.parse(process.argv[1]);console.log(JSON.stringify(patterns.map(p => { const r = new RegExp(p, 'u'); return samples.map(s => r.test(s)); })));"
    result = subprocess.run([node, "-e", script, json.dumps([patterns, samples])], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    import re

    expected = [[re.search(p, s) is not None for s in samples] for p in patterns]
    assert json.loads(result.stdout) == expected


@pytest.mark.parametrize("pattern, ecma", [(r"\d{12}", "^(?:[0-9]{12})$"), (r"[\w.-]+", "^(?:[A-Za-z0-9_.-]+)$"), (r"a|b", "^(?:a|b)$")])
def test_python_patterns_become_anchored_ascii_ecma_patterns(pattern, ecma):
    assert ecma_pattern(pattern) == ecma


def test_patterns_ecma_lacks_are_refused_not_mistranslated():
    with pytest.raises(SchemaError):
        ecma_pattern(r"(?P<name>x)")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_references_the_schema_and_validates(path):
    document = json.loads(path.read_text())
    assert document["$schema"] == "../config.schema.json"
    assert (path.parent / document["$schema"]).resolve() == SCHEMA_FILE
    VALIDATOR.validate(document)


def test_cdk_json_example_validates():
    VALIDATOR.validate(example_config_dict())


def test_single_account_example_is_cdk_jsons_example():
    """So the session's `synthesized` fixture (cdk.json) proves this example synthesizes."""
    document = json.loads((ROOT / "examples" / "single-account.json").read_text())
    document.pop("$schema")
    assert document == example_config_dict()


def test_every_key_the_loader_reads_has_a_reference_row_and_every_row_a_key():
    keys = leaf_keys(SCHEMA)
    containers = {k.rsplit(".", 1)[0].removesuffix("[]") for k in keys if "." in k}
    undocumented = [k for k in keys if row_for(k) is None and k not in containers]
    assert not undocumented, f"add rows for these keys to configuration/reference.py, then make schema: {undocumented}"
    for row in ROWS:
        for row_key in row.keys:
            bare = row_key.removesuffix(".*").removesuffix("[]")
            assert bare in keys, f"configuration/reference.py documents {row_key}, which the loader does not read"


def test_an_empty_list_in_every_document_is_reported_not_guessed():
    from configuration.schema import representative_documents, record

    documents = {"only": example_config_dict()}
    with pytest.raises(SchemaError, match="no representative document has an element of dpp.accounts\\[\\].vpcs"):
        _Builder(record(documents)).object("dpp", [])
    assert len(representative_documents()) == 1 + len(EXAMPLES)


def test_recording_is_off_outside_the_block():
    from configuration import reader

    with recording():
        assert reader._recorder is not None
    assert reader._recorder is None


# --- the schema refuses what the loader refuses ---------------------------------------------


def set_at(document: dict, dotted: str, value) -> dict:
    node = document
    *parents, leaf = dotted.split(".")
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
    if value is KeyError:
        del node[leaf]
    else:
        node[leaf] = value
    return document


@pytest.mark.parametrize(
    "where, value",
    [
        ("retentionDay", 400),  # unknown key (typo)
        ("trail.insight", True),  # unknown nested key
        ("retentionDays", 30),  # below the minimum
        ("retentionDays", 4000),  # beyond CloudWatch Logs
        ("retentionDays", "400"),  # wrong type
        ("accounts.0.id", "1111-2222-3333"),  # pattern
        ("accounts.0.id", "١١١١٢٢٢٢٣٣٣٣"),  # non-ASCII digits
        ("regions", ["eu-west-1", "eu-wset-2"]),  # enum
        ("accounts.0.roles", ["log-archive", "log-archive"]),  # listed twice
        ("notifications.targets", []),  # non-empty
        ("impoc", KeyError),  # required
        ("features.macie", "yes"),  # boolean
        ("businessHours.timeZone", "localtime"),  # tzdata enum
        ("trail.sensitiveBuckets", ["192.168.1.1"]),  # bucket rules
        ("responses.excludedRoleNames", ["Rôle"]),  # ASCII IAM names
        ("stage", None),  # null where the default comes from the defaults: missing
        ("impoc.title", "t" * 51),  # alternate contact
    ],
)
def test_schema_and_loader_both_refuse(where, value):
    document = set_at(copy.deepcopy(example_config_dict()), where, value)
    assert not VALIDATOR.is_valid(document), f"the schema accepts {where}={value!r}"
    context = cdk_json_context()
    context["dpp"] = document
    with pytest.raises(ConfigError):
        load_config(context)


def test_null_means_the_default_where_the_loader_says_so():
    document = set_at(copy.deepcopy(example_config_dict()), "impoc.backupEmail", None)
    document["impoc"].pop("backup", None)  # the example names a backup contact, which sets the address
    assert VALIDATOR.is_valid(document)
    context = cdk_json_context()
    context["dpp"] = document
    assert load_config(context).impoc.backup_email is None
