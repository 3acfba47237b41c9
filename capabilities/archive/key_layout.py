"""The key layout of every prefix the archive holds, as Athena partition projection reads it
(DPP-PRT-1, DPP-ANA-1).

Our stacks choose only the first level (``LogPrefix``) and the delivery options (flow logs'
``FLOW_LOG_DESTINATION_OPTIONS``, the access logs' partitioned prefix); each service appends
the rest as its documentation says. One template per source, written here once, is what the
catalogue's ``storage.location.template`` is made of and what the tests' sample objects are
keyed by, so a layout cannot drift between the writer and the reader:

- CloudTrail: ``AWSLogs/<account>/CloudTrail/<region>/<yyyy>/<MM>/<dd>/``, an organization trail
  ``AWSLogs/<org-id>/<account>/CloudTrail/...``
  (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/get-and-view-cloudtrail-log-files.html).
- VPC flow logs, per-hour, not Hive-style: ``AWSLogs/<account>/vpcflowlogs/<region>/<yyyy>/<MM>/<dd>/<HH>/``
  (https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-path.html).
- Route 53 Resolver: ``AWSLogs/<account>/vpcdnsquerylogs/<vpc-id>/<yyyy>/<MM>/<dd>/``, no region level
  (https://docs.aws.amazon.com/athena/latest/ug/querying-r53-resolver-logs-partitioning-example.html).
- AWS Config: ``AWSLogs/<account>/Config/<region>/<yyyy>/<M>/<d>/ConfigHistory|ConfigSnapshot/``,
  month and day without leading zeros
  (https://docs.aws.amazon.com/config/latest/developerguide/config-concepts.html#config-history).
- GuardDuty: ``AWSLogs/<account>/GuardDuty/<region>/<yyyy>/<MM>/<dd>/``
  (https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_exportfindings.html).
- CloudWatch Logs export: ``<account>/<region>/<yyyy>/<MM>/<dd>/<HH>/`` (the integrator's contract
  for issue 19).
- S3 server access logs, partitioned prefix by event time:
  ``<prefix><source-account>/<source-region>/<source-bucket>/<yyyy>/<MM>/<dd>/``
  (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html#server-access-logging-overview).
- The workload log buckets' copies, ``workload-logs/<account>/<region>/`` (``workload_logs_prefix``,
  the forwarder's destination) followed by the source key whole:
  - ALB access logs: ``alb/AWSLogs/<account>/elasticloadbalancing/<region>/<yyyy>/<MM>/<dd>/``
    (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html);
    a load balancer logs into a bucket of its own region, so both regions are one.
  - WAF logs: ``waf/AWSLogs/<account>/WAFLogs/<region|cloudfront>/<web-acl>/<yyyy>/<MM>/<dd>/<HH>/<mm>/``
    (https://docs.aws.amazon.com/waf/latest/developerguide/logging-s3.html); the table's
    partition is the day, Athena reads the hour and minute folders below it (as the Athena WAF
    table does, https://docs.aws.amazon.com/athena/latest/ug/create-waf-table-partition-projection.html).
  - CloudFront standard logging v2, with the delivery this project documents (README "Workload
    log buckets": Parquet, suffix ``{DistributionId}/{yyyy}/{MM}/{dd}/{HH}``):
    ``cloudfront/AWSLogs/<account>/CloudFront/<distribution>/<yyyy>/<MM>/<dd>/<HH>/``, the layout
    of https://docs.aws.amazon.com/athena/latest/ug/create-cloudfront-table-partition-parquet.html.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from capabilities.archive.prefixes import LogPrefix, workload_logs_prefix
from capabilities.network_logs.flow_log_format import FLOW_LOG_DESTINATION_OPTIONS
from configuration.model import BaselineConfig
from configuration.naming import archive_names
from capabilities.workload_logs.log_buckets import ALB_PREFIX, CLOUDFRONT_PREFIX, WAF_PREFIX
from configuration.regions import COMMERCIAL_REGIONS

# Where S3 server access logs of the home region's archive buckets land in the access-log
# bucket (LogArchive sets these prefixes; the partitioned key format appends the rest).
ACCESS_LOG_PREFIXES = {"archive": "log-archive/", "staging": "config-staging/"}
# Projected dates start here (nothing older can exist); queries always bound the date.
PROJECTION_START = "2024/01/01"
CONFIG_KINDS = ("ConfigHistory", "ConfigSnapshot")


@dataclass(frozen=True)
class Partition:
    """One projected partition column: ``enum`` (known values), ``injected`` (the query must
    name the value: members of an organization this app cannot list, VPCs made after deploy)
    or ``date`` (Java DateTimeFormatter ``date_format``, one step of ``unit``)."""

    name: str
    kind: str
    values: tuple[str, ...] = ()
    date_format: str = ""
    unit: str = ""

    def properties(self) -> dict[str, str]:
        """The table properties Athena's partition projection reads
        (https://docs.aws.amazon.com/athena/latest/ug/partition-projection-supported-types.html)."""
        key = f"projection.{self.name}"
        if self.kind == "enum":
            return {f"{key}.type": "enum", f"{key}.values": ",".join(self.values)}
        if self.kind == "injected":
            return {f"{key}.type": "injected"}
        start = PROJECTION_START if self.date_format.startswith("yyyy/MM/dd") else _reformat(PROJECTION_START, self.date_format)
        return {
            f"{key}.type": "date",
            f"{key}.format": self.date_format,
            f"{key}.range": f"{start},NOW",
            f"{key}.interval": "1",
            f"{key}.interval.unit": self.unit,
        }

    def pattern(self) -> str:
        """A regular expression for this column's values in a key (used by the tests)."""
        if self.kind == "enum":
            return "|".join(re.escape(v) for v in self.values)
        if self.kind == "injected":
            return "[^/]+"
        tokens = {"yyyy": r"\d{4}", "MM": r"\d{2}", "dd": r"\d{2}", "HH": r"\d{2}", "M": r"[1-9]\d?", "d": r"[1-9]\d?"}
        return re.sub(r"yyyy|MM|dd|HH|M|d", lambda m: tokens[m.group(0)], self.date_format)


def _reformat(day: str, date_format: str) -> str:
    year, month, dom = day.split("/")
    return date_format.replace("yyyy", year).replace("M", str(int(month))).replace("d", str(int(dom)))


@dataclass(frozen=True)
class KeyLayout:
    """Where one source's objects are: ``bucket`` and a ``template`` relative to it with
    ``${column}`` for each partition (a column may recur: the forwarded copies repeat the
    account and region the source key already names). ``below`` is a regular expression for the
    folders a service writes under the last partition that no column names (WAF's hour and
    minute), which Athena reads as part of that partition."""

    source: str
    bucket: str
    template: str
    partitions: tuple[Partition, ...]
    below: str = ""

    @property
    def location_template(self) -> str:
        return f"s3://{self.bucket}/{self.template}"

    @property
    def location(self) -> str:
        """The table's LOCATION: the template up to its first projected column."""
        return f"s3://{self.bucket}/{self.template.split('${', 1)[0]}"

    def key_pattern(self) -> re.Pattern[str]:
        """Matches an object key of this layout, capturing each partition column."""
        parts = re.split(r"\$\{(\w+)\}", self.template)
        by_name = {p.name: p for p in self.partitions}
        seen: set[str] = set()
        regex = ""
        for i, part in enumerate(parts):
            if i % 2 == 0:
                regex += re.escape(part)
            elif part in seen:  # a recurring column must carry the same value
                regex += f"(?P={part})"
            else:
                seen.add(part)
                regex += f"(?P<{part}>{by_name[part].pattern()})"
        return re.compile(f"^{regex}{self.below}[^/]+$")


def _account(config: BaselineConfig, accounts: list[str]) -> Partition:
    """Listed accounts are enumerated; an organization's members cannot be listed, so the query
    names the account (injected)."""
    if config.org_mode:
        return Partition("account", "injected")
    return Partition("account", "enum", tuple(sorted(set(accounts))))


DAY = Partition("day", "date", date_format="yyyy/MM/dd", unit="DAYS")
HOUR = Partition("hour", "date", date_format="yyyy/MM/dd/HH", unit="HOURS")


def _flow_log_template() -> str:
    options = FLOW_LOG_DESTINATION_OPTIONS
    assert options["FileFormat"] == "parquet" and not options["HiveCompatiblePartitions"], "the flow-log table reads AWS-style Parquet folders"
    time = "${hour}" if options["PerHourPartition"] else "${day}"
    return f"{LogPrefix.VPC_FLOW_LOGS.value}/AWSLogs/${{account}}/vpcflowlogs/${{region}}/{time}/"


def archive_layouts(config: BaselineConfig) -> dict[str, KeyLayout]:
    """Every source's layout for this configuration, keyed by source name."""
    names = archive_names(config)
    monitored = [a.account_id for a in config.monitored_accounts]
    trail_accounts = [a.account_id for a in config.trail_accounts]
    covered = Partition("region", "enum", tuple(sorted(config.regions)))
    # A multi-region trail logs every region the account has enabled, not only covered ones.
    every_region = Partition("region", "enum", tuple(sorted(COMMERCIAL_REGIONS)))
    org = f"{config.organization.organization_id}/" if config.org_mode else ""
    archive = names.archive_bucket
    layouts = [
        KeyLayout(
            "cloudtrail",
            archive,
            f"{LogPrefix.CLOUDTRAIL.value}/AWSLogs/{org}${{account}}/CloudTrail/${{region}}/${{day}}/",
            (_account(config, monitored if config.org_mode else trail_accounts), every_region, DAY),
        ),
        KeyLayout("vpc_flow_logs", archive, _flow_log_template(), (_account(config, monitored), covered, HOUR)),
        KeyLayout(
            "dns_query_logs",
            archive,
            f"{LogPrefix.DNS_QUERY_LOGS.value}/AWSLogs/${{account}}/vpcdnsquerylogs/${{vpc}}/${{day}}/",
            (_account(config, monitored), Partition("vpc", "injected"), DAY),
        ),
        KeyLayout(
            "config",
            archive,
            f"{LogPrefix.CONFIG.value}/AWSLogs/${{account}}/Config/${{region}}/${{day}}/${{kind}}/",
            (_account(config, monitored), covered, Partition("day", "date", date_format="yyyy/M/d", unit="DAYS"), Partition("kind", "enum", CONFIG_KINDS)),
        ),
        KeyLayout(
            "guardduty_findings",
            archive,
            f"{LogPrefix.GUARDDUTY.value}/AWSLogs/${{account}}/GuardDuty/${{region}}/${{day}}/",
            (_account(config, monitored), covered, DAY),
        ),
        KeyLayout(
            "cloudwatch_logs",
            archive,
            f"{LogPrefix.CLOUDWATCH_LOGS.value}/${{account}}/${{region}}/${{hour}}/",
            (_account(config, monitored), covered, HOUR),
        ),
        KeyLayout(
            "s3_access_logs",
            names.access_log_bucket,
            f"${{source}}/{names.account}/{names.home_region}/${{bucket}}/${{day}}/",
            (
                Partition("source", "enum", tuple(p.rstrip("/") for p in ACCESS_LOG_PREFIXES.values())),
                Partition("bucket", "enum", (names.archive_bucket, names.config_staging_bucket)),
                DAY,
            ),
        ),
        *_workload_layouts(config, archive),
    ]
    return {layout.source: layout for layout in layouts}


# A CloudFront (global) web ACL logs under this name instead of a region
# (https://docs.aws.amazon.com/waf/latest/developerguide/logging-s3.html).
WAF_CLOUDFRONT_SCOPE = "cloudfront"


def _workload_layouts(config: BaselineConfig, archive: str) -> list[KeyLayout]:
    """The forwarded copies of the workload log buckets (DPP-LOG-8): the workload accounts (an
    organization's members: injected) in the covered regions, where the buckets are."""
    if not config.workload.log_buckets:
        return []
    account = _account(config, [a.account_id for a in config.workload_accounts])
    covered = Partition("region", "enum", tuple(sorted(config.regions)))
    copies = workload_logs_prefix("${account}", "${region}")
    return [
        KeyLayout(
            "alb_access_logs",
            archive,
            f"{copies}/{ALB_PREFIX}/AWSLogs/${{account}}/elasticloadbalancing/${{region}}/${{day}}/",
            (account, covered, DAY),
        ),
        KeyLayout(
            "waf_logs",
            archive,
            f"{copies}/{WAF_PREFIX}/AWSLogs/${{account}}/WAFLogs/${{scope}}/${{web_acl}}/${{day}}/",
            (
                account,
                covered,
                Partition("scope", "enum", (*sorted(config.regions), WAF_CLOUDFRONT_SCOPE)),
                Partition("web_acl", "injected"),
                DAY,
            ),
            below=r"\d{2}/\d{2}/",
        ),
        KeyLayout(
            "cloudfront_logs",
            archive,
            f"{copies}/{CLOUDFRONT_PREFIX}/AWSLogs/${{account}}/CloudFront/${{distribution}}/${{hour}}/",
            (account, covered, Partition("distribution", "injected"), HOUR),
        ),
    ]
