"""The DPP workload pack (dpp_nag.workload): every rule against compliant and non-compliant
resources. One app holds them all, synthesized once (so Tags aspects run, as in a user's
`cdk synth`), and validated once; each test reads the findings for its resources."""

from __future__ import annotations

import json
from collections import defaultdict

import aws_cdk as cdk
import pytest
from aws_cdk import Acknowledgment, RemovalPolicy, Tags, Validations
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_cloudtrail as cloudtrail
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancing as elb
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_rds as rds
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_wafv2 as wafv2

from dpp_nag import WORKLOAD_RULES, DppWorkloadPack, WorkloadSettings
from dpp_nag.workload.api_gateway import missing_fields
from dpp_nag.workload.databases import engine_family

ENV = cdk.Environment(account="111122223333", region="eu-west-1")
SETTINGS = WorkloadSettings(information_resources=("Data/Elsewhere",), data_events_logged_elsewhere=("Data/Elsewhere",))

REST_FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "caller": "$context.identity.caller",
        "ip": "$context.identity.sourceIp",
        "time": "$context.requestTime",
        "method": "$context.httpMethod",
        "resource": "$context.resourcePath",
        "status": "$context.status",
    }
)
HTTP_FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "who": "$context.authorizer.claims.sub",
        "ip": "$context.identity.sourceIp",
        "time": "$context.requestTimeEpoch",
        "method": "$context.httpMethod",
        "route": "$context.routeKey",
        "status": "$context.status",
    }
)
WS_FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "who": "$context.authorizer.principalId",
        "ip": "$context.identity.sourceIp",
        "time": "$context.requestTime",
        "event": "$context.eventType",
        "route": "$context.routeKey",
        "status": "$context.status",
    }
)


def _code() -> lambda_.Code:
    return lambda_.Code.from_inline("def handler(event, context):\n    return {}\n")


def good_log_group(scope, id: str, key: kms.IKey) -> logs.LogGroup:
    return logs.LogGroup(scope, id, retention=logs.RetentionDays.ONE_YEAR, encryption_key=key, removal_policy=RemovalPolicy.RETAIN)


def load_balancers(st: cdk.Stack) -> None:
    vpc = ec2.Vpc(st, "Vpc", max_azs=2, nat_gateways=0, subnet_configuration=[ec2.SubnetConfiguration(name="public", subnet_type=ec2.SubnetType.PUBLIC)])
    bucket = s3.Bucket(st, "AccessLogs", encryption=s3.BucketEncryption.S3_MANAGED, enforce_ssl=True)
    good = elbv2.ApplicationLoadBalancer(st, "AlbGood", vpc=vpc)
    good.log_access_logs(bucket)
    elbv2.ApplicationLoadBalancer(st, "AlbBad", vpc=vpc)
    elbv2.NetworkLoadBalancer(st, "NlbBad", vpc=vpc)
    elbv2.CfnLoadBalancer(st, "Gateway", type="gateway", subnets=["subnet-1"])
    flag = cdk.CfnParameter(st, "LogsOn")
    elbv2.CfnLoadBalancer(
        st, "AlbToken", subnets=["subnet-1"], load_balancer_attributes=[elbv2.CfnLoadBalancer.LoadBalancerAttributeProperty(key="access_logs.s3.enabled", value=flag.value_as_string)]
    )
    listener = elb.CfnLoadBalancer.ListenersProperty(instance_port="80", load_balancer_port="80", protocol="HTTP")
    elb.CfnLoadBalancer(
        st, "ClbGood", listeners=[listener], subnets=["subnet-1"], access_logging_policy=elb.CfnLoadBalancer.AccessLoggingPolicyProperty(enabled=True, s3_bucket_name=bucket.bucket_name)
    )
    elb.CfnLoadBalancer(st, "ClbBad", listeners=[listener], subnets=["subnet-1"])


def apis(st: cdk.Stack) -> None:
    key = kms.Key(st, "Key", enable_key_rotation=True)
    access = good_log_group(st, "Access", key)

    def rest(id: str, **options) -> None:
        api = apigw.RestApi(st, id, cloud_watch_role=False, deploy_options=apigw.StageOptions(**options))
        api.root.add_method("GET", apigw.MockIntegration())

    destination = apigw.LogGroupLogDestination(access)
    standard = apigw.AccessLogFormat.json_with_standard_fields(
        caller=True, http_method=True, ip=True, protocol=True, request_time=True, resource_path=True, status=True, response_length=True, user=True
    )
    rest("RestGood", access_log_destination=destination, access_log_format=standard, logging_level=apigw.MethodLoggingLevel.INFO, data_trace_enabled=False)
    rest("RestCustom", access_log_destination=destination, access_log_format=apigw.AccessLogFormat.custom(REST_FORMAT), logging_level=apigw.MethodLoggingLevel.ERROR)
    rest(
        "RestNoSourceIp",
        access_log_destination=destination,
        access_log_format=apigw.AccessLogFormat.custom(REST_FORMAT.replace("$context.identity.sourceIp", "-")),
        logging_level=apigw.MethodLoggingLevel.ERROR,
    )
    rest("RestNoLogs")
    rest("RestTrace", access_log_destination=destination, access_log_format=standard, logging_level=apigw.MethodLoggingLevel.INFO, data_trace_enabled=True)
    rest("RestOff", access_log_destination=destination, access_log_format=standard, logging_level=apigw.MethodLoggingLevel.OFF)
    suffix = cdk.CfnParameter(st, "FormatSuffix")
    apigw.CfnStage(
        st,
        "RestToken",
        rest_api_id="abc",
        access_log_setting=apigw.CfnStage.AccessLogSettingProperty(destination_arn=access.log_group_arn, format=cdk.Fn.join("", ["$context.requestId ", suffix.value_as_string])),
    )

    def v2(id: str, protocol: str, **stage) -> None:
        api = apigwv2.CfnApi(st, f"{id}Api", name=id, protocol_type=protocol, route_selection_expression="$request.body.action" if protocol == "WEBSOCKET" else None)
        apigwv2.CfnStage(st, id, api_id=api.ref, stage_name="prod", **stage)

    def log(fmt: str):
        return apigwv2.CfnStage.AccessLogSettingsProperty(destination_arn=access.log_group_arn, format=fmt)

    v2("HttpGood", "HTTP", access_log_settings=log(HTTP_FORMAT))
    v2("HttpNoRoute", "HTTP", access_log_settings=log(HTTP_FORMAT.replace("$context.routeKey", "-")))
    info = apigwv2.CfnStage.RouteSettingsProperty(logging_level="INFO", data_trace_enabled=False)
    v2("WsGood", "WEBSOCKET", access_log_settings=log(WS_FORMAT), default_route_settings=info)
    v2("WsBad", "WEBSOCKET", access_log_settings=log(HTTP_FORMAT), default_route_settings=apigwv2.CfnStage.RouteSettingsProperty(data_trace_enabled=True))
    apigwv2.CfnStage(st, "V2Elsewhere", api_id="a1b2c3", stage_name="prod", access_log_settings=log(WS_FORMAT), default_route_settings=info)


def edge(st: cdk.Stack) -> None:
    origin = origins.HttpOrigin("example.com")
    bucket = s3.Bucket(st, "CdnLogs", object_ownership=s3.ObjectOwnership.OBJECT_WRITER, enforce_ssl=True)
    cloudfront.Distribution(st, "DistLegacy", default_behavior=cloudfront.BehaviorOptions(origin=origin), enable_logging=True, log_bucket=bucket)
    v2 = cloudfront.Distribution(st, "DistV2", default_behavior=cloudfront.BehaviorOptions(origin=origin))
    arn = st.format_arn(service="cloudfront", region="", resource="distribution", resource_name=v2.distribution_id)
    source = logs.CfnDeliverySource(st, "CdnSource", name="cdn-access", log_type="ACCESS_LOGS", resource_arn=arn)
    destination = logs.CfnDeliveryDestination(st, "CdnDestination", name="cdn-s3", destination_resource_arn=bucket.bucket_arn)
    logs.CfnDelivery(st, "CdnDelivery", delivery_source_name=source.ref, delivery_destination_arn=destination.attr_arn)
    cloudfront.Distribution(st, "DistNone", default_behavior=cloudfront.BehaviorOptions(origin=origin))

    def acl(id: str) -> wafv2.CfnWebACL:
        visibility = wafv2.CfnWebACL.VisibilityConfigProperty(cloud_watch_metrics_enabled=True, metric_name=id, sampled_requests_enabled=True)
        return wafv2.CfnWebACL(st, id, name=id, scope="REGIONAL", default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}), visibility_config=visibility)

    good = acl("AclGood")
    wafv2.CfnLoggingConfiguration(st, "AclGoodLogging", resource_arn=good.attr_arn, log_destination_configs=["arn:aws:logs:eu-west-1:111122223333:log-group:aws-waf-logs-good"])
    acl("AclBad")


def databases(st: cdk.Stack) -> None:
    def instance(id: str, engine: str, **props) -> rds.CfnDBInstance:
        return rds.CfnDBInstance(st, id, engine=engine, db_instance_class="db.t4g.micro", allocated_storage="20", **props)

    pgaudit = rds.CfnDBParameterGroup(st, "PgAudit", family="postgres16", description="pgaudit", parameters={"shared_preload_libraries": "pg_stat_statements,pgaudit", "pgaudit.log": "ddl,role,write"})
    instance("PgGood", "postgres", enable_cloudwatch_logs_exports=["postgresql"], db_parameter_group_name=pgaudit.ref)
    instance("PgNoAudit", "postgres", enable_cloudwatch_logs_exports=["postgresql", "upgrade"])
    instance("PgExternalGroup", "postgres", enable_cloudwatch_logs_exports=["postgresql"], db_parameter_group_name="shared-pg-group")
    plugin = rds.CfnOptionGroup(
        st,
        "Audit",
        engine_name="mysql",
        major_engine_version="8.0",
        option_group_description="audit",
        option_configurations=[rds.CfnOptionGroup.OptionConfigurationProperty(option_name="MARIADB_AUDIT_PLUGIN")],
    )
    instance("MysqlGood", "mysql", enable_cloudwatch_logs_exports=["audit", "error", "slowquery"], option_group_name=plugin.ref)
    instance("MysqlBad", "mysql", enable_cloudwatch_logs_exports=["error"])
    audit = rds.CfnDBClusterParameterGroup(
        st, "AuroraAudit", family="aurora-mysql8.0", description="audit", parameters={"server_audit_logging": "1", "server_audit_events": "CONNECT,QUERY_DCL,QUERY_DDL"}
    )
    cluster = rds.CfnDBCluster(st, "AuroraMysqlGood", engine="aurora-mysql", enable_cloudwatch_logs_exports=["audit", "error"], db_cluster_parameter_group_name=audit.ref)
    instance("AuroraMember", "aurora-mysql", db_cluster_identifier=cluster.ref)
    rds.CfnDBCluster(st, "AuroraPgBad", engine="aurora-postgresql")
    engine = cdk.CfnParameter(st, "Engine")
    instance("EngineToken", engine.value_as_string)


def data(st: cdk.Stack) -> None:
    def table(id: str, information: bool = True) -> dynamodb.Table:
        t = dynamodb.Table(st, id, partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING), removal_policy=RemovalPolicy.RETAIN)
        if information:
            Tags.of(t).add("dpp:information", "true")
        return t

    logged = table("TableLogged")
    table("TableUnlogged")
    table("TableUntagged", information=False)
    fn = lambda_.Function(st, "FunctionLogged", runtime=lambda_.Runtime.PYTHON_3_11, handler="index.handler", code=_code())
    Tags.of(fn).add("dpp:information", "true")
    lambda_.Function(st, "Elsewhere", runtime=lambda_.Runtime.PYTHON_3_11, handler="index.handler", code=_code())
    cloudtrail.CfnTrail(
        st,
        "Trail",
        is_logging=True,
        s3_bucket_name="trail-bucket",
        event_selectors=[cloudtrail.CfnTrail.EventSelectorProperty(data_resources=[cloudtrail.CfnTrail.DataResourceProperty(type="AWS::Lambda::Function", values=[fn.function_arn])])],
    )
    cloudtrail.CfnEventDataStore(
        st,
        "Lake",
        advanced_event_selectors=[
            cloudtrail.CfnEventDataStore.AdvancedEventSelectorProperty(
                field_selectors=[
                    cloudtrail.CfnEventDataStore.AdvancedFieldSelectorProperty(field="eventCategory", equal_to=["Data"]),
                    cloudtrail.CfnEventDataStore.AdvancedFieldSelectorProperty(field="resources.type", equal_to=["AWS::DynamoDB::Table"]),
                    cloudtrail.CfnEventDataStore.AdvancedFieldSelectorProperty(field="resources.ARN", equal_to=[logged.table_arn]),
                ]
            )
        ],
    )


def data_read_only(st: cdk.Stack) -> None:
    t = dynamodb.Table(st, "TableReadsOnly", partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING), removal_policy=RemovalPolicy.RETAIN)
    Tags.of(t).add("dpp:information", "true")
    fn = lambda_.Function(st, "AnyFunction", runtime=lambda_.Runtime.PYTHON_3_11, handler="index.handler", code=_code())
    Tags.of(fn).add("dpp:information", "true")

    def selector(fields):
        return cloudtrail.CfnTrail.AdvancedEventSelectorProperty(field_selectors=[cloudtrail.CfnTrail.AdvancedFieldSelectorProperty(field=f, equal_to=v) for f, v in fields])

    cloudtrail.CfnTrail(
        st,
        "Trail",
        is_logging=True,
        s3_bucket_name="trail-bucket",
        advanced_event_selectors=[
            selector([("eventCategory", ["Data"]), ("resources.type", ["AWS::DynamoDB::Table"]), ("readOnly", ["true"])]),
            selector([("eventCategory", ["Data"]), ("resources.type", ["AWS::Lambda::Function"])]),  # every function
        ],
    )


def compute(st: cdk.Stack) -> None:
    key = kms.Key(st, "Key", enable_key_rotation=True)
    group = good_log_group(st, "LogGroupGood", key)
    logs.LogGroup(st, "LogGroupShort", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.RETAIN)
    logs.LogGroup(st, "LogGroupForever", retention=logs.RetentionDays.INFINITE, encryption_key=key, removal_policy=RemovalPolicy.RETAIN)
    days = cdk.CfnParameter(st, "Days", type="Number")
    logs.CfnLogGroup(st, "LogGroupToken", retention_in_days=days.value_as_number, kms_key_id=key.key_arn)

    image = ecs.ContainerImage.from_registry("public.ecr.aws/docker/library/busybox:latest")
    good = ecs.FargateTaskDefinition(st, "EcsGood")
    good.add_container("app", image=image, logging=ecs.LogDrivers.aws_logs(stream_prefix="app", log_group=group))
    bad = ecs.FargateTaskDefinition(st, "EcsBad")
    bad.add_container("app", image=image, logging=ecs.LogDrivers.aws_logs(stream_prefix="app", log_group=group))
    bad.add_container("sidecar", image=image)
    local = ecs.Ec2TaskDefinition(st, "EcsJsonFile")
    local.add_container("app", image=image, memory_limit_mib=128, logging=ecs.LogDrivers.json_file())

    def function(id: str, **props) -> lambda_.Function:
        return lambda_.Function(st, id, runtime=lambda_.Runtime.PYTHON_3_11, handler="index.handler", code=_code(), **props)

    json_logs = dict(logging_format=lambda_.LoggingFormat.JSON, log_group=group)
    function("FnGood", application_log_level_v2=lambda_.ApplicationLogLevel.INFO, environment={"LOG_LEVEL": "INFO", "POWERTOOLS_LOGGER_SAMPLE_RATE": "0"}, **json_logs)
    function("FnDebugLevel", application_log_level_v2=lambda_.ApplicationLogLevel.DEBUG, **json_logs)
    function("FnDebugEnv", environment={"POWERTOOLS_LOG_LEVEL": "debug"})
    function("FnLogEvent", environment={"POWERTOOLS_LOGGER_LOG_EVENT": "true"}, **json_logs)
    function("FnSampled", environment={"POWERTOOLS_LOGGER_SAMPLE_RATE": "0.1"}, **json_logs)
    level = cdk.CfnParameter(st, "Level")
    function("FnTokenLevel", environment={"LOG_LEVEL": level.value_as_string}, **json_logs)
    function("FnNamedGroup", function_name="orders-api")
    logs.LogGroup(st, "OrdersGroup", log_group_name="/aws/lambda/orders-api", retention=logs.RetentionDays.ONE_YEAR, encryption_key=key, removal_policy=RemovalPolicy.RETAIN)


BUILDERS = {"Lb": load_balancers, "Api": apis, "Edge": edge, "Db": databases, "Data": data, "DataReadOnly": data_read_only, "Compute": compute}


@pytest.fixture(scope="module")
def report():
    app = cdk.App()
    for name, build in BUILDERS.items():
        build(cdk.Stack(app, name, env=ENV))
    app.synth()  # aspects (tags) applied as in a user's synth
    result = DppWorkloadPack(app, settings=SETTINGS).validate_scope(app)
    found: dict[str, set[str]] = defaultdict(set)
    severity: dict[str, str] = {}
    for violation in result.violations:
        severity[violation.rule_name] = violation.severity
        for resource in violation.violating_resources:
            path = resource.construct_path
            for suffix in ("/Resource", "/Default", "/DeploymentStage.prod", "/DeploymentStage.prod/Resource"):
                path = path.removesuffix(suffix)
            found[violation.rule_name].add(path)
    return found, severity


def rules_for(report, path: str) -> set[str]:
    found, _ = report
    return {rule.removeprefix("DPPWorkload-") for rule, paths in found.items() if any(p == path or p.startswith(path + "/") for p in paths)}


def test_the_workload_rule_list_is_pinned():
    assert [r.rule_id for r in WORKLOAD_RULES] == [
        "DPPWorkload-LoadBalancerAccessLogs",
        "DPPWorkload-ClassicLoadBalancerAccessLogs",
        "DPPWorkload-ApiAccessLogs",
        "DPPWorkload-ApiV2AccessLogs",
        "DPPWorkload-ApiExecutionLogs",
        "DPPWorkload-WebSocketExecutionLogs",
        "DPPWorkload-ApiNoDataTrace",
        "DPPWorkload-CloudFrontLogging",
        "DPPWorkload-WafLogging",
        "DPPWorkload-DatabaseLogExports",
        "DPPWorkload-DatabaseAuditEnabled",
        "DPPWorkload-DataEventsLogged",
        "DPPWorkload-EcsContainerLogs",
        "DPPWorkload-LogGroupRetention",
        "DPPWorkload-LogGroupKms",
        "DPPWorkload-LambdaLogGroupManaged",
        "DPPWorkload-LambdaNoDebugLogging",
    ]
    for rule in WORKLOAD_RULES:
        assert rule.requirements and len(rule.explanation) > 20, rule.rule_id


@pytest.mark.parametrize(
    "path, expected",
    [
        ("Lb/AlbGood", set()),
        ("Lb/AlbBad", {"LoadBalancerAccessLogs"}),
        ("Lb/NlbBad", {"LoadBalancerAccessLogs"}),
        ("Lb/Gateway", set()),
        ("Lb/AlbToken", {"LoadBalancerAccessLogsUndecided"}),
        ("Lb/ClbGood", set()),
        ("Lb/ClbBad", {"ClassicLoadBalancerAccessLogs"}),
    ],
)
def test_load_balancers(report, path, expected):
    assert rules_for(report, path) == expected


@pytest.mark.parametrize(
    "path, expected",
    [
        ("Api/RestGood", set()),
        ("Api/RestCustom", set()),
        ("Api/RestNoSourceIp", {"ApiAccessLogs"}),
        ("Api/RestNoLogs", {"ApiAccessLogs", "ApiExecutionLogs"}),
        ("Api/RestTrace", {"ApiNoDataTrace"}),
        ("Api/RestOff", {"ApiExecutionLogs"}),
        ("Api/RestToken", {"ApiAccessLogsUndecided", "ApiExecutionLogs"}),
        ("Api/HttpGood", set()),  # HTTP APIs have no execution logs: WebSocketExecutionLogs not applicable
        ("Api/HttpNoRoute", {"ApiV2AccessLogs"}),
        ("Api/WsGood", set()),
        ("Api/WsBad", {"ApiV2AccessLogs", "WebSocketExecutionLogs", "ApiNoDataTrace"}),
        ("Api/V2Elsewhere", {"WebSocketExecutionLogsUndecided"}),
    ],
)
def test_api_gateway_stages(report, path, expected):
    assert rules_for(report, path) == expected


@pytest.mark.parametrize(
    "path, expected",
    [
        ("Edge/DistLegacy", set()),
        ("Edge/DistV2", set()),
        ("Edge/DistNone", {"CloudFrontLogging"}),
        ("Edge/AclGood", set()),
        ("Edge/AclBad", {"WafLogging"}),
    ],
)
def test_cloudfront_and_waf(report, path, expected):
    assert rules_for(report, path) == expected


@pytest.mark.parametrize(
    "path, expected",
    [
        ("Db/PgGood", set()),
        ("Db/PgNoAudit", {"DatabaseAuditEnabled"}),
        ("Db/PgExternalGroup", {"DatabaseAuditEnabledUndecided"}),
        ("Db/MysqlGood", set()),
        ("Db/MysqlBad", {"DatabaseLogExports", "DatabaseAuditEnabled"}),
        ("Db/AuroraMysqlGood", set()),
        ("Db/AuroraMember", set()),  # exports and auditing belong to its cluster
        ("Db/AuroraPgBad", {"DatabaseLogExports", "DatabaseAuditEnabled"}),
        ("Db/EngineToken", {"DatabaseLogExportsUndecided", "DatabaseAuditEnabledUndecided"}),
    ],
)
def test_databases(report, path, expected):
    assert rules_for(report, path) == expected


@pytest.mark.parametrize(
    "path, expected",
    [
        ("Data/TableLogged", set()),  # the event data store's advanced selector names its ARN
        ("Data/TableUnlogged", {"DataEventsLogged"}),
        ("Data/TableUntagged", set()),  # not Information
        ("Data/FunctionLogged", {"LambdaLogGroupManaged"}),  # basic selector with its ARN
        ("Data/Elsewhere", {"LambdaLogGroupManaged"}),  # listed as Information and as logged elsewhere
        ("DataReadOnly/TableReadsOnly", {"DataEventsLogged"}),  # writes of Information not logged
        ("DataReadOnly/AnyFunction", {"LambdaLogGroupManaged"}),  # selector without an ARN: every function
    ],
)
def test_data_events_of_information(report, path, expected):
    assert rules_for(report, path) == expected


def test_information_is_what_the_settings_and_tags_say():
    st = cdk.Stack(cdk.App(), "Data", env=ENV)
    lambda_.Function(st, "Elsewhere", runtime=lambda_.Runtime.PYTHON_3_11, handler="index.handler", code=_code(), log_group=logs.LogGroup.from_log_group_name(st, "G", "g"))
    listed_only = WorkloadSettings(information_resources=("Data/Elsewhere",))
    assert {v.rule_name for v in DppWorkloadPack(settings=listed_only).validate_scope(st).violations} == {"DPPWorkload-DataEventsLogged"}
    assert DppWorkloadPack(settings=WorkloadSettings()).validate_scope(st).violations == []


@pytest.mark.parametrize(
    "path, expected",
    [
        ("Compute/LogGroupGood", set()),
        ("Compute/LogGroupShort", {"LogGroupRetention", "LogGroupKms"}),
        ("Compute/LogGroupForever", set()),
        ("Compute/LogGroupToken", {"LogGroupRetentionUndecided"}),
        ("Compute/EcsGood", set()),
        ("Compute/EcsBad", {"EcsContainerLogs"}),
        ("Compute/EcsJsonFile", {"EcsContainerLogs"}),
        ("Compute/FnGood", set()),
        ("Compute/FnDebugLevel", {"LambdaNoDebugLogging"}),
        ("Compute/FnDebugEnv", {"LambdaNoDebugLogging", "LambdaLogGroupManaged"}),
        ("Compute/FnLogEvent", {"LambdaNoDebugLogging"}),
        ("Compute/FnSampled", {"LambdaNoDebugLogging"}),
        ("Compute/FnTokenLevel", {"LambdaNoDebugLoggingUndecided"}),
        ("Compute/FnNamedGroup", set()),  # its /aws/lambda/<name> group is created with retention and key
    ],
)
def test_log_groups_containers_and_functions(report, path, expected):
    assert rules_for(report, path) == expected


def test_undecided_findings_are_warnings_that_name_the_reason(report):
    found, severity = report
    undecided = [rule for rule in found if rule.endswith("Undecided")]
    assert undecided and all(severity[rule] == "warning" for rule in undecided)
    assert all(severity[rule] == "error" for rule in found if not rule.endswith("Undecided"))


def test_an_undecided_finding_says_why_and_can_be_acknowledged():
    st = cdk.Stack(cdk.App(), "S", env=ENV)
    days = cdk.CfnParameter(st, "Days", type="Number")
    group = logs.CfnLogGroup(st, "G", retention_in_days=days.value_as_number, kms_key_id="arn:aws:kms:eu-west-1:111122223333:key/k")
    (violation,) = DppWorkloadPack().validate_scope(st).violations
    assert violation.rule_name == "DPPWorkload-LogGroupRetentionUndecided"
    assert "cannot be decided at synth: RetentionInDays is a token" in violation.description
    Validations.of(group).acknowledge(Acknowledgment(id="DPPWorkload-LogGroupRetentionUndecided", reason="the Days parameter is 400 in every deployment"))
    assert DppWorkloadPack().validate_scope(st).violations == []


def test_access_log_fields_per_api_type():
    assert missing_fields(REST_FORMAT, "REST") == []
    assert missing_fields(WS_FORMAT, "WEBSOCKET") == []
    assert missing_fields(WS_FORMAT, "HTTP") == ["what (method)"]
    assert missing_fields("$context.requestId $context.authorizer.latency", "HTTP")[0] == "who (identity)"  # a diagnostic, not an identity
    assert "who (identity)" not in missing_fields("$context.authorizer.sellerId", "HTTP")  # a Lambda authorizer's own identity key


@pytest.mark.parametrize(
    "engine, family",
    [
        ("postgres", "postgres"),
        ("aurora-postgresql", "aurora-postgresql"),
        ("aurora", "aurora-mysql"),
        ("mysql", "mysql"),
        ("oracle-ee-cdb", "oracle"),
        ("sqlserver-se", "sqlserver"),
        ("neptune", None),
    ],
)
def test_engine_families(engine, family):
    assert engine_family(engine) == family
