"""AWS Config managed rules that watch the baseline itself, so drift shows up as a finding
(DPP-VER-1 at run time, DPP-MON-3: security-control modifications), and the workload's own
log channels, for resources not built with this CDK (DPP-LOG-8, DPP-LOG-7).

Each managed rule's identifier, parameters and regions are AWS Config's
(https://docs.aws.amazon.com/config/latest/developerguide/managed-rules-by-aws-config.html and
the rule's own page, cited below); a rule is left out of a region where AWS does not offer it,
since CloudFormation cannot create it there."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import aws_config as config
from constructs import Construct

from capabilities.config_recorder.cloudfront_logging import CloudFrontLoggingRule, MemberEvaluation
from configuration.model import MIN_RETENTION_DAYS
from configuration.regions import CLOUDFRONT_REGION

__all__ = ["CLOUDFRONT_REGION", "BaselineConfigRules", "BaselineRule", "CloudFrontLoggingCheck", "baseline_rules", "workload_rules"]


# Regions by the names the rule pages use.
_TAIPEI, _MEXICO, _THAILAND, _MALAYSIA, _NEW_ZEALAND = "ap-east-2", "mx-central-1", "ap-southeast-7", "ap-southeast-5", "ap-southeast-6"


@dataclass(frozen=True)
class BaselineRule:
    id: str
    identifier: str  # AWS Config's managed-rule identifier
    requirement: str
    parameters: dict | None = None
    home_only: bool = False  # account-wide checks run once, in the home region
    only_in: str | None = None  # a rule AWS offers in one region only
    unavailable_in: frozenset[str] = frozenset()  # regions the rule's page excludes
    scope: tuple[str, str] | None = None  # (resource type, resource ID) the rule is limited to
    # A custom rule of this project replaces the managed one, in an account's own stacks
    # (``BaselineConfigRules``) and as an organization rule (``ConfigOrganization``); the
    # identifier names the managed rule it stands in for.
    custom: bool = False

    def applies(self, region: str, is_home_region: bool) -> bool:
        if self.home_only and not is_home_region:
            return False
        if self.only_in is not None and region != self.only_in:
            return False
        return region not in self.unavailable_in


def workload_rules(sensitive_buckets: tuple[str, ...] = (), elb_log_buckets: tuple[str, ...] = ()) -> tuple[BaselineRule, ...]:
    """The workload's channels to Amazon's Information, checked wherever they were built
    (DPP-LOG-8); NON_COMPLIANT results reach the ConfigNonCompliant route like every rule's."""
    rules = [
        # https://docs.aws.amazon.com/config/latest/developerguide/elb-logging-enabled.html:
        # ALB and CLB access logs on (not NLB/GWLB). s3BucketNames (comma-separated) names the
        # workload log bucket when the baseline provides one: logs into any other bucket are
        # NON_COMPLIANT; without it any bucket passes.
        BaselineRule(
            "ElbAccessLogs",
            "ELB_LOGGING_ENABLED",
            "DPP-LOG-8",
            {"s3BucketNames": ",".join(elb_log_buckets)} if elb_log_buckets else None,
            unavailable_in=frozenset({_MEXICO, _TAIPEI}),
        ),
        # https://docs.aws.amazon.com/config/latest/developerguide/api-gw-execution-logging-enabled.html:
        # REST and WebSocket/HTTP stages log at ERROR or INFO.
        BaselineRule(
            "ApiGatewayExecutionLogs",
            "API_GW_EXECUTION_LOGGING_ENABLED",
            "DPP-LOG-8",
            {"loggingLevel": "ERROR,INFO"},
            unavailable_in=frozenset({_MEXICO, _TAIPEI, _NEW_ZEALAND}),
        ),
        # https://docs.aws.amazon.com/config/latest/developerguide/apigateway-stage-access-logs-enabled.html
        BaselineRule(
            "ApiGatewayRestAccessLogs",
            "APIGATEWAY_STAGE_ACCESS_LOGS_ENABLED",
            "DPP-LOG-8",
            unavailable_in=frozenset({_THAILAND, _MALAYSIA, _MEXICO, _TAIPEI, _NEW_ZEALAND}),
        ),
        # https://docs.aws.amazon.com/config/latest/developerguide/api-gwv2-access-logs-enabled.html
        BaselineRule(
            "ApiGatewayV2AccessLogs",
            "API_GWV2_ACCESS_LOGS_ENABLED",
            "DPP-LOG-8",
            unavailable_in=frozenset(
                {_THAILAND, "ap-southeast-3", "me-central-1", "ap-south-2", _MALAYSIA, "ap-southeast-4", _MEXICO, "il-central-1", _TAIPEI, "ca-west-1", "eu-south-2", "eu-central-2", _NEW_ZEALAND}
            ),
        ),
        # Legacy logging only, which needs an ACL-enabled bucket: an account's own stacks deploy
        # ``CloudFrontLoggingRule`` instead, which also accepts standard logging v2 and checks
        # the destination reaches the archive.
        BaselineRule("CloudFrontAccessLogs", "CLOUDFRONT_ACCESSLOGS_ENABLED", "DPP-LOG-8", only_in=CLOUDFRONT_REGION, custom=True),
        # https://docs.aws.amazon.com/config/latest/developerguide/wafv2-logging-enabled.html:
        # regional and global web ACLs.
        BaselineRule("WafV2Logging", "WAFV2_LOGGING_ENABLED", "DPP-LOG-8"),
        # https://docs.aws.amazon.com/config/latest/developerguide/rds-logging-enabled.html:
        # every log type of the engine exported to CloudWatch Logs.
        BaselineRule("RdsLogExports", "RDS_LOGGING_ENABLED", "DPP-LOG-8"),
    ]
    # https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-logging-enabled.html:
    # server access logs on the buckets that hold Information (DPP-LOG-7), one rule per bucket
    # (a rule's scope names one resource ID), numbered: organization rule names are at most 64
    # characters, too few for a prefix and a bucket name.
    rules += [
        BaselineRule(
            f"SensitiveBucketAccessLogs{number}",
            "S3_BUCKET_LOGGING_ENABLED",
            "DPP-LOG-7",
            unavailable_in=frozenset({_THAILAND, _MEXICO, _TAIPEI}),
            scope=("AWS::S3::Bucket", bucket),
        )
        for number, bucket in enumerate(sensitive_buckets, start=1)
    ]
    return tuple(rules)


def baseline_rules(retention_days: int, sensitive_buckets: tuple[str, ...] = (), elb_log_buckets: tuple[str, ...] = ()) -> tuple[BaselineRule, ...]:
    return (
        BaselineRule("TrailMultiRegion", "MULTI_REGION_CLOUD_TRAIL_ENABLED", "DPP-LOG-1", home_only=True),
        BaselineRule("TrailLogFileValidation", "CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED", "DPP-PRT-2", home_only=True),
        BaselineRule("TrailEncrypted", "CLOUD_TRAIL_ENCRYPTION_ENABLED", "DPP-PRT-3", home_only=True),
        BaselineRule("TrailToCloudWatchLogs", "CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED", "DPP-MON-1", home_only=True),
        BaselineRule("RootMfa", "ROOT_ACCOUNT_MFA_ENABLED", "DPP-PRT-4", home_only=True),
        BaselineRule("AccessKeysRotated", "ACCESS_KEYS_ROTATED", "DPP-PRT-4", {"maxAccessKeyAge": "90"}, home_only=True),
        BaselineRule(
            "LogGroupRetention",
            "CW_LOGGROUP_RETENTION_PERIOD_CHECK",
            "DPP-RET-1",
            {"MinRetentionTime": str(max(retention_days, MIN_RETENTION_DAYS))},
        ),
        BaselineRule("FlowLogsEnabled", "VPC_FLOW_LOGS_ENABLED", "DPP-LOG-3", {"trafficType": "ALL"}),
        BaselineRule("GuardDutyEnabled", "GUARDDUTY_ENABLED_CENTRALIZED", "DPP-LOG-6"),
        BaselineRule("SecurityHubEnabled", "SECURITYHUB_ENABLED", "DPP-LOG-6"),
    ) + workload_rules(sensitive_buckets, elb_log_buckets)


@dataclass(frozen=True)
class CloudFrontLoggingCheck:
    """The custom CloudFront rule's function and parameters (``cloudfront_logging``)."""

    function_name: str
    log_group_name: str
    parameters: dict[str, str]
    members: MemberEvaluation | None = None  # organization mode, in the security account


class BaselineConfigRules(Construct):
    """One managed rule per ``BaselineRule`` that applies to this region (the custom CloudFront
    rule for ``custom`` ones); where the archive lives, also its server access logging and
    Object Lock (DPP-LOG-7, DPP-PRT-2)."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        retention_days: int,
        is_home_region: bool,
        region: str,
        recorder: config.CfnConfigurationRecorder,
        archive_buckets: list[str] = (),
        sensitive_buckets: tuple[str, ...] = (),
        elb_log_buckets: tuple[str, ...] = (),
        cloudfront_check: CloudFrontLoggingCheck | None = None,
        account: str = "",
    ) -> None:
        super().__init__(scope, id)
        # Config refuses rules while no recorder exists in the region. A dependency of this
        # construct is one of every resource below it (each rule), in one jsii call, not two per rule.
        self.node.add_dependency(recorder)
        self.rules: dict[str, config.ManagedRule | config.CustomRule] = {}
        for spec in baseline_rules(retention_days, sensitive_buckets, elb_log_buckets):
            if not spec.applies(region, is_home_region):
                continue
            if spec.custom:
                if cloudfront_check is None:
                    raise ValueError(f"{spec.id} is a custom rule: BaselineConfigRules needs cloudfront_check in {region}")
                self.rules[spec.id] = CloudFrontLoggingRule(
                    self,
                    spec.id,
                    function_name=cloudfront_check.function_name,
                    log_group_name=cloudfront_check.log_group_name,
                    parameters=cloudfront_check.parameters,
                    description=f"DPP baseline check ({spec.requirement}): CloudFront standard logging, legacy or v2, into a destination the archive keeps",
                    account=account,
                    region=region,
                    members=cloudfront_check.members,
                ).rule
                continue
            rule = config.ManagedRule(
                self,
                spec.id,
                identifier=spec.identifier,
                input_parameters=spec.parameters,
                rule_scope=config.RuleScope.from_resource(config.ResourceType.of(spec.scope[0]), spec.scope[1]) if spec.scope else None,
                description=f"DPP baseline check ({spec.requirement})",
            )
            self.rules[spec.id] = rule
        for bucket in archive_buckets:
            for rule_id, identifier, requirement, parameters in (
                ("ArchiveAccessLogging", "S3_BUCKET_LOGGING_ENABLED", "DPP-LOG-7", None),
                ("ArchiveObjectLock", "S3_BUCKET_DEFAULT_LOCK_ENABLED", "DPP-PRT-2", {"mode": "COMPLIANCE"}),
            ):
                rule = config.ManagedRule(
                    self,
                    rule_id,
                    identifier=identifier,
                    input_parameters=parameters,
                    rule_scope=config.RuleScope.from_resource(config.ResourceType.S3_BUCKET, bucket),
                    description=f"DPP baseline check on the log archive ({requirement})",
                )
                self.rules[rule_id] = rule
