"""The workload log forwarder against moto's S3 and KMS: each new ALB/WAF log object is copied
into the archive's destination bucket under workload-logs/<account>/<region>/, encrypted by
that bucket's default KMS key, with a SHA-256 checksum, once (a retry or a repeated event
writes nothing more), large objects part by part on S3's side."""

from __future__ import annotations

import copy
import json
import logging
from pathlib import Path

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from moto import mock_aws

from tests.lambdas.handlers import load_handler

ROOT = Path(__file__).resolve().parents[2]
EVENT = json.loads((ROOT / "tests" / "events" / "s3" / "object-created-alb.json").read_text())
REGION = "eu-west-1"
WORKLOAD = "111111111111"
SOURCE = EVENT["detail"]["bucket"]["name"]
DESTINATION = "dpp-log-intake-222222222222-eu-west-1"
PREFIX = f"workload-logs/{WORKLOAD}/{REGION}"
# Organization mode: the management account's instance takes members' events from its bus.
MEMBER_EVENT = json.loads((ROOT / "tests" / "events" / "s3" / "object-created-alb-member.json").read_text())
MEMBER = MEMBER_EVENT["account"]  # moto's own account, which owns every bucket it creates
MEMBER_SOURCE = MEMBER_EVENT["detail"]["bucket"]["name"]
OTHER_MEMBER_SOURCE = "aws-waf-logs-dpp-prod-workload-210987654321-eu-west-1"
ARBITRARY = "orders-exports-123456789012"
MEMBER_PATTERN = "aws-waf-logs-dpp-prod-workload-{account}-{region}"
CONTENT = b"h2 2026-11-12T00:04:59.123456Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366\n"


handler = load_handler("log_forwarder")


@pytest.fixture
def aws(monkeypatch):
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": REGION}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("DESTINATION_BUCKET", DESTINATION)
    monkeypatch.setenv("DESTINATION_ACCOUNT", "123456789012")  # moto's own account owns every bucket
    monkeypatch.setenv("DESTINATION_PREFIX", PREFIX)
    monkeypatch.setenv("SOURCE_PREFIXES", "alb/,waf/,cloudfront/")
    monkeypatch.setenv("SOURCE_BUCKET_PATTERN", SOURCE)  # a workload account's instance: its own bucket only
    with mock_aws():
        s3 = boto3.client("s3")
        key_id = boto3.client("kms").create_key()["KeyMetadata"]["KeyId"]
        for bucket in (SOURCE, DESTINATION, MEMBER_SOURCE, OTHER_MEMBER_SOURCE, ARBITRARY):
            s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
            s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        s3.put_bucket_encryption(
            Bucket=DESTINATION,
            ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_id}, "BucketKeyEnabled": True}]},
        )
        s3.meta.events.register("before-parameter-build.s3.CopyObject", remember_destination)
        s3.meta.events.register("before-call.s3.CopyObject", conditional_copy)
        monkeypatch.setattr(handler.boto3, "client", lambda *_a, **_k: s3)
        yield {"s3": s3, "key_id": key_id}


_COPY: dict[str, str] = {}


def remember_destination(params, **_):
    _COPY.update(Bucket=params["Bucket"], Key=params["Key"])


def conditional_copy(params, model, **_):
    """S3's conditional write for CopyObject, which moto does not evaluate: with
    ``If-None-Match: *`` a key already in the bucket answers 412 Precondition Failed and
    nothing is written (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html)."""
    headers = params["headers"]
    assert headers.get("If-None-Match") == "*", "the forwarder's copy must be conditional"
    bucket, key = _COPY["Bucket"], _COPY["Key"]
    existing = boto3.client("s3").list_objects_v2(Bucket=bucket, Prefix=key).get("Contents", [])
    if any(o["Key"] == key for o in existing):
        return AWSResponse(params["url"], 412, {}, None), {
            "Error": {"Code": "PreconditionFailed", "Message": "At least one of the pre-conditions you specified did not hold"},
            "ResponseMetadata": {"HTTPStatusCode": 412},
        }
    return None


def put_source(s3, key: str, body: bytes) -> dict:
    """The object as the log delivery writes it (SSE-S3), and its EventBridge event."""
    version = s3.put_object(Bucket=SOURCE, Key=key, Body=body, ServerSideEncryption="AES256")["VersionId"]
    event = copy.deepcopy(EVENT)
    event["account"] = "123456789012"
    event["detail"]["object"].update({"key": key, "size": len(body), "version-id": version})
    return event


def destination_versions(s3, key: str) -> list[dict]:
    return [v for v in s3.list_object_versions(Bucket=DESTINATION, Prefix=key).get("Versions", []) if v["Key"] == key]


def test_copies_the_object_under_the_archive_prefix_with_the_destination_key(aws):
    s3 = aws["s3"]
    key = EVENT["detail"]["object"]["key"]
    assert handler.handler(put_source(s3, key, CONTENT), None) == {"outcome": "copied"}
    copied = s3.get_object(Bucket=DESTINATION, Key=f"{PREFIX}/{key}", ChecksumMode="ENABLED")
    assert copied["Body"].read() == CONTENT
    assert copied["ServerSideEncryption"] == "aws:kms"
    assert copied["SSEKMSKeyId"].endswith(aws["key_id"])
    assert copied.get("ChecksumSHA256"), "S3 keeps a SHA-256 checksum of the copy"


def test_a_retry_or_a_repeated_event_writes_no_second_version(aws):
    s3 = aws["s3"]
    event = put_source(s3, EVENT["detail"]["object"]["key"], CONTENT)
    assert handler.handler(event, None)["outcome"] == "copied"
    assert handler.handler(event, None)["outcome"] == "already-forwarded"
    assert handler.handler(copy.deepcopy(event), None)["outcome"] == "already-forwarded"
    assert len(destination_versions(s3, f"{PREFIX}/{EVENT['detail']['object']['key']}")) == 1


def test_a_waf_log_is_forwarded_and_other_prefixes_are_not(aws):
    s3 = aws["s3"]
    waf = "waf/AWSLogs/123456789012/WAFLogs/eu-west-1/my-web-acl/2026/11/12/00/05/123456789012_waflogs_eu-west-1_my-web-acl_20261112T0005Z_abc.log.gz"
    assert handler.handler(put_source(s3, waf, CONTENT), None)["outcome"] == "copied"
    assert handler.handler(put_source(s3, "elsewhere/file.log", CONTENT), None)["outcome"] == "skipped"
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=DESTINATION)["Contents"]] == [f"{PREFIX}/{waf}"]


def test_a_large_object_is_copied_in_parts_without_reading_it(aws, monkeypatch):
    s3 = aws["s3"]
    monkeypatch.setattr(handler, "COPY_OBJECT_LIMIT", 6 * 1024**2)
    monkeypatch.setattr(handler, "MIN_PART_BYTES", 5 * 1024**2)
    body = bytes(range(256)) * (11 * 1024**2 // 256 + 3)
    event = put_source(s3, "alb/AWSLogs/123456789012/elasticloadbalancing/eu-west-1/2026/11/12/big.log.gz", body)
    calls = []
    real = s3.upload_part_copy

    def counting(**kwargs):
        calls.append(kwargs["CopySourceRange"])
        return real(**kwargs)

    monkeypatch.setattr(s3, "upload_part_copy", counting)
    real_get = s3.get_object
    monkeypatch.setattr(s3, "get_object", lambda **_: pytest.fail("the forwarder must not read the object"))
    assert handler.handler(event, None)["outcome"] == "copied"
    assert calls == [f"bytes=0-{5 * 1024**2 - 1}", f"bytes={5 * 1024**2}-{10 * 1024**2 - 1}", f"bytes={10 * 1024**2}-{len(body) - 1}"]
    assert handler.handler(event, None)["outcome"] == "already-forwarded", "the completion is conditional too"
    assert len(destination_versions(s3, f"{PREFIX}/{event['detail']['object']['key']}")) == 1
    copied = real_get(Bucket=DESTINATION, Key=f"{PREFIX}/{event['detail']['object']['key']}")
    assert copied["Body"].read() == body
    assert copied["ServerSideEncryption"] == "aws:kms"


def test_a_failed_copy_raises_for_the_retries_and_logs_no_content(aws, caplog):
    s3 = aws["s3"]
    event = put_source(s3, EVENT["detail"]["object"]["key"], CONTENT)
    s3.delete_bucket_encryption(Bucket=DESTINATION)
    with caplog.at_level(logging.INFO), pytest.raises(handler.ForwardingFailed, match="not the archive's KMS key"):
        handler.handler(event, None)
    s3.delete_object(Bucket=SOURCE, Key=event["detail"]["object"]["key"], VersionId=event["detail"]["object"]["version-id"])
    with pytest.raises(handler.ForwardingFailed, match="NoSuchKey|NoSuchVersion|404"):
        handler.handler({**event, "detail": {**event["detail"], "object": {**event["detail"]["object"], "key": "alb/AWSLogs/gone.log.gz"}}}, None)
    assert CONTENT.decode()[:20] not in caplog.text


def test_part_ranges_stay_within_ten_thousand_parts():
    size = 5 * 1024**4  # S3's largest object
    ranges = handler._part_ranges(size)
    assert len(ranges) <= handler.MAX_PARTS
    assert ranges[0][0] == 0 and ranges[-1][1] == size - 1
    assert all(b[0] == a[1] + 1 for a, b in zip(ranges, ranges[1:], strict=False))


@pytest.fixture
def members(aws, monkeypatch):
    """The environment the management account's instance gets (capabilities.workload_logs.log_forwarder)."""
    monkeypatch.setenv("SOURCE_BUCKET_PATTERN", MEMBER_PATTERN)
    monkeypatch.setenv("DESTINATION_PREFIX", "workload-logs/{account}/{region}")
    return aws


def put_member_source(s3, bucket: str, key: str) -> dict:
    version = s3.put_object(Bucket=bucket, Key=key, Body=CONTENT, ServerSideEncryption="AES256")["VersionId"]
    event = copy.deepcopy(MEMBER_EVENT)
    event["detail"]["bucket"]["name"] = bucket
    event["detail"]["object"].update({"key": key, "size": len(CONTENT), "version-id": version})
    return event


def test_a_members_object_lands_under_the_members_own_prefix(members):
    s3 = members["s3"]
    key = MEMBER_EVENT["detail"]["object"]["key"]
    assert handler.handler(put_member_source(s3, MEMBER_SOURCE, key), None) == {"outcome": "copied"}
    copied = s3.get_object(Bucket=DESTINATION, Key=f"workload-logs/{MEMBER}/{REGION}/{key}")
    assert copied["Body"].read() == CONTENT and copied["ServerSideEncryption"] == "aws:kms"


@pytest.mark.parametrize("bucket", [OTHER_MEMBER_SOURCE, ARBITRARY, SOURCE], ids=["another-members-bucket", "not-a-workload-bucket", "other-prefix-naming"])
def test_a_bucket_not_the_senders_workload_bucket_is_refused(members, bucket, caplog):
    """An organization member can send any event it likes to the bus; the event's account is
    EventBridge's, so only that account's own workload bucket of that region is copied."""
    s3 = members["s3"]
    with caplog.at_level(logging.INFO), pytest.raises(handler.RefusedEvent):  # seen: LogForwarderErrors, then the dead letters
        handler.handler(put_member_source(s3, bucket, MEMBER_EVENT["detail"]["object"]["key"]), None)
    assert "Contents" not in s3.list_objects_v2(Bucket=DESTINATION)
    assert "not a workload log bucket" in caplog.text


def test_a_forged_region_or_account_is_refused(members):
    s3 = members["s3"]
    event = put_member_source(s3, MEMBER_SOURCE, MEMBER_EVENT["detail"]["object"]["key"])
    for forged in ({"region": "eu-west-1/../x"}, {"account": "12345678901"}):
        with pytest.raises(handler.RefusedEvent):
            handler.handler({**event, **forged}, None)
    assert "Contents" not in s3.list_objects_v2(Bucket=DESTINATION)
