"""DNS query logging and the flow-log enforcer for every VPC of a region, wired the same way in
a collection stack and in the member baseline (DPP-LOG-3, DPP-LOG-4)."""

from __future__ import annotations

from constructs import Construct

from capabilities.archive import LogPrefix
from capabilities.network_logs import DnsQueryLogging, FlowLogDestinations, FlowLogEnforcer
from configuration.model import BaselineConfig
from configuration.naming import archive_names, enforcer_function_name, lambda_log_group


def log_every_vpc(
    scope: Construct,
    config: BaselineConfig,
    *,
    vpc_ids: list[str],
    destinations: FlowLogDestinations,
    monitoring_key_alias: str,
    account: str,
    region: str,
    inline: bool = False,
    network_bucket: str | None = None,
) -> FlowLogEnforcer | None:
    """The query-log configuration (associated with ``vpc_ids`` now, every other VPC by the
    enforcer) and the enforcer, as the features switch them on. ``network_bucket`` is where
    the region's logs land (default: the archive at home, the region's intake elsewhere)."""
    network_bucket = network_bucket or archive_names(config).network_log_bucket(region)
    dns = None
    if config.features.dns_query_logs:
        dns = DnsQueryLogging(
            scope,
            "DnsQueryLogging",
            destination_arn=f"arn:aws:s3:::{network_bucket}/{LogPrefix.DNS_QUERY_LOGS.value}",
            vpc_ids=vpc_ids,
            name=f"{config.resource_prefix}-dns-query-logs",
        )
    if not config.features.flow_logs:
        return None
    function_name = enforcer_function_name(config)
    return FlowLogEnforcer(
        scope,
        "FlowLogEnforcer",
        function_name=function_name,
        dead_letter_queue_name=f"{config.resource_prefix}-flow-log-enforcer-dead-letters",
        log_group_name=lambda_log_group(function_name),
        destinations=destinations,
        max_aggregation_interval=config.collection.flow_log_aggregation_seconds,
        query_log_config_id=dns.config.attr_id if dns else None,
        query_log_config_arn=dns.config.attr_arn if dns else None,
        monitoring_key_alias=monitoring_key_alias,
        account=account,
        region=region,
        inline=inline,
    )
