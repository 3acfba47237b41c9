"""Rules for the trail (DPP-LOG-1, DPP-PRT-2, DPP-PRT-3, DPP-MON-1)."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnResource

from dpp_nag.framework import DppRule, Props, RuleContext

TRAIL = "AWS::CloudTrail::Trail"


def _multi_region(node: CfnResource, props: Props, ctx: RuleContext) -> bool:
    return props.get("isMultiRegionTrail") is True and props.get("includeGlobalServiceEvents") is not False


def _validation(node: CfnResource, props: Props, ctx: RuleContext) -> bool:
    return props.get("enableLogFileValidation") is True


def _encrypted(node: CfnResource, props: Props, ctx: RuleContext) -> bool:
    return bool(props.get("kmsKeyId"))


def _streamed(node: CfnResource, props: Props, ctx: RuleContext) -> bool:
    return bool(props.get("cloudWatchLogsLogGroupArn")) and bool(props.get("cloudWatchLogsRoleArn"))


def _equals(selector: Props) -> list[Any]:
    return selector.get("equalTo") or selector.get("equals") or []


def _management_events(node: CfnResource, props: Props, ctx: RuleContext) -> bool:
    advanced = props.get("advancedEventSelectors")
    if advanced:
        for selector in advanced:
            fields = {f.get("field"): f for f in selector.get("fieldSelectors") or []}
            category = fields.get("eventCategory")
            if category and _equals(category) == ["Management"] and "readOnly" not in fields and "eventSource" not in fields:
                return True
        return False
    basic = props.get("eventSelectors")
    if not basic:
        return True  # CloudTrail's default: all management events, read and write
    return any(s.get("includeManagementEvents", True) and s.get("readWriteType", "All") == "All" for s in basic)


RULES = (
    DppRule(
        suffix="TrailMultiRegion",
        requirements=("DPP-LOG-1",),
        info="The trail does not cover all regions and global services",
        explanation="Set is_multi_region_trail=True and include_global_service_events=True so API activity in every region, IAM and STS included, is logged.",
        resource_types=(TRAIL,),
        check=_multi_region,
    ),
    DppRule(
        suffix="TrailLogFileValidation",
        requirements=("DPP-PRT-2",),
        info="The trail does not write digest files (log file validation is off)",
        explanation="Set enable_log_file_validation=True so altered or deleted log files can be detected.",
        resource_types=(TRAIL,),
        check=_validation,
    ),
    DppRule(
        suffix="TrailKmsEncrypted",
        requirements=("DPP-PRT-3",),
        info="The trail's log files are not encrypted with a KMS key",
        explanation="Set kms_key_id to a customer-managed key (an alias ARN is accepted).",
        resource_types=(TRAIL,),
        check=_encrypted,
    ),
    DppRule(
        suffix="TrailToCloudWatchLogs",
        requirements=("DPP-MON-1",),
        info="The trail is not streamed to CloudWatch Logs for real-time alarms",
        explanation="Set cloud_watch_logs_log_group_arn and cloud_watch_logs_role_arn.",
        resource_types=(TRAIL,),
        check=_streamed,
    ),
    DppRule(
        suffix="TrailManagementEvents",
        requirements=("DPP-LOG-1",),
        info="The trail's event selectors leave out management events (or their reads or writes)",
        explanation="Keep a selector for all management events: eventCategory = Management, without readOnly or eventSource filters.",
        resource_types=(TRAIL,),
        check=_management_events,
    ),
)
