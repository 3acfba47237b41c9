"""The workload log bucket of each workload account and region (DPP-LOG-8, DPP-LOG-7,
DPP-PRT-3, DPP-RET-1): the bucket ALB access logs and WAF logs can be delivered to. The
delivery paths themselves are decided by the IAM simulator (tests/access/paths.py,
workload_log_paths)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from capabilities.workload_logs.elb_accounts import ELB_ACCOUNTS, ELB_LOG_DELIVERY_SERVICE, elb_account
from configuration import ConfigError, load_config
from tests.eventbridge_matcher import matches
from tests.support import build_app, context_with

ACCOUNT = "111122223333"


def _bucket(template, name_start: str) -> tuple[str, dict]:
    found = [(k, r) for k, r in template.find_resources("AWS::S3::Bucket").items() if str(r["Properties"].get("BucketName", "")).startswith(name_start)]
    assert len(found) == 1, name_start
    return found[0]


def _policy(template, logical_id: str) -> list[dict]:
    policies = [p for p in template.find_resources("AWS::S3::BucketPolicy").values() if p["Properties"]["Bucket"] == {"Ref": logical_id}]
    assert len(policies) == 1
    return policies[0]["Properties"]["PolicyDocument"]["Statement"]


def _statements(template, logical_id: str) -> dict[str, dict]:
    return {s["Sid"]: s for s in _policy(template, logical_id) if "Sid" in s}


@pytest.mark.parametrize("region", ["eu-west-1", "eu-central-1"])
def test_the_bucket_is_sse_s3_versioned_private_logged_retained_and_named_for_waf(synthesized, region):
    template = synthesized.template("monitoring-foundation", region)
    logical_id, bucket = _bucket(template, "aws-waf-logs-")
    props = bucket["Properties"]
    # https://docs.aws.amazon.com/waf/latest/developerguide/logging-s3.html: "aws-waf-logs-" names only.
    assert props["BucketName"] == f"aws-waf-logs-dpp-prod-workload-{ACCOUNT}-{region}"
    # ALB access logs: SSE-S3 only (enable-access-logging.html).
    assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"] == [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
    assert props["VersioningConfiguration"] == {"Status": "Enabled"}
    assert props["PublicAccessBlockConfiguration"] == {"BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True, "RestrictPublicBuckets": True}
    assert props["LoggingConfiguration"]["LogFilePrefix"] == "workload-logs/"
    access_id, _ = _bucket(template, f"dpp-prod-workload-access-logs-{ACCOUNT}-{region}")
    assert props["LoggingConfiguration"]["DestinationBucketName"] == {"Ref": access_id}
    expiry = next(r for r in props["LifecycleConfiguration"]["Rules"] if "ExpirationInDays" in r)
    assert expiry["ExpirationInDays"] == expiry["NoncurrentVersionExpiration"]["NoncurrentDays"] == 365 + 30
    assert bucket["DeletionPolicy"] == bucket["UpdateReplacePolicy"] == "Retain"
    statements = _statements(template, logical_id)
    tls = [s for s in _policy(template, logical_id) if s["Effect"] == "Deny" and s.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport") == "false"]
    assert tls, "TLS only"
    assert "DenyTamperingExceptBreakGlassAndDeployment" in statements


def test_load_balancers_may_write_under_alb_only_by_their_principals(synthesized):
    template = synthesized.template("monitoring-foundation", "eu-west-1")
    logical_id, _ = _bucket(template, "aws-waf-logs-")
    statements = _statements(template, logical_id)
    by_service, by_account = statements["AlbAccessLogsByLogDeliveryService"], statements["AlbAccessLogsByRegionalElbAccount"]
    assert by_service["Principal"] == {"Service": ELB_LOG_DELIVERY_SERVICE}
    assert by_account["Principal"] == {"AWS": "arn:aws:iam::156460612806:root"}
    for statement in (by_service, by_account):
        assert statement["Action"] == "s3:PutObject" and statement["Effect"] == "Allow"
        assert statement["Resource"]["Fn::Join"][1][-1] == f"/alb/AWSLogs/{ACCOUNT}/*"


def test_waf_delivery_is_bound_to_the_account_and_its_log_sources(synthesized):
    template = synthesized.template("monitoring-foundation", "eu-central-1")
    logical_id, _ = _bucket(template, "aws-waf-logs-")
    statements = _statements(template, logical_id)
    put, acl = statements["WafLogsDelivery"], statements["WafLogsDeliveryAclCheck"]
    for statement in (put, acl):
        assert statement["Principal"] == {"Service": "delivery.logs.amazonaws.com"}
        assert statement["Condition"]["StringEquals"]["aws:SourceAccount"] == ACCOUNT
        assert statement["Condition"]["ArnLike"]["aws:SourceArn"] == [f"arn:aws:logs:eu-central-1:{ACCOUNT}:*", f"arn:aws:logs:us-east-1:{ACCOUNT}:*"]
    assert put["Condition"]["StringEquals"]["s3:x-amz-acl"] == "bucket-owner-full-control"
    assert put["Resource"]["Fn::Join"][1][-1] == f"/waf/AWSLogs/{ACCOUNT}/*"
    assert acl["Action"] == "s3:GetBucketAcl"


def test_the_bucket_name_is_published_for_the_workload_stacks(synthesized):
    template = synthesized.template("monitoring-foundation", "eu-west-1")
    logical_id, _ = _bucket(template, "aws-waf-logs-")
    parameters = list(template.find_resources("AWS::SSM::Parameter").values())
    ours = [p["Properties"] for p in parameters if p["Properties"]["Name"] == "/dpp/prod/workload-logs-bucket"]
    assert ours and ours[0]["Value"] == {"Ref": logical_id}
    assert template.to_json()["Outputs"]["WorkloadLogsBucketName"]["Value"] == {"Ref": logical_id}


def test_regions_opened_since_august_2022_rely_on_the_service_principal():
    # https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
    assert elb_account("us-east-1") == "127311923021" and elb_account("eu-central-1") == "054676820928"
    assert elb_account("eu-central-2") is None and elb_account("ca-west-1") is None
    assert all(len(a) == 12 and a.isdigit() for a in ELB_ACCOUNTS.values())


def test_the_log_buckets_switch_is_validated():
    with pytest.raises(ConfigError, match="workload.logBuckets"):
        load_config(context_with(workload__logBuckets="yes"))
    assert load_config(context_with()).workload.log_buckets is True
    assert load_config(context_with(workload__logBuckets=False)).workload.log_buckets is False


# --- delivery into the archive: the log forwarder (capabilities.workload_logs.log_forwarder) ---

EVENTS = Path(__file__).resolve().parents[1] / "events"


def _object_created(bucket: str, key: str, detail_type: str = "Object Created") -> dict:
    """The S3 sample event (tests/events/s3/, the structure of
    https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html) for ``bucket``/``key``."""
    event = json.loads((EVENTS / "s3" / "object-created-alb.json").read_text())
    event["detail-type"] = detail_type
    event["resources"] = [f"arn:aws:s3:::{bucket}"]
    event["detail"]["bucket"]["name"] = bucket
    event["detail"]["object"]["key"] = key
    return event


@pytest.mark.parametrize("region", ["eu-west-1", "eu-central-1"])
def test_the_bucket_announces_new_objects_to_eventbridge(synthesized, region):
    _, bucket = _bucket(synthesized.template("monitoring-foundation", region), "aws-waf-logs-")
    # Set on the bucket itself (no notification custom resource):
    # https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-s3-bucket-eventbridgeconfiguration.html
    assert bucket["Properties"]["NotificationConfiguration"] == {"EventBridgeConfiguration": {"EventBridgeEnabled": True}}


@pytest.mark.parametrize(
    ("region", "destination"),
    [("eu-west-1", f"dpp-prod-config-staging-{ACCOUNT}-eu-west-1"), ("eu-central-1", f"dpp-prod-log-intake-{ACCOUNT}-eu-central-1")],
)
def test_the_forwarder_copies_into_the_regions_replicated_destination(synthesized, region, destination):
    template = synthesized.template("collection", region)
    functions = {k: r["Properties"] for k, r in template.find_resources("AWS::Lambda::Function").items() if k.startswith("LogForwarder")}
    (function,) = functions.values()
    assert function["FunctionName"] == "dpp-prod-log-forwarder"
    assert function["Environment"]["Variables"] == {
        "DESTINATION_BUCKET": destination,
        "DESTINATION_ACCOUNT": ACCOUNT,
        "DESTINATION_PREFIX": f"workload-logs/{ACCOUNT}/{region}",
        "SOURCE_PREFIXES": "alb/,waf/,cloudfront/",
        # A workload account's instance copies its own bucket only (no placeholders).
        "SOURCE_BUCKET_PATTERN": f"aws-waf-logs-dpp-prod-workload-{ACCOUNT}-{region}",
    }
    assert function["LoggingConfig"]["LogGroup"] == "/aws/lambda/dpp-prod-log-forwarder"
    assert "DeadLetterConfig" in function
    roles = [r["Properties"] for k, r in template.find_resources("AWS::IAM::Role").items() if k.startswith("LogForwarder")]
    assert [r["RoleName"] for r in roles] == [f"dpp-prod-log-forwarder-{region}"], "the archive admits the role by this name"
    (queue,) = [q["Properties"] for k, q in template.find_resources("AWS::SQS::Queue").items() if k.startswith("LogForwarder")]
    assert queue["QueueName"] == "dpp-prod-log-forwarder-dead-letters" and "KmsMasterKeyId" in queue
    # The archive admits exactly this prefix (capabilities.archive.delivery.admit_log_forwarder).
    archive = synthesized.template("log-archive" if region == "eu-west-1" else "log-intake", None if region == "eu-west-1" else region)
    statements = [s for p in archive.find_resources("AWS::S3::BucketPolicy").values() for s in p["Properties"]["PolicyDocument"]["Statement"] if s.get("Sid") == "LogForwardersWriteOwnPrefix"]
    assert len(statements) == 1
    assert statements[0]["Condition"] == {"ArnLike": {"aws:PrincipalArn": [f"arn:aws:iam::{ACCOUNT}:role/dpp-prod-log-forwarder-*"]}}
    assert f'/workload-logs/{ACCOUNT}/*"' in json.dumps(statements[0]["Resource"])


def test_the_forwarder_rule_takes_new_alb_waf_and_cloudfront_objects_of_this_bucket_only(synthesized):
    template = synthesized.template("collection", "eu-central-1")
    (rule,) = [r["Properties"] for k, r in template.find_resources("AWS::Events::Rule").items() if k.startswith("LogForwarder")]
    pattern, (target,) = rule["EventPattern"], rule["Targets"]
    bucket = f"aws-waf-logs-dpp-prod-workload-{ACCOUNT}-eu-central-1"
    alb = f"alb/AWSLogs/{ACCOUNT}/elasticloadbalancing/eu-central-1/2026/11/12/x.log.gz"
    assert matches(pattern, _object_created(bucket, alb))
    assert matches(pattern, _object_created(bucket, f"waf/AWSLogs/{ACCOUNT}/WAFLogs/eu-central-1/acl/2026/11/12/00/05/x.log.gz"))
    assert matches(pattern, _object_created(bucket, f"cloudfront/AWSLogs/{ACCOUNT}/CloudFront/E2EXAMPLE.2026-11-12-10.abcd1234.gz"))
    # Near misses: another bucket, another prefix, a deletion.
    assert not matches(pattern, _object_created(bucket.replace("eu-central-1", "eu-west-1"), alb))
    assert not matches(pattern, _object_created(bucket, f"other/{alb}"))
    assert not matches(pattern, _object_created(bucket, alb, "Object Deleted"))
    # EventBridge retries for 24 hours, then dead-letters (eb-rule-retry-policy.html).
    assert target["RetryPolicy"] == {"MaximumEventAgeInSeconds": 86400, "MaximumRetryAttempts": 185}
    assert "DeadLetterConfig" in target


def test_no_forwarder_without_the_log_buckets():
    built = build_app(context_with(workload__logBuckets=False))
    functions = built.template("collection", "eu-west-1").find_resources("AWS::Lambda::Function")
    assert "dpp-prod-log-forwarder" not in [f["Properties"]["FunctionName"] for f in functions.values()]
    statements = [s.get("Sid") for p in built.template("log-archive").find_resources("AWS::S3::BucketPolicy").values() for s in p["Properties"]["PolicyDocument"]["Statement"]]
    assert "LogForwardersWriteOwnPrefix" not in statements


def test_cloudfront_v2_delivers_under_its_prefix_for_this_accounts_us_east_1_sources(synthesized):
    """CloudFront standard logging (v2) is a vended log whose delivery sources live in
    us-east-1; the bucket admits them under cloudfront/ only, with the ACL condition and no
    bucket ACLs (object ownership stays enforced). The evaluator decides the paths in
    tests/access (cloudfront-*)."""
    template = synthesized.template("monitoring-foundation", "eu-central-1")
    statements = [s for p in template.find_resources("AWS::S3::BucketPolicy").values() for s in p["Properties"]["PolicyDocument"]["Statement"] if s.get("Sid") == "CloudFrontLogsDelivery"]
    (statement,) = statements
    assert statement["Principal"] == {"Service": "delivery.logs.amazonaws.com"} and statement["Action"] == "s3:PutObject"
    assert statement["Condition"] == {
        "StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": ACCOUNT},
        "ArnLike": {"aws:SourceArn": f"arn:aws:logs:us-east-1:{ACCOUNT}:delivery-source:*"},
    }
    assert f"/cloudfront/AWSLogs/{ACCOUNT}/*" in json.dumps(statement["Resource"])
    _, bucket = _bucket(template, "aws-waf-logs-")
    assert bucket["Properties"]["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
