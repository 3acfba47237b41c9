"""Compromised instance: swap its security groups for an isolation group with no rules, tag
it, and snapshot its volumes for forensics; never stop or terminate it (DPP-IR-3).

A security-group change does not cut connections already tracked; the isolation group has no
rules at all, so new traffic in or out is refused and tracked flows end as they idle."""
from __future__ import annotations

from respond.context import Context
from respond.findings import Finding
from respond.outcome import ALREADY, EXCLUDED, NOT_POSSIBLE, Outcome

ACTION = "isolateInstances"
ISOLATED_TAG = "dpp:isolated"


def applies(finding: Finding) -> bool:
    return finding.resource_type == "Instance" and finding.instance_id is not None


def _isolation_group(ctx: Context, vpc_id: str) -> str:
    name = f"{ctx.settings.prefix}-isolation"
    found = ctx.ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": [name]}])["SecurityGroups"]
    if found:
        return found[0]["GroupId"]
    group_id = ctx.ec2.create_security_group(
        GroupName=name,
        Description="DPP isolation: no inbound or outbound rules (automated response)",
        VpcId=vpc_id,
        TagSpecifications=[{"ResourceType": "security-group", "Tags": [{"Key": "dpp:isolation", "Value": "true"}]}],
    )["GroupId"]
    # A new group allows all egress by default; isolation means none.
    ctx.ec2.revoke_security_group_egress(GroupId=group_id, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    return group_id


def respond(finding: Finding, ctx: Context) -> list[Outcome]:
    instance_id = finding.instance_id
    assert instance_id is not None
    reservations = ctx.ec2.describe_instances(InstanceIds=[instance_id])["Reservations"]
    if not reservations:
        return [Outcome(ACTION, f"instance {instance_id}", NOT_POSSIBLE, f"Instance {instance_id} no longer exists.")]
    instance = reservations[0]["Instances"][0]
    tags = {t["Key"]: t["Value"] for t in instance.get("Tags", [])}
    if ctx.settings.protected_tag in tags:
        return [Outcome(ACTION, f"instance {instance_id}", EXCLUDED, f"Instance {instance_id} carries the tag {ctx.settings.protected_tag} and is never touched: isolate it by hand if needed.")]
    if ISOLATED_TAG in tags:
        # Isolating again would record the isolation group as the "original" ones.
        return [Outcome(ACTION, f"instance {instance_id}", ALREADY, f"Instance {instance_id} is already isolated (finding {tags[ISOLATED_TAG]}).")]
    interfaces = instance.get("NetworkInterfaces", [])
    volumes = [m["Ebs"]["VolumeId"] for m in instance.get("BlockDeviceMappings", []) if "Ebs" in m]
    record_id = f"{finding.id}#{ACTION}#instance:{instance_id}"
    facts = [("Network interfaces", str(len(interfaces))), ("Volumes", str(len(volumes)))]

    def isolate() -> dict:
        group = _isolation_group(ctx, instance["VpcId"])
        original = {eni["NetworkInterfaceId"]: [g["GroupId"] for g in eni.get("Groups", [])] for eni in interfaces}
        for eni_id in original:
            ctx.ec2.modify_network_interface_attribute(NetworkInterfaceId=eni_id, Groups=[group])
        ctx.ec2.create_tags(Resources=[instance_id], Tags=[{"Key": ISOLATED_TAG, "Value": finding.id[:256]}])
        snapshots = []
        for volume in volumes:
            snapshot = ctx.ec2.create_snapshot(
                VolumeId=volume,
                Description=f"DPP forensics: {instance_id}, GuardDuty finding {finding.id}"[:255],
                TagSpecifications=[{"ResourceType": "snapshot", "Tags": [{"Key": "dpp:forensics", "Value": finding.id[:256]}, {"Key": "dpp:instance", "Value": instance_id}]}],
            )
            snapshots.append(snapshot["SnapshotId"])
        return {"originalGroups": original, "isolationGroup": group, "snapshots": snapshots}

    return [
        ctx.once(
            record_id,
            ACTION,
            f"instance {instance_id}",
            f"Isolated instance {instance_id} (security groups of its {len(interfaces)} network interface(s) replaced by {ctx.settings.prefix}-isolation), tagged it {ISOLATED_TAG} and snapshotted its {len(volumes)} volume(s); it keeps running.",
            ctx.undo_command(record_id),
            isolate,
            {"kind": "instance", "instanceId": instance_id},
            facts,
        )
    ]


def undo(record: dict, ctx: Context) -> str:
    for eni_id, groups in record["originalGroups"].items():
        ctx.ec2.modify_network_interface_attribute(NetworkInterfaceId=eni_id, Groups=list(groups))
    ctx.ec2.delete_tags(Resources=[record["instanceId"]], Tags=[{"Key": ISOLATED_TAG}])
    return f"Restored the security groups of instance {record['instanceId']}; its forensic snapshots are kept."
