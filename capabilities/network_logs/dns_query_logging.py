"""Route 53 Resolver query logging into the archive (DPP-LOG-4)."""

from __future__ import annotations

from aws_cdk import aws_route53resolver as resolver
from constructs import Construct


class DnsQueryLogging(Construct):
    """One query-logging configuration per (account, region) writing to the archive's
    ``dns-query-logs/`` prefix, associated with the configured VPCs here and with every other
    VPC by the flow-log enforcer (Resolver only logs VPCs of its own region)."""

    def __init__(self, scope: Construct, id: str, *, destination_arn: str, vpc_ids: list[str], name: str) -> None:
        super().__init__(scope, id)
        self.config = resolver.CfnResolverQueryLoggingConfig(self, "Config", destination_arn=destination_arn, name=name)
        for vpc_id in vpc_ids:
            resolver.CfnResolverQueryLoggingConfigAssociation(self, f"{vpc_id}Association", resolver_query_log_config_id=self.config.attr_id, resource_id=vpc_id)
