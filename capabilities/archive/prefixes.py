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
    # The workload log buckets' objects (ALB access logs, WAF logs), copied by each workload
    # account's log forwarder: workload-logs/<account>/<region>/<alb|waf>/AWSLogs/<account>/...
    # (the source key kept whole under the account and region it came from).
    WORKLOAD_LOGS = "workload-logs"

    def objects(self, account: str) -> str:
        """The object-key pattern one account's deliveries of this source may use."""
        return f"{self.value}/AWSLogs/{account}/*"
