"""Rules that look across the app: every VPC logged, data events where Information lives,
Config delivering and recording global types once, and presence rules so that a missing
capability fails synth (DPP-LOG-1/3/5/6, DPP-MON-2, DPP-MON-6, DPP-IR-1, DPP-PRT-2)."""

from __future__ import annotations

from typing import Callable

from aws_cdk import CfnResource, Token

from dpp_nag.framework import Check, DppRule, Props, RuleContext

TRAIL = "AWS::CloudTrail::Trail"
BUCKET = "AWS::S3::Bucket"


def _same_account(ctx: RuleContext, resources: list[CfnResource]) -> list[CfnResource]:
    account = ctx.stack.account
    return [r for r in resources if ctx.account_of(r) == account]


def _logged_prefixes(trail_props: Props) -> tuple[bool, list[str]]:
    """(all S3 objects logged?, ARN prefixes of S3 objects logged) for a trail's selectors."""
    everything, prefixes = False, []
    for selector in trail_props.get("advancedEventSelectors") or []:
        fields = {f.get("field"): f for f in selector.get("fieldSelectors") or []}
        category = fields.get("eventCategory") or {}
        if (category.get("equalTo") or category.get("equals")) != ["Data"]:
            continue
        kind = fields.get("resources.type") or {}
        if "AWS::S3::Object" not in (kind.get("equalTo") or kind.get("equals") or []):
            continue
        if "readOnly" in fields:
            continue  # a read-only or write-only selector does not cover access as a whole
        arn = fields.get("resources.ARN")
        if arn is None:
            everything = True
        else:
            prefixes += list(arn.get("startsWith") or []) + list(arn.get("equalTo") or arn.get("equals") or [])
    for selector in trail_props.get("eventSelectors") or []:
        if selector.get("readWriteType", "All") != "All":
            continue
        for resource in selector.get("dataResources") or []:
            if resource.get("type") == "AWS::S3::Object":
                values = resource.get("values") or []
                everything |= any(v in ("arn:aws:s3", "arn:aws:s3:::") for v in values)
                prefixes += values
    return everything, prefixes


def _covers(everything: bool, prefixes: list[str], bucket: str) -> bool:
    return everything or any(p.rstrip("/") in (f"arn:aws:s3:::{bucket}",) or f"arn:aws:s3:::{bucket}/".startswith(p) for p in prefixes)


def _data_events_for_sensitive_buckets(node: CfnResource, props: Props, ctx: RuleContext) -> bool | None:
    if not ctx.settings.sensitive_buckets or props.get("isMultiRegionTrail") is not True:
        return None
    everything, prefixes = _logged_prefixes(props)
    return all(_covers(everything, prefixes, b) for b in ctx.settings.sensitive_buckets)


def _data_events_for_canary(node: CfnResource, props: Props, ctx: RuleContext) -> bool | None:
    pattern = ctx.settings.canary_bucket_pattern
    if not pattern or props.get("isMultiRegionTrail") is not True or Token.is_unresolved(ctx.stack.account):
        return None
    everything, prefixes = _logged_prefixes(props)
    return _covers(everything, prefixes, pattern.format(account=ctx.stack.account, region=ctx.stack.region))


def _canary_alarmed(node: CfnResource, props: Props, ctx: RuleContext) -> bool | None:
    """Some metric filter in the account watches the canary bucket (named exactly or by the
    pattern with wildcards); DPP-MetricFilterAlarmed then requires its alarm."""
    pattern = ctx.settings.canary_bucket_pattern
    if not pattern or props.get("isMultiRegionTrail") is not True or Token.is_unresolved(ctx.stack.account):
        return None
    names = {pattern.format(account=ctx.stack.account, region=ctx.stack.region), pattern.format(account="*", region="*")}
    filters = _same_account(ctx, ctx.app_resources("AWS::Logs::MetricFilter"))
    return any(any(name in (ctx.props(f).get("filterPattern") or "") for name in names) for f in filters)


def _vpc_flow_logged(node: CfnResource, props: Props, ctx: RuleContext) -> bool:
    me = {"Ref": ctx.logical_id()}
    for flow_log in ctx.stack_resources("AWS::EC2::FlowLog"):
        flow = ctx.props(flow_log)
        if flow.get("resourceId") == me and flow.get("trafficType") == "ALL":
            return True
    return False


def _recorder_delivers(node: CfnResource, props: Props, ctx: RuleContext) -> bool:
    return bool(ctx.stack_resources("AWS::Config::DeliveryChannel"))


def _global_types_once(node: CfnResource, props: Props, ctx: RuleContext) -> bool | None:
    if not (props.get("recordingGroup") or {}).get("includeGlobalResourceTypes"):
        return None
    recorders = _same_account(ctx, ctx.app_resources("AWS::Config::ConfigurationRecorder"))
    global_ones = [r for r in recorders if (ctx.props(r).get("recordingGroup") or {}).get("includeGlobalResourceTypes")]
    return len(global_ones) == 1


def _sqs_consumer_paced(node: CfnResource, props: Props, ctx: RuleContext) -> bool | None:
    """An SQS mapping sets its maximum concurrency, and its function reserves none: a reservation
    below the poller's concurrency throttles batches, which return only after the visibility
    timeout and count as receives (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html)."""
    source = props.get("eventSourceArn")
    queue_ids = {ctx.logical_id(q) for q in ctx.stack_resources("AWS::SQS::Queue")}
    from_queue = isinstance(source, dict) and (source.get("Fn::GetAtt") or [None])[0] in queue_ids
    if not from_queue and ":sqs:" not in str(source):
        return None
    if not (props.get("scalingConfig") or {}).get("maximumConcurrency"):
        return False
    target = props.get("functionName")
    target_id = target.get("Ref") if isinstance(target, dict) else None
    for function in ctx.stack_resources("AWS::Lambda::Function"):
        if ctx.logical_id(function) == target_id and ctx.props(function).get("reservedConcurrentExecutions") is not None:
            return False
    return True


def _present(cfn_type: str, predicate: Callable[[Props], bool] = lambda props: True) -> Check:
    """A presence check reported against the account's trail: the app must hold, in the
    trail's account, at least one ``cfn_type`` resource satisfying ``predicate``."""

    def check(node: CfnResource, props: Props, ctx: RuleContext) -> bool | None:
        if props.get("isMultiRegionTrail") is not True:
            return None
        return any(predicate(ctx.props(r)) for r in _same_account(ctx, ctx.app_resources(cfn_type)))

    return check


def _trail_present(node: CfnResource, props: Props, ctx: RuleContext) -> bool | None:
    if props.get("objectLockEnabled") is not True:
        return None
    return any(ctx.props(t).get("isMultiRegionTrail") is True for t in ctx.app_resources(TRAIL))


def _impoc_subscribed(node: CfnResource, props: Props, ctx: RuleContext) -> bool | None:
    if not ctx.settings.impoc_email or props.get("isMultiRegionTrail") is not True:
        return None
    for subscription in _same_account(ctx, ctx.app_resources("AWS::SNS::Subscription")):
        sub = ctx.props(subscription)
        if sub.get("protocol") == "email" and sub.get("endpoint") == ctx.settings.impoc_email:
            return True
    for topic in _same_account(ctx, ctx.app_resources("AWS::SNS::Topic")):
        for sub in ctx.props(topic).get("subscription") or []:
            if sub.get("protocol") == "email" and sub.get("endpoint") == ctx.settings.impoc_email:
                return True
    return False


def _rule(suffix: str, requirements: tuple[str, ...], info: str, explanation: str, types: tuple[str, ...], check: Check) -> DppRule:
    return DppRule(suffix=suffix, requirements=requirements, info=info, explanation=explanation, resource_types=types, check=check)


RULES = (
    _rule(
        "TrailDataEventsSensitiveBuckets",
        ("DPP-LOG-1",),
        "The multi-region trail does not log object access on every bucket configured as holding Information",
        "Add a data-event selector (eventCategory Data, resources.type AWS::S3::Object, resources.ARN startsWith arn:aws:s3:::<bucket>/) for each sensitive bucket, reads and writes.",
        (TRAIL,),
        _data_events_for_sensitive_buckets,
    ),
    _rule(
        "TrailDataEventsCanary",
        ("DPP-MON-2", "DPP-MON-4"),
        "The multi-region trail does not log object access on the account's canary bucket",
        "Select data events (reads and writes) on the canary's decoy bucket; a canary whose access is not logged can never fire.",
        (TRAIL,),
        _data_events_for_canary,
    ),
    _rule(
        "CanaryAlarmPresent",
        ("DPP-MON-2", "DPP-MON-4"),
        "No metric filter in the trail's account watches the canary bucket",
        "Add a metric filter on the trail's log group matching object calls on the canary (bucket and key), with an alarm.",
        (TRAIL,),
        _canary_alarmed,
    ),
    _rule(
        "VpcFlowLogged",
        ("DPP-LOG-3",),
        "The VPC has no flow log recording all traffic",
        "Add a flow log (traffic_type ALL) for the VPC, or rely on an enforcer that covers VPCs created outside the app.",
        ("AWS::EC2::VPC",),
        _vpc_flow_logged,
    ),
    _rule(
        "ConfigRecorderDelivers",
        ("DPP-LOG-5",),
        "The Config recorder has no delivery channel, so its history goes nowhere",
        "Add a delivery channel to an encrypted bucket (a staging bucket replicated into the WORM archive).",
        ("AWS::Config::ConfigurationRecorder",),
        _recorder_delivers,
    ),
    _rule(
        "ConfigGlobalTypesOnce",
        ("DPP-LOG-5",),
        "More than one Config recorder in the account records global resource types",
        "Record global types (IAM) in the home region only, so each change is recorded once.",
        ("AWS::Config::ConfigurationRecorder",),
        _global_types_once,
    ),
    _rule(
        "LambdaSqsConsumerPaced",
        ("DPP-MON-6",),
        "An SQS event source mapping is not paced by its maximum concurrency, or its function reserves concurrency (throttled batches return late and dead-letter)",
        "Set max_concurrency on the SqsEventSource and no reserved_concurrent_executions on its function.",
        ("AWS::Lambda::EventSourceMapping",),
        _sqs_consumer_paced,
    ),
    _rule(
        "ImpocSubscribed",
        ("DPP-IR-1",),
        "The IMPOC's e-mail address is not subscribed to any alert topic in the trail's account",
        "Subscribe the IMPOC (configured impoc.email) to the critical topic.",
        (TRAIL,),
        _impoc_subscribed,
    ),
    _rule(
        "GuardDutyPresent",
        ("DPP-LOG-6",),
        "The trail's account has no enabled GuardDuty detector in this app",
        "Deploy a GuardDuty detector in every covered region of the account.",
        (TRAIL,),
        _present("AWS::GuardDuty::Detector", lambda p: p.get("enable") is True),
    ),
    _rule(
        "SecurityHubPresent",
        ("DPP-LOG-6",),
        "The trail's account has no Security Hub in this app",
        "Enable Security Hub with at least one standard in every covered region of the account.",
        (TRAIL,),
        _present("AWS::SecurityHub::Hub"),
    ),
    _rule(
        "ConfigRecorderPresent",
        ("DPP-LOG-5",),
        "The trail's account has no AWS Config recorder in this app",
        "Record configuration changes of every supported resource type in every covered region.",
        (TRAIL,),
        _present("AWS::Config::ConfigurationRecorder"),
    ),
    _rule(
        "TrailPresent",
        ("DPP-LOG-1",),
        "The WORM archive exists but the app has no multi-region trail",
        "Add a multi-region trail (with log file validation, KMS and CloudWatch Logs) delivering to the archive.",
        (BUCKET,),
        _trail_present,
    ),
)
