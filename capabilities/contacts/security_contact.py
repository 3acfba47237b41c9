"""Registers the IMPOC as the account's security alternate contact at deploy time (DPP-IR-1)."""

from __future__ import annotations

from aws_cdk import aws_iam as iam
from constructs import Construct

from capabilities.foundation.building_blocks import deploy_action
from configuration.model import Impoc


class SecurityContact(Construct):
    """AWS sends security notifications (abuse reports, exposed keys, Health security events)
    to the account's security alternate contact; this makes that the IMPOC. The function may
    set the SECURITY contact of this account and nothing else."""

    def __init__(self, scope: Construct, id: str, *, impoc: Impoc, function_name: str, log_group_name: str, account: str, region: str) -> None:
        super().__init__(scope, id)
        self.contact = deploy_action(
            self,
            resource_id="Contact",
            action="PutSecurityContact",
            properties={"Name": impoc.name, "Title": impoc.title, "EmailAddress": impoc.email, "PhoneNumber": impoc.phone},
            statements=[
                iam.PolicyStatement(
                    actions=["account:PutAlternateContact"],
                    resources=[f"arn:aws:account::{account}:account"],
                    conditions={"ForAllValues:StringEquals": {"account:AlternateContactTypes": ["SECURITY"]}},
                )
            ],
            function_name=function_name,
            log_group_name=log_group_name,
            descriptions=(
                "Sets the account's security contact to the IMPOC",
                "Put the SECURITY alternate contact of this account, nothing else",
                "Registers the IMPOC as the security contact (DPP-IR-1)",
            ),
            account=account,
            region=region,
        )
