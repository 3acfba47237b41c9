"""Clients for each planned account: the caller's own credentials in its own account, CDK's
read-only lookup role elsewhere (every bootstrapped account has one; `cdk bootstrap --trust`
lets the deploying account assume it)."""

from __future__ import annotations

from typing import Callable

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from configuration.naming import DEFAULT_BOOTSTRAP_QUALIFIER

ClientFactory = Callable[[str, str, str], object]  # (service, account, region) -> client


class AccountUnreachable(Exception):
    pass


class Sessions:
    def __init__(self, base: boto3.Session | None = None, qualifier: str = DEFAULT_BOOTSTRAP_QUALIFIER) -> None:
        self.base = base or boto3.Session()
        self.qualifier = qualifier
        self.caller = self.base.client("sts").get_caller_identity()["Account"]
        self._sessions: dict[tuple[str, str], boto3.Session] = {}

    def lookup_role(self, account: str, region: str) -> str:
        return f"arn:aws:iam::{account}:role/cdk-{self.qualifier}-lookup-role-{account}-{region}"

    def session(self, account: str, region: str, role_name: str | None = None) -> boto3.Session:
        """This account's own credentials, CDK's lookup role elsewhere, or ``role_name`` (an
        organization member, which is not bootstrapped)."""
        if account == self.caller:
            return self.base
        key = (account, region if role_name is None else f"member:{role_name}")
        role = self.lookup_role(account, region) if role_name is None else f"arn:aws:iam::{account}:role/{role_name}"
        if key not in self._sessions:
            try:
                credentials = self.base.client("sts", region_name=region).assume_role(RoleArn=role, RoleSessionName="dpp-preflight")["Credentials"]
            except (ClientError, BotoCoreError) as error:
                raise AccountUnreachable(str(error)) from None
            self._sessions[key] = boto3.Session(aws_access_key_id=credentials["AccessKeyId"], aws_secret_access_key=credentials["SecretAccessKey"], aws_session_token=credentials["SessionToken"])
        return self._sessions[key]

    def client(self, service: str, account: str, region: str):
        return self.session(account, region).client(service, region_name=region)

    def member_clients(self, role_name: str) -> ClientFactory:
        """Clients in organization members through ``role_name`` (``dpp.organization.memberAccessRoleName``)."""
        return lambda service, account, region: self.session(account, region, role_name).client(service, region_name=region)
