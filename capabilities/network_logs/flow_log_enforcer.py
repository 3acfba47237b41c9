"""Flow logs and DNS query logging for every VPC, including the ones created tomorrow
(DPP-LOG-3, DPP-LOG-4), without a redeploy."""

from __future__ import annotations

from pathlib import Path

from aws_cdk import Duration
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from capabilities.foundation.lambda_code import source_code

from capabilities.foundation.building_blocks import encrypted_queue, key_by_alias_statement, monitoring_function
from capabilities.network_logs.flow_log_format import FLOW_LOG_FORMAT
from capabilities.network_logs.vpc_flow_logs import FlowLogDestinations

SOURCE = Path(__file__).resolve().parents[2] / "lambdas" / "flow_log_enforcer"


class FlowLogEnforcer(Construct):
    """A small function run on every CreateVpc (within seconds, via EventBridge) and once a
    day over all VPCs of the region; see ``lambdas/flow_log_enforcer/handler.py``.

    Its log group lives in the stateful foundation stack, so the function has a fixed name.
    Failed runs are retried by Lambda and then kept in an encrypted dead-letter queue.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        function_name: str,
        dead_letter_queue_name: str,
        log_group_name: str,
        destinations: FlowLogDestinations,
        max_aggregation_interval: int,
        query_log_config_id: str | None,
        query_log_config_arn: str | None,
        monitoring_key_alias: str,
        account: str,
        region: str,
        inline: bool = False,
    ) -> None:
        super().__init__(scope, id)
        log_group_arn = f"arn:aws:logs:{region}:{account}:log-group:{log_group_name}"
        self.dead_letters = encrypted_queue(self, "DeadLetters", queue_name=dead_letter_queue_name, key=kms.Alias.from_alias_name(self, "MonitoringKey", monitoring_key_alias))
        role = iam.Role(
            self,
            "Role",
            description="Creates flow logs and DNS query-log associations for VPCs (DPP-LOG-3/4)",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        )
        statements = [
            iam.PolicyStatement(actions=["logs:CreateLogStream", "logs:PutLogEvents"], resources=[f"{log_group_arn}:*"]),
            iam.PolicyStatement(actions=["ec2:DescribeVpcs", "ec2:DescribeFlowLogs"], resources=["*"]),
            iam.PolicyStatement(
                actions=["ec2:CreateFlowLogs"],
                resources=[f"arn:aws:ec2:{region}:{account}:vpc/*", f"arn:aws:ec2:{region}:{account}:vpc-flow-log/*"],
            ),
            iam.PolicyStatement(
                actions=["ec2:CreateTags"],
                resources=[f"arn:aws:ec2:{region}:{account}:vpc-flow-log/*"],
                conditions={"StringEquals": {"ec2:CreateAction": "CreateFlowLogs"}},
            ),
            # Vended-log delivery to S3 is authorised through these two, which take no resource.
            iam.PolicyStatement(actions=["logs:CreateLogDelivery", "logs:DeleteLogDelivery"], resources=["*"]),
            iam.PolicyStatement(actions=["sqs:SendMessage"], resources=[self.dead_letters.queue_arn]),
            key_by_alias_statement(actions=["kms:GenerateDataKey", "kms:Decrypt"], region=region, account=account, alias=monitoring_key_alias, via_services=["sqs"]),
        ]
        if query_log_config_arn:
            statements += [
                iam.PolicyStatement(actions=["route53resolver:AssociateResolverQueryLogConfig"], resources=[query_log_config_arn]),
                iam.PolicyStatement(actions=["route53resolver:ListResolverQueryLogConfigAssociations"], resources=["*"]),
            ]
        if destinations.delivery_role_arn:
            statements.append(
                iam.PolicyStatement(
                    actions=["iam:PassRole"],
                    resources=[destinations.delivery_role_arn],
                    conditions={"StringEquals": {"iam:PassedToService": "vpc-flow-logs.amazonaws.com"}},
                )
            )
        policy = iam.ManagedPolicy(self, "Policy", description="Least privilege for the flow-log enforcer", roles=[role], statements=statements)

        environment = {
            "FLOW_LOG_DESTINATIONS": destinations.as_environment(),
            "FLOW_LOG_FORMAT": FLOW_LOG_FORMAT,
            "FLOW_LOG_MAX_AGGREGATION_INTERVAL": str(max_aggregation_interval),
        }
        if query_log_config_id:
            environment["RESOLVER_QUERY_LOG_CONFIG_ID"] = query_log_config_id
        self.function = monitoring_function(
            self,
            "Function",
            function_name=function_name,
            description="Gives every VPC flow logs and DNS query logging (DPP-LOG-3/4)",
            # Inline for StackSets, which cannot carry asset files to every member account; the
            # same reviewed source either way.
            code=lambda_.Code.from_inline((SOURCE / "handler.py").read_text()) if inline else source_code(SOURCE),
            handler="index.handler" if inline else "handler.handler",
            role=role,
            log_group_name=log_group_name,
            timeout=Duration.minutes(5),
            memory_size=256,
            environment=environment,
            dead_letter_queue=self.dead_letters,
            retry_attempts=2,
        )
        self.function.node.add_dependency(policy)
        target = targets.LambdaFunction(self.function, retry_attempts=8, max_event_age=Duration.hours(24))
        events.Rule(
            self,
            "OnCreateVpc",
            description="A new VPC gets flow logs and DNS query logging within seconds (DPP-LOG-3/4)",
            event_pattern=events.EventPattern(
                source=["aws.ec2"],
                detail_type=["AWS API Call via CloudTrail"],
                # A failed call created nothing (CloudTrail records it with errorCode).
                detail={"eventSource": ["ec2.amazonaws.com"], "eventName": ["CreateVpc"], "errorCode": [{"exists": False}]},
            ),
            targets=[target],
        )
        events.Rule(
            self,
            "DailySweep",
            description="Daily check that every VPC in the region has flow logs and DNS query logging",
            schedule=events.Schedule.rate(Duration.days(1)),
            targets=[target],
        )
