"""Every saved Athena query runs on sample archive objects (DuckDB, the query transpiled from
Athena's Trino SQL by sqlglot) and returns what its investigation needs: the positive, not the
near misses (DPP-ANA-1, DPP-ANA-2, DPP-IR-2)."""

from __future__ import annotations

import pytest

from capabilities.archive.key_layout import archive_layouts
from capabilities.investigation.queries import Query, investigations
from capabilities.investigation.tables import catalogue_tables
from configuration import load_config
from tests.investigation.engine import LocalAthena
from tests.investigation.samples import END, START, sample_objects
from tests.investigation.workload_samples import DISTRIBUTION, WEB_ACL
from tests.support import context_with

CONFIG = load_config(context_with())
INVESTIGATIONS = investigations(CONFIG)
QUERIES: dict[str, Query] = {q.id: q for i in INVESTIGATIONS for q in i.queries}


@pytest.fixture(scope="module")
def athena(tmp_path_factory: pytest.TempPathFactory) -> LocalAthena:
    return LocalAthena(catalogue_tables(CONFIG), sample_objects(CONFIG, list(QUERIES.values())), tmp_path_factory.mktemp("athena"))


ACCOUNT = CONFIG.trail_accounts[0].account_id
VALUES = {
    "account": ACCOUNT,
    "start": START,
    "end": END,
    "principal": "%:user/pos-principal",
    "access_key": "AKIAPOSITIVEKEY00001",
    "api": "ListUsers",
    "finding_id": "pos-finding-id",
    "address": "198.51.100.7",
    "vpc": "vpc-0pos1",
    "domain": "%evil.example.com.",
    "resource_id": "sg-0pos",
    "web_acl": WEB_ACL,
    "distribution": DISTRIBUTION,
}


def _expected(query: Query) -> tuple[list[str], list[str]]:
    """(values the rows must show, values they must not) for each kind of query."""
    prefix = CONFIG.resource_prefix
    kind = query.kind
    if kind == "calls_named":
        return [f"pos-{query.id}"], [f"neg-{query.id}"]
    if kind == "sign_ins":
        if "errormessage = 'Failed authentication'" in query.sql:
            return ["pos-signin-failed"], ["pos-signin-nomfa", "neg-signin-mfa", "neg-signin-early"]
        if "<> 'Yes'" in query.sql:
            return ["pos-signin-nomfa"], ["neg-signin-mfa", "neg-signin-early"]
        return ["pos-signin-nomfa", "neg-signin-mfa"], ["neg-signin-early"]
    if kind == "role_sessions":
        if CONFIG.archive.break_glass_role_name in query.sql:
            return ["pos-breakglass-assume", "pos-breakglass-session"], ["neg-breakglass-assume", "reader"]
        if f"{prefix}-log-reader" in query.sql:
            return ["pos-reader-assume", "pos-reader-session"], ["neg-reader-assume", "breakglass"]
        return ["pos-privileged"], ["neg-privileged"]
    if kind == "object_reads":
        return (["pos-canary"], ["neg-canary"]) if "'$.key') =" in query.sql else (["pos-retrieval"], ["neg-retrieval", "canary"])
    if kind == "function_failures":
        function = query.sql.split(f"LIKE '%/{prefix}-", 1)[1].split("'", 1)[0]
        return [f"pos-fn-{function}"], [f"neg-fn-{function}"]
    if kind == "call_volume":
        return ["'principal': 'arn:aws:iam::" + ACCOUNT + ":user/pos-volume', 'eventsource': 's3.amazonaws.com', 'eventname': 'ListBuckets', 'calls': 3"], [f"neg-{q}'" for q in QUERIES]
    return {
        "refused_calls": (["pos-refused"], ["neg-refused"]),
        "principal_activity": (["pos-principal"], ["neg-principal"]),
        "root_activity": ([f"arn:aws:iam::{ACCOUNT}:root"], ["neg-root"]),
        "access_key_activity": (["pos-key"], ["neg-key"]),
        "api_callers": (["pos-principal"], ["neg-principal"]),
        "finding_principal": (["pos-finding"], ["neg-finding"]),
        "rejected_flows": (["'dstport': 22"], ["'dstport': 443", "198.51.100.8"]),
        "dns_lookups": (["c2.evil.example.com."], ["benign"]),
        "resource_changes": (["pos-change"], ["neg-"]),
        "reader_reads": (["pos-reader-read"], ["neg-reader-put"]),
        # the workload's channels: the window, the account, the web ACL and the distribution bound them
        "alb_clients": (["'client_ip': '198.51.100.7', 'requests': 4, 'errors_5xx': 1, 'refused': 0"], ["203.0.113.50"]),
        "alb_errors": (["'target_ip': '10.0.0.9', 'elb_status_code': 503, 'target_status_code': '503'", "'elb_status_code': 502, 'target_status_code': None"], ["10.0.0.66", ": 200"]),
        "waf_blocked": (["'terminatingruleid': 'pos-sqli', 'terminatingruletype': 'REGULAR', 'client_ip': '198.51.100.7', 'country': 'AU', 'blocked': 1"], ["neg-"]),
        "cloudfront_clients": (["'c_ip': '198.51.100.7', 'sc_status': '200', 'cs_method': 'GET', 'requests': 2", "'sc_status': '403'"], ["198.51.100.11"]),
        # an uncovered region, not a covered one; us-east-1's regional services, not its global ones
        "region_activity": (["pos-region-use1"], ["neg-region-use1", "neg-region"]) if "'us-east-1' AND" in query.sql else (["pos-region"], ["neg-region", "region-use1"]),
    }[kind]


def test_every_alarm_and_route_has_a_query():
    """A new alarm or route without a saved investigation fails here (DPP-IR-2)."""
    missing = [i.subject for i in INVESTIGATIONS if not i.queries]
    assert not missing, f"alarms/routes without a saved query (add one in capabilities/investigation/queries.py): {missing}"
    subjects = {i.subject for i in INVESTIGATIONS}
    assert {"CanaryAccessed", "GuardDutyHigh", "UnauthorizedApiCalls", "TrailTampering", "ConfigNonCompliant"} <= subjects


@pytest.mark.parametrize("query_id", sorted(QUERIES))
def test_saved_query_returns_what_the_investigation_needs(athena: LocalAthena, query_id: str):
    query = QUERIES[query_id]
    parameters = [f"'{VALUES[name]}'" for name in query.parameters]
    rows = athena.run(query.athena_sql, parameters)
    shown = str(rows)
    must, must_not = _expected(query)
    assert rows, f"{query_id} returned nothing"
    for value in must:
        assert value in shown, f"{query_id} does not show {value}: {shown[:800]}"
    for value in must_not:
        assert value not in shown, f"{query_id} shows the near miss {value}"


def test_the_same_query_finds_nothing_in_another_window(athena: LocalAthena):
    """The window and account parameters bound what a query reads (near miss on time)."""
    query = QUERIES["CanaryAccessed"]
    values = dict(VALUES, start="2026-11-01T00:00:00Z", end="2026-11-02T00:00:00Z")
    assert athena.run(query.athena_sql, [f"'{values[n]}'" for n in query.parameters]) == []
    values = dict(VALUES, account="444455556666")
    assert athena.run(query.athena_sql, [f"'{values[n]}'" for n in query.parameters]) == []


def test_every_table_has_sample_objects_under_its_template(athena: LocalAthena):
    """Each table's storage.location.template matched real-layout sample keys (LocalAthena
    refuses keys it does not match), and each table got some."""
    assert all(athena.keys_by_table[t] for t in athena.tables), athena.keys_by_table


@pytest.mark.parametrize(
    "source, key",
    [
        # Hive-style flow-log folders (HiveCompatiblePartitions true) are not the configured layout.
        ("vpc_flow_logs", "vpc-flow-logs/AWSLogs/aws-account-id=111122223333/aws-service=vpcflowlogs/aws-region=eu-west-1/year=2026/month=11/day=30/hour=10/f.log.parquet"),
        # Per-day flow-log folders (PerHourPartition false) neither.
        ("vpc_flow_logs", "vpc-flow-logs/AWSLogs/111122223333/vpcflowlogs/eu-west-1/2026/11/30/f.log.parquet"),
        # Config's folders have no leading zeros.
        ("config", "config/AWSLogs/111122223333/Config/eu-west-1/2026/11/09/ConfigHistory/f.json.gz"),
        # An uncovered region's GuardDuty export would not exist.
        ("guardduty_findings", "guardduty/AWSLogs/111122223333/GuardDuty/ap-south-2/2026/11/30/f.jsonl.gz"),
    ],
)
def test_templates_refuse_other_layouts(source: str, key: str):
    assert not archive_layouts(CONFIG)[source].key_pattern().match(key)


@pytest.mark.parametrize("value", [9_999_999, 0, "100GB", True, 1.5])
def test_a_bad_scan_limit_names_the_key(value):
    from configuration import ConfigError, load_config
    from tests.support import context_with

    with pytest.raises(ConfigError) as error:
        load_config(context_with(investigation__maxBytesScannedPerQuery=value))
    assert str(error.value).count("dpp.investigation.maxBytesScannedPerQuery") == 1 and "\n" not in str(error.value)


def test_the_scan_limit_reaches_the_workgroup_setting():
    from configuration import load_config
    from tests.support import context_with

    assert load_config(context_with(investigation__maxBytesScannedPerQuery=10_000_000)).investigation.max_bytes_scanned_per_query == 10_000_000


def test_organization_mode_projects_every_member_account_and_region():
    """Members cannot be listed: the account column is injected (each saved query names it),
    regions stay enumerated, and the organization trail's own level is in the template."""
    from tests.synth.test_organization import org_context

    config = load_config(org_context())
    layouts = archive_layouts(config)
    org = config.organization.organization_id
    trail = layouts["cloudtrail"]
    assert f"AWSLogs/{org}/${{account}}/CloudTrail/" in trail.location_template
    member = "444455556666"
    assert trail.key_pattern().match(f"cloudtrail/AWSLogs/{org}/{member}/CloudTrail/eu-west-1/2026/11/30/{member}_CloudTrail_eu-west-1_x.json.gz")
    for layout in layouts.values():
        account = next((p for p in layout.partitions if p.name == "account"), None)
        assert account is None or account.properties() == {"projection.account.type": "injected"}, layout.source
    for investigation in investigations(config):
        for query in investigation.queries:
            if "FROM s3_access_logs" not in query.sql:
                assert "account = {account}" in query.sql, query.id
