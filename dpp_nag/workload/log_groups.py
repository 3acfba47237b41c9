"""Every log group of the workload is kept 12 months and encrypted with a customer-managed key
(DPP-RET-1, DPP-PRT-3).

``RetentionInDays`` absent means never expire
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-logs-loggroup.html);
``KmsKeyId`` associates a KMS key (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html).
A Lambda function without ``LoggingConfig.LogGroup`` writes to ``/aws/lambda/<name>``, which
Lambda creates on first invocation with no retention and no key
(https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-loggroups.html).
"""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnResource

from dpp_nag.framework import DppRule, RuleContext, Undecided, is_intrinsic, refers_to
from dpp_nag.workload.settings import WorkloadSettings

LOG_GROUP = "AWS::Logs::LogGroup"
FUNCTION = "AWS::Lambda::Function"


def _retention(node: CfnResource, props: dict[str, Any], ctx: RuleContext) -> bool | Undecided:
    settings: WorkloadSettings = ctx.settings
    days = props.get("retentionInDays")
    if days is None:
        return True
    if is_intrinsic(days):
        return Undecided("RetentionInDays is a token")
    return int(days) >= settings.retention_days


def _kms(node: CfnResource, props: dict[str, Any], ctx: RuleContext) -> bool:
    return bool(props.get("kmsKeyId"))


def _function_log_group(node: CfnResource, props: dict[str, Any], ctx: RuleContext) -> bool:
    if (props.get("loggingConfig") or {}).get("logGroup"):
        return True
    me = ctx.logical_id()
    name = props.get("functionName")
    for group in ctx.stack_resources(LOG_GROUP):
        group_name = ctx.props(group).get("logGroupName")
        if refers_to(group_name, me) or (isinstance(name, str) and group_name == f"/aws/lambda/{name}"):
            return True
    return False


RULES = (
    DppRule(
        suffix="LogGroupRetention",
        requirements=("DPP-RET-1",),
        info="The log group expires events before 12 months (RetentionInDays below the pack's retention_days, default 365)",
        explanation="Set retention=RetentionDays.ONE_YEAR or longer (or leave retention unset: never expire).",
        resource_types=(LOG_GROUP,),
        check=_retention,
    ),
    DppRule(
        suffix="LogGroupKms",
        requirements=("DPP-PRT-3",),
        info="The log group is not encrypted with a customer-managed KMS key",
        explanation="Set encryption_key to a KMS key whose policy lets logs.<region>.amazonaws.com use it for this account's log groups (kms:EncryptionContext:aws:logs:arn).",
        resource_types=(LOG_GROUP,),
        check=_kms,
    ),
    DppRule(
        suffix="LambdaLogGroupManaged",
        requirements=("DPP-RET-1", "DPP-PRT-3"),
        info="The function writes to the implicit /aws/lambda/<name> log group, created at first invocation with no retention and no KMS key",
        explanation="Create a LogGroup (retention, KMS key, RemovalPolicy.RETAIN) and pass it as log_group= (LoggingConfig.LogGroup).",
        resource_types=(FUNCTION,),
        check=_function_log_group,
    ),
)
