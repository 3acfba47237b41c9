"""Who may deliver into the archive: listed accounts, or a whole organization (DPP-PRT-4).

Service principals act for an account or an organization, so grants are pinned with
``aws:SourceAccount`` (each listed account, its own ``AWSLogs/<account>/`` prefix) or, in
organization mode, ``aws:SourceOrgID`` (any member, whose accounts this app cannot list; the
delivering service writes each member's objects under ``AWSLogs/<account>/``)."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import aws_iam as iam


@dataclass(frozen=True)
class Audience:
    accounts: tuple[str, ...]  # accounts that deliver in their own name (single mode: all; organization: none listed)
    trail_accounts: tuple[str, ...]  # accounts whose trails deliver (organization: the management account)
    organization_id: str | None = None
    # Accounts whose GuardDuty detectors export findings: the monitored accounts (in organization
    # mode the delegated administrator exports the members' findings too). Pinned by
    # aws:SourceAccount, which GuardDuty documents; it documents no aws:SourceOrgID
    # (https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_exportfindings.html).
    detector_accounts: tuple[str, ...] = ()

    def detectors(self) -> dict:
        return {
            "StringEquals": {"aws:SourceAccount": list(self.detector_accounts)},
            "ArnLike": {"aws:SourceArn": [f"arn:aws:guardduty:*:{a}:detector/*" for a in self.detector_accounts]},
        }

    def source(self, arn_pattern: str) -> dict:
        """Conditions for a service acting for the audience; ``arn_pattern`` has ``{account}``."""
        if self.organization_id:
            return {"StringEquals": {"aws:SourceOrgID": self.organization_id}, "ArnLike": {"aws:SourceArn": [arn_pattern.format(account="*")]}}
        return {"StringEquals": {"aws:SourceAccount": list(self.accounts)}, "ArnLike": {"aws:SourceArn": [arn_pattern.format(account=a) for a in self.accounts]}}

    def account_only(self) -> dict:
        if self.organization_id:
            return {"StringEquals": {"aws:SourceOrgID": self.organization_id}}
        return {"StringEquals": {"aws:SourceAccount": list(self.accounts)}}

    def roles(self, role_name_pattern: str) -> tuple[list[iam.IPrincipal], dict]:
        """(principals, conditions) for the covered accounts' own roles named by
        ``role_name_pattern``: roles that do not exist yet cannot be bucket- or key-policy
        principals, so the accounts are (any member of the organization, which this app cannot
        list), and ``aws:PrincipalArn`` picks the roles."""
        if self.organization_id:
            return [iam.AnyPrincipal()], {"StringEquals": {"aws:PrincipalOrgID": self.organization_id}, "ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::*:role/{role_name_pattern}"}}
        return [iam.AccountPrincipal(a) for a in self.accounts], {"ArnLike": {"aws:PrincipalArn": [f"arn:aws:iam::{a}:role/{role_name_pattern}" for a in self.accounts]}}

    def own_prefixes(self, prefix: str) -> list[str]:
        """``prefix/<account>/*`` for each covered account (any account of the organization:
        the condition above pins the role to it, the key below it is Firehose's own choice)."""
        if self.organization_id:
            return [f"{prefix}/*"]
        return [f"{prefix}/{a}/*" for a in self.accounts]

    def prefixes(self, prefix: str) -> list[str]:
        """Object-key patterns the audience may write under ``prefix``."""
        if self.organization_id:
            return [f"{prefix}/AWSLogs/*"]
        return [f"{prefix}/AWSLogs/{a}/*" for a in self.accounts]

    def trail_prefixes(self, prefix: str) -> list[str]:
        """An organization trail writes its own account's and its members' logs under the
        organization ID; an account trail under its account."""
        own = [f"{prefix}/AWSLogs/{a}/*" for a in self.trail_accounts]
        return own + [f"{prefix}/AWSLogs/{self.organization_id}/*"] if self.organization_id else own
