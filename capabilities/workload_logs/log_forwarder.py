"""A workload account's log forwarder: every new object of the region's workload log bucket
(ALB access logs, WAF logs) copied into the log archive within seconds (DPP-LOG-8,
DPP-RET-1, DPP-PRT-2, DPP-PRT-3).

Why a function and not S3 replication: replicas keep their source's encryption, and "objects
encrypted with SSE-S3 are replicated as SSE-S3" is what S3 does by default
(https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html);
ALB access logs accept only SSE-S3, while the archive is KMS-only (its bucket policy denies a
weaker encryption header, ``capabilities.archive.tamper``). A copy made by a role of this
account is a new object that takes the destination bucket's default KMS key.

- The bucket sends "Object Created" events to EventBridge
  (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html); a rule in this
  stack matches the bucket and the ``alb/``, ``waf/`` and ``cloudfront/`` prefixes and invokes the function,
  retrying for 24 hours (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-retry-policy.html).
- The function (``lambdas/log_forwarder``) copies into the log-archive account's bucket of
  this region that already takes cross-account channels and is replicated into both locked
  copies: the Config staging bucket at home, the region's intake elsewhere (the same
  destination as the CloudWatch Logs export, ``ArchiveNames.log_export_bucket``), under
  ``workload-logs/<account>/<region>/``. Copies into an unlocked bucket need no Content-MD5
  (a bucket with default retention would, object-lock-managing.html).
- Its role has a fixed name, ``<prefix>-log-forwarder-<region>``, which the destination
  bucket and key admit by pattern with the covered accounts (or ``aws:PrincipalOrgID``).
- Organization mode (``members``): the management account's instance in each covered region
  copies every member's bucket of that region. Members' rules (``stacks.member_workload_logs``)
  send their buckets' "Object Created" events to a bus of this stack, whose policy admits
  PutEvents from principals of the organization only and only for ``aws.s3`` "Object Created"
  events (the example policy of
  https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-example-policy-cross-account-custom-bus-source.html,
  with ``aws:PrincipalOrgID`` as PutPermission describes for an organization,
  https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutPermission.html). A rule on
  the bus invokes the function, which copies only the workload log bucket of the event's own
  account and region (the event's ``account`` is EventBridge's, kept across accounts,
  https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html). Its role reads
  the members' buckets by their name pattern, inside the organization only (``aws:ResourceOrgID``,
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourceorgid),
  each member's bucket policy admitting exactly this role.
- Failures: Lambda retries twice, then the event goes to an encrypted dead-letter queue
  (as do events EventBridge could not deliver); both alarm (``LogForwarderErrors``,
  ``LogForwarderDeadLetters``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aws_cdk import Duration
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct

from capabilities.foundation.lambda_code import source_code

from capabilities.foundation.building_blocks import encrypted_queue, key_by_alias_statement, monitoring_function

SOURCE = Path(__file__).resolve().parents[2] / "lambdas" / "log_forwarder"


def forwarder_event_pattern(bucket_name: str | dict, prefixes: list[str]) -> dict:
    """The EventBridge pattern of new objects under ``prefixes`` of ``bucket_name`` (a name, or
    a pattern such as ``{"prefix": ...}``)."""
    return {
        "source": ["aws.s3"],
        "detail-type": ["Object Created"],
        "detail": {"bucket": {"name": [bucket_name]}, "object": {"key": [{"prefix": p} for p in prefixes]}},
    }


def member_bucket_pattern(bucket_pattern: str) -> dict:
    """Members' buckets on the central bus: the literal start of ``{account}``/``{region}``
    names (the function checks the whole name against the event's account and region)."""
    return {"prefix": bucket_pattern.split("{", 1)[0]}


@dataclass(frozen=True)
class MemberSources:
    """Organization mode: members' buckets, whose events arrive on ``bus_name``."""

    organization_id: str
    bus_name: str


class LogForwarder(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        function_name: str,
        role_name: str,
        dead_letter_queue_name: str,
        log_group_name: str,
        source_bucket: str,
        source_prefixes: list[str],
        members: MemberSources | None = None,
        destination_bucket: str,
        destination_account: str,
        destination_key_alias: str,
        destination_prefix: str,
        monitoring_key_alias: str,
        account: str,
        region: str,
    ) -> None:
        super().__init__(scope, id)
        prefixes = [p.rstrip("/") + "/" for p in source_prefixes]
        # ``source_bucket`` is one name, or for members ``...-{account}-{region}``.
        readable = source_bucket.replace("{account}", "*").replace("{region}", "*")
        in_organization = {"StringEquals": {"aws:ResourceOrgID": members.organization_id}} if members else None
        self.dead_letters = encrypted_queue(self, "DeadLetters", queue_name=dead_letter_queue_name, key=kms.Alias.from_alias_name(self, "MonitoringKey", monitoring_key_alias))
        role = iam.Role(
            self,
            "Role",
            role_name=role_name,
            description="Copies the workload log bucket's objects into the DPP log archive (DPP-LOG-8)",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        )
        policy = iam.ManagedPolicy(
            self,
            "Policy",
            description="Read the workload log bucket's new objects, write their copies under this account's archive prefix",
            roles=[role],
            statements=[
                iam.PolicyStatement(actions=["logs:CreateLogStream", "logs:PutLogEvents"], resources=[f"arn:aws:logs:{region}:{account}:log-group:{log_group_name}:*"]),
                # The copy source: CopyObject and UploadPartCopy read it with the caller's rights
                # (GetObjectVersion because the event names the version).
                iam.PolicyStatement(
                    actions=["s3:GetObject", "s3:GetObjectVersion"],
                    resources=[f"arn:aws:s3:::{readable}/{p}*" for p in prefixes],
                    conditions=in_organization,
                ),
                iam.PolicyStatement(
                    actions=["s3:PutObject", "s3:AbortMultipartUpload"],
                    # Members: workload-logs/{account}/{region} -> workload-logs/* (the archive's
                    # own policy admits this role there; the function builds each key).
                    resources=[f"arn:aws:s3:::{destination_bucket}/{destination_prefix.split('{', 1)[0].rstrip('/')}/*"],
                ),
                key_by_alias_statement(actions=["kms:GenerateDataKey", "kms:Decrypt"], region=region, account=destination_account, alias=destination_key_alias, via_services=["s3"]),
                iam.PolicyStatement(actions=["sqs:SendMessage"], resources=[self.dead_letters.queue_arn]),
                key_by_alias_statement(actions=["kms:GenerateDataKey", "kms:Decrypt"], region=region, account=account, alias=monitoring_key_alias, via_services=["sqs"]),
            ],
        )
        self.function = monitoring_function(
            self,
            "Function",
            function_name=function_name,
            description="Copies new ALB access logs and WAF logs into the DPP log archive (DPP-LOG-8)",
            code=source_code(SOURCE),
            role=role,
            log_group_name=log_group_name,
            # A multipart copy of a very large object takes many UploadPartCopy calls.
            timeout=Duration.minutes(15),
            memory_size=256,
            environment={
                "DESTINATION_BUCKET": destination_bucket,
                "DESTINATION_ACCOUNT": destination_account,
                "DESTINATION_PREFIX": destination_prefix,
                "SOURCE_PREFIXES": ",".join(prefixes),
                "SOURCE_BUCKET_PATTERN": source_bucket,
            },
            dead_letter_queue=self.dead_letters,
            retry_attempts=2,
        )
        self.function.node.add_dependency(policy)
        self.bus = self._members_bus(members, account=account, region=region) if members else None
        self.rule = events.Rule(
            self,
            "OnObjectCreated",
            description="Each new ALB or WAF log object is copied into the DPP log archive (DPP-LOG-8)",
            event_bus=self.bus,
            event_pattern=events.EventPattern(**_cdk_pattern(forwarder_event_pattern(member_bucket_pattern(source_bucket) if members else source_bucket, prefixes))),
            targets=[targets.LambdaFunction(self.function, retry_attempts=185, max_event_age=Duration.hours(24), dead_letter_queue=self.dead_letters)],
        )

    def _members_bus(self, members: MemberSources, *, account: str, region: str) -> events.EventBus:
        """The bus members' rules target: PutEvents by the organization's principals, of S3's
        "Object Created" events only."""
        bus = events.EventBus(self, "MembersBus", event_bus_name=members.bus_name, description="Organization members' workload log buckets' Object Created events (DPP-LOG-8)")
        events.CfnEventBusPolicy(
            self,
            "MembersBusPolicy",
            event_bus_name=bus.event_bus_name,
            statement_id="OrganizationMembersWorkloadLogEvents",
            statement={
                "Sid": "OrganizationMembersWorkloadLogEvents",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "events:PutEvents",
                "Resource": f"arn:aws:events:{region}:{account}:event-bus/{members.bus_name}",
                # events:source and events:detail-type are multivalued (one value per entry of a
                # PutEvents batch): every entry must be S3's Object Created, and both keys must be
                # present, ForAllValues being true of an absent key
                # (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html).
                "Condition": {
                    "StringEquals": {"aws:PrincipalOrgID": members.organization_id},
                    "ForAllValues:StringEquals": {"events:source": ["aws.s3"], "events:detail-type": ["Object Created"]},
                    "Null": {"events:source": "false", "events:detail-type": "false"},
                },
            },
        )
        return bus


def _cdk_pattern(pattern: dict) -> dict:
    return {"source": pattern["source"], "detail_type": pattern["detail-type"], "detail": pattern["detail"]}
