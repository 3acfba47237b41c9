"""Where each source lands in the archive (DPP-PRT-1: meaningful prefixes per source).

Services append their own ``AWSLogs/<account>/...`` path below these prefixes.
"""

from enum import Enum


class LogPrefix(str, Enum):
    CLOUDTRAIL = "cloudtrail"
    CONFIG = "config"
    VPC_FLOW_LOGS = "vpc-flow-logs"
    DNS_QUERY_LOGS = "dns-query-logs"
    GUARDDUTY = "guardduty"
    # The account-wide CloudWatch Logs export: Firehose writes
    # cloudwatch-logs/<account>/<region>/<yyyy>/<MM>/<dd>/<HH>/ (no AWSLogs/ level, the layout
    # fixed for every reader of the archive), and records it could not deliver under
    # cloudwatch-logs-errors/.
    CLOUDWATCH_LOGS = "cloudwatch-logs"
    CLOUDWATCH_LOGS_ERRORS = "cloudwatch-logs-errors"
    # The workload log buckets' objects (ALB access logs, WAF logs, CloudFront v2), copied by
    # each workload account's log forwarder:
    # workload-logs/<account>/<region>/<alb|waf|cloudfront>/AWSLogs/<account>/... (the source
    # key kept whole under the account and region it came from, ``workload_logs_prefix``).
    WORKLOAD_LOGS = "workload-logs"

    def objects(self, account: str) -> str:
        """The object-key pattern one account's deliveries of this source may use."""
        return f"{self.value}/AWSLogs/{account}/*"


def workload_logs_prefix(account: str, region: str) -> str:
    """Where one account's forwarder writes the copies of its region's workload log bucket (no
    trailing slash; the source key follows). The catalogue's workload tables are templated from
    the same function, so the writer and the reader cannot drift (DPP-LOG-8, DPP-ANA-1)."""
    return f"{LogPrefix.WORKLOAD_LOGS.value}/{account}/{region}"
