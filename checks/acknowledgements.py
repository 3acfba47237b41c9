"""Findings the project accepts, each with the reason a security reviewer would read.

Kept as data in this one module and generated per planned stack, so every acknowledgement
names the exact stack, construct and (for AwsSolutions-IAM5, which names each wildcard it
found) the exact finding. An acknowledgement covers the construct it names and everything
below it. The test suite fails when one suppresses nothing (no stale exceptions), and the
compliance report lists every one with its reason.
"""
from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase

from aws_cdk import Acknowledgment, App, Validations
from constructs import IConstruct

from configuration.model import BaselineConfig
from capabilities.archive.log_archive import reader_buckets
from configuration.naming import archive_names, monitoring_names
from stacks.topology import PlannedStack, plan

_PUBLIC_PACKS = ("NIST.800.53.R5::NIST.800.53.R5", "HIPAA.Security::HIPAA.Security", "PCI.DSS.321::PCI.DSS.321")
_CONCURRENCY_PACKS = _PUBLIC_PACKS[:2]  # PCI DSS 3.2.1 has no function-concurrency rule


@dataclass(frozen=True)
class Acknowledgement:
    rule: str  # "<Pack>::<Rule-ID>", e.g. "AwsSolutions::AwsSolutions-IAM5[Resource::*]"
    path: str  # glob over construct paths (``*`` crosses ``/``)
    reason: str


def _in_public_packs(rule_suffix: str, path: str, reason: str) -> list[Acknowledgement]:
    """The same finding as NIST 800-53 R5, HIPAA and PCI DSS 3.2.1 each report it."""
    return [Acknowledgement(f"{pack}-{rule_suffix}", path, reason) for pack in _PUBLIC_PACKS]


def _wildcards(path: str, resources: list[str], reason: str) -> list[Acknowledgement]:
    return [Acknowledgement(f"AwsSolutions::AwsSolutions-IAM5[Resource::{r}]", path, reason) for r in resources]


_LOG_OBJECTS = (
    "Log object keys are chosen by the delivering services (account, region and date paths), so "
    "access must cover the bucket's objects; the actions are only those named, on these buckets only."
)


def _alias_scoped(alias: str, region: str) -> str:
    return (
        f"The key's ARN is not known to this stack (it lives in another stack, region or account); the "
        f"statement matches only the key with alias {alias} (kms:ResourceAliases), used through a named "
        f"service (kms:ViaService) in {region}."
    )


def _log_archive(config: BaselineConfig, stack: str) -> list[Acknowledgement]:
    names = archive_names(config)
    objects = lambda *buckets: [f"{names.bucket_arn(b)}/*" for b in buckets]  # noqa: E731
    replica_key = [f"arn:aws:kms:{names.replica_region}:{names.account}:key/*"]
    access_logs = f"{stack}/LogArchive/AccessLogBucket"
    return [
        *_in_public_packs(
            "S3DefaultEncryptionKMS",
            access_logs,
            "S3 server access logging can only deliver to buckets encrypted with SSE-S3 (AES-256); the "
            "access-log bucket is versioned, private, TLS-only and tamper-denied instead.",
        ),
        *_in_public_packs(
            "S3BucketReplicationEnabled",
            access_logs,
            "S3 server access logging refuses targets with an Object Lock default retention, and replicating "
            "access logs into the archive would log its own writes without end; they stay in-region for the "
            "full retention period behind deny-delete and need-to-know policies.",
        ),
        *_wildcards(
            f"{stack}/LogArchive/LogReaderPolicy",
            objects(*reader_buckets(names, list(config.intake_regions))),
            _LOG_OBJECTS + " Read-only; the buckets deny reads to every other principal (DPP-PRT-4).",
        ),
        *_wildcards(
            f"{stack}/LogArchive/LogReaderPolicy",
            [f"arn:aws:s3:::{names.archive_bucket}/evidence/*"],
            "The evidence register: records are named evidence/<kind>/<date>/<id>.json when written (evidence/register.py); "
            "the role may add objects under evidence/ of the archive only, where Object Lock keeps them unchanged (DPP-VER-4).",
        ),
        *_wildcards(f"{stack}/LogArchive/LogReaderPolicy", replica_key, _alias_scoped(names.replica_key_alias, names.replica_region)),
        *[
            ack
            for region in config.intake_regions
            if region != names.replica_region  # the replica region's key wildcard is acknowledged above
            for ack in _wildcards(
                f"{stack}/LogArchive/LogReaderPolicy", [f"arn:aws:kms:{region}:{names.account}:key/*"], _alias_scoped(names.intake_key_alias, region)
            )
        ],
        *_wildcards(
            f"{stack}/LogArchive/ReplicationRolePolicy",
            objects(names.archive_bucket, names.config_staging_bucket, names.replica_bucket),
            _LOG_OBJECTS + " Replication reads source versions and writes replicas; it cannot delete (no s3:ReplicateDelete).",
        ),
        *_wildcards(f"{stack}/LogArchive/ReplicationRolePolicy", replica_key, _alias_scoped(names.replica_key_alias, names.replica_region)),
    ]


def _log_replica(config: BaselineConfig, stack: str) -> list[Acknowledgement]:
    return [
        *_in_public_packs(
            "S3DefaultEncryptionKMS",
            f"{stack}/LogArchiveReplica/AccessLogBucket",
            "S3 server access logging can only deliver to buckets encrypted with SSE-S3 (AES-256); the "
            "replica's access-log bucket is versioned, private, TLS-only and tamper-denied instead.",
        ),
        *_in_public_packs(
            "S3BucketReplicationEnabled",
            f"{stack}/LogArchiveReplica/AccessLogBucket",
            "Access logs of the replica are kept in the replica region for the full retention period; S3 server "
            "access logging cannot write to an Object Lock bucket.",
        ),
        *_in_public_packs(
            "S3BucketReplicationEnabled",
            f"{stack}/LogArchiveReplica/ReplicaBucket",
            "This bucket is the replication destination (the geographically separate copy, DPP-PRT-5); "
            "replicating it again would only add a third region.",
        ),
    ]


def _log_intake(config: BaselineConfig, planned: PlannedStack, stack: str) -> list[Acknowledgement]:
    names = archive_names(config)
    region = planned.region
    access_logs = f"{stack}/RegionalLogIntake/AccessLogBucket"
    policy = f"{stack}/RegionalLogIntake/ReplicationRolePolicy"
    return [
        *_in_public_packs(
            "S3DefaultEncryptionKMS",
            access_logs,
            "S3 server access logging can only deliver to buckets encrypted with SSE-S3 (AES-256); the intake's "
            "access-log bucket is versioned, private, TLS-only and tamper-denied instead.",
        ),
        *_in_public_packs(
            "S3BucketReplicationEnabled",
            access_logs,
            "Access logs of the intake stay in its region for the full retention period behind deny-delete and "
            "need-to-know policies; replicating them into the archive would log its own writes without end.",
        ),
        *_wildcards(
            policy,
            [f"{names.bucket_arn(b)}/*" for b in (names.intake_bucket(region), names.archive_bucket, names.replica_bucket)],
            _LOG_OBJECTS + " Replication reads source versions and writes replicas; it cannot delete (no s3:ReplicateDelete).",
        ),
        *[
            ack
            for key_region, alias in ((names.home_region, names.archive_key_alias), (names.replica_region, names.replica_key_alias))
            for ack in _wildcards(policy, [f"arn:aws:kms:{key_region}:{names.account}:key/*"], _alias_scoped(alias, key_region))
        ],
    ]


def _account_baseline(config: BaselineConfig, planned: PlannedStack, stack: str) -> list[Acknowledgement]:
    names = monitoring_names(config, planned.account)
    trail_group = names.log_group_arn(planned.region, names.trail_log_group)
    acks = _deploy_action_function(config, planned, stack, "SecurityContact", "security-contact")
    has_trail = config.trail_home(planned.account, planned.region)
    if config.org_mode and has_trail:
        acks += _deploy_action_function(config, planned, stack, "OrganizationServiceAccess", "organization-access")
        acks += _wildcards(
            f"{stack}/OrganizationServiceAccess/Policy",
            ["*"],
            "Organizations' EnableAWSServiceAccess and ListAWSServiceAccessForOrganization take no resource ARN; the "
            "write is limited to the CloudTrail and Security Hub service principals (organizations:ServicePrincipal).",
        )
    if has_trail:
        acks += _wildcards(
            f"{stack}/AccountTrail/CloudWatchDeliveryPolicy",
            [f"{trail_group}:log-stream:*"],
            "CloudTrail names the log streams it creates in the trail's log group; the grant covers streams of that one group.",
        )
    if config.features.config_recorder:
        acks += _config_role(config, stack, planned.account)
    return acks


def _config_role(config: BaselineConfig, stack: str, account: str) -> list[Acknowledgement]:
    archive = archive_names(config)
    return [
        Acknowledgement(
            "AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWS_ConfigRole]",
            f"{stack}/ConfigRecorderRole",
            "AWS_ConfigRole is AWS's policy for reading resource configurations; AWS updates it as Config "
            "supports new resource types, which a hand-written copy would miss (DPP-LOG-5 records all types).",
        ),
        *_wildcards(
            f"{stack}/ConfigRecorderRoleDeliveryPolicy",
            [f"arn:aws:s3:::{archive.config_staging_bucket}/config/AWSLogs/{account}/*"],
            "AWS Config chooses the object keys below this account's own prefix of the staging bucket.",
        ),
        *_wildcards(
            f"{stack}/ConfigRecorderRoleDeliveryPolicy",
            [f"arn:aws:kms:{archive.home_region}:*:key/*"],
            _alias_scoped(archive.archive_key_alias, archive.home_region),
        ),
    ]


def _collection(config: BaselineConfig, planned: PlannedStack, stack: str) -> list[Acknowledgement]:
    if not config.features.flow_logs:
        return []
    return _enforcer(config, stack, planned.region, planned.account)


def _enforcer(config: BaselineConfig, stack: str, region: str, account: str) -> list[Acknowledgement]:
    """The flow-log enforcer, in a collection stack or (with ``<AWS::Region>`` and
    ``<AWS::AccountId>`` as cdk-nag shows pseudo parameters) the member baseline."""
    names = monitoring_names(config, account)
    policy = f"{stack}/FlowLogEnforcer/Policy"
    function = f"{stack}/FlowLogEnforcer/Function"
    return [
        *_wildcards(
            policy,
            ["*"],
            "ec2:DescribeVpcs, ec2:DescribeFlowLogs, logs:CreateLogDelivery/DeleteLogDelivery (vended-log delivery "
            "to S3) and route53resolver:ListResolverQueryLogConfigAssociations support no resource-level permissions.",
        ),
        *_wildcards(
            policy,
            [f"arn:aws:ec2:{region}:{account}:vpc/*", f"arn:aws:ec2:{region}:{account}:vpc-flow-log/*"],
            "The function must cover every VPC of the region, including ones created after deployment, and "
            "the flow logs it creates for them; only ec2:CreateFlowLogs (and tagging during creation) is allowed.",
        ),
        *_wildcards(
            policy,
            [f"arn:aws:logs:{region}:{account}:log-group:/aws/lambda/{config.resource_prefix}-flow-log-enforcer:*"],
            "Lambda names the log streams in the function's own log group; the grant covers that one group.",
        ),
        *_wildcards(policy, [names.key_arn_pattern(region)], _alias_scoped(names.monitoring_key_alias, region)),
        *_in_public_packs(
            "LambdaInsideVPC",
            function,
            "The function only calls AWS APIs (EC2, Route 53 Resolver, SQS) and never touches Information; putting "
            "it in a VPC would need NAT or interface endpoints in every VPC-less region it governs, adding "
            "network paths rather than removing any.",
        ),
    ]


def _detection(config: BaselineConfig, planned: PlannedStack, stack: str) -> list[Acknowledgement]:
    acks = [
        Acknowledgement(
            "AwsSolutions::AwsSolutions-SQS3",
            f"{stack}/FindingRoutes/DeadLetters",
            "This queue is itself the dead-letter queue of the EventBridge rule targets (cdk-nag only "
            "recognises SQS redrive); a dead-letter queue of a dead-letter queue would have nowhere further to go.",
        )
    ]
    if config.features.guardduty:
        archive = archive_names(config)
        acks += _deploy_action_function(config, planned, stack, "FindingsExport", "archive-key-lookup")
        acks += _wildcards(
            f"{stack}/FindingsExport/Policy",
            [f"arn:aws:kms:{archive.home_region}:{archive.account}:key/*"],
            f"The archive key's ARN is what this function looks up; the statement matches only the key with alias "
            f"{archive.archive_key_alias} (kms:ResourceAliases) and allows only kms:DescribeKey (metadata).",
        )
        if "s3MalwareProtection" in config.detection.guardduty_protections:
            for bucket in config.detection.malware_scanned_buckets:
                if (bucket.account, bucket.region) != (planned.account, planned.region):
                    continue
                policy = f"{stack}/MalwareScan-{bucket.name}/Policy"
                objects = [f"arn:aws:s3:::{bucket.name}/{p}*" for p in bucket.prefixes] or [f"arn:aws:s3:::{bucket.name}/*"]
                acks += _wildcards(
                    policy,
                    [f"arn:aws:events:{bucket.region}:{bucket.account}:rule/DO-NOT-DELETE-AmazonGuardDutyMalwareProtectionS3*", *objects],
                    "GuardDuty names its own EventBridge rule (fixed prefix, ManagedBy condition on changes) and scans and "
                    "tags whichever objects are uploaded; the grants cover that rule and this bucket's scanned objects only.",
                )
    return acks


def _canary(config: BaselineConfig, planned: PlannedStack, stack: str, slug: str) -> list[Acknowledgement]:
    if not config.canary.enabled or not config.trail_home(planned.account, planned.region):
        return []
    if slug == "monitoring-foundation":
        bucket = f"{stack}/CanaryBucket/Bucket"
        return [
            Acknowledgement(
                "AwsSolutions::AwsSolutions-S1",
                bucket,
                "The decoy bucket's every object call is a CloudTrail data event (the trail selects it), with identity, "
                "source IP and outcome, which is stronger evidence than server access logs.",
            ),
            *_in_public_packs(
                "S3BucketLoggingEnabled",
                bucket,
                "The decoy bucket's every object call is a CloudTrail data event (the trail selects it), with identity, "
                "source IP and outcome, which is stronger evidence than server access logs.",
            ),
            *_in_public_packs(
                "S3BucketReplicationEnabled",
                bucket,
                "The decoy bucket holds only synthetic bait that is rewritten on every deployment; there is nothing to recover.",
            ),
        ]
    names = monitoring_names(config, planned.account)
    return [
        *_deploy_action_function(config, planned, stack, "Canary", "canary-writer"),
        *_wildcards(f"{stack}/Canary/Policy", [names.key_arn_pattern(planned.region)], _alias_scoped(names.monitoring_key_alias, planned.region)),
    ]


def _deploy_action_function(config: BaselineConfig, planned: PlannedStack, stack: str, construct: str, name: str) -> list[Acknowledgement]:
    """A custom-resource function (lambdas/deploy_actions) that only CloudFormation invokes."""
    function = f"{stack}/{construct}/Function"
    synchronous = (
        "CloudFormation invokes this custom-resource function synchronously and reports a failure on the stack "
        "itself; a dead-letter queue only applies to asynchronous invocations."
    )
    return [
        *_wildcards(
            f"{stack}/{construct}/Policy",
            [f"arn:aws:logs:{planned.region}:{planned.account}:log-group:/aws/lambda/{config.resource_prefix}-{name}:*"],
            "Lambda names the log streams in the function's own log group; the grant covers that one group.",
        ),
        Acknowledgement("DPP::DPP-LambdaFailuresKept", function, synchronous),
        Acknowledgement("NIST.800.53.R5::NIST.800.53.R5-LambdaDLQ", function, synchronous),
        Acknowledgement("HIPAA.Security::HIPAA.Security-LambdaDLQ", function, synchronous),
        *_in_public_packs(
            "LambdaInsideVPC",
            function,
            "The function only calls an AWS API once at deployment and handles no Information; a VPC would add NAT "
            "or endpoints for no reduction in exposure.",
        ),
    ]


def _review_digest(config: BaselineConfig, planned: PlannedStack, stack: str) -> list[Acknowledgement]:
    if planned.region != config.home_region:
        return []
    names = monitoring_names(config, planned.account)
    policy = f"{stack}/ReviewDigest/Policy"
    return [
        *_wildcards(policy, ["*"], "cloudwatch:DescribeAlarmHistory and config:DescribeComplianceByConfigRule are read-only and support no resource-level permissions."),
        *_wildcards(policy, [names.key_arn_pattern(planned.region)], _alias_scoped(names.monitoring_key_alias, planned.region)),
        *_wildcards(
            policy,
            [f"arn:aws:logs:{planned.region}:{planned.account}:log-group:/aws/lambda/{config.resource_prefix}-review-digest:*"],
            "Lambda names the log streams in the function's own log group; the grant covers that one group.",
        ),
        *_in_public_packs(
            "LambdaInsideVPC",
            f"{stack}/ReviewDigest/Function",
            "The function only reads AWS APIs (CloudWatch, Security Hub, Config) and publishes to SNS; a VPC would "
            "need NAT or several interface endpoints for no reduction in exposure.",
        ),
    ]


def _relay(config: BaselineConfig, planned: PlannedStack, stack: str) -> list[Acknowledgement]:
    names = monitoring_names(config, planned.account)
    policy = f"{stack}/ChatRelay/Policy"
    function = f"{stack}/ChatRelay/Function"
    queue_driven = (
        "The function is driven by an SQS queue whose redrive policy moves a record to a dead-letter queue after "
        "five receipts, and it dead-letters permanent rejections itself; a Lambda DLQ applies only to asynchronous invocations."
    )
    return [
        *_wildcards(
            policy,
            ["*"],
            "xray:PutTraceSegments and xray:PutTelemetryRecords (Powertools Tracer) support no resource-level permissions.",
        ),
        *_wildcards(policy, [names.key_arn_pattern(planned.region)], _alias_scoped(names.monitoring_key_alias, planned.region)),
        *_wildcards(
            policy,
            [f"arn:aws:logs:{planned.region}:{planned.account}:log-group:/aws/lambda/{config.resource_prefix}-chat-relay:*"],
            "Lambda names the log streams in the function's own log group; the grant covers that one group.",
        ),
        Acknowledgement("NIST.800.53.R5::NIST.800.53.R5-LambdaDLQ", function, queue_driven),
        Acknowledgement("HIPAA.Security::HIPAA.Security-LambdaDLQ", function, queue_driven),
        *_in_public_packs(
            "LambdaInsideVPC",
            function,
            "The relay posts to public chat webhooks over HTTPS and reads AWS APIs; a VPC would need a NAT gateway "
            "in every covered region and adds no control over those destinations.",
        ),
        *(
            Acknowledgement(
                f"{pack}-DynamoDBInBackupPlan",
                f"{stack}/ChatRelay/Ledger",
                "The ledger only remembers for a day which notifications were already posted (to avoid duplicates); "
                "it holds no evidence, and point-in-time recovery is on.",
            )
            for pack in ("NIST.800.53.R5::NIST.800.53.R5", "HIPAA.Security::HIPAA.Security")
        ),
    ]


def _here(arns: tuple[str, ...], region: str, account: str) -> bool:
    return any(a.split(":")[3] == region and a.split(":")[4] == account for a in arns)


def _responses(config: BaselineConfig, planned: PlannedStack, stack: str) -> list[Acknowledgement]:
    """The automated responder (DPP-IR-3): acting on resources named only in findings."""
    names = monitoring_names(config, planned.account)
    region, account = planned.region, planned.account
    policy, function = f"{stack}/Responder/Policy", f"{stack}/Responder/Function"
    responses = config.responses
    acks = [
        *_wildcards(policy, [names.key_arn_pattern(region)], _alias_scoped(names.monitoring_key_alias, region)),
        *_wildcards(
            policy,
            [f"arn:aws:logs:{region}:{account}:log-group:/aws/lambda/{config.resource_prefix}-responder:*"],
            "Lambda names the log streams in the function's own log group; the grant covers that one group.",
        ),
        *_in_public_packs(
            "LambdaInsideVPC",
            function,
            "The responder only calls AWS APIs (IAM, EC2, WAF, SNS, DynamoDB); a VPC would need endpoints or NAT in every "
            "covered region and would not narrow what it can reach.",
        ),
    ]
    acting = not responses.dry_run
    acks += _wildcards(
        f"{stack}/Responder/Boundary",
        ["*"],
        "A permissions boundary grants nothing: it caps the responder's role at the listed actions; IAM attach "
        "rights in it are limited to the one revocation policy (iam:PolicyARN) and its own, the CDK bootstrap "
        "and break-glass roles are denied every IAM action.",
    )
    if responses.on("disableCredentials") and acting:
        acks += _wildcards(
            policy,
            [f"arn:aws:iam::{account}:user/*", f"arn:aws:iam::{account}:role/*"],
            "The principal to act on is named only by the finding (or found from an exposed key AWS Health names, with "
            "the read-only iam:GetAccessKeyLastUsed); the actions are limited to deactivating keys and "
            "attaching or detaching the one project-managed revocation policy (iam:PolicyARN), and an explicit Deny "
            "protects its own role, the CDK bootstrap roles, the break-glass role and every excluded principal.",
        )
    elif responses.on("disableCredentials"):
        acks += _wildcards(
            policy,
            [f"arn:aws:iam::{account}:user/*"],
            "AWS Health names an exposed access key only; the read-only iam:GetAccessKeyLastUsed finds the user it "
            "belongs to, so a dry run can report whom it would act on. Nothing is changed in a dry run.",
        )
    if responses.on("isolateInstances"):
        acks += _wildcards(
            policy,
            ["*"],
            "ec2:DescribeInstances, ec2:DescribeSecurityGroups, ec2:DescribeSnapshots and ec2:DescribeNetworkAcls support no resource-level permissions.",
        )
    elif responses.on("blockHostileIps") and acting and _here(responses.network_acl_vpc_arns, region, account):
        acks += _wildcards(policy, ["*"], "ec2:DescribeNetworkAcls supports no resource-level permissions.")
    if responses.on("isolateInstances") and acting:
        ec2 = lambda kind: f"arn:aws:ec2:{region}:{account}:{kind}/*"  # noqa: E731
        acks += _wildcards(
            policy,
            [ec2("instance"), ec2("network-interface"), ec2("security-group"), ec2("volume"), ec2("vpc"), f"arn:aws:ec2:{region}::snapshot/*"],
            "The instance to isolate is named only by the finding, and the isolation group and forensic snapshots are "
            "created at response time; the actions are limited to swapping security groups, tagging, snapshotting and "
            "creating the rule-less isolation group (rule revocation only on groups tagged dpp:isolation).",
        )
    if responses.on("blockHostileIps") and acting and _here(responses.network_acl_vpc_arns, region, account):
        acks += _wildcards(
            policy,
            [f"arn:aws:ec2:{region}:{account}:network-acl/*"],
            "Network ACL IDs are looked up at response time; entries may be created or deleted only in the network "
            "ACLs of the VPCs listed in dpp.responses.networkAclVpcArns (ec2:Vpc).",
        )
    if responses.on("blockHostileIps") and acting and _here(responses.web_acl_arns, region, account):
        acks += _wildcards(
            policy,
            [*(f"arn:aws:wafv2:{region}:{account}:regional/{kind}/*" for kind in ("ipset", "rulegroup", "regexpatternset")), f"arn:aws:wafv2:{region}:*:regional/managedruleset/*"],
            "UpdateWebACL writes the configured web ACL back whole and needs the IP sets and rule groups its existing "
            "rules reference; the web ACLs it may update are only those listed in dpp.responses.webAclArns.",
        )
    if responses.on("notifyFailedSignIns") and region == config.home_region:
        acks += _wildcards(
            policy,
            [f"arn:aws:logs:{region}:{account}:log-group:{names.trail_log_group}:*"],
            "FilterLogEvents on the trail's one log group, to name the principals and sources of failed sign-ins.",
        )
    return acks


def _response_ledger(config: BaselineConfig, stack: str) -> list[Acknowledgement]:
    if not config.features.automated_responses:
        return []
    return [
        Acknowledgement(
            f"{pack}-DynamoDBInBackupPlan",
            f"{stack}/ResponseLedger",
            "The response ledger has point-in-time recovery, deletion protection and is retained when its stack is "
            "deleted; items never expire, and every response it records is also posted to the alert topics (e-mail).",
        )
        for pack in ("NIST.800.53.R5::NIST.800.53.R5", "HIPAA.Security::HIPAA.Security")
    ]


def _unreserved_functions(config: BaselineConfig) -> list[Acknowledgement]:
    """The public packs ask every function for a function-level concurrency limit."""
    reason = (
        "No reserved concurrency by default: Lambda keeps 10 executions unreserved per account and region, so in "
        "accounts whose quota is 10 (new accounts, accounts a StackSet vends) any reservation fails the stack "
        "(https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html). dpp.functions.reservedConcurrency "
        "adds one where the quota allows; the chat relay is paced by its SQS mapping's MaximumConcurrency instead, "
        "because a reservation throttles the poller's batches into late receives and dead letters."
    )
    # With a reservation configured only the SQS-fed relay is left without one.
    path = "*/ChatRelay/Function" if config.functions.reserved_concurrency else "*/Function"
    if config.functions.reserved_concurrency and not any(t.is_webhook for t in config.notification_targets):
        return []
    return [Acknowledgement(f"{pack}-LambdaConcurrency", path, reason) for pack in _CONCURRENCY_PACKS]


def acknowledgements(config: BaselineConfig) -> tuple[Acknowledgement, ...]:
    """Every acknowledgement for this configuration, exact to the stack and finding."""
    acks: list[Acknowledgement] = _unreserved_functions(config)
    for planned in plan(config):
        stack = planned.name(config)
        slug = planned.kind.slug
        if slug == "log-archive":
            acks += _log_archive(config, stack)
        elif slug == "log-replica":
            acks += _log_replica(config, stack)
        elif slug == "log-intake":
            acks += _log_intake(config, planned, stack)
        elif slug == "account-baseline":
            acks += _account_baseline(config, planned, stack)
        elif slug == "collection":
            acks += _collection(config, planned, stack)
        elif slug == "detection":
            acks += _detection(config, planned, stack)
        elif slug == "global-events":
            acks.append(
                Acknowledgement(
                    "AwsSolutions::AwsSolutions-SQS3",
                    f"{stack}/GlobalEventForwarder/DeadLetters",
                    "This queue is itself the dead-letter queue of the forwarding rule's target (cdk-nag only "
                    "recognises SQS redrive); a dead-letter queue of a dead-letter queue would have nowhere further to go.",
                )
            )
        elif slug == "relay":
            acks += _relay(config, planned, stack)
        elif slug == "responses":
            acks += _responses(config, planned, stack)
        elif slug == "monitoring-foundation":
            acks += _response_ledger(config, stack)
        elif slug in ("org-admin", "org-security"):
            acks += _organization(config, planned, stack)
        if slug in ("monitoring-foundation", "alarms"):
            acks += _canary(config, planned, stack, slug)
        if slug == "alarms":
            acks += _review_digest(config, planned, stack)
    return tuple(acks)


@dataclass(frozen=True)
class AppliedAcknowledgement:
    acknowledgement: Acknowledgement
    construct_path: str


def apply_acknowledgements(app: App, config: BaselineConfig, acks: tuple[Acknowledgement, ...] | None = None) -> list[AppliedAcknowledgement]:
    """Acknowledges each entry on the outermost constructs its path (or glob) matches.

    Construct paths are read once: each read crosses into the jsii runtime, and reading them
    per acknowledgement made a 70-stack app spend minutes here.
    """
    by_path: dict[str, IConstruct] = {c.node.path: c for c in app.node.find_all() if c.node.path}
    applied: list[AppliedAcknowledgement] = []
    for ack in acknowledgements(config) if acks is None else acks:
        if any(ch in ack.path for ch in "*?["):
            matched = [p for p in by_path if fnmatchcase(p, ack.path)]
            paths = [p for p in matched if not any(p.startswith(m + "/") for m in matched)]
        else:
            paths = [ack.path] if ack.path in by_path else []
        for path in paths:
            Validations.of(by_path[path]).acknowledge(Acknowledgment(id=ack.rule, reason=ack.reason))
            applied.append(AppliedAcknowledgement(ack, path))
    return applied


def _organization(config: BaselineConfig, planned: PlannedStack, stack: str) -> list[Acknowledgement]:
    """The organization deploy actions and the Config aggregator's role."""
    slug = planned.kind.slug
    construct = "Delegation" if slug == "org-admin" else "GuardDuty"
    acks: list[Acknowledgement] = []
    if slug == "org-admin" or config.features.guardduty:
        acks += _deploy_action_function(config, planned, stack, construct, "organization-admin")
    if slug == "org-admin":
        acks += _wildcards(
            f"{stack}/Delegation/Policy",
            ["*"],
            "GuardDuty's organization-admin calls and Organizations' service-access and delegation calls take no "
            "resource ARNs; the Organizations writes are limited to the named service principals.",
        )
        acks += _wildcards(
            f"{stack}/Delegation/Policy",
            [f"arn:aws:iam::{planned.account}:role/aws-service-role/guardduty.amazonaws.com/*"],
            "Only GuardDuty's own service-linked role, which enabling its organization administrator creates.",
        )
    elif config.features.guardduty:
        acks += _wildcards(f"{stack}/GuardDuty/Policy", ["*"], "guardduty:ListDetectors takes no resource ARN.")
        acks += _wildcards(
            f"{stack}/GuardDuty/Policy",
            [f"arn:aws:guardduty:{planned.region}:{planned.account}:detector/*"],
            "The detector's ID is created by the detection stack; the grant is this account's detectors in this region, one action.",
        )
    if slug == "org-security" and config.features.config_recorder and planned.region == config.home_region:
        acks.append(
            Acknowledgement(
                "AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSConfigRoleForOrganizations]",
                f"{stack}/Config/AggregatorRole",
                "AWSConfigRoleForOrganizations is AWS's policy for an organization aggregator (read-only Organizations "
                "calls); AWS maintains it as the aggregator's needs change.",
            )
        )
    return acks


def member_acknowledgements(config: BaselineConfig) -> tuple[Acknowledgement, ...]:
    """The member baseline template's (one stack, deployed by the StackSet everywhere); its
    account and region are CloudFormation pseudo parameters, as cdk-nag names them."""
    from capabilities.organization.member_stackset import MEMBER_STACK

    acks: list[Acknowledgement] = []
    if config.features.flow_logs:
        # Members are never given a reservation: vended accounts start with a quota of 10.
        acks += [
            Acknowledgement(
                f"{pack}-LambdaConcurrency",
                f"{MEMBER_STACK}/*/Function",
                "Member accounts vended by the organization start with a Lambda concurrency quota of 10, which refuses "
                "any reservation (https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html).",
            )
            for pack in _CONCURRENCY_PACKS
        ]
        acks += _enforcer(config, MEMBER_STACK, "<AWS::Region>", "<AWS::AccountId>")
    if config.features.config_recorder:
        acks += _config_role(config, MEMBER_STACK, "<AWS::AccountId>")
    return tuple(acks)
