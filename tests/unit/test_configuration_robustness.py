"""Malformed configurations end in one ConfigError line naming a dpp. key, never a traceback
(issue: tracebacks from odd input). A property test mutates the example configuration at
random places with hostile values; the classes the issue names each have a case."""

from __future__ import annotations

import copy
import io
import json

import jsonschema

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import app
from configuration import ConfigError, load_config
from configuration.schema import SCHEMA_FILE, representative_documents
from tests.support import cdk_json_context, example_config_dict

HOSTILE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=80),
    st.sampled_from(["١١١١٢٢٢٢٣٣٣٣", "{account.real}", "cron(banana)", "rate(0 minutes)", "localtime", "0.0.0.0/0", "aws:tag", "alerts.example.org/hooks/x", "192.168.1.1"]),
    st.lists(st.text(max_size=10), max_size=3),
    st.dictionaries(st.text(max_size=8), st.integers(), max_size=3),
)


def paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from paths(value, prefix + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from paths(value, prefix + (i,))


def set_at(document, path, value):
    if not path:
        return value
    node = document
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return document


def refusal_line(document: dict) -> str | None:
    """What app.py prints for this configuration: None when it loads; otherwise the exit code
    must be 2 and stderr exactly one line naming a dpp. key, with no traceback."""
    context = cdk_json_context()
    context["dpp"] = document
    stderr = io.StringIO()
    result = app.read_configuration(context, stderr=stderr)
    if not isinstance(result, int):
        assert stderr.getvalue() == ""
        return None
    lines = stderr.getvalue().splitlines()
    assert result == app.EXIT_CONFIG == 2
    assert len(lines) == 1 and lines[0].startswith("configuration error: dpp."), lines
    assert "Traceback" not in stderr.getvalue()
    return lines[0]


def get_at(document, path):
    for part in path:
        document = document[part]
    return document


DOCUMENTS = {name: document for name, document in representative_documents().items()}
EXAMPLE = example_config_dict()
PLACES = [(name, path) for name, document in DOCUMENTS.items() for path in paths(document) if path]
# Objects with fixed keys (alarms.thresholds is keyed by alarm ID, checked against the catalogue;
# a workload metric's dimensions are keyed by the metric's own dimension names).
OBJECTS = [(name, path) for name, document in DOCUMENTS.items() for path in paths(document) if isinstance(get_at(document, path), dict) and path[-1:] not in (("thresholds",), ("dimensions",))]
SCHEMA = jsonschema.Draft202012Validator(json.loads(SCHEMA_FILE.read_text()))


def other_type(value) -> st.SearchStrategy:
    """A value of a different JSON type (never null, which may mean "the default", and never
    a float for an integer or the reverse, which may both be numbers)."""
    kinds = {
        "string": st.text(max_size=20),
        "number": st.integers(min_value=-5, max_value=10**6),
        "boolean": st.booleans(),
        "list": st.lists(st.integers(), max_size=2),
        "object": st.dictionaries(st.sampled_from(["x", "id", "name"]), st.integers(), max_size=2),
    }
    own = {str: "string", bool: "boolean", int: "number", float: "number", list: "list", dict: "object"}[type(value)]
    return st.one_of(*(strategy for kind, strategy in kinds.items() if kind != own))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_hostile_values_anywhere_are_refused_in_one_line_or_accepted_by_the_schema_too(data):
    """Accepted means valid for config.schema.json as well: the schema is never stricter than
    the loader (and anything the schema refuses, the loader refuses)."""
    name, where = data.draw(st.sampled_from(PLACES))
    document = set_at(copy.deepcopy(DOCUMENTS[name]), where, data.draw(HOSTILE))
    if refusal_line(document) is None:
        assert SCHEMA.is_valid(document), f"{name}: the loader accepts {where} but the schema refuses it"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_malformed_configurations_exit_2_with_one_line(data):
    """Mutations that are malformed by construction: a value of the wrong JSON type, an
    unknown key, a required key removed. Every one is refused, in one line, with exit 2."""
    kind = data.draw(st.sampled_from(["wrong type", "unknown key", "required key removed"]))
    if kind == "wrong type":
        name, where = data.draw(st.sampled_from(PLACES))
        document = copy.deepcopy(DOCUMENTS[name])
        set_at(document, where, data.draw(other_type(get_at(document, where))))
    elif kind == "unknown key":
        name, where = data.draw(st.sampled_from(OBJECTS))
        document = copy.deepcopy(DOCUMENTS[name])
        target = get_at(document, where)
        key = data.draw(st.text(min_size=1, max_size=12).filter(lambda k: k not in target and k != "$schema"))
        target[key] = data.draw(HOSTILE)
    else:
        name = data.draw(st.sampled_from(sorted(DOCUMENTS)))
        document = copy.deepcopy(DOCUMENTS[name])
        del document[data.draw(st.sampled_from(["homeRegion", "regions", "replicaRegion", "accounts", "notifications", "impoc"]))]
    line = refusal_line(document)
    assert line is not None, f"{kind} in {name} was accepted"
    assert not SCHEMA.is_valid(document), f"the schema accepts a {kind} the loader refuses: {line}"


def file_context(tmp_path, data: bytes) -> dict:
    path = tmp_path / "team.json"
    path.write_bytes(data)
    return {"dpp:config": str(path)}


@pytest.mark.parametrize(
    "data, words",
    [
        ('{"stage": "prod"}'.encode("utf-16"), "not UTF-8"),
        (b"[" * 5000 + b"]" * 5000, "nested too deeply"),
        (json.dumps(EXAMPLE).replace('"retentionDays": 365', '"retentionDays": NaN').encode(), "NaN"),
        (json.dumps(EXAMPLE).replace('"retentionDays": 365', '"retentionDays": Infinity').encode(), "Infinity"),
        (json.dumps(EXAMPLE)[:-1].encode() + b', "stage": "dev"}', "twice"),
    ],
)
def test_hostile_files_are_refused_in_one_line(tmp_path, data, words):
    with pytest.raises(ConfigError) as error:
        load_config(file_context(tmp_path, data))
    assert words in str(error.value) and "dpp:config" in str(error.value)


def test_non_ascii_digits_are_not_an_account_id():
    context = cdk_json_context()
    context["dpp"]["accounts"][0]["id"] = "١١١١٢٢٢٢٣٣٣٣"
    with pytest.raises(ConfigError, match=r"dpp\.accounts\[0\]\.id"):
        load_config(context)


def test_an_address_subscribed_twice_is_refused():
    context = cdk_json_context()
    context["dpp"]["impoc"]["backup"]["email"] = context["dpp"]["impoc"]["email"].upper()
    with pytest.raises(ConfigError, match=r"dpp\.impoc\.backup\.email: .* already subscribed as dpp\.impoc\.email"):
        load_config(context)


def test_the_backup_is_a_named_contact_and_backup_email_still_works():
    """DPP-IR-1: dpp.impoc.backup {name, email, phone}; the older backupEmail keeps working
    (the plan then says the backup has no name or phone), and both at once is refused."""
    from evidence.incident_plan import incident_plan

    config = load_config(cdk_json_context())
    assert (config.impoc.backup.name, config.impoc.backup.phone, config.impoc.backup_email) == ("Deputy Security Lead", "+44 20 7946 0001", "security-backup@example.com")
    assert "| Backup | Deputy Security Lead | security-backup@example.com | +44 20 7946 0001 |" in incident_plan(config)
    context = cdk_json_context()
    context["dpp"]["impoc"].pop("backup")
    context["dpp"]["impoc"]["backupEmail"] = "old-style@example.com"
    old = load_config(context)
    assert old.impoc.backup_email == "old-style@example.com" and old.impoc.backup.phone is None
    assert "none configured (dpp.impoc.backup.phone)" in incident_plan(old)
    context["dpp"]["impoc"]["backup"] = {"name": "A", "email": "a@example.com", "phone": "+44 20 7946 0002"}
    with pytest.raises(ConfigError, match=r"dpp\.impoc\.backupEmail: is given beside dpp\.impoc\.backup"):
        load_config(context)
    context["dpp"]["impoc"].pop("backupEmail")
    context["dpp"]["impoc"]["backup"].pop("phone")
    with pytest.raises(ConfigError, match=r"dpp\.impoc\.backup\.phone: is missing"):
        load_config(context)


def test_sms_targets_page_with_e164_numbers():
    """SNS SMS takes E.164 numbers (https://docs.aws.amazon.com/sns/latest/dg/sms_sending-overview.html)."""
    config = load_config(cdk_json_context())
    (pager,) = [t for t in config.notification_targets if t.kind == "sms"]
    assert (pager.phone, pager.is_webhook, pager.secret_name) == ("+447700900123", False, None)
    context = cdk_json_context()
    context["dpp"]["notifications"]["targets"][-1]["phone"] = "+44 7700 900123"
    with pytest.raises(ConfigError, match=r"dpp\.notifications\.targets\[3\]\.phone: .* is not valid; use E\.164"):
        load_config(context)


def test_a_vpc_listed_twice_is_refused():
    context = cdk_json_context()
    vpc = {"id": "vpc-0123456789abcdef0", "region": "eu-west-1"}
    context["dpp"]["accounts"][0]["vpcs"] = [vpc, dict(vpc)]
    with pytest.raises(ConfigError, match=r"dpp\.accounts\[0\]\.vpcs\[1\]\.id"):
        load_config(context)


def test_retention_beyond_cloudwatch_logs_is_refused():
    context = cdk_json_context()
    context["dpp"]["retentionDays"] = 4000
    with pytest.raises(ConfigError, match=r"dpp\.retentionDays: .*3653"):
        load_config(context)
