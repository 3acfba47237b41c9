"""Compromised instance: swap its security groups for an isolation group with no rules, tag
it, and snapshot its volumes for forensics; never stop or terminate it (DPP-IR-3).

A security-group change does not cut connections already tracked; the isolation group has no
rules at all, so new traffic in or out is refused and tracked flows end as they idle. A
security group's outbound defaults allow all IPv4 traffic and, in a VPC with an IPv6 CIDR, all
IPv6 traffic (``::/0``, https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html):
every rule the group has is revoked, whichever family, each time the group is used.

The ledger record (with the original groups, for undo) is written before the first change;
every step is idempotent, so a run cut short is resumed by the next occurrence of the finding."""

from __future__ import annotations

from botocore.exceptions import ClientError

from respond.context import Context
from respond.findings import Finding
from respond.outcome import ALREADY, EXCLUDED, NOT_POSSIBLE, Outcome

ACTION = "isolateInstances"
ISOLATED_TAG = "dpp:isolated"
_GONE = ("InvalidInstanceID.NotFound", "InvalidInstanceID.Malformed")


def applies(finding: Finding) -> bool:
    return finding.resource_type == "Instance" and finding.instance_id is not None


def _rule_sets(permissions: list[dict]) -> list[dict]:
    """Permissions as RevokeSecurityGroup* takes them (the describe-only fields dropped)."""
    keep = ("IpProtocol", "FromPort", "ToPort", "IpRanges", "Ipv6Ranges", "PrefixListIds", "UserIdGroupPairs")
    return [{k: v for k, v in p.items() if k in keep and v not in ([], None)} for p in permissions]


def _isolation_group(ctx: Context, vpc_id: str) -> str:
    name = f"{ctx.settings.prefix}-isolation"
    found = ctx.ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": [name]}, {"Name": "tag:dpp:isolation", "Values": ["true"]}])[
        "SecurityGroups"
    ]
    if found:
        group = found[0]
    else:
        group_id = ctx.ec2.create_security_group(
            GroupName=name,
            Description="DPP isolation: no inbound or outbound rules (automated response)",
            VpcId=vpc_id,
            TagSpecifications=[{"ResourceType": "security-group", "Tags": [{"Key": "dpp:isolation", "Value": "true"}]}],
        )["GroupId"]
        group = ctx.ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]
    # Whatever rules it has (the defaults of a new group, or any added since): none may stay.
    if group.get("IpPermissionsEgress"):
        ctx.ec2.revoke_security_group_egress(GroupId=group["GroupId"], IpPermissions=_rule_sets(group["IpPermissionsEgress"]))
    if group.get("IpPermissions"):
        ctx.ec2.revoke_security_group_ingress(GroupId=group["GroupId"], IpPermissions=_rule_sets(group["IpPermissions"]))
    return group["GroupId"]


def _describe(ctx: Context, instance_id: str) -> dict | None:
    try:
        reservations = ctx.ec2.describe_instances(InstanceIds=[instance_id])["Reservations"]
    except ClientError as error:
        if error.response["Error"]["Code"] in _GONE:
            return None
        raise
    return reservations[0]["Instances"][0] if reservations and reservations[0].get("Instances") else None


def respond(finding: Finding, ctx: Context) -> list[Outcome]:
    instance_id = finding.instance_id
    assert instance_id is not None
    target = f"instance {instance_id}"
    instance = _describe(ctx, instance_id)
    if instance is None or instance.get("State", {}).get("Name") in ("terminated", "shutting-down"):
        return [Outcome(ACTION, target, NOT_POSSIBLE, f"Instance {instance_id} no longer exists (terminated or never in this account and region): nothing to isolate.")]
    tags = {t["Key"]: t["Value"] for t in instance.get("Tags", [])}
    if ctx.settings.protected_tag in tags:
        return [Outcome(ACTION, target, EXCLUDED, f"Instance {instance_id} carries the tag {ctx.settings.protected_tag} and is never touched: isolate it by hand if needed.")]
    record_id = f"{finding.id}#{ACTION}#instance:{instance_id}"
    record = None if ctx.settings.dry_run else ctx.ledger.get(record_id)
    if ISOLATED_TAG in tags and record is None:
        # Isolated by another finding: isolating again would record the isolation group as the "original" ones.
        return [Outcome(ACTION, target, ALREADY, f"Instance {instance_id} is already isolated (finding {tags[ISOLATED_TAG]}).")]
    interfaces = instance.get("NetworkInterfaces", [])
    volumes = [m["Ebs"]["VolumeId"] for m in instance.get("BlockDeviceMappings", []) if "Ebs" in m]
    # Resuming a run cut short: the groups it recorded are the original ones, not the current.
    original = record["originalGroups"] if record else {eni["NetworkInterfaceId"]: [g["GroupId"] for g in eni.get("Groups", [])] for eni in interfaces}
    facts = [("Network interfaces", str(len(interfaces))), ("Volumes", str(len(volumes)))]

    def isolate() -> dict:
        group = _isolation_group(ctx, instance["VpcId"])
        for eni_id in original:
            ctx.ec2.modify_network_interface_attribute(NetworkInterfaceId=eni_id, Groups=[group])
        ctx.ec2.create_tags(Resources=[instance_id], Tags=[{"Key": ISOLATED_TAG, "Value": finding.id[:256]}])
        taken = ctx.ec2.describe_snapshots(OwnerIds=["self"], Filters=[{"Name": "tag:dpp:forensics", "Values": [finding.id[:256]]}, {"Name": "tag:dpp:instance", "Values": [instance_id]}])["Snapshots"]
        snapshots = {s["VolumeId"]: s["SnapshotId"] for s in taken}
        for volume in volumes:
            if volume in snapshots:
                continue
            snapshot = ctx.ec2.create_snapshot(
                VolumeId=volume,
                Description=f"DPP forensics: {instance_id}, GuardDuty finding {finding.id}"[:255],
                TagSpecifications=[{"ResourceType": "snapshot", "Tags": [{"Key": "dpp:forensics", "Value": finding.id[:256]}, {"Key": "dpp:instance", "Value": instance_id}]}],
            )
            snapshots[volume] = snapshot["SnapshotId"]
        return {"isolationGroup": group, "snapshots": sorted(snapshots.values())}

    return [
        ctx.once(
            record_id,
            ACTION,
            target,
            f"Isolated instance {instance_id} (security groups of its {len(interfaces)} network interface(s) replaced by {ctx.settings.prefix}-isolation, which has no IPv4 or IPv6 rules), tagged it {ISOLATED_TAG} and snapshotted its {len(volumes)} volume(s); it keeps running.",
            ctx.undo_command(record_id),
            isolate,
            {"kind": "instance", "instanceId": instance_id, "originalGroups": original},
            facts,
        )
    ]


def undo(record: dict, ctx: Context) -> str:
    for eni_id, groups in record["originalGroups"].items():
        ctx.ec2.modify_network_interface_attribute(NetworkInterfaceId=eni_id, Groups=list(groups))
    ctx.ec2.delete_tags(Resources=[record["instanceId"]], Tags=[{"Key": ISOLATED_TAG}])
    return f"Restored the security groups of instance {record['instanceId']}; its forensic snapshots are kept."
