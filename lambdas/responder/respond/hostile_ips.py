"""Hostile IPs: add the remote address of a network finding to a WAFv2 IP set, for a limited
time (DPP-IR-3). Attach the IP set to your web ACLs with a Block rule (README)."""
from __future__ import annotations

import ipaddress

from respond.context import Context
from respond.findings import Finding
from respond.outcome import DONE, EXCLUDED, NOT_POSSIBLE, Outcome

ACTION = "blockHostileIps"
_ATTEMPTS = 5


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

        def block(ip: str = ip) -> None:
            _change(ctx, ip, add=True)

        outcome = ctx.once(
            record_id,
            ACTION,
            f"address {ip}",
            f"Blocked {ip} in WAF IP set {ctx.settings.ip_set.get('Name', '?')} for {hours} hours.",
            ctx.undo_command(record_id),
            block,
            {"kind": "ip", "ip": ip},
        )
        if outcome.status == DONE:
            ctx.ledger.block(ip, expires, finding.id)  # a newer finding extends the block
        outcomes.append(outcome)
    return outcomes


def unblock_expired(ctx: Context) -> list[Outcome]:
    outcomes = []
    for ip in ctx.ledger.expired_blocks(int(ctx.clock())):
        _change(ctx, ip, add=False)
        ctx.ledger.mark(f"block#{ip}", "expired")
        outcomes.append(Outcome("unblockExpired", f"address {ip}", DONE, f"Unblocked {ip}: its {ctx.settings.block_hours}-hour block expired."))
    return outcomes


def undo(record: dict, ctx: Context) -> str:
    _change(ctx, record["ip"], add=False)
    ctx.ledger.mark(f"block#{record['ip']}", "undone")
    return f"Removed {record['ip']} from WAF IP set {ctx.settings.ip_set.get('Name', '?')}."
