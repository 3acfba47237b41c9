"""The responder's configuration, from its environment (set by the CDK app from dpp.responses)."""

from __future__ import annotations

import ipaddress
import json
import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    enabled: frozenset[str]
    dry_run: bool
    min_severity: float
    excluded_roles: frozenset[str]
    excluded_users: frozenset[str]
    protected_tag: str
    trusted: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]
    block_hours: int
    prefix: str
    function_name: str
    topics: dict[str, str]  # severity -> topic ARN
    ledger_table: str
    ip_set: dict[str, str]  # Name, Id, Scope
    trail_log_group: str
    failed_sign_in_alarm: str
    failed_sign_in_minutes: int
    revoke_policy_arn: str  # the one deny policy the responder may attach (disableCredentials)
    web_acls: tuple[dict, ...]  # Name, Id, Scope, ARN of the web ACLs that enforce the IP set
    network_acl_vpcs: tuple[str, ...]  # VPC IDs whose network ACLs get deny entries

    @classmethod
    def from_environment(cls, env: dict[str, str] | None = None) -> "Settings":
        env = dict(os.environ if env is None else env)
        return cls(
            enabled=frozenset(json.loads(env["RESPONSES"])),
            dry_run=env.get("DRY_RUN", "true").lower() != "false",  # anything unexpected stays a dry run
            min_severity=float(env.get("MIN_SEVERITY", "7")),
            excluded_roles=frozenset(json.loads(env.get("EXCLUDED_ROLES", "[]"))),
            excluded_users=frozenset(json.loads(env.get("EXCLUDED_USERS", "[]"))),
            protected_tag=env.get("PROTECTED_TAG", "dpp:protected"),
            trusted=tuple(ipaddress.ip_network(c) for c in json.loads(env.get("TRUSTED_CIDRS", "[]"))),
            block_hours=int(env.get("IP_BLOCK_HOURS", "24")),
            prefix=env["PREFIX"],
            function_name=env.get("AWS_LAMBDA_FUNCTION_NAME", f"{env['PREFIX']}-responder"),
            topics=json.loads(env["TOPICS"]),
            ledger_table=env["LEDGER_TABLE"],
            ip_set=json.loads(env.get("IP_SET", "{}")),
            trail_log_group=env.get("TRAIL_LOG_GROUP", ""),
            failed_sign_in_alarm=env.get("FAILED_SIGN_IN_ALARM", ""),
            failed_sign_in_minutes=int(env.get("FAILED_SIGN_IN_MINUTES", "15")),
            revoke_policy_arn=env.get("REVOKE_POLICY_ARN", ""),
            web_acls=tuple(json.loads(env.get("WEB_ACLS", "[]"))),
            network_acl_vpcs=tuple(json.loads(env.get("NETWORK_ACL_VPCS", "[]"))),
        )
