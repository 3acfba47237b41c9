"""AWS Config custom rule: every CloudFront distribution has standard logging whose logs reach
the DPP archive (DPP-LOG-8, DPP-LOG-2).

Why not AWS's managed rule: CLOUDFRONT_ACCESSLOGS_ENABLED "checks if Amazon CloudFront
distributions are configured to deliver access logs to an Amazon S3 bucket" through the
distribution's own (legacy) logging setting
(https://docs.aws.amazon.com/config/latest/developerguide/cloudfront-accesslogs-enabled.html).
Legacy logging needs a bucket with ACLs enabled, which the workload log bucket refuses (object
ownership enforced), so a distribution logging the way this baseline supports, standard
logging v2 into ``<workload log bucket>/cloudfront``, would be NON_COMPLIANT there. This rule
accepts both kinds and, like ELB_LOGGING_ENABLED given ``s3BucketNames``, only destinations
whose logs are kept:

- **v2**: a CloudWatch Logs delivery source for the distribution with log type ACCESS_LOGS,
  a delivery from it, and that delivery's destination
  (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logging.html;
  DescribeDeliverySources, DescribeDeliveries, DescribeDeliveryDestinations,
  https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeDeliveries.html).
  Delivery sources for CloudFront live in us-east-1, where this function runs.
- **legacy**: ``DistributionConfig.Logging`` (Enabled, Bucket ``<name>.s3.amazonaws.com``,
  Prefix; https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_LoggingConfig.html),
  read with GetDistributionConfig.

Rule parameters (``ruleParameters``, JSON): ``acceptedS3Destination``, a
``<bucket>/<prefix>`` pattern with ``{account}`` and ``{region}`` (the workload log bucket's
``cloudfront`` prefix, which the log forwarder copies into the archive), with
``acceptedRegions`` the regions it is filled with; ``acceptLogGroups`` ("true" when the
account-wide subscription filter policy exports every log group into the archive). Without
``acceptedS3Destination`` any S3 bucket or log group counts, as the managed rule does. A
Firehose destination counts only then: the baseline cannot see where a stream ends.

Evaluations (https://docs.aws.amazon.com/config/latest/developerguide/evaluate-config_develop-rules_lambda-functions.html):
a change of one distribution's configuration item evaluates that distribution (a deleted one,
or one that left the rule's scope, is NOT_APPLICABLE; event shapes:
https://docs.aws.amazon.com/config/latest/developerguide/evaluate-config_develop-rules_example-events.html); the periodic run evaluates every distribution of the account, since a v2
delivery can change with no change of the distribution's configuration item. Results go to
PutEvaluations in batches of at most 100 with annotations of at most 256 characters (the
limits of botocore's Config service model, ``Evaluations`` and ``StringWithCharLimit256``).

Organization mode: the security account's function also serves the organization rule, which
each member's AWS Config invokes with the member's ``accountId``. The function then assumes
``MEMBER_ROLE_NAME`` in that member (the role its StackSet instance in us-east-1 creates) for
every call, PutEvaluations included: a member's results are kept in the member account, and
"you also need to create an IAM role in the managed account that can be assumed by the Lambda
function" (https://docs.aws.amazon.com/config/latest/APIReference/API_PutOrganizationConfigRule.html).
Without ``MEMBER_ROLE_NAME`` an event of another account is refused (the invocation fails).
Where STS refuses the role (AccessDenied: an account outside the member StackSet's
organizational units, since organization rules reach every account; a member whose role is
gone; or an account outside the organization, which the function's policy and the role's trust
both refuse), the account is logged as not evaluated, counted in the metric
``METRIC_NAMESPACE``/``AccountsNotEvaluated`` (the low alarm
``CloudFrontLoggingAccountsNotEvaluated``), and the invocation succeeds: an outsider cannot
fail the function, raising ``CloudFrontLoggingCheckErrors``, at will. Any other STS error
(throttling, a disabled region) raises.

Logs distribution IDs and verdicts only (DPP-PII-1). Any other API failure raises, so the
invocation fails and ``CloudFrontLoggingCheckErrors`` alarms; the next periodic run evaluates again.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone

import boto3
from botocore.exceptions import ClientError

logger = logging.getLogger()
logger.setLevel(os.environ.get("LOG_LEVEL", "INFO"))

RESOURCE_TYPE = "AWS::CloudFront::Distribution"
MAX_EVALUATIONS = 100
MAX_ANNOTATION = 256
# Only a recorded, existing resource is evaluated; anything else (ResourceDeleted,
# ResourceDeletedNotRecorded) is NOT_APPLICABLE, as AWS's sample rule does
# (https://docs.aws.amazon.com/config/latest/developerguide/evaluate-config_develop-rules_nodejs-sample.html).
EVALUATED_STATUSES = {"OK", "ResourceDiscovered"}
COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE = "COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"
ACCESS_LOGS = "ACCESS_LOGS"
NOT_EVALUATED_METRIC = "AccountsNotEvaluated"


@dataclass(frozen=True)
class Acceptance:
    """Which destinations count, from the rule's parameters."""

    s3_destinations: tuple[str, ...]  # "<bucket>/<prefix>"; empty: any S3 bucket
    log_groups: bool

    @property
    def any_destination(self) -> bool:
        return not self.s3_destinations

    @classmethod
    def from_parameters(cls, raw: str | None, account: str) -> "Acceptance":
        parameters = json.loads(raw) if raw else {}
        pattern = str(parameters.get("acceptedS3Destination", "")).strip()
        regions = [r.strip() for r in str(parameters.get("acceptedRegions", "")).split(",") if r.strip()]
        if pattern and "{region}" in pattern and not regions:
            raise ValueError("acceptedS3Destination names {region} but acceptedRegions is empty")
        filled = tuple(dict.fromkeys(pattern.format(account=account, region=r).strip("/") for r in (regions or [""]))) if pattern else ()
        return cls(s3_destinations=filled, log_groups=str(parameters.get("acceptLogGroups", "false")).lower() == "true")

    def accepts_s3(self, bucket: str, prefix: str, *, folder: bool = True) -> bool:
        """Whether objects written under ``prefix`` of ``bucket`` land below an accepted
        ``<bucket>/<prefix>/``. A v2 destination's path is a folder (the delivery adds
        ``/AWSLogs/...``); a legacy prefix is prepended to the file name as it is, so
        ``cloudfront`` writes ``cloudfrontE2QW....gz`` beside the folder, not in it
        (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logging-legacy-s3.html)."""
        if self.any_destination:
            return True
        path = f"{bucket}/{prefix.strip('/')}".rstrip("/") + "/" if folder else f"{bucket}/{prefix}"
        return any(path.startswith(accepted + "/") for accepted in self.s3_destinations)

    def accepts(self, destination_arn: str) -> bool:
        """A v2 delivery destination's resource ARN (S3 bucket with optional path, log group,
        stream), or the ARN of a delivery destination this account cannot describe (another
        account's), whose end is unknown here."""
        service = destination_arn.split(":")[2] if destination_arn.count(":") >= 5 else ""
        if service == "s3":
            bucket, _, prefix = destination_arn.split(":::", 1)[1].partition("/")
            return self.accepts_s3(bucket, prefix)
        if service == "logs" and ":log-group:" in destination_arn:
            return self.log_groups or self.any_destination
        return self.any_destination  # Firehose, another account's destination, anything newer


@dataclass(frozen=True)
class Evaluation:
    distribution_id: str
    compliance: str
    annotation: str

    def as_config(self, ordering: datetime) -> dict:
        return {
            "ComplianceResourceType": RESOURCE_TYPE,
            "ComplianceResourceId": self.distribution_id,
            "ComplianceType": self.compliance,
            "Annotation": self.annotation[:MAX_ANNOTATION],
            "OrderingTimestamp": ordering,
        }


def _paginate(call, key: str) -> Iterator[dict]:
    """Every item of a Describe* of CloudWatch Logs, page by page (``nextToken``)."""
    token = None
    while True:
        page = call(**({"nextToken": token} if token else {}))
        yield from page.get(key, [])
        token = page.get("nextToken")
        if not token:
            return


def vended_destinations(logs) -> dict[str, list[str]]:
    """Distribution ARN -> the destination resource ARNs its ACCESS_LOGS deliveries write to."""
    sources = {s["name"]: s.get("resourceArns", []) for s in _paginate(lambda **page: logs.describe_delivery_sources(**page), "deliverySources") if s.get("logType") == ACCESS_LOGS}
    destinations = {
        d["arn"]: d.get("deliveryDestinationConfiguration", {}).get("destinationResourceArn", "") for d in _paginate(lambda **page: logs.describe_delivery_destinations(**page), "deliveryDestinations")
    }
    found: dict[str, list[str]] = {}
    for delivery in _paginate(lambda **page: logs.describe_deliveries(**page), "deliveries"):
        resource_arns = sources.get(delivery.get("deliverySourceName", ""))
        destination = delivery.get("deliveryDestinationArn", "")
        # Another account's destination is not described here: its own ARN stands for it.
        target = destinations.get(destination) or destination
        if resource_arns is None or not target:
            continue
        for arn in resource_arns:
            found.setdefault(arn, []).append(target)
    return found


def _legacy_destination(logging_config: dict) -> tuple[str, str] | None:
    """(bucket, prefix) of enabled legacy logging; Bucket is the bucket's domain name."""
    if not logging_config.get("Enabled") or not logging_config.get("Bucket"):
        return None
    # "<bucket>.s3.amazonaws.com"; a bucket name may itself contain ".s3.".
    return logging_config["Bucket"].rsplit(".s3.", 1)[0], logging_config.get("Prefix", "")


def judge(distribution_id: str, legacy: dict, v2_destinations: list[str], acceptance: Acceptance) -> Evaluation:
    """The verdict on one distribution, from its legacy logging setting and its v2 destinations."""
    for arn in v2_destinations:
        if acceptance.accepts(arn):
            return Evaluation(distribution_id, COMPLIANT, f"Standard logging v2 into {arn}")
    legacy_target = _legacy_destination(legacy)
    if legacy_target and acceptance.accepts_s3(*legacy_target, folder=False):
        return Evaluation(distribution_id, COMPLIANT, f"Standard logging (legacy) into s3://{'/'.join(p for p in legacy_target if p)}")
    wanted = f"add a v2 delivery (ACCESS_LOGS) into arn:aws:s3:::{acceptance.s3_destinations[0]}" if acceptance.s3_destinations else "turn on standard logging"
    elsewhere = [*v2_destinations, *([f"s3://{legacy_target[0]} (legacy)"] if legacy_target else [])]
    if elsewhere:
        return Evaluation(distribution_id, NON_COMPLIANT, f"Logs go only to {', '.join(elsewhere)}, which does not reach the DPP archive: {wanted}")
    return Evaluation(distribution_id, NON_COMPLIANT, f"No standard logging: {wanted}")


def distribution_ids(cloudfront) -> Iterator[str]:
    for page in cloudfront.get_paginator("list_distributions").paginate():
        for item in page.get("DistributionList", {}).get("Items", []) or []:
            yield item["Id"]


def evaluate(distribution_ids_: Iterable[str], *, cloudfront, logs, acceptance: Acceptance, account: str) -> list[Evaluation]:
    wanted = list(distribution_ids_)
    if not wanted:
        return []
    delivered = vended_destinations(logs)
    verdicts = []
    for distribution_id in wanted:
        try:
            legacy = cloudfront.get_distribution_config(Id=distribution_id)["DistributionConfig"].get("Logging", {})
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "NoSuchDistribution":
                raise
            # Deleted since the event or the listing: nothing left to evaluate.
            verdicts.append(Evaluation(distribution_id, NOT_APPLICABLE, "The distribution no longer exists"))
            continue
        arn = f"arn:aws:cloudfront::{account}:distribution/{distribution_id}"
        verdicts.append(judge(distribution_id, legacy, delivered.get(arn, []), acceptance))
    return verdicts


def _ordering(invoking: dict) -> datetime:
    item = invoking.get("configurationItem") or invoking.get("configurationItemSummary") or {}
    stamp = item.get("configurationItemCaptureTime") or invoking.get("notificationCreationTime")
    if not stamp:
        return datetime.now(timezone.utc)
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def put_evaluations(config_client, evaluations: list[dict], result_token: str) -> None:
    for start in range(0, len(evaluations), MAX_EVALUATIONS):
        answer = config_client.put_evaluations(Evaluations=evaluations[start : start + MAX_EVALUATIONS], ResultToken=result_token)
        if answer.get("FailedEvaluations"):
            raise RuntimeError(f"Config refused {len(answer['FailedEvaluations'])} evaluations")


class ForeignAccount(RuntimeError):
    """An event of an account this function may not evaluate."""


class Uncovered(RuntimeError):
    """An account of the organization without the evaluator role: outside the member StackSet's
    organizational units (organization rules reach every account, the StackSet only those), or
    an account outside the organization that invoked the function."""


def clients(account: str, own_account: str) -> tuple:
    """CloudFront, CloudWatch Logs and Config clients of ``account``: this function's own
    credentials for its own account, the member role's for a member's."""
    if account == own_account:
        return boto3.client("cloudfront"), boto3.client("logs"), boto3.client("config")
    role_name = os.environ.get("MEMBER_ROLE_NAME")
    if not role_name or not account.isdigit() or len(account) != 12:
        raise ForeignAccount(f"refused an evaluation for account {account}: not this function's account and no member role is configured")
    role = f"arn:aws:iam::{account}:role/{role_name}"
    try:
        credentials = boto3.client("sts").assume_role(RoleArn=role, RoleSessionName="dpp-cloudfront-logging-check")["Credentials"]
    except ClientError as error:
        # STS's refusal: no such role, or one that does not trust this function (organization
        # rules reach every account, the member StackSet only the member OUs), or outside the
        # organization. Anything else is a fault of the check and raises.
        code = error.response.get("Error", {}).get("Code", "")
        if code != "AccessDenied":
            raise
        raise Uncovered(f"cannot assume {role} ({code}): account {account} is outside the member StackSet's organizational units, or outside the organization") from error
    session = boto3.session.Session(aws_access_key_id=credentials["AccessKeyId"], aws_secret_access_key=credentials["SecretAccessKey"], aws_session_token=credentials["SessionToken"])
    return session.client("cloudfront"), session.client("logs"), session.client("config")


def handler(event: dict, context) -> dict:
    invoking = json.loads(event["invokingEvent"])
    message = invoking.get("messageType", "")
    account = event["accountId"]
    ordering = _ordering(invoking)
    try:
        cloudfront, logs, config_client = clients(account, own_account=context.invoked_function_arn.split(":")[4])
    except Uncovered as uncovered:
        # Not a failure of the check: such an account has none of the member baseline, and an
        # outsider must not be able to raise the alarm at will. Logged, not evaluated.
        logger.warning(json.dumps({"message": "account not evaluated", "account": account, "reason": str(uncovered)}))
        boto3.client("cloudwatch").put_metric_data(Namespace=os.environ["METRIC_NAMESPACE"], MetricData=[{"MetricName": NOT_EVALUATED_METRIC, "Value": 1, "Unit": "Count"}])
        return {"evaluated": 0, "uncovered": account}
    acceptance = Acceptance.from_parameters(event.get("ruleParameters"), account)
    if message == "ScheduledNotification":
        verdicts = evaluate(distribution_ids(cloudfront), cloudfront=cloudfront, logs=logs, acceptance=acceptance, account=account)
    elif message in ("ConfigurationItemChangeNotification", "OversizedConfigurationItemChangeNotification"):
        item = invoking.get("configurationItem") or invoking.get("configurationItemSummary") or {}
        if item.get("resourceType") != RESOURCE_TYPE:
            return {"evaluated": 0}
        if item.get("configurationItemStatus") not in EVALUATED_STATUSES or event.get("eventLeftScope"):
            verdicts = [Evaluation(item["resourceId"], NOT_APPLICABLE, "The distribution was deleted or left the rule's scope")]
        else:
            verdicts = evaluate([item["resourceId"]], cloudfront=cloudfront, logs=logs, acceptance=acceptance, account=account)
    else:
        raise ValueError(f"unexpected Config message type {message!r}")
    results = [v.as_config(ordering) for v in verdicts]
    if results:
        put_evaluations(config_client, results, event["resultToken"])
    counts = {kind: sum(v.compliance == kind for v in verdicts) for kind in (COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE)}
    logger.info(json.dumps({"message": message, "evaluated": len(verdicts), **counts, "nonCompliant": [v.distribution_id for v in verdicts if v.compliance == NON_COMPLIANT]}))
    return {"evaluated": len(verdicts), **counts}
