"""The pieces every capability builds the same way, in one place: encrypted queues, the
project's function settings, and KMS grants on a key known only by its alias."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from aws_cdk import CfnCustomResource, Duration
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from capabilities.foundation.lambda_code import source_code


def key_by_alias_statement(*, actions: list[str], region: str, account: str, alias: str, via_services: list[str]) -> iam.PolicyStatement:
    """KMS rights on whichever key carries ``alias`` (a key in another stack, region or
    account, whose ARN this stack cannot know), used only through the named services."""
    services = [f"{service}.{region}.amazonaws.com" for service in via_services]
    return iam.PolicyStatement(
        actions=actions,
        resources=[f"arn:aws:kms:{region}:{account}:key/*"],
        conditions={
            "ForAnyValue:StringEquals": {"kms:ResourceAliases": [alias]},
            "StringEquals": {"kms:ViaService": services[0] if len(services) == 1 else services},
        },
    )


# SQS's default message retention is 4 days; dead letters and inboxes keep two weeks, the maximum.
_TWO_WEEKS = Duration.days(14)


def encrypted_queue(
    scope: Construct,
    id: str,
    *,
    queue_name: str,
    key: kms.IKey,
    retention: Duration = _TWO_WEEKS,
    visibility_timeout: Duration | None = None,
    dead_letter_queue: sqs.DeadLetterQueue | None = None,
) -> sqs.Queue:
    """A KMS-encrypted, TLS-only queue with a fixed name (alarms in other stacks watch it)."""
    return sqs.Queue(
        scope,
        id,
        queue_name=queue_name,
        encryption=sqs.QueueEncryption.KMS,
        encryption_master_key=key,
        enforce_ssl=True,
        retention_period=retention,
        visibility_timeout=visibility_timeout,
        dead_letter_queue=dead_letter_queue,
    )


@cache
def _platform() -> tuple[lambda_.Runtime, lambda_.Architecture]:
    """The runtime and architecture, read from jsii once per process, not twice per function."""
    return lambda_.Runtime.PYTHON_3_14, lambda_.Architecture.ARM_64


def monitoring_function(
    scope: Construct,
    id: str,
    *,
    function_name: str,
    description: str,
    code: lambda_.Code,
    role: iam.Role,
    log_group_name: str,
    timeout: Duration,
    memory_size: int,
    environment: dict[str, str] | None = None,
    handler: str = "handler.handler",
    **extra,
) -> lambda_.Function:
    """The project's function settings: current Python on Graviton, structured JSON logs at
    INFO (never DEBUG, DPP-PII-2) into a log group that lives in the stateful foundation
    stack (hence the fixed name), a role whose rights are all in a reviewed managed policy.

    No reserved concurrency: new accounts and accounts a StackSet vends start with reduced
    concurrency quotas (10), where any reservation fails the stack ("decreases account's
    UnreservedConcurrentExecution below its minimum value"), because Lambda keeps part of the
    quota unreserved (https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html).
    ``dpp.functions.reservedConcurrency`` adds one where the quota allows
    (``capabilities.foundation.concurrency``); SQS consumers are paced by their event source
    mapping's maximum concurrency instead."""
    runtime, architecture = _platform()
    return lambda_.Function(
        scope,
        id,
        function_name=function_name,
        description=description,
        runtime=runtime,
        architecture=architecture,
        handler=handler,
        code=code,
        role=role.without_policy_updates(),
        timeout=timeout,
        memory_size=memory_size,
        environment=environment,
        log_group=logs.LogGroup.from_log_group_name(scope, f"{id}LogGroup", log_group_name),
        logging_format=lambda_.LoggingFormat.JSON,
        application_log_level_v2=lambda_.ApplicationLogLevel.INFO,
        system_log_level_v2=lambda_.SystemLogLevel.WARN,
        **extra,
    )


DEPLOY_ACTIONS_SOURCE = Path(__file__).resolve().parents[2] / "lambdas" / "deploy_actions"
DEPLOY_ACTION_SERVICE_TIMEOUT_SECONDS = 180  # 1 to 3600; three times the function timeout


def deploy_action(
    scope: Construct,
    *,
    resource_id: str,
    action: str,
    properties: dict[str, object],  # strings or lists of strings
    statements: list[iam.PolicyStatement],
    function_name: str,
    log_group_name: str,
    descriptions: tuple[str, str, str],  # role, policy, function (a policy's description change replaces it)
    account: str,
    region: str,
):
    """A CloudFormation custom resource run by ``lambdas/deploy_actions`` for the few things a
    template cannot say; the function's role allows ``statements`` (its one action) and its
    own log group, nothing else. Creates Role, Policy, Function and ``resource_id`` in
    ``scope``."""
    role_description, policy_description, function_description = descriptions
    role = iam.Role(scope, "Role", description=role_description, assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    policy = iam.ManagedPolicy(
        scope,
        "Policy",
        description=policy_description,
        roles=[role],
        statements=[
            *statements,
            iam.PolicyStatement(actions=["logs:CreateLogStream", "logs:PutLogEvents"], resources=[f"arn:aws:logs:{region}:{account}:log-group:{log_group_name}:*"]),
        ],
    )
    function = monitoring_function(
        scope,
        "Function",
        function_name=function_name,
        description=function_description,
        code=source_code(DEPLOY_ACTIONS_SOURCE),
        role=role,
        log_group_name=log_group_name,
        timeout=Duration.minutes(1),
        memory_size=128,
    )
    function.node.add_dependency(policy)
    # CloudFormation's own limit on waiting for an answer (default one hour), above the
    # function's one-minute timeout: the handler's deadline guard answers FAILED before Lambda
    # stops it, and this catches what no code can (an init failure). ServiceTimeout:
    # https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudformation-customresource.html#cfn-cloudformation-customresource-servicetimeout
    resource = CfnCustomResource(scope, resource_id, service_token=function.function_arn, service_timeout=DEPLOY_ACTION_SERVICE_TIMEOUT_SECONDS)
    for key, value in {"Action": action, **properties}.items():
        resource.add_property_override(key, value)
    return resource
