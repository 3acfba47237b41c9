"""CloudFormation custom resource that writes (and on delete leaves) the canary object.

Writes ``Body`` to ``Bucket``/``Key`` on Create and Update; on Delete does nothing, so a
retained decoy bucket keeps its bait. Answers CloudFormation's pre-signed URL itself (no
extra libraries). Logs only the request type and outcome, never the content (DPP-PII-1).
"""
from __future__ import annotations

import json
import logging
import os
import urllib.request

import boto3

logger = logging.getLogger()
logger.setLevel(os.environ.get("LOG_LEVEL", "INFO"))


def respond(event: dict, status: str, reason: str, physical_id: str) -> None:
    body = json.dumps(
        {
            "Status": status,
            "Reason": reason[:500],
            "PhysicalResourceId": physical_id,
            "StackId": event["StackId"],
            "RequestId": event["RequestId"],
            "LogicalResourceId": event["LogicalResourceId"],
        }
    ).encode()
    request = urllib.request.Request(event["ResponseURL"], data=body, method="PUT", headers={"Content-Type": "", "Content-Length": str(len(body))})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (CloudFormation's pre-signed HTTPS URL)
        response.read()


def handler(event: dict, context) -> None:
    props = event.get("ResourceProperties", {})
    physical_id = f"canary:{props.get('Bucket')}/{props.get('Key')}"
    try:
        if event["RequestType"] in ("Create", "Update"):
            boto3.client("s3").put_object(Bucket=props["Bucket"], Key=props["Key"], Body=props["Body"].encode(), ContentType="text/csv")
        logger.info(json.dumps({"message": "canary request handled", "requestType": event["RequestType"]}))
        respond(event, "SUCCESS", "ok", physical_id)
    except Exception as error:  # every failure must reach CloudFormation, or the stack hangs for an hour
        logger.error(json.dumps({"message": "canary request failed", "requestType": event.get("RequestType"), "error": type(error).__name__}))
        respond(event, "FAILED", f"{type(error).__name__}: {error}", physical_id)
