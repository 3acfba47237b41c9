"""The automated responder (opt-in, DPP-IR-3): what it may act on is named only in findings."""

from __future__ import annotations

from checks.by_kind.common import Acknowledgement, alias_scoped, in_public_packs, wildcards
from configuration.model import BaselineConfig
from configuration.naming import monitoring_names
from stacks.topology import PlannedStack


def _here(arns: tuple[str, ...], region: str, account: str) -> bool:
    return any(a.split(":")[3] == region and a.split(":")[4] == account for a in arns)


def responses(config: BaselineConfig, planned: PlannedStack, stack: str) -> list[Acknowledgement]:
    """The automated responder (DPP-IR-3): acting on resources named only in findings."""
    names = monitoring_names(config, planned.account)
    region, account = planned.region, planned.account
    policy, function = f"{stack}/Responder/Policy", f"{stack}/Responder/Function"
    responses = config.responses
    acks = [
        *wildcards(policy, [names.key_arn_pattern(region)], alias_scoped(names.monitoring_key_alias, region)),
        *wildcards(
            policy,
            [f"arn:aws:logs:{region}:{account}:log-group:/aws/lambda/{config.resource_prefix}-responder:*"],
            "Lambda names the log streams in the function's own log group; the grant covers that one group.",
        ),
        *in_public_packs(
            "LambdaInsideVPC",
            function,
            "The responder only calls AWS APIs (IAM, EC2, WAF, SNS, DynamoDB); a VPC would need endpoints or NAT in every covered region and would not narrow what it can reach.",
        ),
    ]
    acting = not responses.dry_run
    acks += wildcards(
        f"{stack}/Responder/Boundary",
        ["*"],
        "A permissions boundary grants nothing: it caps the responder's role at the listed actions; IAM attach "
        "rights in it are limited to the one revocation policy (iam:PolicyARN) and its own, the CDK bootstrap "
        "and break-glass roles are denied every IAM action.",
    )
    if responses.on("disableCredentials") and acting:
        acks += wildcards(
            policy,
            [f"arn:aws:iam::{account}:user/*", f"arn:aws:iam::{account}:role/*"],
            "The principal to act on is named only by the finding (or found from an exposed key AWS Health names, with "
            "the read-only iam:GetAccessKeyLastUsed); the actions are limited to deactivating keys and "
            "attaching or detaching the one project-managed revocation policy (iam:PolicyARN), and an explicit Deny "
            "protects its own role, the CDK bootstrap roles, the break-glass role and every excluded principal.",
        )
    elif responses.on("disableCredentials"):
        acks += wildcards(
            policy,
            [f"arn:aws:iam::{account}:user/*"],
            "AWS Health names an exposed access key only; the read-only iam:GetAccessKeyLastUsed finds the user it "
            "belongs to, so a dry run can report whom it would act on. Nothing is changed in a dry run.",
        )
    if responses.on("isolateInstances"):
        acks += wildcards(
            policy,
            ["*"],
            "ec2:DescribeInstances, ec2:DescribeSecurityGroups, ec2:DescribeSnapshots and ec2:DescribeNetworkAcls support no resource-level permissions.",
        )
    elif responses.on("blockHostileIps") and acting and _here(responses.network_acl_vpc_arns, region, account):
        acks += wildcards(policy, ["*"], "ec2:DescribeNetworkAcls supports no resource-level permissions.")
    if responses.on("isolateInstances") and acting:
        ec2 = lambda kind: f"arn:aws:ec2:{region}:{account}:{kind}/*"  # noqa: E731
        acks += wildcards(
            policy,
            [ec2("instance"), ec2("network-interface"), ec2("security-group"), ec2("volume"), ec2("vpc"), f"arn:aws:ec2:{region}::snapshot/*"],
            "The instance to isolate is named only by the finding, and the isolation group and forensic snapshots are "
            "created at response time; the actions are limited to swapping security groups, tagging, snapshotting and "
            "creating the rule-less isolation group (rule revocation only on groups tagged dpp:isolation).",
        )
    if responses.on("blockHostileIps") and acting and _here(responses.network_acl_vpc_arns, region, account):
        acks += wildcards(
            policy,
            [f"arn:aws:ec2:{region}:{account}:network-acl/*"],
            "Network ACL IDs are looked up at response time; entries may be created or deleted only in the network ACLs of the VPCs listed in dpp.responses.networkAclVpcArns (ec2:Vpc).",
        )
    if responses.on("blockHostileIps") and acting and _here(responses.web_acl_arns, region, account):
        acks += wildcards(
            policy,
            [*(f"arn:aws:wafv2:{region}:{account}:regional/{kind}/*" for kind in ("ipset", "rulegroup", "regexpatternset")), f"arn:aws:wafv2:{region}:*:regional/managedruleset/*"],
            "UpdateWebACL writes the configured web ACL back whole and needs the IP sets and rule groups its existing "
            "rules reference; the web ACLs it may update are only those listed in dpp.responses.webAclArns.",
        )
    if responses.on("notifyFailedSignIns") and region == config.home_region:
        acks += wildcards(
            policy,
            [f"arn:aws:logs:{region}:{account}:log-group:{names.trail_log_group}:*"],
            "FilterLogEvents on the trail's one log group, to name the principals and sources of failed sign-ins.",
        )
    return acks
