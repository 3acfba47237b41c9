"""What the acknowledgements of every stack kind share: the record, the wording of findings the
public packs and AwsSolutions-IAM5 report, and constructs that several kinds hold (the
deploy-action functions, the flow-log enforcer, the Config recorder's role)."""

from __future__ import annotations

from dataclasses import dataclass

from configuration.model import BaselineConfig
from configuration.naming import archive_names, monitoring_names
from stacks.topology import PlannedStack


PUBLIC_PACKS = ("NIST.800.53.R5::NIST.800.53.R5", "HIPAA.Security::HIPAA.Security", "PCI.DSS.321::PCI.DSS.321")


CONCURRENCY_PACKS = PUBLIC_PACKS[:2]  # PCI DSS 3.2.1 has no function-concurrency rule


@dataclass(frozen=True)
class Acknowledgement:
    rule: str  # "<Pack>::<Rule-ID>", e.g. "AwsSolutions::AwsSolutions-IAM5[Resource::*]"
    path: str  # glob over construct paths (``*`` crosses ``/``)
    reason: str


def in_public_packs(rule_suffix: str, path: str, reason: str) -> list[Acknowledgement]:
    """The same finding as NIST 800-53 R5, HIPAA and PCI DSS 3.2.1 each report it."""
    return [Acknowledgement(f"{pack}-{rule_suffix}", path, reason) for pack in PUBLIC_PACKS]


def wildcards(path: str, resources: list[str], reason: str) -> list[Acknowledgement]:
    return [Acknowledgement(f"AwsSolutions::AwsSolutions-IAM5[Resource::{r}]", path, reason) for r in resources]


LOG_OBJECTS = (
    "Log object keys are chosen by the delivering services (account, region and date paths), so access must cover the bucket's objects; the actions are only those named, on these buckets only."
)


def alias_scoped(alias: str, region: str) -> str:
    return (
        f"The key's ARN is not known to this stack (it lives in another stack, region or account); the "
        f"statement matches only the key with alias {alias} (kms:ResourceAliases), used through a named "
        f"service (kms:ViaService) in {region}."
    )


def deploy_action_function(config: BaselineConfig, planned: PlannedStack, stack: str, construct: str, name: str) -> list[Acknowledgement]:
    """A custom-resource function (lambdas/deploy_actions) that only CloudFormation invokes."""
    function = f"{stack}/{construct}/Function"
    synchronous = "CloudFormation invokes this custom-resource function synchronously and reports a failure on the stack itself; a dead-letter queue only applies to asynchronous invocations."
    return [
        *wildcards(
            f"{stack}/{construct}/Policy",
            [f"arn:aws:logs:{planned.region}:{planned.account}:log-group:/aws/lambda/{config.resource_prefix}-{name}:*"],
            "Lambda names the log streams in the function's own log group; the grant covers that one group.",
        ),
        Acknowledgement("DPP::DPP-LambdaFailuresKept", function, synchronous),
        Acknowledgement("NIST.800.53.R5::NIST.800.53.R5-LambdaDLQ", function, synchronous),
        Acknowledgement("HIPAA.Security::HIPAA.Security-LambdaDLQ", function, synchronous),
        *in_public_packs(
            "LambdaInsideVPC",
            function,
            "The function only calls an AWS API once at deployment and handles no Information; a VPC would add NAT or endpoints for no reduction in exposure.",
        ),
    ]


def log_export_grants(path: str, buckets: list[str], region: str, account: str, aliases: str, key_account: str) -> list[Acknowledgement]:
    """Firehose's role for the account-wide CloudWatch Logs export (DPP-LOG-8)."""
    return [
        *wildcards(
            path,
            [f"arn:aws:s3:::{b}/{prefix}/{account}/*" for b in buckets for prefix in ("cloudwatch-logs", "cloudwatch-logs-errors")],
            "Firehose names each object by delivery time below this account's own export prefixes "
            "(cloudwatch-logs/<account>/ and its error records); PutObject and AbortMultipartUpload only, in the "
            "destination bucket (the member baseline names the staging bucket and the region's intake: a template "
            "condition picks one as the destination).",
        ),
        *wildcards(path, [f"arn:aws:kms:{region}:{key_account}:key/*"], alias_scoped(aliases, region)),
    ]


def enforcer(config: BaselineConfig, stack: str, region: str, account: str) -> list[Acknowledgement]:
    """The flow-log enforcer, in a collection stack or (with ``<AWS::Region>`` and
    ``<AWS::AccountId>`` as cdk-nag shows pseudo parameters) the member baseline."""
    names = monitoring_names(config, account)
    policy = f"{stack}/FlowLogEnforcer/Policy"
    function = f"{stack}/FlowLogEnforcer/Function"
    return [
        *wildcards(
            policy,
            ["*"],
            "ec2:DescribeVpcs, ec2:DescribeFlowLogs, logs:CreateLogDelivery/DeleteLogDelivery (vended-log delivery "
            "to S3) and route53resolver:ListResolverQueryLogConfigAssociations support no resource-level permissions.",
        ),
        *wildcards(
            policy,
            [f"arn:aws:ec2:{region}:{account}:vpc/*", f"arn:aws:ec2:{region}:{account}:vpc-flow-log/*"],
            "The function must cover every VPC of the region, including ones created after deployment, and "
            "the flow logs it creates for them; only ec2:CreateFlowLogs (and tagging during creation) is allowed.",
        ),
        *wildcards(
            policy,
            [f"arn:aws:logs:{region}:{account}:log-group:/aws/lambda/{config.resource_prefix}-flow-log-enforcer:*"],
            "Lambda names the log streams in the function's own log group; the grant covers that one group.",
        ),
        *wildcards(policy, [names.key_arn_pattern(region)], alias_scoped(names.monitoring_key_alias, region)),
        *in_public_packs(
            "LambdaInsideVPC",
            function,
            "The function only calls AWS APIs (EC2, Route 53 Resolver, SQS) and never touches Information; putting "
            "it in a VPC would need NAT or interface endpoints in every VPC-less region it governs, adding "
            "network paths rather than removing any.",
        ),
    ]


def config_role(config: BaselineConfig, stack: str, account: str) -> list[Acknowledgement]:
    archive = archive_names(config)
    return [
        Acknowledgement(
            "AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWS_ConfigRole]",
            f"{stack}/ConfigRecorderRole",
            "AWS_ConfigRole is AWS's policy for reading resource configurations; AWS updates it as Config "
            "supports new resource types, which a hand-written copy would miss (DPP-LOG-5 records all types).",
        ),
        *wildcards(
            f"{stack}/ConfigRecorderRoleDeliveryPolicy",
            [f"arn:aws:s3:::{archive.config_staging_bucket}/config/AWSLogs/{account}/*"],
            "AWS Config chooses the object keys below this account's own prefix of the staging bucket.",
        ),
        *wildcards(
            f"{stack}/ConfigRecorderRoleDeliveryPolicy",
            [f"arn:aws:kms:{archive.home_region}:*:key/*"],
            alias_scoped(archive.archive_key_alias, archive.home_region),
        ),
    ]


def workload_log_bucket_acknowledgements(stack: str) -> list[Acknowledgement]:
    """The workload log bucket (capabilities.workload_logs.log_buckets) and its access-log
    bucket, below ``stack`` (a foundation stack's name, or the member template's stack):
    SSE-S3 because ALB access logs take nothing else, and not replicated because replication
    would keep that SSE-S3; a log forwarder (the account's own, or for organization members the
    management account's) copies each object into the archive instead."""
    bucket, access_logs = f"{stack}/WorkloadLogBucket/Bucket", f"{stack}/WorkloadLogBucket/AccessLogBucket"
    alb_sse_s3 = (
        "Application Load Balancer access logs accept only SSE-S3 buckets "
        "(https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html); "
        "the bucket is versioned, private, TLS-only and tamper-denied instead."
    )
    not_replicated = (
        "Not replicated but copied: S3 replication would keep the objects' SSE-S3, which the KMS-only archive refuses "
        "(https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html); the log forwarder "
        "copies each new object into the log-archive account's bucket of this region (SSE-KMS), which replicates it into "
        "both Object Lock copies, and alarms on any failed copy. The bucket itself is versioned and tamper-denied, kept "
        "for the retention period plus 30 days."
    )
    return [
        Acknowledgement("DPP::DPP-S3KmsEncryption", bucket, alb_sse_s3),
        *in_public_packs("S3DefaultEncryptionKMS", bucket, alb_sse_s3),
        *in_public_packs(
            "S3DefaultEncryptionKMS",
            access_logs,
            "S3 server access logging can only deliver to buckets encrypted with SSE-S3 (AES-256); the access-log bucket is versioned, private, TLS-only and tamper-denied instead.",
        ),
        *in_public_packs("S3BucketReplicationEnabled", bucket, not_replicated),
        *in_public_packs(
            "S3BucketReplicationEnabled",
            access_logs,
            "Access logs of the workload log bucket stay in its region for the retention period plus 30 days behind a deny-tamper policy; replicating them would log its own writes without end.",
        ),
    ]


def cloudfront_evaluation_grants(policy: str, account: str) -> list[Acknowledgement]:
    """What the CloudFront logging check may do in the account it evaluates."""
    return [
        *wildcards(
            policy,
            ["*"],
            "cloudfront:ListDistributions, logs:DescribeDeliverySources/DescribeDeliveries/DescribeDeliveryDestinations, "
            "config:PutEvaluations and cloudwatch:PutMetricData support no resource-level permissions; all are reads but "
            "PutEvaluations, which needs the result token Config gives the invocation, and (the organization's function "
            "only) PutMetricData, limited to its own namespace by cloudwatch:namespace.",
        ),
        *wildcards(
            policy,
            [f"arn:aws:cloudfront::{account}:distribution/*"],
            "The rule evaluates every distribution of the account, including ones created after deployment; GetDistributionConfig only.",
        ),
    ]
