"""Malformed configurations end in one ConfigError line naming a dpp. key, never a traceback
(issue: tracebacks from odd input). A property test mutates the example configuration at
random places with hostile values; the classes the issue names each have a case."""
from __future__ import annotations

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from configuration import ConfigError, load_config
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


def assert_one_line_naming_a_key(context):
    try:
        load_config(context)
    except ConfigError as error:
        text = str(error)
        assert "\n" not in text and text.startswith("configuration error: dpp"), text


EXAMPLE = example_config_dict()
ALL_PATHS = list(paths(EXAMPLE))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(where=st.sampled_from(ALL_PATHS), value=HOSTILE)
def test_any_hostile_value_anywhere_is_refused_in_one_line_or_accepted(where, value):
    context = cdk_json_context()
    context["dpp"] = set_at(copy.deepcopy(EXAMPLE), where, value)
    assert_one_line_naming_a_key(context)


def file_context(tmp_path, data: bytes) -> dict:
    path = tmp_path / "team.json"
    path.write_bytes(data)
    return {"dpp:config": str(path)}


@pytest.mark.parametrize(
    "data, words",
    [
        ("{\"stage\": \"prod\"}".encode("utf-16"), "not UTF-8"),
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
    context["dpp"]["impoc"]["backupEmail"] = context["dpp"]["impoc"]["email"].upper()
    with pytest.raises(ConfigError, match=r"dpp\.impoc\.backupEmail: .* already subscribed as dpp\.impoc\.email"):
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
