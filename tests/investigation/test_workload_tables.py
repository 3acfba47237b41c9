"""The catalogue's tables over the workload log buckets' forwarded copies (DPP-LOG-8,
DPP-ANA-1): documented entries read into every column, and the tables' locations are where the
synthesized forwarders write (the same ``workload_logs_prefix``, checked on the templates, and a
real delivered key re-keyed through the forwarder's own ``destination_key``)."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

from capabilities.archive.key_layout import archive_layouts
from capabilities.investigation.queries import investigations, workload_log_investigations
from capabilities.investigation.tables import (
    ALB_ACCESS_LOG_COLUMNS,
    ALB_ACCESS_LOG_REGEX,
    CLOUDFRONT_COLUMNS,
    CLOUDFRONT_FIELDS,
    WAF_LOG_COLUMNS,
    catalogue_tables,
)
from configuration import load_config
from tests.investigation.engine import split_type
from tests.investigation.workload_samples import ALB_LINES, CLOUDFRONT_VALUES, WAF_RECORD
from tests.support import context_with

ROOT = Path(__file__).resolve().parents[2]
CONFIG = load_config(context_with())
ACCOUNT = CONFIG.workload_accounts[0].account_id
WORKLOAD_TABLES = ("alb_access_logs", "waf_logs", "cloudfront_logs")

# The documented HTTPS entry, field by field, as the access-log-entry-format table of
# https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-access-logs.html
# names them (the Athena table's columns, create-alb-access-logs-table.html).
HTTPS_ENTRY = {
    "type": "https",
    "time": "2018-07-02T22:23:00.186641Z",
    "elb": "app/my-loadbalancer/50dc6c495c0c9188",
    "client_ip": "192.168.131.39",
    "client_port": "2817",
    "target_ip": "10.0.0.1",
    "target_port": "80",
    "request_processing_time": "0.086",
    "target_processing_time": "0.048",
    "response_processing_time": "0.037",
    "elb_status_code": "200",
    "target_status_code": "200",
    "received_bytes": "0",
    "sent_bytes": "57",
    "request_verb": "GET",
    "request_url": "https://www.example.com:443/",
    "request_proto": "HTTP/1.1",
    "user_agent": "curl/7.46.0",
    "ssl_cipher": "ECDHE-RSA-AES128-GCM-SHA256",
    "ssl_protocol": "TLSv1.2",
    "target_group_arn": "arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067",
    "trace_id": "Root=1-58337281-1d84f3d73c47ec4e58577259",
    "domain_name": "www.example.com",
    "chosen_cert_arn": "arn:aws:acm:us-east-2:123456789012:certificate/12345678-1234-1234-1234-123456789012",
    "matched_rule_priority": "1",
    "request_creation_time": "2018-07-02T22:22:48.364000Z",
    "actions_executed": "authenticate,forward",
    "redirect_url": "-",
    "lambda_error_reason": "-",
    "target_port_list": "10.0.0.1:80",
    "target_status_code_list": "200",
    "classification": "-",
    "classification_reason": "-",
    "conn_trace_id": "TID_1234abcd5678ef90",
}


def _columns(line: str) -> dict[str, str]:
    match = re.match(ALB_ACCESS_LOG_REGEX, line)
    assert match, line
    return dict(zip((name for name, _ in ALB_ACCESS_LOG_COLUMNS), match.groups(), strict=False))


def test_the_alb_regex_reads_every_column_of_the_documented_entry():
    """Java's and Python's regex agree on this pattern's constructs (classes, lazy and greedy
    groups, optional trailing groups); the SerDe maps group N to column N."""
    assert re.compile(ALB_ACCESS_LOG_REGEX).groups == len(ALB_ACCESS_LOG_COLUMNS) + 1  # the last group takes later fields
    assert _columns(ALB_LINES[0]) == HTTPS_ENTRY


def test_fields_alb_appends_later_do_not_shift_the_columns():
    """The HTTP entry as documented now, with three fields after the traceability ID."""
    columns = _columns(ALB_LINES[1])
    assert (columns["type"], columns["ssl_cipher"], columns["elb_status_code"], columns["conn_trace_id"]) == ("http", "-", "200", "TID_1234abcd5678ef90")
    assert re.match(ALB_ACCESS_LOG_REGEX, ALB_LINES[1]).groups()[-1] == ' "-" "-" "-"'


def test_a_network_load_balancer_entry_is_not_read_as_an_alb_one():
    """Near miss: an NLB access log entry (network/load-balancer-access-logs.html) in the ALB table."""
    nlb = (
        "tls 2.0 2020-04-01T08:51:42 net/my-network-loadbalancer/c6e77e28c25b2234 g3d4b5e8bb8464cd 72.21.218.154:51341 172.100.100.185:443 "
        "5 2 98 246 - arn:aws:acm:us-east-2:671290407336:certificate/2a108f19-aded-46b0-8493-c63eb1ef4a99 - ECDHE-RSA-AES128-SHA tlsv12 - "
        'my-network-loadbalancer-c6e77e28c25b2234.elb.us-east-2.amazonaws.com h2 h2 "h2","http/1.1" 2020-04-01T08:51:20'
    )
    assert not re.match(ALB_ACCESS_LOG_REGEX, nlb)


def _struct_fields(hive: str) -> set[str]:
    return {f.split(":", 1)[0] for f in split_type(hive[len("struct<") : -1])}


def test_every_field_of_the_documented_waf_entry_has_a_column():
    """The OpenX JSON SerDe matches keys case-insensitively; a field without a column would be
    dropped silently, so the documented entry's fields, nested ones included, must all be there."""
    columns = dict(WAF_LOG_COLUMNS)
    assert {k.lower() for k in WAF_RECORD} <= set(columns), {k.lower() for k in WAF_RECORD} - set(columns)
    assert {k.lower() for k in WAF_RECORD["httpRequest"]} <= _struct_fields(columns["httprequest"])
    match = columns["terminatingrulematchdetails"][len("array<") : -1]
    assert {k.lower() for k in WAF_RECORD["terminatingRuleMatchDetails"][0]} <= _struct_fields(match)


def test_the_cloudfront_columns_are_the_default_fields_as_athena_names_them():
    """The documented entry has one value per default field, and the column names are those of
    https://docs.aws.amazon.com/athena/latest/ug/create-cloudfront-table-partition-parquet.html."""
    assert len(CLOUDFRONT_VALUES) == len(CLOUDFRONT_FIELDS) == len(CLOUDFRONT_COLUMNS) == 33
    assert dict(zip(CLOUDFRONT_FIELDS, CLOUDFRONT_VALUES, strict=True))["c-ip"] == "192.0.2.100"
    assert [name for name, _ in CLOUDFRONT_COLUMNS] == [
        "date", "time", "x_edge_location", "sc_bytes", "c_ip", "cs_method", "cs_host", "cs_uri_stem", "sc_status", "cs_referer",
        "cs_user_agent", "cs_uri_query", "cs_cookie", "x_edge_result_type", "x_edge_request_id", "x_host_header", "cs_protocol",
        "cs_bytes", "time_taken", "x_forwarded_for", "ssl_protocol", "ssl_cipher", "x_edge_response_result_type", "cs_protocol_version",
        "fle_status", "fle_encrypted_fields", "c_port", "time_to_first_byte", "x_edge_detailed_result_type", "sc_content_type",
        "sc_content_len", "sc_range_start", "sc_range_end",
    ]  # fmt: skip


def _forwarder():
    spec = importlib.util.spec_from_file_location("log_forwarder_for_tables", ROOT / "lambdas" / "log_forwarder" / "handler.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _delivered_keys(account: str, region: str) -> dict[str, str]:
    """Keys as each service writes them into the workload log bucket: the real ALB delivery of
    tests/events/s3 re-keyed to this account and region, a WAF key as logging-s3.html lays it
    out, a CloudFront v2 key with the documented suffix."""
    event = json.loads((ROOT / "tests" / "events" / "s3" / "object-created-alb.json").read_text())
    alb = event["detail"]["object"]["key"].replace(event["account"], account).replace(event["region"], region)
    return {
        "alb_access_logs": alb,
        "waf_logs": f"waf/AWSLogs/{account}/WAFLogs/{region}/orders-acl/2026/11/30/10/15/{account}_waflogs_{region}_orders-acl_20261130T1015Z_e8e7f8ee.log.gz",
        "cloudfront_logs": f"cloudfront/AWSLogs/{account}/CloudFront/E2EXAMPLE12345/2026/11/30/10/E2EXAMPLE12345.2026-11-30-10.abcd1234.parquet",
    }


def _environment(template, name_part: str) -> dict:
    functions = [f for f in template.find_resources("AWS::Lambda::Function").values() if name_part in json.dumps(f["Properties"].get("FunctionName", ""))]
    assert len(functions) == 1, name_part
    return functions[0]["Properties"]["Environment"]["Variables"]


def _glue_tables(template) -> dict[str, dict]:
    return {t["Properties"]["TableInput"]["Name"]: t["Properties"]["TableInput"] for t in template.find_resources("AWS::Glue::Table").values()}


@pytest.mark.parametrize("region", ["eu-west-1", "eu-central-1"])
def test_each_forwarded_copy_lands_where_its_table_reads(synthesized, region):
    """Writer and reader as deployed: the forwarder's DESTINATION_PREFIX (collection stack) and
    the Glue tables' projection (log-archive stack) agree on a key of each source, through the
    forwarder's own destination_key."""
    forwarder = _forwarder()
    environment = _environment(synthesized.template("collection", region), "log-forwarder")
    settings = forwarder.Settings(
        destination_bucket="unused",
        destination_account="unused",
        destination_prefix=environment["DESTINATION_PREFIX"],
        source_prefixes=("alb/", "waf/", "cloudfront/"),
        source_bucket_pattern=environment["SOURCE_BUCKET_PATTERN"],
    )
    assert environment["SOURCE_PREFIXES"].split(",") == ["alb/", "waf/", "cloudfront/"]
    tables = _glue_tables(synthesized.template("log-archive", CONFIG.home_region))
    layouts = archive_layouts(CONFIG)
    for table, key in _delivered_keys(ACCOUNT, region).items():
        deployed = tables[table]["Parameters"]
        assert deployed["storage.location.template"] == layouts[table].location_template
        assert deployed["projection.region.values"] == ",".join(sorted(CONFIG.regions))
        assert deployed["projection.account.values"] == ACCOUNT
        source = forwarder.SourceObject(bucket=settings.source_bucket(ACCOUNT, region), key=key, size=1, version_id=None, owner=ACCOUNT, region=region)
        copied = forwarder.destination_key(settings, source)
        match = layouts[table].key_pattern().match(copied)
        assert match, f"{copied} is outside {table}'s {layouts[table].location_template}"
        assert (match["account"], match["region"]) == (ACCOUNT, region)


def test_the_waf_day_partition_takes_the_hour_and_minute_folders_and_a_cloudfront_scope():
    layout = archive_layouts(CONFIG)["waf_logs"]
    copies = f"workload-logs/{ACCOUNT}/eu-west-1/waf/AWSLogs/{ACCOUNT}/WAFLogs"
    match = layout.key_pattern().match(f"{copies}/cloudfront/edge-acl/2026/11/30/23/55/{ACCOUNT}_waflogs_cloudfront_edge-acl_20261130T2355Z_1a2b.log.gz")
    assert match and (match["scope"], match["web_acl"], match["day"]) == ("cloudfront", "edge-acl", "2026/11/30")
    props = layout.partitions[2].properties()
    assert props["projection.scope.values"].split(",") == [*sorted(CONFIG.regions), "cloudfront"]


@pytest.mark.parametrize(
    "table, key",
    [
        # The inner AWSLogs/<account> is the forwarding account's own: another account's object under it is not this layout.
        ("alb_access_logs", f"workload-logs/{ACCOUNT}/eu-west-1/alb/AWSLogs/444455556666/elasticloadbalancing/eu-west-1/2026/11/30/f.log.gz"),
        # A load balancer logs into a bucket of its own region.
        ("alb_access_logs", f"workload-logs/{ACCOUNT}/eu-west-1/alb/AWSLogs/{ACCOUNT}/elasticloadbalancing/eu-central-1/2026/11/30/f.log.gz"),
        # A WAF key without its hour and minute folders is not what WAF writes.
        ("waf_logs", f"workload-logs/{ACCOUNT}/eu-west-1/waf/AWSLogs/{ACCOUNT}/WAFLogs/eu-west-1/orders-acl/2026/11/30/f.log.gz"),
        # CloudFront's default v2 layout (no distribution and hour folders) is not the documented delivery.
        ("cloudfront_logs", f"workload-logs/{ACCOUNT}/eu-west-1/cloudfront/AWSLogs/{ACCOUNT}/CloudFront/E2EXAMPLE12345.2026-11-30-10.abcd1234.gz"),
        # Not forwarded at all (the source bucket's own key).
        ("alb_access_logs", f"alb/AWSLogs/{ACCOUNT}/elasticloadbalancing/eu-west-1/2026/11/30/f.log.gz"),
    ],
)
def test_the_workload_templates_refuse_other_layouts(table, key):
    assert not archive_layouts(CONFIG)[table].key_pattern().match(key)


def test_without_workload_log_buckets_there_are_no_workload_tables_or_queries():
    config = load_config(context_with(workload__logBuckets=False))
    assert not {t.name for t in catalogue_tables(config)} & set(WORKLOAD_TABLES)
    assert workload_log_investigations(config) == []
    assert "WorkloadLoadBalancers" not in {i.subject for i in investigations(config)}


def test_organization_members_are_injected_in_the_workload_tables():
    from tests.synth.test_organization import org_context

    config = load_config(org_context())
    tables = {t.name: t for t in catalogue_tables(config)}
    for name in WORKLOAD_TABLES:
        assert tables[name].parameters()["projection.account.type"] == "injected", name
    for investigation in workload_log_investigations(config):
        for query in investigation.queries:
            assert "account = {account}" in query.sql


def test_the_deployed_tables_carry_their_serde(synthesized):
    """What Athena will read with: the ALB pattern as written here, the OpenX JSON SerDe for WAF,
    Parquet for CloudFront, and the injected columns a query must name."""
    tables = _glue_tables(synthesized.template("log-archive", CONFIG.home_region))
    alb = tables["alb_access_logs"]["StorageDescriptor"]
    assert alb["SerdeInfo"] == {"SerializationLibrary": "org.apache.hadoop.hive.serde2.RegexSerDe", "Parameters": {"serialization.format": "1", "input.regex": ALB_ACCESS_LOG_REGEX}}
    assert [c["Name"] for c in alb["Columns"]] == [n for n, _ in ALB_ACCESS_LOG_COLUMNS]
    assert tables["waf_logs"]["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"] == "org.openx.data.jsonserde.JsonSerDe"
    assert tables["waf_logs"]["Parameters"]["projection.web_acl.type"] == "injected"
    cloudfront = tables["cloudfront_logs"]
    assert cloudfront["StorageDescriptor"]["InputFormat"] == "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
    assert cloudfront["Parameters"]["projection.distribution.type"] == "injected"
    assert cloudfront["Parameters"]["projection.hour.format"] == "yyyy/MM/dd/HH"
    for name in WORKLOAD_TABLES:
        assert tables[name]["StorageDescriptor"]["Location"] == f"s3://{archive_layouts(CONFIG)[name].bucket}/workload-logs/"
        assert [k["Name"] for k in tables[name]["PartitionKeys"]] == [p.name for p in archive_layouts(CONFIG)[name].partitions]
