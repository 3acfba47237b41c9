"""The configuration reference: what each key means, in one place.

config.schema.json takes its descriptions from here, and the README's configuration table
(between ``<!-- configuration:start -->`` and ``<!-- configuration:end -->``) is generated
from it (``make schema``). A row names one or more keys (dotted, as in the schema; ``[]`` for
a list's elements, ``.*`` for every key of an object) and covers the keys beneath them; a test
fails when a key the loader reads has no row, or a row names a key it does not read.
``default`` is shown as written; without it, the built-in default is rendered.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    keys: tuple[str, ...]
    meaning: str
    default: str | None = None


ROWS: tuple[Row, ...] = (
    Row(("$schema",), "Where editors find config.schema.json (completion and checks as you type), e.g. `../config.schema.json` from `examples/`; the baseline ignores it.", default="none"),
    Row(("stage",), "1-8 lower-case letters/digits; prefixes stack names and the few physical names (`dpp-<stage>-...`)."),
    Row(("homeRegion",), "Where the trail, the archive and account-wide checks live. Must be in `regions`.", default="required"),
    Row(("regions",), "Every region to cover (Config, flow logs, DNS logs in each). Commercial partition.", default="required"),
    Row(("replicaRegion",), "Region of the archive's replica; must differ from `homeRegion` (DPP-PRT-5).", default="required"),
    Row(
        ("accounts[]",),
        "`id` (12 digits, quoted), `name`, `roles` (`log-archive`, `workload`; exactly one log-archive account, at least one workload account; one account may be both; organization mode: `management`, `security`, `log-archive`, one account each), `vpcs[]` (`id`, `region`: VPCs that get flow logs and DNS logging by name; every other VPC is covered by the enforcer).",
        default="required",
    ),
    Row(("retentionDays",), "Object Lock retention and minimum log-group retention; below 365 is refused (DPP-RET-1)."),
    Row(("archive.transitionToInfrequentAccessDays",), "Archive objects move to Standard-IA (>= 30)."),
    Row(("archive.transitionToGlacierDays",), "... then to the cold tier (>= IA + 30)."),
    Row(
        ("archive.coldStorageClass",),
        'The cold tier: `GLACIER_IR` (Glacier Instant Retrieval: read with a plain GET, Athena included, for the whole retention), or `GLACIER` / `DEEP_ARCHIVE` (cheaper; objects must be restored before a read, so the reader role also gets `s3:RestoreObject`; see "Reading the logs").',
    ),
    Row(
        ("archive.readerPrincipals",),
        "IAM role or user ARNs that may assume the reader role (DPP-PRT-4.a). None: the break-glass role only. They must exist before the archive deploys (IAM refuses unknown principals; `make preflight` checks).",
    ),
    Row(
        ("archive.readerRequiresMfa",),
        "The reader role's trust requires `aws:MultiFactorAuthPresent`. Sessions from IAM Identity Center or SAML federation carry no such key; switch it off only when the principals are federated with MFA at the identity provider.",
    ),
    Row(
        ("archive.readerVpcEndpoints",),
        "VPC endpoint IDs (`vpce-...`) through which alone the reader role may read (DPP-PRT-4.c: network segregation): its object reads of the archive, its replica, the staging bucket and the intakes must come through one of them, and so must its Athena calls. List the S3 endpoints of every region you read in (an S3 endpoint serves its own region's buckets) and the Athena interface endpoint. Reads Athena makes on the role's behalf are let through (`aws:CalledViaFirst`); the break-glass role is not confined. `[]`: reads from anywhere, with the role's MFA trust.",
        default="`[]`",
    ),
    Row(("archive.breakGlassRoleName",), "The one IAM role (in the log-archive account) exempt from the archive's tamper and read denies. Create it yourself, guarded."),
    Row(("archive.replicationTimeControl",), "S3 Replication Time Control (15-minute SLA, extra cost). Replication metrics are always on."),
    Row(("trail.logFileValidation",), "Must stay `true` (DPP-PRT-2); `false` is refused."),
    Row(("trail.dataEvents",), "S3 object-level events for `sensitiveBuckets`, and reads of the archive itself."),
    Row(("trail.insights",), "CloudTrail Insights for API call rate and error rate."),
    Row(("trail.sensitiveBuckets",), "Names of buckets that hold Information (orders, PII exports...): their object access is logged."),
    Row(("trail.dataEventTables",), "DynamoDB table ARNs (`arn:aws:dynamodb:<region>:<account>:table/<name>`) that hold Information: every item-level call is a trail data event (DPP-LOG-1.b)."),
    Row(
        ("trail.dataEventFunctions",),
        "Lambda function ARNs (no version or alias) that serve Information: every invocation, of any version or alias, is a trail data event (DPP-LOG-1.b). Tables, functions (counted twice) and sensitive buckets together stay under 450 values (CloudTrail allows 500 per trail).",
    ),
    Row(("collection.configSnapshotFrequency",), "Config snapshot delivery frequency."),
    Row(("collection.flowLogAggregationSeconds",), "60 or 600."),
    Row(("collection.flowLogsToCloudWatch",), "Also send flow logs to a KMS-encrypted log group (the archive always gets them)."),
    Row(
        ("detection.guardDutyProtections.*",),
        "`s3DataEvents`, `eksAuditLogs`, `runtimeMonitoring`, `ebsMalwareProtection`, `rdsLoginEvents`, `lambdaNetworkLogs`, `s3MalwareProtection` (scans `malwareScannedBuckets`; while on, every `trail.sensitiveBuckets` entry must be listed there).",
        default="all `true`",
    ),
    Row(
        ("detection.malwareScannedBuckets[]",),
        "Buckets GuardDuty Malware Protection for S3 scans on upload: `name`, `region` (a covered region: the plan lives there), `account` (a workload account; may be left out when there is only one), `kmsKeyArn` (the bucket's SSE-KMS key ARN, if any: the scanning role may decrypt through S3 with it), `prefixes` (at most 5, none empty, each at most 1,024 bytes like any S3 key; default: whole bucket).",
        default="`[]`",
    ),
    Row(
        ("detection.securityHubStandards",),
        "Any of `aws-foundational-security-best-practices`, `cis-aws-foundations-benchmark-v3.0`, `nist-800-53-r5`, `pci-dss-v3.2.1`, `pci-dss-v4.0.1`; empty is refused while Security Hub is on.",
        default="FSBP, CIS v3.0, NIST 800-53 r5",
    ),
    Row(("detection.guardDutyMinSeverity", "detection.securityHubMinSeverity"), "Lowest severity of findings routed to the topics.", default="`medium`"),
    Row(
        ("notifications.targets[]",),
        "`name`, `kind` (`slack`, `teams`, `chime` (legacy: Chime ended service on 2026-02-20), `webhook`, `pagerduty`, `opsgenie`, `email`, `sms`), `secretName` (webhook and paging kinds: the **name** of a Secrets Manager secret holding the URL, or the PagerDuty integration key / Opsgenie API key, never the URL or key), `address` (email), `phone` (sms: E.164 without spaces, e.g. `+447700900123`), `minSeverity` (`critical`/`high`/`medium`/`low`, default `high`), `redactPii` (default `true`). See Chat relay and Paging the IMPOC.",
        default="required, non-empty",
    ),
    Row(
        ("review.schedule", "review.periodHours"),
        "When the review digest runs (an EventBridge `cron(...)` or `rate(...)` expression, checked against EventBridge's grammar, in UTC) and the hours each run looks back. The schedule must run at least twice in every calendar week and never end (DPP-MON-7); `periodHours` must cover the longest gap between two runs (Thursday to Monday is 96 hours), or events in between would go unreviewed.",
    ),
    Row(
        ("drills.enabled", "drills.schedule"),
        "The weekly alert drill (see Drills): every alert path exercised for real, its outcome recorded in the archive (DPP-MON-8). Runs where the alarms, the canary and a chat target are. The schedule is an EventBridge expression checked like `review.schedule`, and must run at least once every week.",
        default="`true`, `cron(0 9 ? * WED *)`",
    ),
    Row(("canary.enabled", "canary.bucketNamePattern"), "The decoy bucket holding the canary record (see Alarms)."),
    Row(
        ("impoc",),
        "`name` (at most 64 characters), `email`, `phone` (international format), `title` (at most 50; these are the account alternate contact's limits), `backup` (or the older `backupEmail`), `escalation` (list of `{name, role, email, phone}`, in order): the Incident Management Point of Contact (DPP-IR-1): subscribed to critical alerts and registered as each workload account's security alternate contact at deployment; the plan escalates to the backup, then to the escalation contacts (DPP-IR-2).",
        default="required",
    ),
    Row(
        ("impoc.backup",),
        "`{name, email, phone}`: who stands in for the IMPOC; subscribed to critical alerts and the review, named with phone in the plan. The older `impoc.backupEmail` (an address only) still works; giving both is refused.",
        default="none",
    ),
    Row(
        ("impoc.amazonSecurityContact",),
        "Where the plan tells the IMPOC to report a security incident that involves, or may involve, Information, within 24 hours of detection (DPP-IR-1). The default is the address the Data Protection Policy's incident notice gives; set the one your agreement with Amazon names if it differs.",
        default="`security@amazon.com`",
    ),
    Row(
        ("businessHours",),
        "`start`, `end` (HH:MM), `timeZone` (an IANA zone as the pinned `tzdata` package lists it; `localtime` and `Factory` are refused), `days`: console access outside them raises the `AccessOutsideBusinessHours` alarm.",
        default="08:00-18:00 UTC, MON-FRI",
    ),
    Row(
        ("alarms.privilegedRoles",),
        "Administrator role names (or `*` patterns) whose every assumption, direct or federated, raises `PrivilegedRoleAssumed` (DPP-MON-3.a); at most 8; `[]` switches it off.",
        default="`AWSReservedSSO_AdministratorAccess_*`, `OrganizationAccountAccessRole`",
    ),
    Row(
        ("alarms.largeTransferBytes",),
        "Bytes read from the `trail.sensitiveBuckets` (summed from the GetObject data events' `additionalEventData.bytesTransferredOut`) within `largeTransferPeriodMinutes` that raise `LargeDataTransfer` (DPP-MON-3.e); also the default of each NAT gateway's threshold.",
    ),
    Row(("alarms.largeTransferPeriodMinutes",), "The window of the large-transfer alarms (at most 1440, a CloudWatch alarm's longest span)."),
    Row(
        ("alarms.natGateways",),
        "`[{id, region, account, bytes}]`: NAT gateways whose egress (`AWS/NATGateway` `BytesOutToDestination`, summed) above `bytes` (default `largeTransferBytes`) raises `LargeEgress_<id>` in the gateway's account and region; `account` may be left out with one workload account.",
    ),
    Row(
        ("alarms.workloadMetrics",),
        "`[{id, namespace, metricName, dimensions, statistic, threshold, comparison, periodMinutes, evaluationPeriods, severity, treatMissingData, title, region, account}]`: availability and utilization alarms on your workload's own metrics (DPP-MON-3.h), e.g. a load balancer's `UnHealthyHostCount` or a queue's age. `statistic` `Average` (default), `Sum`, `Minimum`, `Maximum`, `SampleCount` or `p50`/`p90`/`p95`/`p99`; `comparison` `>=` (default), `>`, `<`, `<=`; `severity` default `high`; `treatMissingData` default `missing` (`breaching` for a metric whose silence means down); `region` default home, `account` default the one workload account. Ids must not repeat built-in or custom ones.",
    ),
    Row(
        ("alarms.disabled", "alarms.thresholds", "alarms.custom"),
        "Switch built-in alarms off, change thresholds, add your own (see Alarms): `custom[]` takes `id`, `title`, `severity`, `filterPattern` (a CloudWatch Logs JSON filter pattern, parsed when the configuration loads, at most 1,024 characters), `threshold`, `periodMinutes` (1-10080: CloudWatch evaluates an alarm over at most 7 days), `meaning`, `investigate`.",
        default="none",
    ),
    Row(
        ("responses.disableCredentials", "responses.blockHostileIps", "responses.isolateInstances", "responses.notifyFailedSignIns"),
        "Each automated response, switched on by itself (needs `features.automatedResponses`; see Automated responses). The example switches all four on in dry run.",
        default="all `false`",
    ),
    Row(("responses.dryRun",), "Report what each response would do, change nothing. Set `false` once the reports look right."),
    Row(("responses.minSeverity",), "`high` (GuardDuty 7.0+) or `critical` (9.0+)."),
    Row(("responses.excludedRoleNames", "responses.excludedUserNames"), "Principals never touched (IAM names, not ARNs); the break-glass role always is.", default="none"),
    Row(
        ("responses.protectedInstanceTag",),
        "Instances carrying this tag key are never isolated. Up to 128 characters; a key starting with `aws:` is refused (AWS reserves it, so no instance could carry it).",
    ),
    Row(
        ("responses.trustedCidrs",),
        "Addresses never blocked (CIDR, host bits zero); private and reserved addresses never are. Each range at most /16 (IPv4) or /48 (IPv6): a wider one trusts addresses no single organisation holds (`0.0.0.0/0` would switch blocking off); list several ranges instead.",
        default="none",
    ),
    Row(("responses.ipBlockHours",), "How long a hostile IP stays blocked (1-720)."),
    Row(
        ("responses.webAclArns", "responses.networkAclVpcArns"),
        "Where a blocked address is enforced: regional WAF web ACL ARNs (the responder adds a Block rule on its IP set) and VPC ARNs (deny entries in their network ACLs), each of a workload account and covered region. `blockHostileIps` acting (not dry run) with neither is refused.",
        default="none",
    ),
    Row(
        ("functions.reservedConcurrency",),
        "Reserve this concurrency for each of the project's functions but the SQS-fed relay (paced by its mapping's maximum concurrency). Off by default: accounts whose Lambda quota is 10 (new accounts, vended members) refuse any reservation and the stack fails. Never applied in member accounts.",
        default="none",
    ),
    Row(
        ("investigation.maxBytesScannedPerQuery",),
        "The most one Athena query in the investigation workgroup may scan before Athena cancels it (enforced by the workgroup; at least 10,000,000, Athena's minimum).",
        default="`107374182400` (100 GiB)",
    ),
    Row(
        ("costs.anomalyDetection",),
        "AWS Cost Anomaly Detection (DPP-MON-3.h): a dimensional SERVICE monitor and an IMMEDIATE subscription notifying the home region's **high** topic, deployed in us-east-1 (the only region whose CloudFormation has `AWS::CE::*`). Needs `features.alarms`.",
    ),
    Row(
        ("costs.anomalyMonitorArn",),
        "Subscribe this existing monitor instead of creating one: an account holds one dimensional SERVICE monitor, and AWS creates a default one in many accounts (a second fails with `AlreadyExists`).",
    ),
    Row(("costs.anomalyThresholdUsd",), "Total impact (USD) of an anomaly that notifies."),
    Row(
        ("costs.monthlyBudgetUsd",),
        "A monthly cost budget (USD) notifying the home region's **medium** topic at each of `costs.budgetAlertPercents` of actual spend and when the forecast reaches 100 %.",
    ),
    Row(("costs.budgetAlertPercents",), "Shares of the budget (actual spend) that notify; at most 9 (a budget takes ten notifications, one is the forecast)."),
    Row(
        ("workload.marketplaces",),
        'Amazon marketplaces you sell in, by Seller Central\'s country code (`US`, `CA`, `MX`, `BR`, `UK`, `IE`, `DE`, `FR`, `IT`, `ES`, `NL`, `BE`, `SE`, `PL`, `TR`, `EG`, `SA`, `AE`, `IN`, `ZA`, `JP`, `AU`, `SG`; `UK`, not `GB`). Their country-specific PII identifiers are masked in every log group (see "What the baseline checks at run time"). The example: `UK`, `DE`.',
    ),
    Row(("workload.maskLogData",), "The account-wide CloudWatch Logs data protection policy in every workload account and covered region (DPP-PII-1.a, DPP-PII-2)."),
    Row(
        ("workload.logBuckets",),
        "Per workload account (organization mode: member account) and covered region, the bucket `aws-waf-logs-<prefix>-workload-<account>-<region>` for Application Load Balancer access logs (prefix `alb`), AWS WAF logs (prefix `waf`) and CloudFront standard logging v2 (prefix `cloudfront`), which cannot write to the KMS/Object Lock archive: SSE-S3, versioned, TLS only, server access logs, kept the retention plus 30 days. Its name is in the SSM parameter `/dpp/<stage>/workload-logs-bucket`; the Config rule ELB_LOGGING_ENABLED then requires load balancers to log into it, and the CloudFront rule distributions (v2, its `cloudfront` prefix). Each new object is copied within seconds by the account's log forwarder (`<prefix>-log-forwarder`; organization members': the management account's, reached through EventBridge) into the archive under `workload-logs/<account>/<region>/` (SSE-KMS, then replicated into both locked copies); keeps a log intake in every non-home region (DPP-LOG-8, DPP-RET-1).",
    ),
    Row(
        ("workload.exportLogGroups",),
        "Every log group of every workload account and covered region streamed into the WORM archive (`cloudwatch-logs/`), whatever its own retention (DPP-LOG-8, DPP-RET-1). Keeps a log intake in every non-home region even with flow and DNS logs off.",
    ),
    Row(
        ("organization.enabled", "organization.id", "organization.memberOrganizationalUnits"),
        "Organization mode (see Organization mode): the organization ID (`o-...`) and the OU or root IDs the member StackSet deploys to. Needs accounts with the roles `management` and `security`.",
        default="`false`",
    ),
    Row(
        ("organization.memberAccessRoleName",),
        "The role in every member account that `make preflight` assumes from the management account to read it (members are not CDK-bootstrapped, so CDK's lookup role is not there): `OrganizationAccountAccessRole` is the one AWS Organizations creates in accounts it creates; under Control Tower, `AWSControlTowerExecution`. Read-only use; nothing is deployed with it.",
    ),
    Row(
        ("features.*",),
        "`flowLogs`, `dnsQueryLogs`, `configRecorder`, `guardDuty`, `securityHub`, `alarms`, `chatRelay` on; `macie`, `automatedResponses` off. Switching off a DPP-mandated capability makes the nag gate fail (its presence rule) until the capability is provided another way and acknowledged, with a reason, in `checks/by_kind/`. `automatedResponses` on with no response switched on is refused, as is a response switched on without it, and `chatRelay` off while chat or webhook targets are listed (they would receive nothing).",
        default="DPP-mandated on",
    ),
)
