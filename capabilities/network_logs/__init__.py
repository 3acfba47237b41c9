"""VPC Flow Logs on every VPC and Route 53 Resolver query logs (DPP-LOG-3, DPP-LOG-4)."""

from capabilities.network_logs.dns_query_logging import DnsQueryLogging
from capabilities.network_logs.flow_log_enforcer import FlowLogEnforcer
from capabilities.network_logs.flow_log_format import FLOW_LOG_FIELDS, FLOW_LOG_FORMAT
from capabilities.network_logs.vpc_flow_logs import FlowLogDestinations, VpcFlowLogs

__all__ = ["DnsQueryLogging", "FLOW_LOG_FIELDS", "FLOW_LOG_FORMAT", "FlowLogDestinations", "FlowLogEnforcer", "VpcFlowLogs"]
