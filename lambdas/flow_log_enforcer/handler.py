"""Gives every VPC in its region flow logs and DNS query logging (DPP-LOG-3, DPP-LOG-4).

Invoked by EventBridge when a VPC is created (CloudTrail's CreateVpc event) and once a day
for every VPC in the region, so VPCs created before deployment, or while an event was
missed, are covered too. Idempotent: a VPC that already has a matching flow log, or is
already associated with the query-log configuration, is left as it is.

Logs only VPC IDs and counts (no payloads, no PII: DPP-PII-1). If any VPC could not be
covered, the invocation fails after trying all of them, so Lambda's retries and the
dead-letter queue keep the event.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field

import boto3
from botocore.exceptions import ClientError

logger = logging.getLogger()
logger.setLevel(os.environ.get("LOG_LEVEL", "INFO"))


@dataclass(frozen=True)
class Destination:
    kind: str  # "s3" (the archive's vpc-flow-logs/ prefix) or "cloud-watch-logs"
    arn: str
    role_arn: str | None = None  # CloudWatch Logs delivery role


@dataclass(frozen=True)
class Settings:
    destinations: tuple[Destination, ...]
    log_format: str
    max_aggregation_interval: int
    query_log_config_id: str | None

    @classmethod
    def from_environment(cls) -> "Settings":
        raw = json.loads(os.environ["FLOW_LOG_DESTINATIONS"])
        return cls(
            destinations=tuple(Destination(kind=d["kind"], arn=d["arn"], role_arn=d.get("roleArn")) for d in raw),
            log_format=os.environ["FLOW_LOG_FORMAT"],
            max_aggregation_interval=int(os.environ["FLOW_LOG_MAX_AGGREGATION_INTERVAL"]),
            query_log_config_id=os.environ.get("RESOLVER_QUERY_LOG_CONFIG_ID") or None,
        )


@dataclass
class Outcome:
    checked: int = 0
    flow_logs_created: list[str] = field(default_factory=list)
    dns_associated: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


class EnforcementFailed(RuntimeError):
    """Raised so that Lambda retries the event and finally dead-letters it."""


def vpc_ids_from(event: dict, ec2, account: str) -> list[str]:
    """The VPC a CreateVpc event names, or every VPC of this account in the region for the
    daily sweep.

    A failed CreateVpc call is recorded by CloudTrail too, with ``errorCode`` and no
    ``responseElements`` (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html):
    no VPC exists, so there is nothing to cover. VPCs shared with this account through AWS RAM
    are listed by DescribeVpcs with the owner's ``OwnerId``; a VPC's flow logs are its owner's
    to create (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-sharing.html,
    https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-limitations.html), so the sweep
    leaves them to the owner's baseline instead of dead-lettering and alarming every day."""
    detail = event.get("detail") or {}
    if detail.get("eventName") == "CreateVpc":
        if detail.get("errorCode"):
            return []
        vpc_id = ((detail.get("responseElements") or {}).get("vpc") or {}).get("vpcId")
        if not vpc_id:
            raise EnforcementFailed("CreateVpc event without responseElements.vpc.vpcId (the call may have failed)")
        return [vpc_id]
    ids: list[str] = []
    for page in ec2.get_paginator("describe_vpcs").paginate():
        ids.extend(v["VpcId"] for v in page["Vpcs"] if not account or v.get("OwnerId") == account)
    return ids


def _account(context) -> str:
    """This account's ID, from the function's own ARN (arn:aws:lambda:region:account:function:name)."""
    arn = getattr(context, "invoked_function_arn", "") or ""
    parts = arn.split(":")
    return parts[4] if len(parts) > 4 else os.environ.get("ACCOUNT_ID", "")


def _same_destination(log: dict, destination: Destination) -> bool:
    if log.get("LogDestinationType") != destination.kind or log.get("TrafficType") != "ALL":
        return False
    if destination.kind == "s3":
        return log.get("LogDestination", "").rstrip("/") == destination.arn.rstrip("/")
    return log.get("LogGroupName") == destination.arn.split(":log-group:", 1)[-1].removesuffix(":*")


def missing_destinations(ec2, vpc_id: str, settings: Settings) -> list[Destination]:
    response = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpc_id]}])
    logs = response.get("FlowLogs", [])
    return [d for d in settings.destinations if not any(_same_destination(log, d) for log in logs)]


def create_flow_log(ec2, vpc_id: str, destination: Destination, settings: Settings) -> None:
    request = dict(
        ResourceIds=[vpc_id],
        ResourceType="VPC",
        TrafficType="ALL",
        LogDestinationType=destination.kind,
        LogDestination=destination.arn,
        LogFormat=settings.log_format,
        MaxAggregationInterval=settings.max_aggregation_interval,
        TagSpecifications=[{"ResourceType": "vpc-flow-log", "Tags": [{"Key": "dpp:managed-by", "Value": "flow-log-enforcer"}]}],
    )
    if destination.kind == "s3":
        request["DestinationOptions"] = {"FileFormat": "parquet", "HiveCompatiblePartitions": False, "PerHourPartition": True}
    else:
        request["DeliverLogsPermissionArn"] = destination.role_arn
    response = ec2.create_flow_logs(**request)
    problems = response.get("Unsuccessful") or []
    if problems:
        error = problems[0].get("Error", {})
        raise EnforcementFailed(f"{error.get('Code', 'Unknown')}: {error.get('Message', 'flow log not created')}")


def is_dns_associated(resolver, vpc_id: str, config_id: str) -> bool:
    response = resolver.list_resolver_query_log_config_associations(Filters=[{"Name": "ResolverQueryLogConfigId", "Values": [config_id]}, {"Name": "ResourceId", "Values": [vpc_id]}])
    return any(a.get("Status") in ("CREATING", "ACTIVE") for a in response.get("ResolverQueryLogConfigAssociations", []))


def _error_code(error: Exception) -> str:
    return error.response["Error"]["Code"] if isinstance(error, ClientError) else str(error)


def enforce(vpc_ids: list[str], settings: Settings, ec2, resolver) -> Outcome:
    """Covers each VPC; a failure in one step or VPC does not stop the others."""
    outcome = Outcome()
    for vpc_id in vpc_ids:
        outcome.checked += 1
        try:
            missing = missing_destinations(ec2, vpc_id, settings)
            for destination in missing:
                create_flow_log(ec2, vpc_id, destination, settings)
            if missing:
                outcome.flow_logs_created.append(vpc_id)
        except (ClientError, EnforcementFailed) as error:
            outcome.failed[vpc_id] = f"flow log: {_error_code(error)}"
        if not settings.query_log_config_id:
            continue
        try:
            if not is_dns_associated(resolver, vpc_id, settings.query_log_config_id):
                resolver.associate_resolver_query_log_config(ResolverQueryLogConfigId=settings.query_log_config_id, ResourceId=vpc_id)
                outcome.dns_associated.append(vpc_id)
        except ClientError as error:
            previous = outcome.failed.get(vpc_id)
            outcome.failed[vpc_id] = "; ".join(filter(None, [previous, f"dns query logging: {_error_code(error)}"]))
    return outcome


def handler(event: dict, context) -> dict:
    settings = Settings.from_environment()
    ec2 = boto3.client("ec2")
    resolver = boto3.client("route53resolver")
    detail = event.get("detail") or {}
    if detail.get("eventName") == "CreateVpc" and detail.get("errorCode"):
        logger.info(json.dumps({"message": "failed CreateVpc call ignored: no VPC was created", "errorCode": str(detail["errorCode"])[:64]}))
        return {"ignored": "failed CreateVpc call"}
    outcome = enforce(vpc_ids_from(event, ec2, _account(context)), settings, ec2, resolver)
    summary = {
        "checked": outcome.checked,
        "flowLogsCreated": outcome.flow_logs_created,
        "dnsAssociated": outcome.dns_associated,
        "failed": outcome.failed,
    }
    logger.info(json.dumps({"message": "flow-log enforcement finished", **summary}))
    if outcome.failed:
        raise EnforcementFailed(f"{len(outcome.failed)} VPC(s) not covered: {sorted(outcome.failed)}")
    return summary
