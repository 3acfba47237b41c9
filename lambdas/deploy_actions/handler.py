"""CloudFormation custom resources for the few things templates cannot say (DPP-MON-2, DPP-IR-1,
DPP-LOG-6).

``Action`` selects what to do on Create and Update; Delete leaves things as they are (a
retained decoy keeps its bait; the account keeps its security contact; a looked-up key stays;
an export folder stays for the destination that may still use it).
An action returns the physical resource ID and the attributes the template may ``GetAtt``. Each function that
uses this code has a role allowing only its own action. Answers CloudFormation's pre-signed
URL itself (no extra libraries). Logs the request type, action and outcome, never the
content or contact details (DPP-PII-1).
"""

from __future__ import annotations

import json
import logging
import os
import threading
import urllib.request

import boto3

logger = logging.getLogger()
logger.setLevel(os.environ.get("LOG_LEVEL", "INFO"))


Outcome = tuple[str, dict[str, str]]


def put_canary_object(props: dict) -> Outcome:
    boto3.client("s3").put_object(Bucket=props["Bucket"], Key=props["Key"], Body=props["Body"].encode(), ContentType="text/csv")
    return f"canary:{props['Bucket']}/{props['Key']}", {}


def put_folder_marker(props: dict) -> Outcome:
    """A zero-byte ``<prefix>/`` object: GuardDuty's CreatePublishingDestination refuses a
    destination prefix whose folder object does not exist, and nothing else creates it. Put
    with the bucket's KMS key named (the bucket refuses weaker encryption) and a SHA-256
    checksum (the archive it replicates into is locked). Put again whenever CloudFormation
    updates the resource: the bucket's lifecycle expires it with every other object after the
    retention period, and GuardDuty checks again when a destination is updated."""
    bucket, key = props["Bucket"], props["Key"]
    if len(key) < 2 or not key.endswith("/") or key.count("/") != 1:
        raise ValueError(f"folder marker {key!r} must be one folder name ending in '/'")
    boto3.client("s3").put_object(Bucket=bucket, Key=key, Body=b"", ServerSideEncryption="aws:kms", SSEKMSKeyId=props["KmsKeyArn"], ChecksumAlgorithm="SHA256")
    return f"folder:{bucket}/{key}", {}


def put_security_contact(props: dict) -> Outcome:
    boto3.client("account").put_alternate_contact(
        AlternateContactType="SECURITY",
        Name=props["Name"],
        Title=props["Title"],
        EmailAddress=props["EmailAddress"],
        PhoneNumber=props["PhoneNumber"],
    )
    return "security-contact", {}


def describe_key(props: dict) -> Outcome:
    """The key ARN behind an alias ARN, for services that refuse aliases (GuardDuty's findings
    export). The key may be in another account and region: the client follows the ARN's region."""
    alias_arn = props["KeyId"]
    region = alias_arn.split(":")[3]
    metadata = boto3.client("kms", region_name=region).describe_key(KeyId=alias_arn)["KeyMetadata"]
    if metadata["KeyState"] != "Enabled":
        raise ValueError(f"key {metadata['Arn']} behind {alias_arn} is {metadata['KeyState']}, not Enabled")
    return metadata["Arn"], {"Arn": metadata["Arn"]}


def enable_organization_admins(props: dict) -> Outcome:
    """From the management account: the security account becomes GuardDuty's delegated
    administrator in every covered region and AWS Config's (trusted access first). Idempotent."""
    admin = props["AdminAccountId"]
    for region in props["Regions"]:
        guardduty = boto3.client("guardduty", region_name=region)
        current = guardduty.list_organization_admin_accounts().get("AdminAccounts", [])
        if not any(a.get("AdminAccountId") == admin for a in current):
            guardduty.enable_organization_admin_account(AdminAccountId=admin)
    organizations = boto3.client("organizations")
    for service in props.get("DelegatedServices", []):
        organizations.enable_aws_service_access(ServicePrincipal=service)
        try:
            organizations.register_delegated_administrator(AccountId=admin, ServicePrincipal=service)
        except organizations.exceptions.AccountAlreadyRegisteredException:
            pass
    return f"organization-admins:{admin}", {}


def enable_service_access(props: dict) -> Outcome:
    """From the management account: trusted access for the named services (idempotent: AWS
    accepts enabling what is already enabled)."""
    organizations = boto3.client("organizations")
    for service in props["ServicePrincipals"]:
        organizations.enable_aws_service_access(ServicePrincipal=service)
    return "service-access:" + ",".join(sorted(props["ServicePrincipals"])), {}


def configure_guardduty_organization(props: dict) -> Outcome:
    """From the delegated administrator, in one region: every member account, present and
    future, gets GuardDuty with the configured protection plans."""
    guardduty = boto3.client("guardduty")
    detectors = guardduty.list_detectors().get("DetectorIds", [])
    if not detectors:
        raise ValueError("no GuardDuty detector in this region of the security account: deploy its detection stack first")
    guardduty.update_organization_configuration(DetectorId=detectors[0], AutoEnableOrganizationMembers=props["AutoEnable"], Features=json.loads(props["Features"]))
    return f"guardduty-organization:{detectors[0]}", {}


ACTIONS = {
    "PutCanaryObject": put_canary_object,
    "PutSecurityContact": put_security_contact,
    "PutFolderMarker": put_folder_marker,
    "DescribeKey": describe_key,
    "EnableOrganizationAdmins": enable_organization_admins,
    "ConfigureGuardDutyOrganization": configure_guardduty_organization,
    "EnableServiceAccess": enable_service_access,
}


def respond(event: dict, status: str, reason: str, physical_id: str, data: dict[str, str] | None = None) -> None:
    body = json.dumps(
        {
            "Status": status,
            "Reason": reason[:500],
            "PhysicalResourceId": physical_id,
            "StackId": event["StackId"],
            "RequestId": event["RequestId"],
            "LogicalResourceId": event["LogicalResourceId"],
            "Data": data or {},
        }
    ).encode()
    request = urllib.request.Request(event["ResponseURL"], data=body, method="PUT", headers={"Content-Type": "", "Content-Length": str(len(body))})
    with urllib.request.urlopen(request, timeout=ANSWER_MARGIN_SECONDS - 2) as response:  # noqa: S310 (CloudFormation's pre-signed HTTPS URL)
        response.read()


# CloudFormation must hear back before Lambda stops the function, or the stack waits for the
# custom resource's ServiceTimeout: the action gets the time left minus this margin, which
# covers answering the pre-signed URL.
ANSWER_MARGIN_SECONDS = 10


def _run_with_deadline(work, seconds: float):
    """``work()``'s result, or TimeoutError when it is still running after ``seconds`` (the
    worker thread is left behind; Lambda freezes it when the handler returns)."""
    outcome: dict = {}

    def worker() -> None:
        try:
            outcome["value"] = work()
        except BaseException as error:  # handed to the caller, which reports it
            outcome["error"] = error

    thread = threading.Thread(target=worker, daemon=True)
    thread.start()
    thread.join(max(seconds, 0))
    if thread.is_alive():
        raise TimeoutError(f"the action did not finish within {int(seconds)} s of the function's time")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def handler(event: dict, context) -> None:
    props = event.get("ResourceProperties", {})
    action = props.get("Action", "")
    physical_id = event.get("PhysicalResourceId") or f"{action}:{event.get('LogicalResourceId', '')}"
    data: dict[str, str] = {}
    remaining = context.get_remaining_time_in_millis() / 1000 if context is not None else 60.0
    try:
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        if event["RequestType"] in ("Create", "Update"):
            physical_id, data = _run_with_deadline(lambda: ACTIONS[action](props), remaining - ANSWER_MARGIN_SECONDS)
        logger.info(json.dumps({"message": "custom resource handled", "requestType": event["RequestType"], "action": action}))
        respond(event, "SUCCESS", "ok", physical_id, data)
    except Exception as error:  # every failure must reach CloudFormation, or the stack hangs until ServiceTimeout
        logger.error(json.dumps({"message": "custom resource failed", "requestType": event.get("RequestType"), "action": action, "error": type(error).__name__}))
        respond(event, "FAILED", f"{type(error).__name__}: {error}", physical_id)
