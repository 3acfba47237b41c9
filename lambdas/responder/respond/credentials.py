"""Exposed or misused IAM credentials: deactivate the access key and revoke every session
issued before now (DPP-IR-3). Root credentials and Identity Center roles are out of reach."""
from __future__ import annotations

import json
from datetime import datetime

from respond.context import Context
from respond.findings import Finding
from respond.outcome import EXCLUDED, NOT_POSSIBLE, Outcome

ACTION = "disableCredentials"
REVOKE_POLICY = "dpp-revoke-older-sessions"
# Finding types about a principal's credentials (GuardDuty's threat purposes, IAM resource).
_PURPOSES = ("UnauthorizedAccess:", "CredentialAccess:", "Exfiltration:", "InitialAccess:", "Impact:", "Persistence:", "PrivilegeEscalation:", "Stealth:", "Discovery:", "DefenseEvasion:")


def applies(finding: Finding) -> bool:
    return finding.resource_type == "AccessKey" and finding.access_key is not None and finding.type.startswith(_PURPOSES)


def revoke_policy(now: datetime) -> str:
    """Denies everything to sessions whose credentials were issued before ``now`` (the same
    statement as the IAM console's "Revoke active sessions"); later sessions are unaffected."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "DppRevokeOlderSessions",
                    "Effect": "Deny",
                    "Action": "*",
                    "Resource": "*",
                    "Condition": {"DateLessThan": {"aws:TokenIssueTime": now.strftime("%Y-%m-%dT%H:%M:%SZ")}},
                }
            ],
        }
    )


def respond(finding: Finding, ctx: Context) -> list[Outcome]:
    key = finding.access_key
    assert key is not None
    if key.user_type == "Root":
        return [Outcome(ACTION, "root user", NOT_POSSIBLE, "Root credentials cannot be disabled by automation: sign in as root, delete its access keys and rotate its password and MFA by hand.")]
    if key.user_type == "IAMUser":
        if key.user_name in ctx.settings.excluded_users:
            return [Outcome(ACTION, f"IAM user {key.user_name}", EXCLUDED, "The user is excluded from automated responses (dpp.responses.excludedUserNames): investigate by hand.")]
        return _user(finding, ctx, key.user_name, key.access_key_id)
    if key.user_type == "AssumedRole":
        role = key.user_name
        if role in ctx.settings.excluded_roles:
            return [Outcome(ACTION, f"role {role}", EXCLUDED, "The role is excluded from automated responses (break-glass or dpp.responses.excludedRoleNames): investigate by hand.")]
        if role.startswith(("AWSReservedSSO_", "AWSServiceRoleFor")):
            return [Outcome(ACTION, f"role {role}", NOT_POSSIBLE, "IAM protects this role (Identity Center or service-linked): end the user's sessions in IAM Identity Center or the owning service.")]
        return _role(finding, ctx, role)
    return [Outcome(ACTION, f"{key.user_type} principal", NOT_POSSIBLE, f"Credentials of type {key.user_type} cannot be revoked here: revoke them at their identity provider.")]


def _user(finding: Finding, ctx: Context, user: str, access_key_id: str) -> list[Outcome]:
    outcomes = []
    if access_key_id.startswith("AKIA"):  # long-term key; ASIA... keys are temporary and die with the session revoke
        record_id = f"{finding.id}#{ACTION}#key:{access_key_id}"
        target = f"access key {access_key_id} of IAM user {user}"
        undo = ctx.undo_command(record_id)

        def deactivate() -> None:
            ctx.iam.update_access_key(UserName=user, AccessKeyId=access_key_id, Status="Inactive")

        outcomes.append(ctx.once(record_id, ACTION, target, f"Deactivated {target}.", undo, deactivate, {"kind": "access-key", "user": user, "accessKeyId": access_key_id}))
    record_id = f"{finding.id}#{ACTION}#user:{user}"
    target = f"IAM user {user}"

    def revoke() -> None:
        ctx.iam.put_user_policy(UserName=user, PolicyName=REVOKE_POLICY, PolicyDocument=revoke_policy(ctx.now()))

    outcomes.append(
        ctx.once(record_id, ACTION, target, f"Revoked every session of {target} issued before now (inline policy {REVOKE_POLICY}).", ctx.undo_command(record_id), revoke, {"kind": "user-sessions", "user": user})
    )
    return outcomes


def _role(finding: Finding, ctx: Context, role: str) -> list[Outcome]:
    record_id = f"{finding.id}#{ACTION}#role:{role}"
    target = f"role {role}"

    def revoke() -> None:
        ctx.iam.put_role_policy(RoleName=role, PolicyName=REVOKE_POLICY, PolicyDocument=revoke_policy(ctx.now()))

    return [ctx.once(record_id, ACTION, target, f"Revoked every session of {target} issued before now (inline policy {REVOKE_POLICY}).", ctx.undo_command(record_id), revoke, {"kind": "role-sessions", "role": role})]


def undo(record: dict, ctx: Context) -> str:
    kind = record["kind"]
    if kind == "access-key":
        ctx.iam.update_access_key(UserName=record["user"], AccessKeyId=record["accessKeyId"], Status="Active")
        return f"Reactivated access key {record['accessKeyId']} of IAM user {record['user']}."
    if kind == "user-sessions":
        ctx.iam.delete_user_policy(UserName=record["user"], PolicyName=REVOKE_POLICY)
        return f"Removed {REVOKE_POLICY} from IAM user {record['user']}."
    ctx.iam.delete_role_policy(RoleName=record["role"], PolicyName=REVOKE_POLICY)
    return f"Removed {REVOKE_POLICY} from role {record['role']}."
