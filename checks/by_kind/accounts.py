"""Every monitored account's stacks: its baseline (trail, roles), collection, detection, global
events, chat relay, alarms (canary, review digest) and monitoring foundation, and the
functions' concurrency across all of them."""

from __future__ import annotations

from checks.by_kind.common import (
    CONCURRENCY_PACKS,
    Acknowledgement,
    alias_scoped,
    cloudfront_evaluation_grants,
    config_role,
    deploy_action_function,
    enforcer,
    in_public_packs,
    log_export_grants,
    wildcards,
    workload_log_bucket_acknowledgements,
)
from configuration.model import BaselineConfig
from configuration.regions import CLOUDFRONT_REGION
from configuration.naming import archive_names, cloudfront_logging_check_name, cloudfront_logging_member_role, monitoring_names
from stacks.topology import PlannedStack


def account_baseline(config: BaselineConfig, planned: PlannedStack, stack: str) -> list[Acknowledgement]:
    names = monitoring_names(config, planned.account)
    trail_group = names.log_group_arn(planned.region, names.trail_log_group)
    acks = deploy_action_function(config, planned, stack, "SecurityContact", "security-contact")
    has_trail = config.trail_home(planned.account, planned.region)
    if config.org_mode and has_trail:
        acks += deploy_action_function(config, planned, stack, "OrganizationServiceAccess", "organization-access")
        acks += wildcards(
            f"{stack}/OrganizationServiceAccess/Policy",
            ["*"],
            "Organizations' EnableAWSServiceAccess and ListAWSServiceAccessForOrganization take no resource ARN; the "
            "write is limited to the CloudTrail and Security Hub service principals (organizations:ServicePrincipal).",
        )
    if has_trail:
        acks += wildcards(
            f"{stack}/AccountTrail/CloudWatchDeliveryPolicy",
            [f"{trail_group}:log-stream:*"],
            "CloudTrail names the log streams it creates in the trail's log group; the grant covers streams of that one group.",
        )
    if config.features.config_recorder:
        acks += config_role(config, stack, planned.account)
    return acks


def collection(config: BaselineConfig, planned: PlannedStack, stack: str) -> list[Acknowledgement]:
    found = _log_export(config, stack, planned.region, planned.account) if config.workload.export_log_groups else []
    if config.features.config_recorder and planned.region == CLOUDFRONT_REGION:
        found += _cloudfront_logging_check(config, stack, planned.region, planned.account)
    if any(a.account_id == planned.account for a in config.log_forwarder_accounts):
        found += _log_forwarder(config, stack, planned.region, planned.account)
    if not config.features.flow_logs:
        return found
    return found + enforcer(config, stack, planned.region, planned.account)


def _cloudfront_logging_check(config: BaselineConfig, stack: str, region: str, account: str) -> list[Acknowledgement]:
    """The custom Config rule's function (capabilities.config_recorder.cloudfront_logging)."""
    policy, function = f"{stack}/BaselineRules/CloudFrontAccessLogs/Policy", f"{stack}/BaselineRules/CloudFrontAccessLogs/Function"
    retried = (
        "AWS Config invokes this rule's function; a failed evaluation raises CloudFrontLoggingCheckErrors, and the "
        "rule's periodic run (every six hours) evaluates every distribution again, so a dead-lettered event would "
        "add nothing to recover."
    )
    serves_members = config.org_mode and account == config.security_account.account_id
    members = (
        wildcards(
            policy,
            [f"arn:aws:iam::*:role/{cloudfront_logging_member_role(config)}"],
            "Organization mode: the function evaluates each member (any member account, present or future) through "
            "that member's evaluator role, inside the organization only (aws:ResourceOrgID), whose trust policy admits "
            "this function's role alone; sts:AssumeRole only.",
        )
        if serves_members
        else []
    )
    return [
        *cloudfront_evaluation_grants(policy, account),
        *members,
        *wildcards(
            policy,
            [f"arn:aws:logs:{region}:{account}:log-group:/aws/lambda/{cloudfront_logging_check_name(config)}:*"],
            "Lambda names the log streams in the function's own log group; the grant covers that one group.",
        ),
        Acknowledgement("DPP::DPP-LambdaFailuresKept", function, retried),
        Acknowledgement("NIST.800.53.R5::NIST.800.53.R5-LambdaDLQ", function, retried),
        Acknowledgement("HIPAA.Security::HIPAA.Security-LambdaDLQ", function, retried),
        *in_public_packs(
            "LambdaInsideVPC",
            function,
            "The function only reads CloudFront and CloudWatch Logs settings and reports to AWS Config; it handles no "
            "Information, and a VPC would need NAT or interface endpoints for no reduction in exposure.",
        ),
    ]


def _log_export(config: BaselineConfig, stack: str, region: str, account: str) -> list[Acknowledgement]:
    archive = archive_names(config)
    return log_export_grants(f"{stack}/AccountLogExport/DeliveryPolicy", [archive.log_export_bucket(region)], region, account, archive.log_export_key_alias(region), archive.account)


def _log_forwarder(config: BaselineConfig, stack: str, region: str, account: str) -> list[Acknowledgement]:
    """The workload log forwarder (capabilities.workload_logs.log_forwarder)."""
    archive, names = archive_names(config), monitoring_names(config, account)
    policy, function = f"{stack}/LogForwarder/Policy", f"{stack}/LogForwarder/Function"
    keys = sorted({f"arn:aws:kms:{region}:{archive.account}:key/*", names.key_arn_pattern(region)})
    if config.org_mode:
        # The management account's instance, for every member's bucket of this region.
        source = monitoring_names(config, "*").workload_log_bucket("*")
        sources = "every organization member's workload log bucket (by name, inside the organization only: aws:ResourceOrgID; each member's bucket policy admits this role alone)"
        copies = f"arn:aws:s3:::{archive.log_export_bucket(region)}/workload-logs/*"
        where = "below workload-logs/<member account>/<region>/, built by the function from the event's account and region"
    else:
        source = names.workload_log_bucket(region)
        sources = "the workload log bucket"
        copies = f"arn:aws:s3:::{archive.log_export_bucket(region)}/workload-logs/{account}/{region}/*"
        where = "below this account's and region's own archive prefix"
    return [
        *wildcards(
            policy,
            [f"arn:aws:s3:::{source}/{p}/*" for p in ("alb", "waf", "cloudfront")],
            f"Elastic Load Balancing, AWS WAF and CloudFront name each log object by time below these three prefixes of "
            f"{sources}; the function reads (GetObject, GetObjectVersion) only what it copies.",
        ),
        *wildcards(
            policy,
            [copies],
            f"The copies keep the source keys {where}; PutObject and AbortMultipartUpload only (conditional writes, no overwrite).",
        ),
        *wildcards(
            policy,
            [f"arn:aws:logs:{region}:{account}:log-group:/aws/lambda/{config.resource_prefix}-log-forwarder:*"],
            "Lambda names the log streams in the function's own log group; the grant covers that one group.",
        ),
        *wildcards(
            policy,
            keys,
            f"The keys' ARNs are not known to this stack (another stack or account); each statement matches only the key with "
            f"alias {archive.log_export_key_alias(region)} (through S3) or {names.monitoring_key_alias} (through SQS), by "
            f"kms:ResourceAliases and kms:ViaService in {region}.",
        ),
        *in_public_packs(
            "LambdaInsideVPC",
            function,
            "The function only calls S3 (a server-side copy between two buckets) and never reads the objects' content; "
            "a VPC would need NAT or an S3 endpoint in every region, adding network paths rather than removing any.",
        ),
    ]


def detection(config: BaselineConfig, planned: PlannedStack, stack: str) -> list[Acknowledgement]:
    acks = [
        Acknowledgement(
            "AwsSolutions::AwsSolutions-SQS3",
            f"{stack}/FindingRoutes/DeadLetters",
            "This queue is itself the dead-letter queue of the EventBridge rule targets (cdk-nag only "
            "recognises SQS redrive); a dead-letter queue of a dead-letter queue would have nowhere further to go.",
        ),
    ]
    if config.features.guardduty:
        archive = archive_names(config)
        acks += deploy_action_function(config, planned, stack, "FindingsExport", "archive-key-lookup")
        acks += wildcards(
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
                acks += wildcards(
                    policy,
                    [f"arn:aws:events:{bucket.region}:{bucket.account}:rule/DO-NOT-DELETE-AmazonGuardDutyMalwareProtectionS3*", *objects],
                    "GuardDuty names its own EventBridge rule (fixed prefix, ManagedBy condition on changes) and scans and "
                    "tags whichever objects are uploaded; the grants cover that rule and this bucket's scanned objects only.",
                )
    return acks


def canary(config: BaselineConfig, planned: PlannedStack, stack: str) -> list[Acknowledgement]:
    """The decoy bucket (monitoring foundation) and the function that writes the canary (alarms)."""
    slug = planned.kind.slug
    if not config.canary.enabled or not config.trail_home(planned.account, planned.region):
        return []
    if slug == "monitoring-foundation":
        bucket = f"{stack}/CanaryBucket/Bucket"
        return [
            Acknowledgement(
                "AwsSolutions::AwsSolutions-S1",
                bucket,
                "The decoy bucket's every object call is a CloudTrail data event (the trail selects it), with identity, source IP and outcome, which is stronger evidence than server access logs.",
            ),
            *in_public_packs(
                "S3BucketLoggingEnabled",
                bucket,
                "The decoy bucket's every object call is a CloudTrail data event (the trail selects it), with identity, source IP and outcome, which is stronger evidence than server access logs.",
            ),
            *in_public_packs(
                "S3BucketReplicationEnabled",
                bucket,
                "The decoy bucket holds only synthetic bait that is rewritten on every deployment; there is nothing to recover.",
            ),
        ]
    names = monitoring_names(config, planned.account)
    return [
        *deploy_action_function(config, planned, stack, "Canary", "canary-writer"),
        *wildcards(f"{stack}/Canary/Policy", [names.key_arn_pattern(planned.region)], alias_scoped(names.monitoring_key_alias, planned.region)),
    ]


def review_digest(config: BaselineConfig, planned: PlannedStack, stack: str) -> list[Acknowledgement]:
    if planned.region != config.home_region:
        return []
    names = monitoring_names(config, planned.account)
    policy = f"{stack}/ReviewDigest/Policy"
    return [
        *wildcards(policy, ["*"], "cloudwatch:DescribeAlarmHistory and config:DescribeComplianceByConfigRule are read-only and support no resource-level permissions."),
        *wildcards(policy, [names.key_arn_pattern(planned.region)], alias_scoped(names.monitoring_key_alias, planned.region)),
        *wildcards(
            policy,
            [f"arn:aws:logs:{planned.region}:{planned.account}:log-group:/aws/lambda/{config.resource_prefix}-review-digest:*"],
            "Lambda names the log streams in the function's own log group; the grant covers that one group.",
        ),
        *in_public_packs(
            "LambdaInsideVPC",
            f"{stack}/ReviewDigest/Function",
            "The function only reads AWS APIs (CloudWatch, Security Hub, Config) and publishes to SNS; a VPC would need NAT or several interface endpoints for no reduction in exposure.",
        ),
    ]


def relay(config: BaselineConfig, planned: PlannedStack, stack: str) -> list[Acknowledgement]:
    names = monitoring_names(config, planned.account)
    policy = f"{stack}/ChatRelay/Policy"
    function = f"{stack}/ChatRelay/Function"
    queue_driven = (
        "The function is driven by an SQS queue whose redrive policy moves a record to a dead-letter queue after "
        "five receipts, and it dead-letters permanent rejections itself; a Lambda DLQ applies only to asynchronous invocations."
    )
    return [
        *wildcards(
            policy,
            ["*"],
            "xray:PutTraceSegments and xray:PutTelemetryRecords (Powertools Tracer) support no resource-level permissions.",
        ),
        *wildcards(policy, [names.key_arn_pattern(planned.region)], alias_scoped(names.monitoring_key_alias, planned.region)),
        *wildcards(
            policy,
            [f"arn:aws:logs:{planned.region}:{planned.account}:log-group:/aws/lambda/{config.resource_prefix}-chat-relay:*"],
            "Lambda names the log streams in the function's own log group; the grant covers that one group.",
        ),
        Acknowledgement("NIST.800.53.R5::NIST.800.53.R5-LambdaDLQ", function, queue_driven),
        Acknowledgement("HIPAA.Security::HIPAA.Security-LambdaDLQ", function, queue_driven),
        *in_public_packs(
            "LambdaInsideVPC",
            function,
            "The relay posts to public chat webhooks over HTTPS and reads AWS APIs; a VPC would need a NAT gateway in every covered region and adds no control over those destinations.",
        ),
        *(
            Acknowledgement(
                f"{pack}-DynamoDBInBackupPlan",
                f"{stack}/ChatRelay/Ledger",
                "The ledger only remembers for a day which notifications were already posted (to avoid duplicates); it holds no evidence, and point-in-time recovery is on.",
            )
            for pack in ("NIST.800.53.R5::NIST.800.53.R5", "HIPAA.Security::HIPAA.Security")
        ),
    ]


def response_ledger(config: BaselineConfig, planned: PlannedStack, stack: str) -> list[Acknowledgement]:
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


def unreserved_functions(config: BaselineConfig) -> list[Acknowledgement]:
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
    return [Acknowledgement(f"{pack}-LambdaConcurrency", path, reason) for pack in CONCURRENCY_PACKS]


def global_events(config: BaselineConfig, planned: PlannedStack, stack: str) -> list[Acknowledgement]:
    return [
        Acknowledgement(
            "AwsSolutions::AwsSolutions-SQS3",
            f"{stack}/GlobalEventForwarder/DeadLetters",
            "This queue is itself the dead-letter queue of the forwarding rule's target (cdk-nag only "
            "recognises SQS redrive); a dead-letter queue of a dead-letter queue would have nowhere further to go.",
        ),
        *(
            Acknowledgement(
                rule,
                f"{stack}/GlobalEventForwarder/ForwardingFailed/Resource",
                "No topic lives in us-east-1 unless it is a covered region, so the alarm has no action of its own: "
                "its state change goes to EventBridge and is forwarded to the home region, where the route "
                "GlobalEventsForwardingFailed publishes it to the critical topic (tests/synth/test_detection.py).",
            )
            for rule in ("NIST.800.53.R5::NIST.800.53.R5-CloudWatchAlarmAction", "HIPAA.Security::HIPAA.Security-CloudWatchAlarmAction", "DPP::DPP-AlarmCanFire")
        ),
    ]


def workload_log_bucket(config: BaselineConfig, planned: PlannedStack, stack: str) -> list[Acknowledgement]:
    """The workload log bucket of ALB access logs and WAF logs (capabilities.workload_logs.log_buckets)."""
    if not (config.workload.log_buckets and any(a.account_id == planned.account and a.is_workload for a in config.accounts)):
        return []
    return workload_log_bucket_acknowledgements(stack)
