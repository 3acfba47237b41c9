"""Rules for log groups (DPP-RET-1, DPP-PRT-3, DPP-PII-1)."""

from __future__ import annotations

import json

from aws_cdk import CfnResource

from dpp_nag.framework import DppRule, Props, RuleContext, statements

LOG_GROUP = "AWS::Logs::LogGroup"


def _retention(node: CfnResource, props: Props, ctx: RuleContext) -> bool:
    days = props.get("retentionInDays")
    return days is None or int(days) >= ctx.settings.retention_days  # None: kept forever


def _kms(node: CfnResource, props: Props, ctx: RuleContext) -> bool:
    return bool(props.get("kmsKeyId"))


def _masks_pii(node: CfnResource, props: Props, ctx: RuleContext) -> bool:
    policy = props.get("dataProtectionPolicy")
    if isinstance(policy, str):
        policy = json.loads(policy)
    for statement in statements(policy):
        operation = statement.get("Operation") or {}
        if "Deidentify" in operation and statement.get("DataIdentifier"):
            return True
    return False


RULES = (
    DppRule(
        suffix="LogGroupRetention",
        requirements=("DPP-RET-1",),
        info="The log group expires events before the retention period (at least 365 days)",
        explanation="Set retention_in_days to 365 or more (or the configured retention), or leave it unset to keep events forever.",
        resource_types=(LOG_GROUP,),
        check=_retention,
    ),
    DppRule(
        suffix="LogGroupKms",
        requirements=("DPP-PRT-3",),
        info="The log group is not encrypted with a customer-managed KMS key",
        explanation="Set encryption_key (kms_key_id) to a key whose policy admits logs.<region>.amazonaws.com for this account's log groups.",
        resource_types=(LOG_GROUP,),
        check=_kms,
    ),
    DppRule(
        suffix="LogGroupPiiMasking",
        requirements=("DPP-PII-1",),
        info="The log group has no data protection policy that masks personal data",
        explanation="Attach a data protection policy with a Deidentify (mask) statement for names, addresses, e-mail, phone numbers, IP addresses and geo-locations.",
        resource_types=(LOG_GROUP,),
        check=_masks_pii,
    ),
)
