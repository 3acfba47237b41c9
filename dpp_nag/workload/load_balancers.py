"""Load balancers write access logs (DPP-LOG-8).

ALB/NLB: the load balancer attribute ``access_logs.s3.enabled`` = ``true`` with
``access_logs.s3.bucket`` (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html,
https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-access-logs.html;
CloudFormation: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-elasticloadbalancingv2-loadbalancer-loadbalancerattribute.html).
A Gateway Load Balancer has no access logs (its attribute list has no access_logs.* keys) and
is not applicable. NLBs write access logs only for TLS listeners (the NLB page above); the
attribute is still required so a TLS listener added later is logged.

Classic: ``AccessLoggingPolicy.Enabled`` with ``S3BucketName``
(https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/enable-access-logs.html).
"""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnResource

from dpp_nag.framework import DppRule, RuleContext, Undecided, is_intrinsic

ELBV2 = "AWS::ElasticLoadBalancingV2::LoadBalancer"
CLB = "AWS::ElasticLoadBalancing::LoadBalancer"


def _truthy(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _elbv2_access_logs(node: CfnResource, props: dict[str, Any], ctx: RuleContext) -> bool | None | Undecided:
    kind = props.get("type", "application")
    if is_intrinsic(kind):
        return Undecided("the load balancer's Type is a token")
    if kind == "gateway":
        return None
    attributes = props.get("loadBalancerAttributes")
    if is_intrinsic(attributes):
        return Undecided("LoadBalancerAttributes is a token")
    values = {a.get("key"): a.get("value") for a in attributes or [] if isinstance(a, dict)}
    enabled = values.get("access_logs.s3.enabled")
    if is_intrinsic(enabled):
        return Undecided("access_logs.s3.enabled is a token")
    return _truthy(enabled) and bool(values.get("access_logs.s3.bucket"))


def _clb_access_logs(node: CfnResource, props: dict[str, Any], ctx: RuleContext) -> bool | Undecided:
    policy = props.get("accessLoggingPolicy")
    if is_intrinsic(policy) or isinstance(policy, dict) and is_intrinsic(policy.get("enabled")):
        return Undecided("AccessLoggingPolicy.Enabled is a token")
    return isinstance(policy, dict) and _truthy(policy.get("enabled")) and bool(policy.get("s3BucketName"))


RULES = (
    DppRule(
        suffix="LoadBalancerAccessLogs",
        requirements=("DPP-LOG-8", "DPP-LOG-2"),
        info="The application or network load balancer does not write access logs",
        explanation="Call load_balancer.log_access_logs(bucket) (attributes access_logs.s3.enabled=true and access_logs.s3.bucket); ALB logs need an SSE-S3 bucket, such as the baseline's workload-logs bucket.",
        resource_types=(ELBV2,),
        check=_elbv2_access_logs,
    ),
    DppRule(
        suffix="ClassicLoadBalancerAccessLogs",
        requirements=("DPP-LOG-8", "DPP-LOG-2"),
        info="The Classic Load Balancer does not write access logs",
        explanation="Set access_logging_policy with enabled=True and s3_bucket_name (the bucket policy must admit the ELB log delivery).",
        resource_types=(CLB,),
        check=_clb_access_logs,
    ),
)
