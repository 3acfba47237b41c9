"""The few physical names the baseline sets, all derived from configuration.

Only resources that another stack, region, account or AWS service must find by name get one
(buckets that services deliver to, roles that key policies in another region name, key
aliases); everything else is left to CloudFormation.
"""

from __future__ import annotations

from dataclasses import dataclass

from configuration.model import BaselineConfig

# CDK's default bootstrap qualifier; its CloudFormation execution role deploys our stacks and
# must keep the right to update the archive's policies (see capabilities.archive.tamper).
DEFAULT_BOOTSTRAP_QUALIFIER = "hnb659fds"


@dataclass(frozen=True)
class ArchiveNames:
    """Names of the log archive's resources in the log-archive account."""

    prefix: str
    account: str
    home_region: str
    replica_region: str

    def _bucket(self, purpose: str, region: str) -> str:
        name = f"{self.prefix}-{purpose}-{self.account}-{region}"
        assert len(name) <= 63, f"bucket name {name} exceeds 63 characters"
        return name

    @property
    def archive_bucket(self) -> str:
        return self._bucket("log-archive", self.home_region)

    @property
    def config_staging_bucket(self) -> str:
        return self._bucket("config-staging", self.home_region)

    @property
    def access_log_bucket(self) -> str:
        return self._bucket("access-logs", self.home_region)

    @property
    def investigation_results_bucket(self) -> str:
        """Athena results of investigations over the archive (expire; never the archive)."""
        return self._bucket("athena-results", self.home_region)

    @property
    def replica_bucket(self) -> str:
        return self._bucket("log-replica", self.replica_region)

    @property
    def replica_access_log_bucket(self) -> str:
        return self._bucket("access-logs", self.replica_region)

    def intake_bucket(self, region: str) -> str:
        """A covered region's intake for flow logs and DNS query logs, replicated into the
        archive and its replica (Route 53 Resolver writes only to destinations in its own
        region; flow logs are kept to the same documented, same-region path)."""
        return self._bucket("log-intake", region)

    def intake_access_log_bucket(self, region: str) -> str:
        return self._bucket("intake-access-logs", region)

    def intake_replication_role(self, region: str) -> str:
        return f"{self.prefix}-log-intake-replication-{region}"

    def log_export_bucket(self, region: str) -> str:
        """Where a region's account-wide CloudWatch Logs export lands before S3 replication locks
        it in the archive and its replica: the unlocked Config staging bucket at home, the
        region's intake elsewhere (DPP-LOG-8)."""
        return self.config_staging_bucket if region == self.home_region else self.intake_bucket(region)

    def log_export_key_alias(self, region: str) -> str:
        return self.archive_key_alias if region == self.home_region else self.intake_key_alias

    def log_export_role_pattern(self, account: str) -> str:
        """The Firehose roles of ``account`` (every region's), admitted by the bucket and key."""
        return f"arn:aws:iam::{account}:role/{self.prefix}-log-export-*"

    def network_log_bucket(self, region: str) -> str:
        """Where a region's flow logs and DNS query logs land: the archive at home, else the
        region's intake."""
        return self.archive_bucket if region == self.home_region else self.intake_bucket(region)

    @property
    def intake_key_alias(self) -> str:
        return f"alias/{self.prefix}/log-intake"

    @property
    def archive_key_alias(self) -> str:
        return f"alias/{self.prefix}/log-archive"

    @property
    def replica_key_alias(self) -> str:
        return f"alias/{self.prefix}/log-replica"

    @property
    def replication_role(self) -> str:
        return f"{self.prefix}-log-replication"

    @property
    def reader_role(self) -> str:
        return f"{self.prefix}-log-reader"

    def role_arn(self, role_name: str) -> str:
        return f"arn:aws:iam::{self.account}:role/{role_name}"

    def bucket_arn(self, bucket_name: str) -> str:
        return f"arn:aws:s3:::{bucket_name}"

    def deploy_role_arn(self, region: str, qualifier: str = DEFAULT_BOOTSTRAP_QUALIFIER) -> str:
        return f"arn:aws:iam::{self.account}:role/cdk-{qualifier}-cfn-exec-role-{self.account}-{region}"


def archive_names(config: BaselineConfig) -> ArchiveNames:
    return ArchiveNames(
        prefix=config.resource_prefix,
        account=config.log_archive_account.account_id,
        home_region=config.home_region,
        replica_region=config.replica_region,
    )


@dataclass(frozen=True)
class MonitoringNames:
    """Names that a workload account's stacks use to find each other's resources."""

    prefix: str
    stage: str
    account: str

    @property
    def monitoring_key_alias(self) -> str:
        return f"alias/{self.prefix}/monitoring"

    @property
    def trail_log_group(self) -> str:
        return f"/dpp/{self.stage}/cloudtrail"

    @property
    def flow_log_group(self) -> str:
        return f"/dpp/{self.stage}/vpc-flow-logs"

    @property
    def data_protection_findings_log_group(self) -> str:
        """Where the account-wide data protection policy reports the PII it found (DPP-PII-2)."""
        return f"/dpp/{self.stage}/data-protection-findings"

    @property
    def data_protection_policy(self) -> str:
        return f"{self.prefix}-pii-masking"

    @property
    def log_export_stream(self) -> str:
        return f"{self.prefix}-log-export"

    def log_export_role(self, region: str) -> str:
        """Firehose's role in one region (IAM is global; the archive admits them by pattern)."""
        return f"{self.prefix}-log-export-{region}"

    def log_subscription_role(self, region: str) -> str:
        """The role CloudWatch Logs assumes to put the account's log events into Firehose."""
        return f"{self.prefix}-log-subscription-{region}"

    def member_config_recorder_role(self, region: str) -> str:
        """A member account's recorder role in one region (IAM is global, each region's StackSet
        instance has its own); named so the archive can admit members' roles by pattern."""
        return f"{self.config_recorder_role}-{region}"

    def workload_log_bucket(self, region: str) -> str:
        """ALB and WAF logs; AWS WAF accepts only buckets named aws-waf-logs-* (DPP-LOG-8)."""
        name = f"aws-waf-logs-{self.prefix}-workload-{self.account}-{region}"
        assert len(name) <= 63, f"bucket name {name} exceeds 63 characters"
        return name

    def workload_log_access_bucket(self, region: str) -> str:
        name = f"{self.prefix}-workload-access-logs-{self.account}-{region}"
        assert len(name) <= 63, f"bucket name {name} exceeds 63 characters"
        return name

    def log_forwarder_role(self, region: str) -> str:
        """The log forwarder's role in one region (IAM is global); the archive admits
        ``<prefix>-log-forwarder-*`` of the covered accounts."""
        return f"{self.prefix}-log-forwarder-{region}"

    def member_log_forwarder_role(self, region: str) -> str:
        """Organization mode: the management account's forwarder of members' buckets in one
        region; within the archive's ``<prefix>-log-forwarder-*``, and named exactly by each
        member's bucket policy."""
        return f"{self.prefix}-log-forwarder-members-{region}"

    @property
    def member_workload_log_bus(self) -> str:
        """Organization mode: the management account's bus (one per region) for members'
        workload log buckets' events."""
        return f"{self.prefix}-member-workload-logs"

    @property
    def workload_log_bucket_parameter(self) -> str:
        return f"/dpp/{self.stage}/workload-logs-bucket"

    @property
    def config_recorder_role(self) -> str:
        return f"{self.prefix}-config-recorder"

    def log_group_arn(self, region: str, name: str) -> str:
        return f"arn:aws:logs:{region}:{self.account}:log-group:{name}"

    def key_arn_pattern(self, region: str) -> str:
        return f"arn:aws:kms:{region}:{self.account}:key/*"


def monitoring_names(config: BaselineConfig, account: str) -> MonitoringNames:
    return MonitoringNames(prefix=config.resource_prefix, stage=config.stage, account=account)


def enforcer_function_name(config: BaselineConfig) -> str:
    return f"{config.resource_prefix}-flow-log-enforcer"


def log_forwarder_name(config: BaselineConfig) -> str:
    """The function that copies the workload log buckets' objects into the archive (DPP-LOG-8)."""
    return f"{config.resource_prefix}-log-forwarder"


def cloudfront_logging_check_name(config: BaselineConfig) -> str:
    """The custom Config rule's function: CloudFront standard logging reaching the archive (DPP-LOG-8)."""
    return f"{config.resource_prefix}-cloudfront-logging-check"


def cloudfront_logging_member_role(config: BaselineConfig) -> str:
    """Organization mode: the role in each member that the CloudFront logging check assumes."""
    return f"{config.resource_prefix}-cloudfront-logging-evaluator"


def lambda_log_group(function_name: str) -> str:
    return f"/aws/lambda/{function_name}"


def canary_writer_name(config: BaselineConfig) -> str:
    return f"{config.resource_prefix}-canary-writer"


def relay_function_name(config: BaselineConfig) -> str:
    return f"{config.resource_prefix}-chat-relay"


def security_contact_function_name(config: BaselineConfig) -> str:
    return f"{config.resource_prefix}-security-contact"


def review_digest_name(config: BaselineConfig) -> str:
    return f"{config.resource_prefix}-review-digest"


def key_lookup_function_name(config: BaselineConfig) -> str:
    return f"{config.resource_prefix}-archive-key-lookup"


def export_folder_function_name(config: BaselineConfig) -> str:
    """The log-archive account's deploy action that creates GuardDuty's export folder."""
    return f"{config.resource_prefix}-export-folder"


def responder_function_name(config: BaselineConfig) -> str:
    return f"{config.resource_prefix}-responder"


def response_ledger_name(config: BaselineConfig) -> str:
    return f"{config.resource_prefix}-response-ledger"


def organization_admin_function_name(config: BaselineConfig) -> str:
    return f"{config.resource_prefix}-organization-admin"


def organization_access_function_name(config: BaselineConfig) -> str:
    return f"{config.resource_prefix}-organization-access"


def drill_runner_name(config: BaselineConfig) -> str:
    return f"{config.resource_prefix}-drill-runner"


def drill_checker_name(config: BaselineConfig) -> str:
    return f"{config.resource_prefix}-drill-checker"


def drill_canary_role_name(config: BaselineConfig) -> str:
    """The only principal whose reads of the canary are drills (the canary alarm tells it apart)."""
    return f"{config.resource_prefix}-drill-canary-reader"


def drill_control_role_name(config: BaselineConfig) -> str:
    """The only principal whose changes of the drill's log group are drills (the control-change
    path): its one right is that group's retention."""
    return f"{config.resource_prefix}-drill-control-changer"


def drill_control_log_group(config: BaselineConfig) -> str:
    """A log group of the drill's own, holding nothing: the control-change drill changes its
    retention and reverts it. Under /dpp/<stage>/, so the LogGroupTampering route watches it
    as it watches every baseline group."""
    return f"/dpp/{config.stage}/drill-control-change"


def drill_state_machine_name(config: BaselineConfig) -> str:
    return f"{config.resource_prefix}-alert-drill"
