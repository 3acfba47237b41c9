"""The flow-log record: every field the DPP names for network events (DPP-LOG-2, DPP-LOG-3).

Source and destination addresses and ports (as seen by the interface and as in the packet),
protocol, action (ACCEPT/REJECT = success/failure), flow direction, account, interface,
VPC/subnet/instance (the affected resource), start and end, TCP flags and traffic path.
"""

FLOW_LOG_FIELDS = (
    "version",
    "account-id",
    "region",
    "vpc-id",
    "subnet-id",
    "instance-id",
    "interface-id",
    "srcaddr",
    "dstaddr",
    "srcport",
    "dstport",
    "pkt-srcaddr",
    "pkt-dstaddr",
    "protocol",
    "packets",
    "bytes",
    "start",
    "end",
    "action",
    "log-status",
    "tcp-flags",
    "flow-direction",
    "traffic-path",
    "type",
    "az-id",
    "pkt-src-aws-service",
    "pkt-dst-aws-service",
)

FLOW_LOG_FORMAT = " ".join(f"${{{name}}}" for name in FLOW_LOG_FIELDS)

# How flow logs are written to S3: Parquet, one folder per hour, AWS's own (not Hive-style)
# folder names: <prefix>/AWSLogs/<account>/vpcflowlogs/<region>/<yyyy>/<MM>/<dd>/<HH>/
# (https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-path.html). The archive's
# Athena table projects the same layout (capabilities.archive.key_layout).
FLOW_LOG_DESTINATION_OPTIONS = {"FileFormat": "parquet", "HiveCompatiblePartitions": False, "PerHourPartition": True}
