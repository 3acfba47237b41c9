"""The example workload's stacks. ``logged=True`` is how an SP-API application should look under
the DPP workload pack; ``logged=False`` is the same application with its logging removed."""

from __future__ import annotations

from aws_cdk import ArnFormat, Aws, RemovalPolicy, Stack, Tags
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_elasticloadbalancingv2_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from examples.workload.assets import function_code_dir

INFORMATION_TAG = "dpp:information"


class WorkloadLogging(Construct):
    """The key and log groups of one stack: 12 months, KMS-encrypted, retained (DPP-RET-1, DPP-PRT-3)."""

    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        self.key = kms.Key(self, "Key", enable_key_rotation=True, removal_policy=RemovalPolicy.RETAIN, description="Encrypts the workload's log groups")
        # CloudWatch Logs uses the key for this account's log groups only
        # (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html)
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal(f"logs.{Aws.REGION}.amazonaws.com")],
                actions=["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                resources=["*"],
                conditions={"ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:{Aws.PARTITION}:logs:{Aws.REGION}:{Aws.ACCOUNT_ID}:log-group:*"}},
            )
        )

    def group(self, id: str, name: str | None = None) -> logs.LogGroup:
        return logs.LogGroup(self, id, log_group_name=name, retention=logs.RetentionDays.ONE_YEAR, encryption_key=self.key, removal_policy=RemovalPolicy.RETAIN)


def orders_table(scope: Construct) -> dynamodb.Table:
    table = dynamodb.Table(
        scope,
        "Orders",
        partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
        billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
        point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True),
        removal_policy=RemovalPolicy.RETAIN,
    )
    Tags.of(table).add(INFORMATION_TAG, "true")  # holds Information: its data events must be logged (DPP-LOG-1.b)
    return table


def function(scope: Construct, id: str, handler: str, logging: WorkloadLogging | None, **environment: str) -> lambda_.Function:
    fn = lambda_.Function(
        scope,
        id,
        runtime=lambda_.Runtime.PYTHON_3_11,
        handler=handler,
        code=lambda_.Code.from_asset(str(function_code_dir())),
        logging_format=lambda_.LoggingFormat.JSON,
        application_log_level_v2=lambda_.ApplicationLogLevel.INFO,
        log_group=logging.group(f"{id}Logs") if logging else None,
        environment={"POWERTOOLS_SERVICE_NAME": id.lower(), "POWERTOOLS_LOG_LEVEL": "INFO", **environment},
    )
    Tags.of(fn).add(INFORMATION_TAG, "true")  # serves Information
    return fn


def web_acl(scope: Construct, scope_name: str, logging: WorkloadLogging | None) -> wafv2.CfnWebACL:
    """AWS's common rule set, logged to a log group named aws-waf-logs-* (WAF's requirement:
    https://docs.aws.amazon.com/waf/latest/developerguide/logging-cw-logs.html)."""
    visibility = wafv2.CfnWebACL.VisibilityConfigProperty(cloud_watch_metrics_enabled=True, metric_name="sp-api", sampled_requests_enabled=True)
    acl = wafv2.CfnWebACL(
        scope,
        "WebAcl",
        scope=scope_name,
        default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
        visibility_config=visibility,
        rules=[
            wafv2.CfnWebACL.RuleProperty(
                name="common",
                priority=0,
                override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
                statement=wafv2.CfnWebACL.StatementProperty(managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(vendor_name="AWS", name="AWSManagedRulesCommonRuleSet")),
                visibility_config=visibility,
            )
        ],
    )
    if logging:
        group = logging.group("WafLogs", name=f"aws-waf-logs-{Stack.of(scope).stack_name.lower()}")
        # WAF takes the log group's ARN without the ":*" suffix
        arn = Stack.of(scope).format_arn(service="logs", resource="log-group", resource_name=group.log_group_name, arn_format=ArnFormat.COLON_RESOURCE_NAME)
        wafv2.CfnLoggingConfiguration(scope, "WebAclLogging", resource_arn=acl.attr_arn, log_destination_configs=[arn])
    return acl


class ApiWorkloadStack(Stack):
    """API Gateway (REST, IAM-authorized) -> Lambda -> DynamoDB, with an admin endpoint and WAF."""

    def __init__(self, scope: Construct, id: str, *, logged: bool = True, admin_role_arns: tuple[str, ...] = (), **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        logging = WorkloadLogging(self, "Logging") if logged else None
        self.table = orders_table(self)
        self.orders = function(self, "OrdersFunction", "orders.handler", logging, TABLE_NAME=self.table.table_name)
        self.admin = function(self, "AdminFunction", "admin.handler", logging, ADMIN_ROLE_ARNS=",".join(admin_role_arns))
        self.table.grant_read_data(self.orders)

        deploy = apigw.StageOptions(stage_name="prod")
        if logging:
            deploy = apigw.StageOptions(
                stage_name="prod",
                access_log_destination=apigw.LogGroupLogDestination(logging.group("ApiAccessLogs")),
                # requestId, sourceIp, caller, user, requestTime, httpMethod, resourcePath, status, ...
                access_log_format=apigw.AccessLogFormat.json_with_standard_fields(
                    caller=True, http_method=True, ip=True, protocol=True, request_time=True, resource_path=True, response_length=True, status=True, user=True
                ),
                logging_level=apigw.MethodLoggingLevel.ERROR,
                data_trace_enabled=False,
                metrics_enabled=True,
            )
        # cloud_watch_role: the account-wide role API Gateway needs to write execution and access logs
        # (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html)
        role = dict(cloud_watch_role=True, cloud_watch_role_removal_policy=RemovalPolicy.RETAIN) if logged else dict(cloud_watch_role=False)
        api = apigw.RestApi(self, "Api", deploy_options=deploy, **role)
        api.root.add_resource("orders").add_resource("{id}").add_method("GET", apigw.LambdaIntegration(self.orders), authorization_type=apigw.AuthorizationType.IAM)
        api.root.add_resource("admin").add_method("GET", apigw.LambdaIntegration(self.admin), authorization_type=apigw.AuthorizationType.IAM)
        self.api = api
        acl = web_acl(self, "REGIONAL", logging)
        wafv2.CfnWebACLAssociation(self, "ApiWaf", resource_arn=api.deployment_stage.stage_arn, web_acl_arn=acl.attr_arn)


class AlbWorkloadStack(Stack):
    """The ALB variant: an internet-facing Application Load Balancer -> Lambda -> DynamoDB. ALB
    access logs go to an SSE-S3 bucket (the only encryption ALB log delivery accepts:
    https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html);
    the baseline's workload-logs bucket is the intended destination where it exists."""

    def __init__(self, scope: Construct, id: str, *, logged: bool = True, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        logging = WorkloadLogging(self, "Logging") if logged else None
        table = orders_table(self)
        orders = function(self, "OrdersFunction", "orders.handler", logging, TABLE_NAME=table.table_name)
        table.grant_read_data(orders)
        vpc = ec2.Vpc(self, "Vpc", max_azs=2, nat_gateways=0, subnet_configuration=[ec2.SubnetConfiguration(name="public", subnet_type=ec2.SubnetType.PUBLIC)])
        alb = elbv2.ApplicationLoadBalancer(self, "Alb", vpc=vpc, internet_facing=True, drop_invalid_header_fields=True)
        if logging:
            bucket = s3.Bucket(
                self,
                "AlbAccessLogs",
                encryption=s3.BucketEncryption.S3_MANAGED,
                block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
                enforce_ssl=True,
                versioned=True,
                removal_policy=RemovalPolicy.RETAIN,
            )
            alb.log_access_logs(bucket, prefix="alb")
        listener = alb.add_listener("Http", port=80, open=True)
        listener.add_targets("Orders", targets=[targets.LambdaTarget(orders)])
        acl = web_acl(self, "REGIONAL", logging)
        wafv2.CfnWebACLAssociation(self, "AlbWaf", resource_arn=alb.load_balancer_arn, web_acl_arn=acl.attr_arn)
        self.alb = alb
