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
