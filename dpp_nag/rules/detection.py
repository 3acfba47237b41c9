"""Rules for threat detection and alert topics (DPP-LOG-6, DPP-MON-4, DPP-PRT-3, DPP-RET-1)."""

from __future__ import annotations

from aws_cdk import CfnResource

from dpp_nag.framework import DppRule, Props, RuleContext, as_list, statements


def _guardduty(node: CfnResource, props: Props, ctx: RuleContext) -> bool:
    if props.get("enable") is not True or props.get("findingPublishingFrequency") != "FIFTEEN_MINUTES":
        return False
    features = {f.get("name"): f.get("status") for f in props.get("features") or []}
    s3_feature = features.get("S3_DATA_EVENTS") == "ENABLED"
    s3_legacy = (((props.get("dataSources") or {}).get("s3Logs")) or {}).get("enable") is True
    return s3_feature or s3_legacy


def _findings_exported(node: CfnResource, props: Props, ctx: RuleContext) -> bool:
    """GuardDuty keeps findings 90 days; the DPP wants a year. A KMS-encrypted S3 publishing
    destination of this detector in the same stack keeps them with the other logs."""
    me = {"Ref": ctx.logical_id()}
    for destination in ctx.stack_resources("AWS::GuardDuty::PublishingDestination"):
        dest = ctx.props(destination)
        properties = dest.get("destinationProperties") or {}
        if dest.get("detectorId") == me and dest.get("destinationType") == "S3" and properties.get("kmsKeyArn") and properties.get("destinationArn"):
            return True
    return False


def _malware_verdict_tagged(node: CfnResource, props: Props, ctx: RuleContext) -> bool:
    return (((props.get("actions") or {}).get("tagging")) or {}).get("status") == "ENABLED"


def _security_hub_standard(node: CfnResource, props: Props, ctx: RuleContext) -> bool:
    return props.get("enableDefaultStandards") is True or bool(ctx.stack_resources("AWS::SecurityHub::Standard"))


def _topic_kms(node: CfnResource, props: Props, ctx: RuleContext) -> bool:
    return bool(props.get("kmsMasterKeyId"))


def _topic_tls_only(node: CfnResource, props: Props, ctx: RuleContext) -> bool:
    me = {"Ref": ctx.logical_id()}
    for policy in ctx.stack_resources("AWS::SNS::TopicPolicy"):
        policy_props = ctx.props(policy)
        if me not in as_list(policy_props.get("topics")):
            continue
        for statement in statements(policy_props.get("policyDocument")):
            condition = (statement.get("Condition") or {}).get("Bool") or {}
            if statement.get("Effect") == "Deny" and str(condition.get("aws:SecureTransport")).lower() == "false":
                return True
    return False


RULES = (
    DppRule(
        suffix="GuardDutyEnabled",
        requirements=("DPP-LOG-6", "DPP-MON-4"),
        info="The GuardDuty detector is off, publishes less often than every 15 minutes, or lacks S3 protection",
        explanation="Set enable=True, finding_publishing_frequency='FIFTEEN_MINUTES' and the S3_DATA_EVENTS feature ENABLED (exfiltration findings).",
        resource_types=("AWS::GuardDuty::Detector",),
        check=_guardduty,
    ),
    DppRule(
        suffix="GuardDutyFindingsExported",
        requirements=("DPP-LOG-6", "DPP-RET-1"),
        info="The GuardDuty detector's findings are not exported, KMS-encrypted, to S3: GuardDuty keeps them only 90 days",
        explanation="Add an AWS::GuardDuty::PublishingDestination for the detector (DestinationType S3, KmsKeyArn set) into the log archive.",
        resource_types=("AWS::GuardDuty::Detector",),
        check=_findings_exported,
    ),
    DppRule(
        suffix="MalwareScanTagsVerdict",
        requirements=("DPP-MON-4",),
        info="The S3 malware protection plan does not tag scanned objects with the verdict",
        explanation="Set Actions.Tagging.Status to ENABLED, so a bucket policy can refuse reads of objects tagged THREATS_FOUND.",
        resource_types=("AWS::GuardDuty::MalwareProtectionPlan",),
        check=_malware_verdict_tagged,
    ),
    DppRule(
        suffix="SecurityHubStandard",
        requirements=("DPP-LOG-6",),
        info="Security Hub is enabled without any standard",
        explanation="Enable at least one standard (AWS::SecurityHub::Standard), e.g. AWS Foundational Security Best Practices.",
        resource_types=("AWS::SecurityHub::Hub",),
        check=_security_hub_standard,
    ),
    DppRule(
        suffix="SnsTopicKms",
        requirements=("DPP-PRT-3",),
        info="The alert topic is not encrypted with a customer-managed KMS key",
        explanation="Set master_key; its key policy must admit the publishing services (CloudWatch, EventBridge) for this account.",
        resource_types=("AWS::SNS::Topic",),
        check=_topic_kms,
    ),
    DppRule(
        suffix="SnsTopicTlsOnly",
        requirements=("DPP-PRT-3",),
        info="The alert topic's policy does not deny publishing without TLS",
        explanation="Set enforce_ssl=True (a Deny when aws:SecureTransport is false).",
        resource_types=("AWS::SNS::Topic",),
        check=_topic_tls_only,
    ),
)
