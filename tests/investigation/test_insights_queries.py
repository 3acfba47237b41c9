"""Every Logs Insights query definition parses under the commands it uses and names only fields
the trail's events have (the sample CloudTrail records), and the deployed templates carry every
saved query where its data lives (DPP-ANA-2)."""

from __future__ import annotations

import re

import pytest

from capabilities.investigation.queries import query_name
from tests.investigation.samples import cloudtrail_records
from tests.investigation.test_saved_queries import CONFIG, QUERIES

# https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax.html
COMMANDS = {"fields", "filter", "stats", "sort", "limit", "parse", "display"}
FUNCTIONS = {"count", "count_distinct", "ispresent", "strcontains", "min", "max", "sum", "avg"}
KEYWORDS = {"and", "or", "not", "like", "in", "as", "by", "asc", "desc"}
BUILT_IN = {"@timestamp", "@message", "@logStream", "@log"}


def _strip_literals(text: str) -> str:
    text = re.sub(r'"[^"]*"', '""', text)
    return re.sub(r"/(?:\\/|[^/])*/", "//", text)


def _fields(command: str) -> set[str]:
    body = _strip_literals(command.split(None, 1)[1] if " " in command else "")
    names = set()
    for token in re.findall(r"@?[A-Za-z_][A-Za-z0-9_.]*", body):
        if token.lower() in KEYWORDS or token in FUNCTIONS or token.isdigit():
            continue
        names.add(token)
    return names


def _has_path(records: list[dict], path: str) -> bool:
    for record in records:
        node = record
        for part in path.split("."):
            if not isinstance(node, dict) or part not in node:
                break
            node = node[part]
        else:
            return True
    return False


INSIGHTS = {qid: q.insights for qid, q in QUERIES.items() if q.insights}


@pytest.mark.parametrize("query_id", sorted(INSIGHTS))
def test_insights_query_parses_and_its_fields_exist(query_id: str):
    query = INSIGHTS[query_id]
    records = cloudtrail_records(CONFIG, list(QUERIES.values()))
    aliases: set[str] = set()
    for command in query.split("\n"):
        command = command.lstrip("| ").strip()
        verb = command.split(None, 1)[0]
        assert verb in COMMANDS, f"{query_id}: unknown command {verb!r}"
        assert command.count("(") == command.count(")"), f"{query_id}: unbalanced parentheses in {command!r}"
        assert _strip_literals(command).count('"') % 2 == 0
        if verb == "limit":
            assert re.fullmatch(r"limit \d+", command), command
            continue
        if verb == "sort":
            assert re.fullmatch(r"sort [@\w.]+ (asc|desc)", command), command
        if verb == "stats":
            assert re.fullmatch(r"stats .+ by .+", command), command
            aliases |= set(re.findall(r" as (\w+)", command))
        for field in _fields(command) - aliases - BUILT_IN:
            assert _has_path(records, field), f"{query_id}: field {field} is in no sample CloudTrail event"


def test_every_query_is_deployed_where_its_data_is(synthesized):
    """Athena named queries in the log-archive account (in the workgroup), Logs Insights
    definitions on the trail's log group at the trail's home."""
    archive = synthesized.template("log-archive")
    named = archive.find_resources("AWS::Athena::NamedQuery")
    deployed = {r["Properties"]["Name"]: r["Properties"] for r in named.values()}
    prefix = CONFIG.resource_prefix
    for query in QUERIES.values():
        props = deployed[query_name(prefix, query)]
        assert props["QueryString"] == query.athena_sql
        assert props["WorkGroup"] == f"{prefix}-investigation"
        assert props["QueryString"].count("?") == len(query.parameters)
    definitions = synthesized.template("account-baseline").find_resources("AWS::Logs::QueryDefinition")
    by_name = {r["Properties"]["Name"]: r["Properties"] for r in definitions.values()}
    for query_id, text in INSIGHTS.items():
        props = by_name[query_name(prefix, QUERIES[query_id])]
        assert props["QueryString"] == text and props["LogGroupNames"] == [f"/dpp/{CONFIG.stage}/cloudtrail"]


def test_workgroup_enforces_results_encryption_and_the_scan_limit(synthesized):
    archive = synthesized.template("log-archive")
    (workgroup,) = archive.find_resources("AWS::Athena::WorkGroup").values()
    config = workgroup["Properties"]["WorkGroupConfiguration"]
    assert config["EnforceWorkGroupConfiguration"] is True
    assert config["BytesScannedCutoffPerQuery"] == CONFIG.investigation.max_bytes_scanned_per_query
    result = config["ResultConfiguration"]
    assert result["OutputLocation"].startswith("s3://dpp-prod-athena-results-")
    assert result["EncryptionConfiguration"]["EncryptionOption"] == "SSE_KMS"
    tables = archive.find_resources("AWS::Glue::Table")
    assert len(tables) == 10  # seven archive prefixes and the three workload log channels
    for table in tables.values():
        params = table["Properties"]["TableInput"]["Parameters"]
        assert params["projection.enabled"] == "true" and "storage.location.template" in params
