"""The examples synthesize with every nag pack (issue: examples to start from).

single-account.json is cdk.json's example (tests/unit/test_configuration_schema.py asserts the
equality), so the session's `synthesized` fixture proves it; organization.json is the
`organization_synthesized` fixture's input (tests/synth/test_organization.py); two-accounts.json
is synthesized here, once."""

from __future__ import annotations

import json

import pytest
from aws_cdk.assertions import Match, Template

from tests.support import ROOT
from tests.synth.test_organization import org_context

ARCHIVE, WORKLOAD = "111122223333", "444455556666"
EXAMPLE = json.loads((ROOT / "examples" / "two-accounts.json").read_text())


@pytest.fixture(scope="module")
def two(two_accounts_synthesized):
    return two_accounts_synthesized


def kinds_by_account(assembly) -> dict[str, set[str]]:
    placed: dict[str, set[str]] = {}
    for stack in assembly.stacks:
        kind = stack.stack_name.removeprefix("dpp-prod-").rsplit("-", 4)[0]
        placed.setdefault(stack.environment.account, set()).add(f"{kind}@{stack.environment.region}")
    return placed


def template(two, name: str) -> Template:
    return Template.from_json(two.assembly.get_stack_by_name(name).template)


def test_the_archive_lives_in_the_log_archive_account_and_monitoring_in_both(two):
    monitoring = {"monitoring-foundation@eu-west-1", "account-baseline@eu-west-1", "collection@eu-west-1", "detection@eu-west-1", "alarms@eu-west-1", "global-events@us-east-1"}
    assert kinds_by_account(two.assembly) == {
        ARCHIVE: {"log-archive@eu-west-1", "log-replica@eu-central-1"} | monitoring,
        WORKLOAD: monitoring,
    }
    report = json.loads((two.outdir / "validation-report.json").read_text())
    assert report, "the nag gate ran (synth raises on an unacknowledged finding)"


def test_the_workloads_named_vpc_gets_flow_logs_in_its_own_account(two):
    template(two, f"dpp-prod-collection-{WORKLOAD}-eu-west-1").has_resource_properties("AWS::EC2::FlowLog", {"ResourceId": "vpc-0123456789abcdef0"})
    archive = template(two, f"dpp-prod-collection-{ARCHIVE}-eu-west-1").find_resources("AWS::EC2::FlowLog", {"Properties": {"ResourceId": "vpc-0123456789abcdef0"}})
    assert archive == {}


def test_the_scanned_bucket_and_the_custom_alarm_are_the_workloads(two):
    detection = template(two, f"dpp-prod-detection-{WORKLOAD}-eu-west-1")
    detection.has_resource_properties(
        "AWS::GuardDuty::MalwareProtectionPlan",
        {"ProtectedResource": {"S3Bucket": {"BucketName": "sp-api-orders-444455556666", "ObjectPrefixes": ["uploads/"]}}},
    )
    custom = EXAMPLE["alarms"]["custom"][0]
    template(two, f"dpp-prod-alarms-{WORKLOAD}-eu-west-1").has_resource_properties("AWS::Logs::MetricFilter", {"FilterPattern": custom["filterPattern"]})
    template(two, f"dpp-prod-alarms-{WORKLOAD}-eu-west-1").has_resource_properties("AWS::CloudWatch::Alarm", {"AlarmName": Match.string_like_regexp(custom["id"])})


def test_the_organization_fixture_reads_the_organization_example():
    document = json.loads((ROOT / "examples" / "organization.json").read_text())
    assert org_context()["dpp"] == document
