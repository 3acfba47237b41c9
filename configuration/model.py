"""The configuration model: frozen dataclasses, built only by ``configuration.loader``.

Field docs name the DPP requirement (shared/REQUIREMENTS.md) that a setting serves.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

MIN_RETENTION_DAYS = 365  # DPP-RET-1: 12 months, the SP-API guide's figure, stricter than 90 days


class Severity(str, Enum):
    """Alert severities, most urgent first. Each has its own topic (DPP-MON-3, DPP-IR-2)."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)

    def at_least(self, other: "Severity") -> bool:
        """True when self is as urgent as ``other`` or more."""
        return self.rank <= other.rank


ACCOUNT_ROLES = ("log-archive", "workload", "management", "security")
TARGET_KINDS = ("slack", "teams", "chime", "email", "webhook", "sms", "pagerduty", "opsgenie")
# Targets SNS delivers itself (e-mail and SMS subscriptions); the others go through the relay.
SNS_TARGET_KINDS = ("email", "sms")


@dataclass(frozen=True)
class VpcRef:
    """A VPC that exists today and gets flow logs and DNS query logs by name (DPP-LOG-3/4)."""

    vpc_id: str
    region: str


@dataclass(frozen=True)
class Account:
    """An AWS account the baseline covers, and what it is for.

    ``log-archive`` holds the WORM archive (DPP-PRT-1/4); ``workload`` runs the systems that
    touch Information and gets collection, detection and alarms. One account may be both.
    In organization mode, ``management`` is the organization's management account (it owns
    the organization trail and the member StackSet) and ``security`` the delegated
    administrator of GuardDuty, Security Hub and Config (DPP-PRT-4: logs apart from workloads).
    """

    account_id: str
    name: str
    roles: tuple[str, ...]
    vpcs: tuple[VpcRef, ...] = ()

    @property
    def is_log_archive(self) -> bool:
        return "log-archive" in self.roles

    @property
    def is_workload(self) -> bool:
        return "workload" in self.roles

    @property
    def is_management(self) -> bool:
        return "management" in self.roles

    @property
    def is_security(self) -> bool:
        return "security" in self.roles


# S3 storage classes the archive may age into. Glacier Instant Retrieval is read like Standard
# (millisecond GETs, Athena included); the other two need a RestoreObject first.
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-class-intro.html
COLD_STORAGE_CLASSES = ("GLACIER_IR", "GLACIER", "DEEP_ARCHIVE")
RESTORE_STORAGE_CLASSES = ("GLACIER", "DEEP_ARCHIVE")


@dataclass(frozen=True)
class ArchiveSettings:
    """The log archive's lifecycle and protection (DPP-PRT-2/4/5, DPP-RET-1)."""

    transition_to_infrequent_access_days: int
    transition_to_glacier_days: int
    break_glass_role_name: str
    replication_time_control: bool
    # DPP-PRT-4.a: who may assume the reader role (IAM role or user ARNs; none: break-glass only),
    # with MFA unless switched off, and a cold tier that stays readable for the whole retention.
    reader_principals: tuple[str, ...] = ()
    reader_requires_mfa: bool = True
    cold_storage_class: str = "GLACIER_IR"
    # DPP-PRT-4.c: the reader role reads the archive only through these S3 VPC endpoints
    # (Athena's reads on its behalf excepted); none: from anywhere, with the role's MFA trust.
    reader_vpc_endpoints: tuple[str, ...] = ()

    @property
    def cold_tier_needs_restore(self) -> bool:
        """Glacier Flexible Retrieval and Deep Archive objects must be restored before a read."""
        return self.cold_storage_class in RESTORE_STORAGE_CLASSES


@dataclass(frozen=True)
class TrailSettings:
    """The account trail (DPP-LOG-1, DPP-PRT-2, DPP-MON-1)."""

    log_file_validation: bool
    data_events: bool
    insights: bool
    sensitive_buckets: tuple[str, ...]
    # DPP-LOG-1.b: DynamoDB tables and Lambda functions that hold or serve Information, by ARN:
    # their item reads and writes and their invocations become data events of the trail.
    data_event_tables: tuple[str, ...] = ()
    data_event_functions: tuple[str, ...] = ()


# Amazon's marketplaces by the country code Seller Central uses (UK, not GB), the SP-API
# marketplace list (https://developer-docs.amazon.com/sp-api/docs/marketplace-ids).
MARKETPLACES = (
    "US", "CA", "MX", "BR",
    "UK", "IE", "DE", "FR", "IT", "ES", "NL", "BE", "SE", "PL", "TR", "EG", "SA", "AE", "IN", "ZA",
    "JP", "AU", "SG",
)  # fmt: skip


@dataclass(frozen=True)
class WorkloadSettings:
    """The SP-API workload's own log channels at run time (DPP-LOG-8, DPP-PII-1.a, DPP-PII-2):
    the marketplaces whose buyers' PII the account-wide data protection policy masks in every
    log group."""

    marketplaces: tuple[str, ...] = ()
    mask_log_data: bool = True
    # Every log group of the account streamed into the WORM archive (cloudwatch-logs/), kept 12
    # months whatever the group's own retention.
    export_log_groups: bool = True
    # A regional bucket per workload account for ALB access logs and WAF logs, which cannot
    # write to the KMS/Object Lock archive.
    log_buckets: bool = True


@dataclass(frozen=True)
class CollectionSettings:
    """Config, flow logs and DNS logs (DPP-LOG-3/4/5)."""

    config_snapshot_frequency: str
    flow_log_aggregation_seconds: int
    flow_logs_to_cloudwatch: bool


GUARDDUTY_PROTECTIONS = (
    "s3DataEvents",
    "eksAuditLogs",
    "runtimeMonitoring",
    "ebsMalwareProtection",
    "rdsLoginEvents",
    "lambdaNetworkLogs",
    "s3MalwareProtection",
)
SECURITY_HUB_STANDARDS = (
    "aws-foundational-security-best-practices",
    "cis-aws-foundations-benchmark-v3.0",
    "nist-800-53-r5",
    "pci-dss-v3.2.1",
    "pci-dss-v4.0.1",
)


@dataclass(frozen=True)
class MalwareScannedBucket:
    """A bucket whose new objects GuardDuty Malware Protection for S3 scans (DPP-MON-4)."""

    name: str
    account: str
    region: str
    kms_key_arn: str | None  # the bucket's SSE-KMS key, which the scanning role must use
    prefixes: tuple[str, ...]  # empty: the whole bucket


@dataclass(frozen=True)
class DetectionSettings:
    """GuardDuty, Security Hub and which of their findings reach people (DPP-LOG-6, DPP-MON-3/4)."""

    guardduty_protections: tuple[str, ...]  # the enabled ones, from GUARDDUTY_PROTECTIONS
    security_hub_standards: tuple[str, ...]
    guardduty_min_severity: Severity
    security_hub_min_severity: Severity
    malware_scanned_buckets: tuple[MalwareScannedBucket, ...]


@dataclass(frozen=True)
class CustomAlarm:
    """A team's own metric-filter alarm on the trail's log group (DPP-MON-3)."""

    id: str
    title: str
    severity: Severity
    filter_pattern: str
    threshold: float
    period_minutes: int
    meaning: str
    investigate: str


@dataclass(frozen=True)
class NatGatewayRef:
    """A NAT gateway whose egress bytes alarm above a threshold (DPP-MON-3.e)."""

    nat_gateway_id: str
    account: str
    region: str
    bytes: int  # per largeTransferPeriodMinutes


WORKLOAD_COMPARISONS = {
    ">=": "GreaterThanOrEqualToThreshold",
    ">": "GreaterThanThreshold",
    "<": "LessThanThreshold",
    "<=": "LessThanOrEqualToThreshold",
}
WORKLOAD_STATISTICS = ("Average", "Sum", "Minimum", "Maximum", "SampleCount", "p50", "p90", "p95", "p99")
MISSING_DATA = ("notBreaching", "breaching", "ignore", "missing")


@dataclass(frozen=True)
class WorkloadMetric:
    """An availability, utilization or performance alarm on a metric of the team's own workload
    (DPP-MON-3.h), placed in the account and region where the metric is published."""

    id: str
    title: str
    namespace: str
    metric_name: str
    dimensions: tuple[tuple[str, str], ...]
    statistic: str
    threshold: float
    comparison: str  # a CloudWatch ComparisonOperator
    period_minutes: int
    evaluation_periods: int
    severity: Severity
    missing_data: str
    account: str
    region: str


@dataclass(frozen=True)
class AlarmSettings:
    """Which built-in alarms are off, changed thresholds, and custom alarms."""

    disabled: tuple[str, ...]
    thresholds: tuple[tuple[str, float], ...]
    custom: tuple[CustomAlarm, ...]
    # DPP-MON-3.a: administrator roles whose assumption alarms (IAM role names; * matches any
    # run of characters, e.g. Identity Center's AWSReservedSSO_AdministratorAccess_*).
    privileged_roles: tuple[str, ...] = ()
    # DPP-MON-3.e: bytes read from the sensitive buckets (or sent out through a listed NAT
    # gateway) within the period that make a large transfer.
    large_transfer_bytes: int = 1024**3
    large_transfer_period_minutes: int = 60
    nat_gateways: tuple[NatGatewayRef, ...] = ()
    # DPP-MON-3.h: the workload's own health and utilization alarms.
    workload_metrics: tuple[WorkloadMetric, ...] = ()


@dataclass(frozen=True)
class CostSettings:
    """Cost as a signal of workload health and misuse (DPP-MON-3.h): AWS Cost Anomaly
    Detection (a monitor of its own, or an existing one) and an optional monthly budget."""

    anomaly_detection: bool = True
    anomaly_monitor_arn: str | None = None  # subscribe this monitor instead of creating one
    anomaly_threshold_usd: float = 100.0  # total impact of an anomaly that notifies
    monthly_budget_usd: float | None = None
    budget_alert_percents: tuple[float, ...] = (80.0, 100.0)  # of actual spend; forecast at 100


@dataclass(frozen=True)
class CanarySettings:
    """Canary records (DPP-MON-2, DPP-MON-4)."""

    enabled: bool
    bucket_name_pattern: str  # with {account} and {region}

    def bucket_name(self, account: str, region: str) -> str:
        return self.bucket_name_pattern.format(account=account, region=region)


@dataclass(frozen=True)
class ReviewSettings:
    """The periodic review digest (DPP-MON-7: at least twice a week)."""

    schedule: str  # EventBridge schedule expression
    period_hours: int


@dataclass(frozen=True)
class DrillSettings:
    """Alert drills (DPP-MON-8, DPP-VER-4): every alert path exercised for real on a
    schedule, each outcome recorded in the archive's evidence register."""

    enabled: bool
    schedule: str  # EventBridge schedule expression


RESPONSES = ("disableCredentials", "blockHostileIps", "isolateInstances", "notifyFailedSignIns")


@dataclass(frozen=True)
class ResponseSettings:
    """Automated responses to high and critical findings (DPP-IR-3): each switched on by
    itself, all in dry run (report only) until ``dry_run`` is false."""

    enabled: tuple[str, ...]  # from RESPONSES
    dry_run: bool
    min_severity: "Severity"
    excluded_role_names: tuple[str, ...]
    excluded_user_names: tuple[str, ...]
    protected_instance_tag: str
    trusted_cidrs: tuple[str, ...]
    ip_block_hours: int
    # Where a blocked address is enforced: regional web ACLs that get a Block rule on the IP
    # set, and VPCs whose network ACLs get deny entries (each ARN names its account and region).
    web_acl_arns: tuple[str, ...] = ()
    network_acl_vpc_arns: tuple[str, ...] = ()

    def on(self, response: str) -> bool:
        return response in self.enabled


@dataclass(frozen=True)
class NotificationTarget:
    """Where alerts go (DPP-MON-5). Webhook URLs are never configuration: only the name of the
    Secrets Manager secret that holds one (DPP-PRT-3)."""

    name: str
    kind: str
    min_severity: Severity
    secret_name: str | None = None
    address: str | None = None
    redact_pii: bool = True  # DPP-PII-1
    phone: str | None = None  # sms: E.164, e.g. +447700900123 (DPP-IR-1: reachable 24/7)

    @property
    def is_webhook(self) -> bool:
        return self.kind not in SNS_TARGET_KINDS


@dataclass(frozen=True)
class EscalationContact:
    """Someone the incident response plan escalates to, in order (DPP-IR-2)."""

    name: str
    role: str
    email: str
    phone: str


@dataclass(frozen=True)
class BackupContact:
    """Who stands in for the IMPOC (DPP-IR-1: reachable 24/7, a named backup)."""

    name: str
    email: str
    phone: str | None = None  # None only when configured the old way (dpp.impoc.backupEmail)


@dataclass(frozen=True)
class Impoc:
    """The Incident Management Point of Contact, reachable 24/7 (DPP-IR-1), and whom the plan
    escalates to after the IMPOC and the backup (DPP-IR-2)."""

    name: str
    email: str
    phone: str
    title: str
    backup_email: str | None = None  # the backup's address (dpp.impoc.backup.email, or backupEmail)
    escalation: tuple[EscalationContact, ...] = ()
    backup: BackupContact | None = None
    # Where the IMPOC reports incidents that involve Information (the plan's step 4, DPP-IR-1).
    amazon_security_contact: str = "security@amazon.com"


@dataclass(frozen=True)
class BusinessHours:
    """When access is expected; access outside these hours alarms (DPP-MON-3)."""

    start: str
    end: str
    time_zone: str
    days: tuple[str, ...]


@dataclass(frozen=True)
class Features:
    """Capability switches. Everything the DPP requires is on by default."""

    flow_logs: bool
    dns_query_logs: bool
    config_recorder: bool
    guardduty: bool
    security_hub: bool
    macie: bool
    alarms: bool
    chat_relay: bool
    automated_responses: bool


@dataclass(frozen=True)
class FunctionSettings:
    """The project's Lambda functions. No reserved concurrency by default: accounts whose
    concurrency quota is 10 refuse any reservation (DPP-MON-6: monitoring that deploys)."""

    reserved_concurrency: int | None = None


@dataclass(frozen=True)
class InvestigationSettings:
    """Searching the archive in place with Athena (DPP-ANA-1, DPP-ANA-2): the most one query
    may scan before Athena cancels it (BytesScannedCutoffPerQuery, enforced by the workgroup)."""

    max_bytes_scanned_per_query: int = 100 * 1024**3


# Athena's smallest per-query data usage control: 10 MB
# (https://docs.aws.amazon.com/athena/latest/APIReference/API_WorkGroupConfiguration.html).
MIN_BYTES_SCANNED_PER_QUERY = 10_000_000


@dataclass(frozen=True)
class OrganizationSettings:
    """Organization mode (DPP-PRT-4, DPP-LOG-1/5/6 at organization scale): an organization
    trail, delegated administrators and a service-managed StackSet for every member account."""

    enabled: bool
    organization_id: str
    member_ous: tuple[str, ...]  # OU or root IDs the member StackSet deploys to (and follows)
    # A role in every member that `make preflight` assumes from the management account to read
    # it (members are not CDK-bootstrapped); Organizations creates this one in accounts it creates.
    member_access_role: str = "OrganizationAccountAccessRole"


@dataclass(frozen=True)
class BaselineConfig:
    """Everything the stacks need, validated (see ``configuration.loader``)."""

    stage: str
    home_region: str
    regions: tuple[str, ...]
    replica_region: str
    accounts: tuple[Account, ...]
    retention_days: int
    archive: ArchiveSettings
    trail: TrailSettings
    collection: CollectionSettings
    detection: DetectionSettings
    alarms: AlarmSettings
    canary: CanarySettings
    review: ReviewSettings
    responses: ResponseSettings
    notification_targets: tuple[NotificationTarget, ...]
    impoc: Impoc
    business_hours: BusinessHours
    features: Features
    organization: OrganizationSettings
    functions: FunctionSettings = FunctionSettings()
    workload: WorkloadSettings = WorkloadSettings()
    investigation: InvestigationSettings = InvestigationSettings()
    drills: DrillSettings = DrillSettings(enabled=False, schedule="cron(0 9 ? * WED *)")
    costs: CostSettings = CostSettings()

    @property
    def log_archive_account(self) -> Account:
        return next(a for a in self.accounts if a.is_log_archive)

    @property
    def workload_accounts(self) -> tuple[Account, ...]:
        return tuple(a for a in self.accounts if a.is_workload)

    @property
    def log_forwarder_accounts(self) -> tuple[Account, ...]:
        """Accounts running the workload log forwarder in every covered region (DPP-LOG-8): each
        workload account for its own bucket, or in organization mode the management account for
        the members' buckets (members run no code of the baseline)."""
        if not self.workload.log_buckets:
            return ()
        return (self.management_account,) if self.org_mode else self.workload_accounts

    @property
    def org_mode(self) -> bool:
        return self.organization.enabled

    @property
    def management_account(self) -> Account:
        return next(a for a in self.accounts if a.is_management)

    @property
    def security_account(self) -> Account:
        return next(a for a in self.accounts if a.is_security)

    @property
    def monitored_accounts(self) -> tuple[Account, ...]:
        """Accounts this app deploys monitoring into directly: the workload accounts and the
        log-archive account (break-glass use, archive-policy changes and reader-role reads happen
        there, DPP-LOG-1, DPP-LOG-7), or in organization mode the management and security
        accounts (members, the log-archive account among them, get the StackSet and the
        organization trail)."""
        if self.org_mode:
            return (self.management_account, self.security_account)
        archive = self.log_archive_account
        return self.workload_accounts + (() if archive.is_workload else (archive,))

    @property
    def intake_regions(self) -> tuple[str, ...]:
        """Covered regions whose flow logs, DNS query logs, exported log groups and workload log
        buckets' copies arrive through a regional intake in the log-archive account (every
        covered region but home, while any of them is on)."""
        if not (self.features.flow_logs or self.features.dns_query_logs or self.workload.export_log_groups or self.workload.log_buckets):
            return ()
        return tuple(r for r in self.regions if r != self.home_region)

    @property
    def trail_accounts(self) -> tuple[Account, ...]:
        """Accounts with a trail of their own: each monitored account (the log-archive account
        too), or the management account's organization trail."""
        return (self.management_account,) if self.org_mode else self.monitored_accounts

    def drills_here(self, account: str, region: str) -> bool:
        """Where the alert drills run: with the alarms and the canary, at each trail's home,
        when a chat target makes delivery observable (the relay records it)."""
        relayed = self.features.chat_relay and any(t.is_webhook for t in self.notification_targets)
        return self.drills.enabled and self.features.alarms and relayed and self.trail_home(account, region)

    def trail_home(self, account: str, region: str) -> bool:
        """Where a trail's log group, its alarms and the canary live."""
        return region == self.home_region and any(a.account_id == account for a in self.trail_accounts)

    @property
    def cost_publishers(self) -> dict[str, Severity]:
        """The cost services that notify, and the severity topic each publishes to
        (DPP-MON-3.h); they exist with the alarms, at home."""
        if not self.features.alarms:
            return {}
        found = {}
        if self.costs.anomaly_detection:
            found["costalerts.amazonaws.com"] = Severity.HIGH
        if self.costs.monthly_budget_usd is not None:
            found["budgets.amazonaws.com"] = Severity.MEDIUM
        return found

    @property
    def resource_prefix(self) -> str:
        """Prefix of the few physical names other stacks, regions or services must find."""
        return f"dpp-{self.stage}"
