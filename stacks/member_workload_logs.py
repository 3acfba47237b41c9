"""The workload log bucket in every member account and covered region (DPP-LOG-8): the same
``WorkloadLogBucket`` a directly monitored workload account gets in its monitoring foundation,
composed into the environment-agnostic member template.

What differs because the template serves every account and region of the StackSet:

- Names come from CloudFormation's pseudo parameters, with the S3 name limit
  checked at synth for every covered region with a 12-digit account.
- The regional Elastic Load Balancing account that writes ALB access logs in the Regions opened
  before August 2022 is picked by a template mapping of the covered regions; where a region has
  none, only ``logdelivery.elasticloadbalancing.amazonaws.com`` writes (which the bucket admits
  in every region) and the mapped statement names the member's own account instead
  (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html).
- The policy, lifecycle, encryption and logging may be changed only by the break-glass role and
  the StackSet's execution role (``stacksets-exec-*``, which service-managed StackSets create).
- ELB_LOGGING_ENABLED with ``s3BucketNames`` set to this bucket runs as a rule of the member's
  own recorder (an organization rule's parameters are the same for every account, and the
  bucket's name is not); the organization rule keeps checking that logging is on at all.
- Into the archive without code in the member (no assets, and the forwarder is beyond
  CloudFormation's inline code limit): a rule on the member's default bus sends the bucket's
  "Object Created" events to the management account's bus of the same region, whose forwarder
  (``capabilities.workload_logs.log_forwarder``, ``members``) copies the object. A rule whose
  target is another account's bus admitted through the organization must name a role
  (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutPermission.html); the
  role may put events on that one bus only
  (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html). The bucket
  policy lets exactly the forwarder's role of this region read the forwarded prefixes: a
  cross-account CopyObject reads its source with the caller's rights, which the source
  bucket's policy must grant (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html).
"""

from __future__ import annotations

from aws_cdk import Aws, CfnCondition, CfnMapping, Fn, Stack
from aws_cdk import aws_config as config_
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_ssm as ssm

from capabilities.config_recorder.baseline_rules import workload_rules
from capabilities.workload_logs import WorkloadLogBucket
from capabilities.workload_logs.elb_accounts import elb_account
from capabilities.workload_logs.log_buckets import ALB_PREFIX, CLOUDFRONT_PREFIX, WAF_PREFIX
from capabilities.workload_logs.log_forwarder import forwarder_event_pattern
from configuration.model import BaselineConfig
from configuration.naming import MonitoringNames, monitoring_names

_SAMPLE_ACCOUNT = "000000000000"
NO_ELB_ACCOUNT = "none"


def member_name(config: BaselineConfig, name_of) -> str:
    """``name_of(names, region)`` with the account and region left to CloudFormation; every
    covered region's real name is built first, so naming's length checks apply to each."""
    names = monitoring_names(config, _SAMPLE_ACCOUNT)
    longest = max(config.regions, key=len)
    for region in config.regions:
        name_of(names, region)
    sample = name_of(names, longest)
    # Pseudo-parameter tokens inside the literal: the name keeps its literal start (WAF's
    # aws-waf-logs- check in WorkloadLogBucket) and CloudFormation joins the rest.
    return sample.replace(_SAMPLE_ACCOUNT, Aws.ACCOUNT_ID).replace(longest, Aws.REGION)


def member_workload_logs(stack: Stack, config: BaselineConfig, recorder: config_.CfnConfigurationRecorder | None) -> WorkloadLogBucket:
    bucket_name = member_name(config, MonitoringNames.workload_log_bucket)
    logs = WorkloadLogBucket(
        stack,
        "WorkloadLogBucket",
        account=Aws.ACCOUNT_ID,
        region=Aws.REGION,
        bucket_name=bucket_name,
        access_log_bucket_name=member_name(config, MonitoringNames.workload_log_access_bucket),
        retention_days=config.retention_days,
        exempt_role_arns=[
            f"arn:aws:iam::{Aws.ACCOUNT_ID}:role/{config.archive.break_glass_role_name}",
            f"arn:aws:iam::{Aws.ACCOUNT_ID}:role/stacksets-exec-*",
        ],
    )
    _admit_regional_elb_accounts(stack, config, logs)
    ssm.StringParameter(
        stack,
        "WorkloadLogsBucketParameter",
        parameter_name=monitoring_names(config, _SAMPLE_ACCOUNT).workload_log_bucket_parameter,
        string_value=logs.bucket.bucket_name,
        description="The bucket for ALB access logs (prefix alb) and WAF logs (prefix waf) in this region (DPP-LOG-8)",
    )
    if recorder is not None:
        _elb_logging_rule(stack, config, recorder, logs.bucket.bucket_name)
    _forward_to_management(stack, config, logs)
    return logs


def _forward_to_management(stack: Stack, config: BaselineConfig, logs: WorkloadLogBucket) -> None:
    """New objects' events to the management account's forwarder; its role may read them."""
    management = monitoring_names(config, config.management_account.account_id)
    prefixes = [ALB_PREFIX, WAF_PREFIX, CLOUDFRONT_PREFIX]
    bus = f"arn:aws:events:{Aws.REGION}:{management.account}:event-bus/{management.member_workload_log_bus}"
    role = iam.Role(stack, "WorkloadLogEventsRole", assumed_by=iam.ServicePrincipal("events.amazonaws.com"))
    iam.ManagedPolicy(stack, "WorkloadLogEventsPolicy", roles=[role], statements=[iam.PolicyStatement(actions=["events:PutEvents"], resources=[bus])])
    events.CfnRule(
        stack,
        "WorkloadLogEventsToForwarder",
        description="New ALB, WAF and CloudFront log objects to the DPP log forwarder (DPP-LOG-8)",
        event_pattern=forwarder_event_pattern(logs.bucket.bucket_name, [f"{p}/" for p in prefixes]),
        targets=[events.CfnRule.TargetProperty(id="ForwarderBus", arn=bus, role_arn=role.role_arn)],
    )
    logs.bucket.add_to_resource_policy(
        iam.PolicyStatement(
            sid="ForwarderReadsNewLogs",
            principals=[iam.AccountPrincipal(management.account)],
            actions=["s3:GetObject", "s3:GetObjectVersion"],
            resources=[logs.bucket.arn_for_objects(f"{p}/*") for p in prefixes],
            conditions={"ArnEquals": {"aws:PrincipalArn": f"arn:aws:iam::{management.account}:role/{management.member_log_forwarder_role(Aws.REGION)}"}},
        )
    )


def _admit_regional_elb_accounts(stack: Stack, config: BaselineConfig, logs: WorkloadLogBucket) -> None:
    """The construct admits a regional ELB account only for a region known at synth; here the
    account comes from a mapping of the covered regions."""
    accounts = {region: elb_account(region) or NO_ELB_ACCOUNT for region in config.regions}
    if set(accounts.values()) == {NO_ELB_ACCOUNT}:
        return
    CfnMapping(stack, "ElbLogDelivery", mapping={region: {"Account": account} for region, account in accounts.items()})
    account = mapped = Fn.find_in_map("ElbLogDelivery", Aws.REGION, "Account")
    if NO_ELB_ACCOUNT in accounts.values():
        none = CfnCondition(stack, "NoRegionalElbAccount", expression=Fn.condition_equals(mapped, NO_ELB_ACCOUNT))
        account = Fn.condition_if(none.logical_id, Aws.ACCOUNT_ID, mapped).to_string()
    logs.bucket.add_to_resource_policy(
        iam.PolicyStatement(
            sid="AlbAccessLogsByRegionalElbAccount",
            principals=[iam.AccountPrincipal(account)],
            actions=["s3:PutObject"],
            resources=[logs.bucket.arn_for_objects(f"{ALB_PREFIX}/AWSLogs/{Aws.ACCOUNT_ID}/*")],
        )
    )


def _elb_logging_rule(stack: Stack, config: BaselineConfig, recorder: config_.CfnConfigurationRecorder, bucket_name: str) -> None:
    """ELB_LOGGING_ENABLED naming this bucket, where Config offers the rule."""
    (spec,) = [r for r in workload_rules(elb_log_buckets=("placeholder",)) if r.identifier == "ELB_LOGGING_ENABLED"]
    unavailable = sorted(r for r in config.regions if not spec.applies(r, True))
    if len(unavailable) == len(config.regions):
        return
    rule = config_.ManagedRule(
        stack,
        "ElbAccessLogsToWorkloadBucket",
        identifier=spec.identifier,
        input_parameters={"s3BucketNames": bucket_name},
        description=f"DPP baseline check ({spec.requirement}): ALB and CLB access logs into this region's workload log bucket",
    )
    rule.node.add_dependency(recorder)
    if unavailable:
        where = [Fn.condition_not(Fn.condition_equals(Aws.REGION, r)) for r in unavailable]
        available = CfnCondition(stack, "ElbLoggingRuleAvailable", expression=where[0] if len(where) == 1 else Fn.condition_and(*where))
        rule.node.default_child.cfn_options.condition = available  # type: ignore[union-attr]
