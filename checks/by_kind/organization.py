"""Organization mode: the management and security accounts' stacks, and the member baseline
template the StackSet deploys."""

from __future__ import annotations

from checks.by_kind.common import (
    cloudfront_evaluation_grants,
    CONCURRENCY_PACKS,
    Acknowledgement,
    config_role,
    deploy_action_function,
    enforcer,
    log_export_grants,
    wildcards,
    workload_log_bucket_acknowledgements,
)
from configuration.naming import archive_names
from configuration.regions import CLOUDFRONT_REGION
from configuration.model import BaselineConfig
from stacks.topology import PlannedStack


def organization(config: BaselineConfig, planned: PlannedStack, stack: str) -> list[Acknowledgement]:
    """The organization deploy actions and the Config aggregator's role."""
    slug = planned.kind.slug
    construct = "Delegation" if slug == "org-admin" else "GuardDuty"
    acks: list[Acknowledgement] = []
    if slug == "org-admin" or config.features.guardduty:
        acks += deploy_action_function(config, planned, stack, construct, "organization-admin")
    if slug == "org-admin":
        acks += wildcards(
            f"{stack}/Delegation/Policy",
            ["*"],
            "GuardDuty's organization-admin calls and Organizations' service-access and delegation calls take no resource ARNs; the Organizations writes are limited to the named service principals.",
        )
        acks += wildcards(
            f"{stack}/Delegation/Policy",
            [f"arn:aws:iam::{planned.account}:role/aws-service-role/guardduty.amazonaws.com/*"],
            "Only GuardDuty's own service-linked role, which enabling its organization administrator creates.",
        )
    elif config.features.guardduty:
        acks += wildcards(f"{stack}/GuardDuty/Policy", ["*"], "guardduty:ListDetectors takes no resource ARN.")
        acks += wildcards(
            f"{stack}/GuardDuty/Policy",
            [f"arn:aws:guardduty:{planned.region}:{planned.account}:detector/*"],
            "The detector's ID is created by the detection stack; the grant is this account's detectors in this region, one action.",
        )
    if slug == "org-security" and config.features.config_recorder and planned.region == config.home_region:
        acks.append(
            Acknowledgement(
                "AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSConfigRoleForOrganizations]",
                f"{stack}/Config/AggregatorRole",
                "AWSConfigRoleForOrganizations is AWS's policy for an organization aggregator (read-only Organizations calls); AWS maintains it as the aggregator's needs change.",
            )
        )
    return acks


def member_acknowledgements(config: BaselineConfig) -> tuple[Acknowledgement, ...]:
    """The member baseline template's (one stack, deployed by the StackSet everywhere); its
    account and region are CloudFormation pseudo parameters, as cdk-nag names them."""
    from capabilities.organization.member_stackset import MEMBER_STACK

    acks: list[Acknowledgement] = []
    if config.features.flow_logs:
        # Members are never given a reservation: vended accounts start with a quota of 10.
        acks += [
            Acknowledgement(
                f"{pack}-LambdaConcurrency",
                f"{MEMBER_STACK}/*/Function",
                "Member accounts vended by the organization start with a Lambda concurrency quota of 10, which refuses "
                "any reservation (https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html).",
            )
            for pack in CONCURRENCY_PACKS
        ]
        acks += enforcer(config, MEMBER_STACK, "<AWS::Region>", "<AWS::AccountId>")
    if config.features.config_recorder:
        acks += config_role(config, MEMBER_STACK, "<AWS::AccountId>")
    if config.workload.export_log_groups:
        archive = archive_names(config)
        acks += log_export_grants(
            f"{MEMBER_STACK}/AccountLogExport/DeliveryPolicy",
            [archive.config_staging_bucket, archive.intake_bucket("<AWS::Region>")],
            "<AWS::Region>",
            "<AWS::AccountId>",
            f"{archive.archive_key_alias} (home) or {archive.intake_key_alias} (elsewhere)",
            archive.account,
        )
    if config.workload.log_buckets:
        acks += _member_workload_log_bucket()
    if config.features.config_recorder and CLOUDFRONT_REGION in config.regions:
        acks += cloudfront_evaluation_grants(f"{MEMBER_STACK}/CloudFrontLoggingEvaluatorPolicy", "<AWS::AccountId>")
    return tuple(acks)


def _member_workload_log_bucket() -> list[Acknowledgement]:
    """The member template's workload log bucket (stacks/member_workload_logs.py), with the
    reasons the monitoring foundation's copy of it has (checks/by_kind/accounts.py)."""
    from capabilities.organization.member_stackset import MEMBER_STACK

    return workload_log_bucket_acknowledgements(MEMBER_STACK)
