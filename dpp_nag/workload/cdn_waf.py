"""CloudFront and WAF write their logs (DPP-LOG-8).

CloudFront standard logging: legacy ``DistributionConfig.Logging.Bucket``
(https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logging-legacy-s3.html;
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-cloudfront-distribution-logging.html),
or standard logging v2 through CloudWatch vended-log delivery: an ``AWS::Logs::DeliverySource``
whose ResourceArn is the distribution, log type ACCESS_LOGS, and an ``AWS::Logs::Delivery`` from
that source (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logging.html;
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-logs-deliverysource.html).

WAFv2: an ``AWS::WAFv2::LoggingConfiguration`` whose ResourceArn is the web ACL
(https://docs.aws.amazon.com/waf/latest/developerguide/logging.html;
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-wafv2-loggingconfiguration.html),
or a vended-log delivery source for the ACL (log type WAF_LOGS, same Logs pages).
"""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnResource

from dpp_nag.framework import DppRule, RuleContext, Undecided, is_intrinsic, refers_to
from dpp_nag.workload.common import references

DISTRIBUTION = "AWS::CloudFront::Distribution"
WEB_ACL = "AWS::WAFv2::WebACL"
WAF_LOGGING = "AWS::WAFv2::LoggingConfiguration"
DELIVERY_SOURCE = "AWS::Logs::DeliverySource"
DELIVERY = "AWS::Logs::Delivery"


def delivered(ctx: RuleContext, log_type: str) -> bool:
    """Whether a vended-log delivery source for the rule's resource, of ``log_type``, feeds a delivery."""
    for source in ctx.stack_resources(DELIVERY_SOURCE):
        props = ctx.props(source)
        if props.get("logType") != log_type or not references(props.get("resourceArn"), ctx, ctx.resource):
            continue
        name = props.get("name")
        for delivery in ctx.stack_resources(DELIVERY):
            source_name = ctx.props(delivery).get("deliverySourceName")
            if (isinstance(name, str) and source_name == name) or refers_to(source_name, ctx.logical_id(source)):
                return True
    return False


def _cloudfront_logging(node: CfnResource, props: dict[str, Any], ctx: RuleContext) -> bool | Undecided:
    config = props.get("distributionConfig")
    if is_intrinsic(config):
        return Undecided("DistributionConfig is a token")
    logging = (config or {}).get("logging")
    if isinstance(logging, dict) and logging.get("bucket"):
        return True
    return delivered(ctx, "ACCESS_LOGS")


def _waf_logging(node: CfnResource, props: dict[str, Any], ctx: RuleContext) -> bool:
    name = props.get("name")
    for config in ctx.app_resources(WAF_LOGGING):
        arn = ctx.props(config).get("resourceArn")
        if references(arn, ctx, node):
            return True
        if isinstance(arn, str) and isinstance(name, str) and f"/webacl/{name}/" in arn:
            return True
    return delivered(ctx, "WAF_LOGS")


RULES = (
    DppRule(
        suffix="CloudFrontLogging",
        requirements=("DPP-LOG-8", "DPP-LOG-2"),
        info="The CloudFront distribution has no standard logging (no Logging bucket and no vended-log delivery of ACCESS_LOGS)",
        explanation="Set enable_logging=True with log_bucket (a bucket with ACLs enabled, as legacy logging needs), or add an AWS::Logs::DeliverySource (log_type ACCESS_LOGS, resource_arn the distribution) with an AWS::Logs::Delivery.",
        resource_types=(DISTRIBUTION,),
        check=_cloudfront_logging,
    ),
    DppRule(
        suffix="WafLogging",
        requirements=("DPP-LOG-8", "DPP-LOG-2"),
        info="The WAFv2 web ACL has no logging configuration",
        explanation="Add wafv2.CfnLoggingConfiguration(resource_arn=acl.attr_arn, log_destination_configs=[...]): a log group named aws-waf-logs-*, a Firehose stream or an S3 bucket named aws-waf-logs-*.",
        resource_types=(WEB_ACL,),
        check=_waf_logging,
    ),
)
