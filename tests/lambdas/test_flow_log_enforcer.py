"""The flow-log enforcer against moto's EC2, S3 and Route 53 Resolver."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from tests.lambdas.handlers import load_handler

ROOT = Path(__file__).resolve().parents[2]
EVENTS = ROOT / "tests" / "events"
REGION = "eu-west-1"
# moto resolves a flow-log S3 destination's key prefix as part of the bucket name, so these
# tests deliver to the bucket root; the real stacks add the archive's vpc-flow-logs/ prefix.
BUCKET = "dpp-prod-log-archive-111122223333-eu-west-1"
S3_DESTINATION = f"arn:aws:s3:::{BUCKET}"


handler = load_handler("flow_log_enforcer")


def event(name: str) -> dict:
    return json.loads((EVENTS / name).read_text())


@pytest.fixture
def aws(monkeypatch):
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": REGION}.items():
        monkeypatch.setenv(key, value)
    with mock_aws():
        boto3.client("s3").create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        resolver = boto3.client("route53resolver")
        config_id = resolver.create_resolver_query_log_config(Name="dpp-prod-dns-query-logs", DestinationArn=f"{S3_DESTINATION}/dns-query-logs", CreatorRequestId="test")["ResolverQueryLogConfig"][
            "Id"
        ]
        monkeypatch.setenv("FLOW_LOG_DESTINATIONS", json.dumps([{"kind": "s3", "arn": S3_DESTINATION}]))
        monkeypatch.setenv("FLOW_LOG_FORMAT", "${version} ${account-id} ${srcaddr} ${dstaddr} ${action}")
        monkeypatch.setenv("FLOW_LOG_MAX_AGGREGATION_INTERVAL", "600")
        monkeypatch.setenv("RESOLVER_QUERY_LOG_CONFIG_ID", config_id)
        yield {"ec2": boto3.client("ec2"), "resolver": resolver, "config_id": config_id}


def flow_logs_of(ec2, vpc_id: str) -> list[dict]:
    return ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpc_id]}])["FlowLogs"]


def create_vpc_event(vpc_id: str) -> dict:
    e = event("cloudtrail-create-vpc.json")
    e["detail"]["responseElements"]["vpc"]["vpcId"] = vpc_id
    return e


def test_a_new_vpc_gets_an_all_traffic_flow_log_and_dns_logging(aws):
    vpc_id = aws["ec2"].create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    result = handler.handler(create_vpc_event(vpc_id), None)
    assert result == {"checked": 1, "flowLogsCreated": [vpc_id], "dnsAssociated": [vpc_id], "failed": {}}
    (flow_log,) = flow_logs_of(aws["ec2"], vpc_id)
    assert flow_log["TrafficType"] == "ALL"
    assert flow_log["LogDestinationType"] == "s3"
    assert flow_log["LogDestination"] == S3_DESTINATION
    assert flow_log["LogFormat"] == "${version} ${account-id} ${srcaddr} ${dstaddr} ${action}"
    associations = aws["resolver"].list_resolver_query_log_config_associations()["ResolverQueryLogConfigAssociations"]
    assert [(a["ResolverQueryLogConfigId"], a["ResourceId"]) for a in associations] == [(aws["config_id"], vpc_id)]


def test_running_twice_changes_nothing(aws):
    vpc_id = aws["ec2"].create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    handler.handler(create_vpc_event(vpc_id), None)
    again = handler.handler(create_vpc_event(vpc_id), None)
    assert again == {"checked": 1, "flowLogsCreated": [], "dnsAssociated": [], "failed": {}}
    assert len(flow_logs_of(aws["ec2"], vpc_id)) == 1


def test_daily_sweep_covers_every_vpc_including_the_default_one(aws):
    created = [aws["ec2"].create_vpc(CidrBlock=f"10.{i}.0.0/16")["Vpc"]["VpcId"] for i in (30, 31)]
    every_vpc = [v["VpcId"] for v in aws["ec2"].describe_vpcs()["Vpcs"]]
    assert len(every_vpc) == 3  # moto's default VPC too
    result = handler.handler(event("scheduled-event.json"), None)
    assert sorted(result["flowLogsCreated"]) == sorted(every_vpc)
    for vpc_id in created:
        assert flow_logs_of(aws["ec2"], vpc_id)


def test_a_vpc_with_a_flow_log_elsewhere_still_gets_one_to_the_archive(aws):
    vpc_id = aws["ec2"].create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    other = "dpp-test-some-other-bucket"
    boto3.client("s3").create_bucket(Bucket=other, CreateBucketConfiguration={"LocationConstraint": REGION})
    aws["ec2"].create_flow_logs(ResourceIds=[vpc_id], ResourceType="VPC", TrafficType="REJECT", LogDestinationType="s3", LogDestination=f"arn:aws:s3:::{other}")
    result = handler.handler(create_vpc_event(vpc_id), None)
    assert result["flowLogsCreated"] == [vpc_id]
    assert {f["LogDestination"] for f in flow_logs_of(aws["ec2"], vpc_id)} == {f"arn:aws:s3:::{other}", S3_DESTINATION}


def test_a_vpc_that_cannot_be_covered_fails_the_run_after_trying_the_rest(aws, monkeypatch):
    monkeypatch.setenv("FLOW_LOG_DESTINATIONS", json.dumps([{"kind": "s3", "arn": "arn:aws:s3:::no-such-bucket"}]))
    vpc_id = aws["ec2"].create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    with pytest.raises(handler.EnforcementFailed, match=r"2 VPC\(s\) not covered"):
        handler.handler(event("scheduled-event.json"), None)
    assert flow_logs_of(aws["ec2"], vpc_id) == []
    # The DNS step does not depend on the flow-log step: both VPCs are associated.
    associations = aws["resolver"].list_resolver_query_log_config_associations()["ResolverQueryLogConfigAssociations"]
    assert vpc_id in {a["ResourceId"] for a in associations} and len(associations) == 2


def test_create_vpc_event_without_a_vpc_id_is_an_error(aws):
    broken = event("cloudtrail-create-vpc.json")
    del broken["detail"]["responseElements"]
    with pytest.raises(handler.EnforcementFailed, match="responseElements.vpc.vpcId"):
        handler.handler(broken, None)


def test_logs_name_vpcs_only_never_the_event(aws, caplog):
    vpc_id = aws["ec2"].create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    with caplog.at_level(logging.INFO):
        handler.handler(create_vpc_event(vpc_id), None)
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert vpc_id in text
    for leaked in ("198.51.100.23", "deployer", "NetworkAdmin", "aws-cli"):
        assert leaked not in text


def test_cloudwatch_destination_matching_uses_the_group_name():
    destination = handler.Destination(kind="cloud-watch-logs", arn="arn:aws:logs:eu-west-1:111122223333:log-group:/dpp/prod/vpc-flow-logs", role_arn="r")
    log = {"LogDestinationType": "cloud-watch-logs", "TrafficType": "ALL", "LogGroupName": "/dpp/prod/vpc-flow-logs"}
    assert handler._same_destination(log, destination)
    assert not handler._same_destination({**log, "TrafficType": "REJECT"}, destination)
    s3_with_prefix = handler.Destination(kind="s3", arn=f"{S3_DESTINATION}/vpc-flow-logs")
    assert handler._same_destination({"LogDestinationType": "s3", "TrafficType": "ALL", "LogDestination": f"{S3_DESTINATION}/vpc-flow-logs/"}, s3_with_prefix)


# --- failed calls and shared VPCs (issue 16 item 12) -------------------------------------------


def failed_create_vpc_event() -> dict:
    """CloudTrail records a refused call too, with errorCode/errorMessage and no responseElements
    (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html)."""
    failed = event("cloudtrail-create-vpc.json")
    failed["detail"].update(errorCode="VpcLimitExceeded", errorMessage="The maximum number of VPCs has been reached.", responseElements=None)
    return failed


def test_a_failed_create_vpc_call_is_ignored_not_dead_lettered(aws):
    assert handler.handler(failed_create_vpc_event(), None) == {"ignored": "failed CreateVpc call"}


def test_the_rule_does_not_send_failed_create_vpc_calls(synthesized):
    from tests.eventbridge_matcher import matches

    template = synthesized.template("collection", "eu-west-1")
    (pattern,) = [r["Properties"]["EventPattern"] for k, r in template.find_resources("AWS::Events::Rule").items() if "OnCreateVpc" in k]
    assert matches(pattern, event("cloudtrail-create-vpc.json"))
    assert not matches(pattern, failed_create_vpc_event())


def test_the_sweep_skips_vpcs_shared_with_this_account_through_ram():
    from botocore.stub import Stubber

    ec2 = boto3.client("ec2", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")
    stub = Stubber(ec2)
    stub.add_response(
        "describe_vpcs",
        {"Vpcs": [{"VpcId": "vpc-0own00000000000aa", "OwnerId": "111122223333"}, {"VpcId": "vpc-0shared000000000bb", "OwnerId": "444455556666"}]},
    )
    with stub:
        assert handler.vpc_ids_from(event("scheduled-event.json"), ec2, "111122223333") == ["vpc-0own00000000000aa"]


def test_the_account_comes_from_the_functions_own_arn():
    class Context:
        invoked_function_arn = "arn:aws:lambda:eu-west-1:111122223333:function:dpp-prod-flow-log-enforcer"

    assert handler._account(Context()) == "111122223333"
