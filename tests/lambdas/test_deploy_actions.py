"""The deploy-time custom resources (canary object, security contact) against moto, answering
a local HTTP server that plays CloudFormation's pre-signed response URL."""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("deploy_actions", ROOT / "lambdas" / "deploy_actions" / "handler.py")
writer = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = writer
spec.loader.exec_module(writer)


class CloudFormation(BaseHTTPRequestHandler):
    received: list = []

    def do_PUT(self):  # noqa: N802
        length = int(self.headers["Content-Length"])
        CloudFormation.received.append(json.loads(self.rfile.read(length)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def cloudformation():
    CloudFormation.received = []
    server = HTTPServer(("127.0.0.1", 0), CloudFormation)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/response"
    server.shutdown()


@pytest.fixture
def s3(monkeypatch):
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "eu-west-1"}.items():
        monkeypatch.setenv(key, value)
    with mock_aws():
        client = boto3.client("s3")
        client.create_bucket(Bucket="decoy", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        yield client


def request(url: str, kind: str, bucket: str = "decoy") -> dict:
    return {
        "RequestType": kind,
        "ResponseURL": url,
        "StackId": "arn:aws:cloudformation:eu-west-1:111122223333:stack/dpp-prod-alarms/1",
        "RequestId": "req-1",
        "LogicalResourceId": "CanaryObject",
        "ResourceProperties": {"Action": "PutCanaryObject", "Bucket": bucket, "Key": "exports/x.csv", "Body": "customer_id\n1\n"},
    }


def test_create_writes_the_object_and_reports_success(s3, cloudformation):
    writer.handler(request(cloudformation, "Create"), None)
    assert s3.get_object(Bucket="decoy", Key="exports/x.csv")["Body"].read() == b"customer_id\n1\n"
    (response,) = CloudFormation.received
    assert (response["Status"], response["PhysicalResourceId"], response["LogicalResourceId"]) == ("SUCCESS", "canary:decoy/exports/x.csv", "CanaryObject")


def test_delete_leaves_the_bait(s3, cloudformation):
    writer.handler(request(cloudformation, "Create"), None)
    writer.handler(request(cloudformation, "Delete"), None)
    assert s3.get_object(Bucket="decoy", Key="exports/x.csv")
    assert [r["Status"] for r in CloudFormation.received] == ["SUCCESS", "SUCCESS"]


def test_a_failure_is_reported_to_cloudformation_not_swallowed(s3, cloudformation, caplog):
    writer.handler(request(cloudformation, "Create", bucket="no-such-bucket"), None)
    (response,) = CloudFormation.received
    assert response["Status"] == "FAILED" and "NoSuchBucket" in response["Reason"]
    assert "customer_id" not in caplog.text, "the content is never logged"


def contact_request(url: str, kind: str = "Create", action: str = "PutSecurityContact") -> dict:
    return {
        "RequestType": kind,
        "ResponseURL": url,
        "StackId": "arn:aws:cloudformation:eu-west-1:111122223333:stack/dpp-prod-account-baseline/1",
        "RequestId": "req-2",
        "LogicalResourceId": "SecurityContact",
        "ResourceProperties": {
            "Action": action,
            "Name": "Security On-Call",
            "Title": "Incident Management Point of Contact",
            "EmailAddress": "impoc@example.com",
            "PhoneNumber": "+44 20 7946 0000",
        },
    }


def test_the_impoc_becomes_the_security_contact(s3, cloudformation, caplog):
    writer.handler(contact_request(cloudformation), None)
    contact = boto3.client("account").get_alternate_contact(AlternateContactType="SECURITY")["AlternateContact"]
    assert (contact["Name"], contact["EmailAddress"], contact["PhoneNumber"]) == ("Security On-Call", "impoc@example.com", "+44 20 7946 0000")
    assert CloudFormation.received[-1]["Status"] == "SUCCESS"
    assert "impoc@example.com" not in caplog.text and "7946" not in caplog.text


def test_delete_keeps_the_contact_and_an_unknown_action_fails_loudly(s3, cloudformation):
    writer.handler(contact_request(cloudformation), None)
    writer.handler(contact_request(cloudformation, "Delete"), None)
    assert boto3.client("account").get_alternate_contact(AlternateContactType="SECURITY")["AlternateContact"]["Name"] == "Security On-Call"
    writer.handler(contact_request(cloudformation, action="DropDatabase"), None)
    assert CloudFormation.received[-1]["Status"] == "FAILED" and "unknown action" in CloudFormation.received[-1]["Reason"]


def key_request(url: str, alias_arn: str, kind: str = "Create") -> dict:
    return {
        "RequestType": kind,
        "ResponseURL": url,
        "StackId": "arn:aws:cloudformation:eu-central-1:111122223333:stack/dpp-prod-detection/1",
        "RequestId": "req-3",
        "LogicalResourceId": "ArchiveKey",
        "ResourceProperties": {"Action": "DescribeKey", "KeyId": alias_arn},
    }


def test_an_alias_arn_resolves_to_its_key_arn_in_the_alias_region(s3, cloudformation):
    # The detection stack runs in eu-central-1; the archive key lives in eu-west-1.
    kms = boto3.client("kms", region_name="eu-west-1")
    key = kms.create_key(Description="archive")["KeyMetadata"]
    kms.create_alias(AliasName="alias/dpp-prod/log-archive", TargetKeyId=key["KeyId"])
    alias_arn = f"arn:aws:kms:eu-west-1:{key['AWSAccountId']}:alias/dpp-prod/log-archive"
    writer.handler(key_request(cloudformation, alias_arn), None)
    (response,) = CloudFormation.received
    assert response["Status"] == "SUCCESS"
    assert response["PhysicalResourceId"] == key["Arn"] and response["Data"] == {"Arn": key["Arn"]}
    assert ":key/" in key["Arn"]


def test_a_disabled_or_missing_archive_key_fails_the_deployment(s3, cloudformation):
    kms = boto3.client("kms", region_name="eu-west-1")
    key = kms.create_key(Description="archive")["KeyMetadata"]
    kms.create_alias(AliasName="alias/dpp-prod/log-archive", TargetKeyId=key["KeyId"])
    kms.disable_key(KeyId=key["KeyId"])
    account = key["AWSAccountId"]
    writer.handler(key_request(cloudformation, f"arn:aws:kms:eu-west-1:{account}:alias/dpp-prod/log-archive"), None)
    writer.handler(key_request(cloudformation, f"arn:aws:kms:eu-west-1:{account}:alias/dpp-prod/absent"), None)
    disabled, missing = CloudFormation.received
    assert disabled["Status"] == "FAILED" and "Disabled" in disabled["Reason"]
    assert missing["Status"] == "FAILED" and "NotFound" in missing["Reason"]


# --- organization delegation (moto lacks these calls: botocore's Stubber checks each request
# against the service model instead) ---------------------------------------------------------

from botocore.stub import Stubber  # noqa: E402

_REAL_CLIENT = boto3.client  # the handler's boto3.client is replaced below; this one makes the stubs


class Clients:
    """boto3.client stand-in handing out stubbed clients, one per (service, region)."""

    def __init__(self) -> None:
        self.stubs: dict[tuple[str, str | None], Stubber] = {}

    def __call__(self, service: str, region_name: str | None = None):
        key = (service, region_name)
        if key not in self.stubs:
            client = _REAL_CLIENT(service, region_name=region_name or "eu-west-1", aws_access_key_id="x", aws_secret_access_key="x")
            self.stubs[key] = Stubber(client)
            self.stubs[key].activate()
        return self.stubs[key].client

    def stub(self, service: str, region: str | None = None) -> Stubber:
        self(service, region)
        return self.stubs[(service, region)]


def org_request(url: str, action: str, **props) -> dict:
    return {
        "RequestType": "Create",
        "ResponseURL": url,
        "StackId": "arn:aws:cloudformation:eu-west-1:444455556666:stack/dpp-prod-org-admin/1",
        "RequestId": "req-4",
        "LogicalResourceId": "Delegation",
        "ResourceProperties": {"Action": action, **props},
    }


def test_guardduty_and_config_are_delegated_in_every_region_once(cloudformation, monkeypatch):
    clients = Clients()
    monkeypatch.setattr(writer.boto3, "client", clients)
    for region, current in (("eu-west-1", []), ("eu-central-1", [{"AdminAccountId": "777788889999", "AdminStatus": "ENABLED"}])):
        stub = clients.stub("guardduty", region)
        stub.add_response("list_organization_admin_accounts", {"AdminAccounts": current})
        if not current:  # already delegated in eu-central-1: not asked again
            stub.add_response("enable_organization_admin_account", {}, {"AdminAccountId": "777788889999"})
    orgs = clients.stub("organizations")
    for service in ("config.amazonaws.com", "config-multiaccountsetup.amazonaws.com"):
        orgs.add_response("enable_aws_service_access", {}, {"ServicePrincipal": service})
        if service == "config.amazonaws.com":
            orgs.add_response("register_delegated_administrator", {}, {"AccountId": "777788889999", "ServicePrincipal": service})
        else:
            orgs.add_client_error("register_delegated_administrator", "AccountAlreadyRegisteredException")
    writer.handler(
        org_request(
            cloudformation,
            "EnableOrganizationAdmins",
            AdminAccountId="777788889999",
            Regions=["eu-west-1", "eu-central-1"],
            DelegatedServices=["config.amazonaws.com", "config-multiaccountsetup.amazonaws.com"],
        ),
        None,
    )
    assert CloudFormation.received[-1]["Status"] == "SUCCESS", CloudFormation.received[-1]["Reason"]
    for stub in clients.stubs.values():
        stub.assert_no_pending_responses()


def test_guardduty_auto_enables_every_member_with_the_configured_plans(cloudformation, monkeypatch):
    clients = Clients()
    monkeypatch.setattr(writer.boto3, "client", clients)
    features = [
        {"Name": "S3_DATA_EVENTS", "AutoEnable": "ALL"},
        {"Name": "RUNTIME_MONITORING", "AutoEnable": "NONE", "AdditionalConfiguration": [{"Name": "EKS_ADDON_MANAGEMENT", "AutoEnable": "NONE"}]},
    ]
    stub = clients.stub("guardduty")
    stub.add_response("list_detectors", {"DetectorIds": ["12abc34d567e8fa901bc2d34e56789f0"]})
    stub.add_response("update_organization_configuration", {}, {"DetectorId": "12abc34d567e8fa901bc2d34e56789f0", "AutoEnableOrganizationMembers": "ALL", "Features": features})
    writer.handler(org_request(cloudformation, "ConfigureGuardDutyOrganization", AutoEnable="ALL", Features=json.dumps(features)), None)
    assert CloudFormation.received[-1]["Status"] == "SUCCESS", CloudFormation.received[-1]["Reason"]
    stub.assert_no_pending_responses()
    # without the security account's own detector in the region, the deployment fails visibly
    stub.add_response("list_detectors", {"DetectorIds": []})
    writer.handler(org_request(cloudformation, "ConfigureGuardDutyOrganization", AutoEnable="ALL", Features="[]"), None)
    assert CloudFormation.received[-1]["Status"] == "FAILED" and "detection stack" in CloudFormation.received[-1]["Reason"]


# --- deadline guard (issue 16 item 12) ----------------------------------------------------------


class LambdaContext:
    """The one method of Lambda's context object the handler reads."""

    def __init__(self, remaining_ms: int) -> None:
        self.remaining_ms = remaining_ms

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


def test_an_action_that_would_outlive_the_function_is_answered_failed_in_time(cloudformation, monkeypatch):
    import time

    release = threading.Event()
    monkeypatch.setitem(writer.ACTIONS, "Slow", lambda props: release.wait(30) and ("slow", {}))
    slow = {**org_request(cloudformation, "Slow"), "LogicalResourceId": "Slow"}
    started = time.monotonic()
    try:
        # 1.5 s left after the margin for answering
        writer.handler(slow, LambdaContext(int((writer.ANSWER_MARGIN_SECONDS + 1.5) * 1000)))
    finally:
        release.set()
    elapsed = time.monotonic() - started
    (response,) = CloudFormation.received
    assert response["Status"] == "FAILED" and "TimeoutError" in response["Reason"]
    assert elapsed < 1.5 + 2, "answered before Lambda's timeout would have stopped the function"


def test_a_quick_action_is_unaffected_by_the_guard(s3, cloudformation):
    writer.handler(request(cloudformation, "Create"), LambdaContext(60_000))
    assert CloudFormation.received[-1]["Status"] == "SUCCESS"


def test_every_deploy_action_tells_cloudformation_how_long_to_wait(synthesized):
    # ServiceTimeout (1-3600 s, default 3600):
    # https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudformation-customresource.html#cfn-cloudformation-customresource-servicetimeout
    found = 0
    for stack in synthesized.built.stacks.values():
        template = synthesized.assembly.get_stack_by_name(stack.stack_name).template
        for resource in (r for r in template.get("Resources", {}).values() if r["Type"] == "AWS::CloudFormation::CustomResource"):
            found += 1
            timeout = resource["Properties"].get("ServiceTimeout")
            assert timeout is not None and 60 < int(timeout) <= 3600, "longer than the function's minute, far below CloudFormation's hour"
    assert found, "the default app has deploy actions (canary object, security contact)"


def test_trusted_access_is_enabled_for_cloudtrail_and_security_hub(cloudformation, monkeypatch):
    """Before the organization trail: "you must manually configure trusted access" when the
    trail is created through the API (https://docs.aws.amazon.com/organizations/latest/userguide/services-that-can-integrate-cloudtrail.html)."""
    clients = Clients()
    monkeypatch.setattr(writer.boto3, "client", clients)
    orgs = clients.stub("organizations")
    for service in ("cloudtrail.amazonaws.com", "securityhub.amazonaws.com"):
        orgs.add_response("enable_aws_service_access", {}, {"ServicePrincipal": service})
    writer.handler(org_request(cloudformation, "EnableServiceAccess", ServicePrincipals=["cloudtrail.amazonaws.com", "securityhub.amazonaws.com"]), None)
    assert CloudFormation.received[-1]["Status"] == "SUCCESS", CloudFormation.received[-1]["Reason"]
    orgs.assert_no_pending_responses()


def test_the_organization_trail_waits_for_trusted_access(organization_synthesized):
    stack = next(s for s in organization_synthesized.assembly.stacks if "-account-baseline-444455556666-" in s.stack_name)
    resources = stack.template["Resources"]
    (trail_id,) = [k for k, r in resources.items() if r["Type"] == "AWS::CloudTrail::Trail"]
    (access_id,) = [k for k, r in resources.items() if r["Type"] == "AWS::CloudFormation::CustomResource" and r["Properties"]["Action"] == "EnableServiceAccess"]
    assert access_id in resources[trail_id]["DependsOn"]
    assert resources[access_id]["Properties"]["ServicePrincipals"] == ["cloudtrail.amazonaws.com", "securityhub.amazonaws.com"]


def folder_request(url: str, key_arn: str, kind: str = "Create", key: str = "guardduty/", bucket: str = "staging") -> dict:
    return {
        "RequestType": kind,
        "ResponseURL": url,
        "StackId": "arn:aws:cloudformation:eu-west-1:111122223333:stack/dpp-prod-log-archive/1",
        "RequestId": "req-4",
        "LogicalResourceId": "GuardDutyFolder",
        "ResourceProperties": {"Action": "PutFolderMarker", "Bucket": bucket, "Key": key, "KmsKeyArn": key_arn},
    }


@pytest.fixture
def staging(s3):
    """The staging bucket with KMS default encryption, as the archive stack builds it."""
    key_arn = boto3.client("kms").create_key(Description="archive")["KeyMetadata"]["Arn"]
    s3.create_bucket(Bucket="staging", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    s3.put_bucket_encryption(Bucket="staging", ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_arn}}]})
    return key_arn


def test_the_guardduty_folder_exists_before_the_destination_names_it(s3, staging, cloudformation):
    """GuardDuty refuses a destination prefix whose folder object is missing
    (https://github.com/hashicorp/terraform-provider-aws/issues/16750,
    https://github.com/aws/aws-cli/issues/10483): the action puts the zero-byte ``guardduty/``
    key with the archive key named and a SHA-256 checksum."""
    writer.handler(folder_request(cloudformation, staging), None)
    head = s3.head_object(Bucket="staging", Key="guardduty/", ChecksumMode="ENABLED")
    assert head["ContentLength"] == 0
    assert head["ServerSideEncryption"] == "aws:kms" and head["SSEKMSKeyId"].endswith(staging.split("/")[-1])
    assert head.get("ChecksumSHA256") == base64.b64encode(hashlib.sha256(b"").digest()).decode()  # SHA-256 of nothing, base64
    (response,) = CloudFormation.received
    assert (response["Status"], response["PhysicalResourceId"]) == ("SUCCESS", "folder:staging/guardduty/")


def test_an_update_puts_the_folder_back_and_delete_leaves_it(s3, staging, cloudformation):
    """The lifecycle expires the marker after the retention period like every object; an update
    of the resource puts it back (whatever is there), and a delete leaves it for the
    destinations that may still use it."""
    writer.handler(folder_request(cloudformation, staging), None)
    s3.delete_object(Bucket="staging", Key="guardduty/")  # expired by the lifecycle
    writer.handler(folder_request(cloudformation, staging, kind="Update"), None)
    assert s3.head_object(Bucket="staging", Key="guardduty/")["ContentLength"] == 0
    writer.handler(folder_request(cloudformation, staging, kind="Delete"), None)
    assert s3.head_object(Bucket="staging", Key="guardduty/")["ContentLength"] == 0
    assert [r["Status"] for r in CloudFormation.received] == ["SUCCESS"] * 3


@pytest.mark.parametrize("key", ["guardduty", "guardduty/AWSLogs/", "/"])
def test_only_a_single_folder_marker_is_written(s3, staging, cloudformation, key):
    writer.handler(folder_request(cloudformation, staging, key=key), None)
    assert CloudFormation.received[-1]["Status"] == "FAILED" and "must be one folder name" in CloudFormation.received[-1]["Reason"]
    assert s3.list_objects_v2(Bucket="staging").get("KeyCount", 0) == 0
