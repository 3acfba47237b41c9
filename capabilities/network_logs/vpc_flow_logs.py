"""Flow logs for the VPCs named in configuration (DPP-LOG-3)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from constructs import Construct

from capabilities.network_logs.flow_log_format import FLOW_LOG_DESTINATION_OPTIONS, FLOW_LOG_FORMAT


@dataclass(frozen=True)
class FlowLogDestinations:
    """Where flow logs go: always the archive; optionally also a CloudWatch Logs group."""

    archive_arn: str  # arn:aws:s3:::<archive>/vpc-flow-logs
    log_group_arn: str | None = None
    delivery_role_arn: str | None = None

    def as_environment(self) -> str:
        """The enforcer function's view of the same destinations."""
        destinations = [{"kind": "s3", "arn": self.archive_arn}]
        if self.log_group_arn:
            destinations.append({"kind": "cloud-watch-logs", "arn": self.log_group_arn, "roleArn": self.delivery_role_arn})
        return json.dumps(destinations)


def cloudwatch_delivery_role(scope: Construct, id: str, *, log_group_arn: str, account: str) -> iam.Role:
    """The role VPC Flow Logs assumes to write into the flow-log group (and nothing else)."""
    role = iam.Role(
        scope,
        id,
        description="Lets VPC Flow Logs write to the DPP flow-log group",
        assumed_by=iam.ServicePrincipal("vpc-flow-logs.amazonaws.com", conditions={"StringEquals": {"aws:SourceAccount": account}}),
    )
    iam.ManagedPolicy(
        scope,
        f"{id}Policy",
        roles=[role],
        statements=[
            iam.PolicyStatement(actions=["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], resources=[f"{log_group_arn}:*"]),
            iam.PolicyStatement(actions=["logs:DescribeLogGroups"], resources=[f"{log_group_arn.split(':log-group:')[0]}:log-group:*"]),
        ],
    )
    return role


class VpcFlowLogs(Construct):
    """Traffic type ALL with the DPP record format, to the archive as hourly Parquet."""

    def __init__(self, scope: Construct, id: str, *, vpc_ids: list[str], destinations: FlowLogDestinations, max_aggregation_interval: int) -> None:
        super().__init__(scope, id)
        for vpc_id in vpc_ids:
            ec2.CfnFlowLog(
                self,
                f"{vpc_id}ToArchive",
                resource_id=vpc_id,
                resource_type="VPC",
                traffic_type="ALL",
                log_destination_type="s3",
                log_destination=destinations.archive_arn,
                log_format=FLOW_LOG_FORMAT,
                max_aggregation_interval=max_aggregation_interval,
                destination_options=dict(FLOW_LOG_DESTINATION_OPTIONS),
            )
            if destinations.log_group_arn:
                ec2.CfnFlowLog(
                    self,
                    f"{vpc_id}ToCloudWatch",
                    resource_id=vpc_id,
                    resource_type="VPC",
                    traffic_type="ALL",
                    log_destination_type="cloud-watch-logs",
                    log_destination=destinations.log_group_arn,
                    deliver_logs_permission_arn=destinations.delivery_role_arn,
                    log_format=FLOW_LOG_FORMAT,
                    max_aggregation_interval=max_aggregation_interval,
                )
