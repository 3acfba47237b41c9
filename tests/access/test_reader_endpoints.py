"""Network segregation of the reader role (DPP-PRT-4.c, ``archive.readerVpcEndpoints``),
decided by the independent IAM evaluator over examples/two-accounts.json, which confines the
reader to two endpoints: its reads of the archive and the replica and its Athena calls
succeed only through one of them; Athena's own reads on its behalf, and the break-glass role,
are not confined; and without the key (the default app) nothing is."""

from __future__ import annotations

import pytest

from configuration import ConfigError, load_config
from configuration.naming import archive_names
from tests.access.paths import ALLOWED, DENIED, AccessPath
from tests.access.policies import build_estate, read_assembly
from tests.access.simulator import Request, Simulator
from tests.support import cdk_json_context

# aws:SourceVpce is "included in the request context only if the requester uses a VPC endpoint
# to make the request"; aws:CalledViaFirst names the first service that called on the
# principal's behalf (Athena's reads of S3).
DOC_SOURCE_VPCE = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourcevpce"
DOC_CALLED_VIA_FIRST = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-calledviafirst"


def endpoint_rows(config) -> list[AccessPath]:
    names = archive_names(config)
    account, region = names.account, config.home_region
    reader = names.role_arn(names.reader_role)
    break_glass = names.role_arn(config.archive.break_glass_role_name)
    inside = {"aws:SourceVpce": config.archive.reader_vpc_endpoints[-1]}
    elsewhere = {"aws:SourceVpce": "vpce-0999999999999999f"}
    via_athena = {"aws:CalledVia": ["athena.amazonaws.com"], "aws:CalledViaFirst": "athena.amazonaws.com"}
    workgroup = f"arn:aws:athena:{region}:{account}:workgroup/{config.resource_prefix}-investigation"
    rows = []
    for label, bucket in (("archive", names.archive_bucket), ("replica", names.replica_bucket), ("staging", names.config_staging_bucket)):
        obj = f"arn:aws:s3:::{bucket}/cloudtrail/AWSLogs/{account}/x.json.gz"
        rows += [
            AccessPath(f"reader-reads-{label}-through-endpoint", DOC_SOURCE_VPCE, Request(reader, "s3:GetObject", obj, inside), ALLOWED),
            AccessPath(f"reader-reads-{label}-from-internet", DOC_SOURCE_VPCE, Request(reader, "s3:GetObject", obj), DENIED, "no endpoint: the key is absent"),
            AccessPath(f"reader-reads-{label}-through-other-endpoint", DOC_SOURCE_VPCE, Request(reader, "s3:GetObject", obj, elsewhere), DENIED),
            AccessPath(
                f"break-glass-reads-{label}-from-internet", DOC_SOURCE_VPCE, Request(break_glass, "s3:GetObject", obj, administrator=True), ALLOWED, "the way in when the network is the problem"
            ),
        ]
    rows += [
        AccessPath(
            "athena-reads-archive-for-reader",
            DOC_CALLED_VIA_FIRST,
            Request(reader, "s3:GetObject", f"arn:aws:s3:::{names.archive_bucket}/vpc-flow-logs/AWSLogs/{account}/x.parquet", via_athena),
            ALLOWED,
        ),
        AccessPath("reader-starts-query-through-endpoint", DOC_SOURCE_VPCE, Request(reader, "athena:StartQueryExecution", workgroup, inside), ALLOWED),
        AccessPath("reader-starts-query-from-internet", DOC_SOURCE_VPCE, Request(reader, "athena:StartQueryExecution", workgroup), DENIED),
        AccessPath("reader-gets-results-from-internet", DOC_SOURCE_VPCE, Request(reader, "athena:GetQueryResults", workgroup), DENIED),
    ]
    return rows


@pytest.fixture(scope="module")
def decided(two_accounts_synthesized):
    config = two_accounts_synthesized.built.config
    assert config.archive.reader_vpc_endpoints, "the example must confine the reader"
    rows = endpoint_rows(config)
    results = Simulator(build_estate(read_assembly(two_accounts_synthesized.outdir))).evaluate([r.request for r in rows])
    return list(zip(rows, results, strict=True))


def test_the_reader_reads_only_through_its_endpoints(decided):
    wrong = [f"{row.id}: expected {row.expect}, evaluator said {result} ({row.doc}) {row.why}" for row, result in decided if (result == "Allowed") != (row.expect == ALLOWED)]
    assert wrong == []


def test_without_endpoints_no_bucket_policy_names_one(synthesized):
    """The default configuration confines nothing: reads work from anywhere, as before."""
    assert synthesized.built.config.archive.reader_vpc_endpoints == ()
    for kind, region in (("log-archive", None), ("log-replica", None)):
        assert "aws:SourceVpce" not in str(synthesized.template(kind, region).to_json())


@pytest.mark.parametrize("value", ["vpce-xyz", "arn:aws:ec2:eu-west-1:111122223333:vpc-endpoint/vpce-0123456789abcdef0", "vpce-0123456789abcdef0.s3.eu-west-1.vpce.amazonaws.com"])
def test_an_endpoint_that_is_not_an_id_is_refused_with_the_key(value):
    context = cdk_json_context()
    context["dpp"].setdefault("archive", {})["readerVpcEndpoints"] = [value]
    with pytest.raises(ConfigError) as error:
        load_config(context)
    assert error.value.key == "dpp.archive.readerVpcEndpoints[0]" and "vpce-0123456789abcdef0" in str(error.value)
