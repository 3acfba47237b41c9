"""Hostile IPs: block the remote address of a network finding for a limited time (DPP-IR-3),
where traffic passes: the project's WAF IP set, referenced by a Block rule in each configured
web ACL (``dpp.responses.webAclArns``; the rule is put back if it has gone), and deny entries
in the network ACLs of each configured VPC (``dpp.responses.networkAclVpcArns``). The report
says where the block took effect; with neither configured it says the block is in the IP set
only, which blocks nothing until a web ACL references it.

WAF: an IP set match statement references the set by ARN, and a change to the set applies to
every rule that references it
(https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-ipset-match.html);
the responder's set is REGIONAL, so only regional web ACLs can reference it.
Network ACLs: entries are processed in ascending rule-number order
(https://docs.aws.amazon.com/cli/latest/reference/ec2/create-network-acl-entry.html) and the
number of rules per network ACL is a quota
(https://docs.aws.amazon.com/general/latest/gr/vpc-service.html): the deny entry takes the
lowest free number, and a full ACL or an allow rule that comes first is reported."""

from __future__ import annotations

import ipaddress

from respond.context import Context
from respond.findings import Finding
from respond.outcome import DONE, EXCLUDED, FAILED, NOT_POSSIBLE, Outcome

ACTION = "blockHostileIps"
_ATTEMPTS = 5
_FIRST_RULE, _LAST_RULE = 1, 32766  # network ACL rule numbers


def applies(finding: Finding) -> bool:
    return bool(finding.remote_ips)


def _blockable(ip: str, ctx: Context) -> str | None:
    """Why the address must not be blocked, or None."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return "not an IP address"
    if not address.is_global:
        return "a private or reserved address (inside your network or AWS's)"
    if any(address in network for network in ctx.settings.trusted):
        return "in dpp.responses.trustedCidrs"
    return None


def _change(ctx: Context, ip: str, add: bool) -> None:
    """Read-modify-write with WAF's lock token; retried when another writer got in first."""
    cidr = f"{ip}/32"
    ip_set = ctx.settings.ip_set
    for attempt in range(_ATTEMPTS):
        current = ctx.wafv2.get_ip_set(Name=ip_set["Name"], Scope=ip_set["Scope"], Id=ip_set["Id"])
        addresses = list(current["IPSet"]["Addresses"])
        if (cidr in addresses) == add:
            return
        addresses = addresses + [cidr] if add else [a for a in addresses if a != cidr]
        try:
            ctx.wafv2.update_ip_set(Name=ip_set["Name"], Scope=ip_set["Scope"], Id=ip_set["Id"], Addresses=addresses, LockToken=current["LockToken"])
            return
        except ctx.wafv2.exceptions.WAFOptimisticLockException:
            if attempt == _ATTEMPTS - 1:
                raise


# --- web ACLs -----------------------------------------------------------------------------------

_PASSED_THROUGH = ("Description", "CustomResponseBodies", "CaptchaConfig", "ChallengeConfig", "TokenDomains", "AssociationConfig", "DataProtectionConfig")


def _references_set(statement: dict, arn: str) -> bool:
    return statement.get("IPSetReferenceStatement", {}).get("ARN") == arn


def ensure_web_acl_rule(ctx: Context, web_acl: dict) -> str:
    """Makes sure the web ACL has a Block rule on the IP set; returns what people should read.
    UpdateWebACL replaces the whole ACL, so every setting it read is written back unchanged."""
    rule_name = f"{ctx.settings.prefix}-hostile-ips"
    arn = ctx.settings.ip_set.get("ARN", "")
    for attempt in range(_ATTEMPTS):
        got = ctx.wafv2.get_web_acl(Name=web_acl["Name"], Scope=web_acl["Scope"], Id=web_acl["Id"])
        acl = got["WebACL"]
        rules = list(acl.get("Rules", []))
        present = [r for r in rules if _references_set(r.get("Statement", {}), arn)]
        if present:
            return f"web ACL {web_acl['Name']} (rule {present[0]['Name']}, priority {present[0]['Priority']})"
        used = {r["Priority"] for r in rules}
        priority = next(p for p in range(len(used) + 1) if p not in used)
        rules.append(
            {
                "Name": rule_name,
                "Priority": priority,
                "Statement": {"IPSetReferenceStatement": {"ARN": arn}},
                "Action": {"Block": {}},
                "VisibilityConfig": {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": rule_name},
            }
        )
        extra = {k: acl[k] for k in _PASSED_THROUGH if acl.get(k)}
        try:
            ctx.wafv2.update_web_acl(
                Name=web_acl["Name"], Scope=web_acl["Scope"], Id=web_acl["Id"], DefaultAction=acl["DefaultAction"], Rules=rules,
                VisibilityConfig=acl["VisibilityConfig"], LockToken=got["LockToken"], **extra,
            )  # fmt: skip
            return f"web ACL {web_acl['Name']} (rule {rule_name} added, priority {priority})"
        except ctx.wafv2.exceptions.WAFOptimisticLockException:
            if attempt == _ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


# --- network ACLs -------------------------------------------------------------------------------


def _network_acls(ctx: Context, vpc_id: str) -> list[dict]:
    return ctx.ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["NetworkAcls"]


def _inbound(acl: dict) -> list[dict]:
    return sorted((e for e in acl.get("Entries", []) if not e.get("Egress") and e.get("CidrBlock")), key=lambda e: e["RuleNumber"])


def block_in_network_acls(ctx: Context, ip: str) -> tuple[list[dict], list[str], list[str]]:
    """Deny entries for ``ip`` in every network ACL of the configured VPCs: (entries added,
    where it took effect, where it did not and why). An existing deny for the address counts."""
    cidr = f"{ip}/32"
    address = ipaddress.ip_address(ip)
    added: list[dict] = []
    effective: list[str] = []
    problems: list[str] = []
    for vpc_id in ctx.settings.network_acl_vpcs:
        try:
            acls = _network_acls(ctx, vpc_id)
        except Exception as error:  # one VPC's failure must not stop the others
            problems.append(f"VPC {vpc_id}: {type(error).__name__}")
            continue
        if not acls:
            problems.append(f"VPC {vpc_id}: not found in this account and region")
        for acl in acls:
            acl_id = acl["NetworkAclId"]
            entries = _inbound(acl)
            mine = [e for e in entries if e["CidrBlock"] == cidr and e["RuleAction"] == "deny"]
            if mine:
                number = mine[0]["RuleNumber"]
            else:
                used = {e["RuleNumber"] for e in entries}
                number = next((n for n in range(_FIRST_RULE, _LAST_RULE + 1) if n not in used), None)
                try:
                    if number is None:
                        raise RuntimeError("no free rule number")
                    ctx.ec2.create_network_acl_entry(NetworkAclId=acl_id, RuleNumber=number, Protocol="-1", RuleAction="deny", Egress=False, CidrBlock=cidr)
                except Exception as error:  # e.g. NetworkAclEntryLimitExceeded: the ACL is full
                    problems.append(f"network ACL {acl_id}: {type(error).__name__}")
                    continue
                added.append({"networkAclId": acl_id, "ruleNumber": number})
            earlier = [e for e in entries if e["RuleNumber"] < number and e["RuleAction"] == "allow" and address in ipaddress.ip_network(e["CidrBlock"])]
            if earlier:
                problems.append(f"network ACL {acl_id}: allow rule {earlier[0]['RuleNumber']} comes before deny rule {number}")
            else:
                effective.append(f"network ACL {acl_id} of {vpc_id} (rule {number})")
    return added, effective, problems


def unblock_in_network_acls(ctx: Context, ip: str, entries: list[dict]) -> None:
    """Removes exactly the entries this responder added, if they still deny this address."""
    cidr = f"{ip}/32"
    for entry in entries:
        acl_id, number = entry["networkAclId"], int(entry["ruleNumber"])
        found = ctx.ec2.describe_network_acls(NetworkAclIds=[acl_id])["NetworkAcls"]
        current = [e for acl in found for e in _inbound(acl) if e["RuleNumber"] == number]
        if current and current[0]["CidrBlock"] == cidr and current[0]["RuleAction"] == "deny":
            ctx.ec2.delete_network_acl_entry(NetworkAclId=acl_id, RuleNumber=number, Egress=False)


# --- the response -------------------------------------------------------------------------------


def enforcement_points(ctx: Context) -> str:
    points = [f"web ACL {w['Name']}" for w in ctx.settings.web_acls] + [f"the network ACLs of {v}" for v in ctx.settings.network_acl_vpcs]
    return ", ".join(points) or "no web ACL or network ACL (none configured: the IP set alone blocks nothing)"


def respond(finding: Finding, ctx: Context) -> list[Outcome]:
    outcomes = []
    hours = ctx.settings.block_hours
    expires = int(ctx.clock()) + hours * 3600
    for ip in finding.remote_ips:
        reason = _blockable(ip, ctx)
        if reason:
            outcomes.append(Outcome(ACTION, f"address {ip}", EXCLUDED if "trusted" in reason else NOT_POSSIBLE, f"Not blocked: {ip} is {reason}."))
            continue
        record_id = f"{finding.id}#{ACTION}#ip:{ip}"
        where: dict[str, list[str]] = {"effective": [], "problems": []}

        def block(ip: str = ip, where: dict = where) -> dict:
            ctx.ledger.block(ip, expires, finding.id)  # the expiry is recorded before the address is blocked anywhere
            _change(ctx, ip, add=True)
            for web_acl in ctx.settings.web_acls:
                try:
                    where["effective"].append(ensure_web_acl_rule(ctx, web_acl))
                except Exception as error:
                    where["problems"].append(f"web ACL {web_acl['Name']}: {type(error).__name__}")
            added, effective, problems = block_in_network_acls(ctx, ip)
            ctx.ledger.add_network_acl_entries(ip, added)
            where["effective"] += effective
            where["problems"] += problems
            if not where["effective"]:
                raise RuntimeError("the address is in the IP set but blocked nowhere: " + ("; ".join(where["problems"]) or enforcement_points(ctx)))
            return {}

        name = ctx.settings.ip_set.get("Name", "?")
        outcome = ctx.once(
            record_id, ACTION, f"address {ip}", f"Blocked {ip} for {hours} hours (WAF IP set {name}) in {enforcement_points(ctx)}.", ctx.undo_command(record_id), block, {"kind": "ip", "ip": ip}
        )
        if outcome.status in (DONE, FAILED) and (where["effective"] or where["problems"]):
            outcome.what = f"Blocked {ip} for {hours} hours (WAF IP set {name})" + (f" in {'; '.join(where['effective'])}" if where["effective"] else "")
            outcome.what += f". Not in effect in: {'; '.join(where['problems'])}: act by hand there." if where["problems"] else "."
            if outcome.status == FAILED:
                outcome.what = "Could not block: " + outcome.what
        outcomes.append(outcome)
    return outcomes


def _lift(ctx: Context, block: dict) -> None:
    ip = block["ip"]
    _change(ctx, ip, add=False)
    unblock_in_network_acls(ctx, ip, list(block.get("networkAclEntries") or []))


def unblock_expired(ctx: Context) -> list[Outcome]:
    outcomes = []
    for block in ctx.ledger.expired_blocks(int(ctx.clock())):
        ip = block["ip"]
        try:
            _lift(ctx, block)
        except Exception as error:  # the others are still lifted; this one is tried again in 15 minutes
            ctx.errors.append(type(error).__name__)
            outcomes.append(Outcome("unblockExpired", f"address {ip}", FAILED, f"Could not unblock {ip}: {type(error).__name__}. Retried in 15 minutes."))
            continue
        ctx.ledger.mark(f"block#{ip}", "expired")
        outcomes.append(Outcome("unblockExpired", f"address {ip}", DONE, f"Unblocked {ip}: its {ctx.settings.block_hours}-hour block expired."))
    return outcomes


def undo(record: dict, ctx: Context) -> str:
    block = ctx.ledger.get(f"block#{record['ip']}") or {"ip": record["ip"]}
    _lift(ctx, block)
    ctx.ledger.mark(f"block#{record['ip']}", "undone")
    return f"Removed {record['ip']} from WAF IP set {ctx.settings.ip_set.get('Name', '?')} and from the network ACL entries added for it."
