"""Exposed or misused IAM credentials: deactivate the access key and revoke every session
issued before now (DPP-IR-3). Root credentials and Identity Center roles are out of reach.

The responder can grant nothing: it writes no inline policy. It may attach exactly one
project-managed policy (``REVOKE_POLICY_ARN``; its role's attach rights carry an
``iam:PolicyARN`` condition) and keep that policy's statements, one Deny per revoked
principal: deny everything to the principal's sessions whose token was issued before the
revocation time (``aws:TokenIssueTime``, the statement the IAM console's "Revoke active
sessions" writes). Each statement also names its principal (``aws:PrincipalArn``), so
revoking a second principal does not move the first one's time.
Condition keys: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
(aws:TokenIssueTime, aws:PrincipalArn) and
https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html
(iam:PolicyARN on AttachRolePolicy, AttachUserPolicy, DetachRolePolicy, DetachUserPolicy).
"""

from __future__ import annotations

import json

from respond.context import Context
from respond.findings import Finding
from respond.outcome import EXCLUDED, NOT_POSSIBLE, Outcome

ACTION = "disableCredentials"
# A statement that can never match keeps the policy valid while nobody is revoked.
NEVER = "1970-01-01T00:00:00Z"
_MAX_VERSIONS = 5  # IAM keeps at most five versions of a managed policy
# Finding types about a principal's credentials (GuardDuty's threat purposes, IAM resource).
_PURPOSES = ("UnauthorizedAccess:", "CredentialAccess:", "Exfiltration:", "InitialAccess:", "Impact:", "Persistence:", "PrivilegeEscalation:", "Stealth:", "Discovery:", "DefenseEvasion:")


def applies(finding: Finding) -> bool:
    return finding.resource_type == "AccessKey" and finding.access_key is not None and finding.type.startswith(_PURPOSES)


def revocation_document(revoked: dict[str, str]) -> str:
    """The policy for principal ARN -> revocation time; later sessions are unaffected."""
    statements = [
        {
            "Sid": f"DppRevoke{index}",
            "Effect": "Deny",
            "Action": "*",
            "Resource": "*",
            "Condition": {"DateLessThan": {"aws:TokenIssueTime": at}, "ArnEquals": {"aws:PrincipalArn": arn}},
        }
        for index, (arn, at) in enumerate(sorted(revoked.items()))
    ] or [{"Sid": "DppRevokeNobody", "Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"DateLessThan": {"aws:TokenIssueTime": NEVER}}}]
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, separators=(",", ":"))


def revoked_principals(document: dict | str) -> dict[str, str]:
    document = json.loads(document) if isinstance(document, str) else document
    found = {}
    for statement in document.get("Statement", []):
        condition = statement.get("Condition", {})
        arn = condition.get("ArnEquals", {}).get("aws:PrincipalArn")
        at = condition.get("DateLessThan", {}).get("aws:TokenIssueTime")
        if isinstance(arn, str) and isinstance(at, str):
            found[arn] = at
    return found


def _current(ctx: Context) -> dict[str, str]:
    policy = ctx.iam.get_policy(PolicyArn=ctx.settings.revoke_policy_arn)["Policy"]
    version = ctx.iam.get_policy_version(PolicyArn=ctx.settings.revoke_policy_arn, VersionId=policy["DefaultVersionId"])["PolicyVersion"]
    document = version["Document"]
    if isinstance(document, str):
        from urllib.parse import unquote

        document = json.loads(unquote(document))
    return revoked_principals(document)


def _write(ctx: Context, revoked: dict[str, str]) -> None:
    """A new default version; the oldest other version goes first when IAM's five are used."""
    arn = ctx.settings.revoke_policy_arn
    versions = ctx.iam.list_policy_versions(PolicyArn=arn)["Versions"]
    if len(versions) >= _MAX_VERSIONS:
        oldest = min((v for v in versions if not v["IsDefaultVersion"]), key=lambda v: v["CreateDate"])
        ctx.iam.delete_policy_version(PolicyArn=arn, VersionId=oldest["VersionId"])
    ctx.iam.create_policy_version(PolicyArn=arn, PolicyDocument=revocation_document(revoked), SetAsDefault=True)


def _set(ctx: Context, principal_arn: str, at: str | None) -> None:
    """Sets (or with None, removes) one principal's revocation time, checking afterwards that
    a concurrent writer did not overwrite it."""
    for _ in range(3):
        revoked = _current(ctx)
        if at is None:
            revoked.pop(principal_arn, None)
        else:
            revoked[principal_arn] = at
        _write(ctx, revoked)
        if _current(ctx).get(principal_arn) == at:
            return
    raise RuntimeError("the revocation policy kept changing under the responder")


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
        if role in ctx.settings.excluded_roles or role.startswith("cdk-"):
            return [Outcome(ACTION, f"role {role}", EXCLUDED, "The role is excluded from automated responses (break-glass, CDK bootstrap or dpp.responses.excludedRoleNames): investigate by hand.")]
        if role.startswith(("AWSReservedSSO_", "AWSServiceRoleFor")):
            return [Outcome(ACTION, f"role {role}", NOT_POSSIBLE, "IAM protects this role (Identity Center or service-linked): end the user's sessions in IAM Identity Center or the owning service.")]
        return _role(finding, ctx, role)
    return [Outcome(ACTION, f"{key.user_type} principal", NOT_POSSIBLE, f"Credentials of type {key.user_type} cannot be revoked here: revoke them at their identity provider.")]


def _revoked_what(target: str, ctx: Context) -> str:
    name = ctx.settings.revoke_policy_arn.rsplit("/", 1)[-1] or "the revocation policy"
    return f"Revoked every session of {target} issued before now (managed policy {name} attached, with this principal's revocation time)."


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

    def revoke() -> dict:
        arn = ctx.iam.get_user(UserName=user)["User"]["Arn"]
        _set(ctx, arn, ctx.now().strftime("%Y-%m-%dT%H:%M:%SZ"))
        ctx.iam.attach_user_policy(UserName=user, PolicyArn=ctx.settings.revoke_policy_arn)
        return {"principalArn": arn}

    outcomes.append(ctx.once(record_id, ACTION, target, _revoked_what(target, ctx), ctx.undo_command(record_id), revoke, {"kind": "user-sessions", "user": user}))
    return outcomes


def _role(finding: Finding, ctx: Context, role: str) -> list[Outcome]:
    record_id = f"{finding.id}#{ACTION}#role:{role}"
    target = f"role {role}"

    def revoke() -> dict:
        arn = ctx.iam.get_role(RoleName=role)["Role"]["Arn"]
        _set(ctx, arn, ctx.now().strftime("%Y-%m-%dT%H:%M:%SZ"))
        ctx.iam.attach_role_policy(RoleName=role, PolicyArn=ctx.settings.revoke_policy_arn)
        return {"principalArn": arn}

    return [ctx.once(record_id, ACTION, target, _revoked_what(target, ctx), ctx.undo_command(record_id), revoke, {"kind": "role-sessions", "role": role})]


def _detached(detach, **kwargs) -> None:
    try:
        detach(**kwargs)
    except Exception as error:  # undo of an action cut short: it may never have been attached
        if "NoSuchEntity" not in type(error).__name__ and "NoSuchEntity" not in str(error):
            raise


def undo(record: dict, ctx: Context) -> str:
    kind = record["kind"]
    if kind == "access-key":
        ctx.iam.update_access_key(UserName=record["user"], AccessKeyId=record["accessKeyId"], Status="Active")
        return f"Reactivated access key {record['accessKeyId']} of IAM user {record['user']}."
    if kind == "user-sessions":
        _detached(ctx.iam.detach_user_policy, UserName=record["user"], PolicyArn=ctx.settings.revoke_policy_arn)
        _set(ctx, record.get("principalArn") or ctx.iam.get_user(UserName=record["user"])["User"]["Arn"], None)
        return f"Detached the revocation policy from IAM user {record['user']} and removed its revocation time."
    _detached(ctx.iam.detach_role_policy, RoleName=record["role"], PolicyArn=ctx.settings.revoke_policy_arn)
    _set(ctx, record.get("principalArn") or ctx.iam.get_role(RoleName=record["role"])["Role"]["Arn"], None)
    return f"Detached the revocation policy from role {record['role']} and removed its revocation time."
