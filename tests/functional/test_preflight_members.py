"""make preflight in organization mode against moto's AWS: the members below the member OUs
(child OUs included) are found from the management account and read through
``dpp.organization.memberAccessRoleName``; a Config recorder already in a member (Control
Tower's) or an opt-in region it has not enabled is red with the fix, because the StackSet
instance would fail there; a member the role cannot reach is reported, not guessed at."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from moto import mock_aws

from configuration import ConfigError, load_config
from preflight.access import AccountUnreachable, Sessions
from preflight.checks import run
from preflight.members import _member_place, member_accounts, member_checks
from preflight.rows import INFO, RED
from tests.support import cdk_json_context

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = json.loads((ROOT / "examples" / "organization.json").read_text())
MANAGEMENT = next(a["id"] for a in EXAMPLE["accounts"] if "management" in a["roles"])
SECURITY = next(a["id"] for a in EXAMPLE["accounts"] if "security" in a["roles"])


@pytest.fixture
def aws(monkeypatch):
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "eu-west-1"}.items():
        monkeypatch.setenv(key, value)
    with mock_aws():
        yield


def in_account(account: str, service: str, region: str = "us-east-1"):
    """A client acting in ``account`` (moto maps assumed-role credentials to the role's account)."""
    credentials = boto3.client("sts").assume_role(RoleArn=f"arn:aws:iam::{account}:role/setup", RoleSessionName="setup")["Credentials"]
    return boto3.client(service, region_name=region, aws_access_key_id=credentials["AccessKeyId"], aws_secret_access_key=credentials["SecretAccessKey"], aws_session_token=credentials["SessionToken"])


def organization() -> dict:
    """The management account's organization: an OU with a member and a child OU with another,
    and an account outside the OU."""
    org = in_account(MANAGEMENT, "organizations")
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    ou = org.create_organizational_unit(ParentId=root, Name="workloads")["OrganizationalUnit"]["Id"]
    child = org.create_organizational_unit(ParentId=ou, Name="prod")["OrganizationalUnit"]["Id"]

    def account(name: str, parent: str) -> str:
        created = org.create_account(AccountName=name, Email=f"{name}@example.com")["CreateAccountStatus"]["AccountId"]
        org.move_account(AccountId=created, SourceParentId=root, DestinationParentId=parent)
        return created

    return {"ou": ou, "direct": account("shop", ou), "nested": account("shop-prod", child), "outside": account("sandbox", root)}


def config_for(ou: str, **organization_keys):
    context = cdk_json_context()
    context["dpp"] = json.loads(json.dumps(EXAMPLE))
    context["dpp"]["organization"] = {**context["dpp"]["organization"], "memberOrganizationalUnits": [ou], **organization_keys}
    return load_config(context)


def test_members_below_the_ous_are_found_child_ous_included_and_listed_accounts_left_out(aws):
    org = organization()
    config = config_for(org["ou"])
    sessions = Sessions()
    assert sorted(member_accounts(config, sessions.client("organizations", MANAGEMENT, config.home_region))) == sorted([org["direct"], org["nested"]])


class Pages:
    """A paginator over fixed pages."""

    def __init__(self, pages: list[dict]) -> None:
        self.pages = pages

    def paginate(self, **_):
        return iter(self.pages)


class Organizations:
    """The security account (listed in dpp.accounts) sits in the member OU, beside a suspended account."""

    def get_paginator(self, name: str) -> Pages:
        return {
            "list_accounts_for_parent": Pages(
                [{"Accounts": [{"Id": SECURITY, "Status": "ACTIVE"}]}, {"Accounts": [{"Id": "210987654321", "Status": "ACTIVE"}, {"Id": "210987654322", "Status": "SUSPENDED"}]}]
            ),
            "list_organizational_units_for_parent": Pages([{"OrganizationalUnits": []}]),
        }[name]


def test_accounts_listed_in_the_configuration_and_suspended_ones_are_not_members_to_check():
    """The security account has stacks of its own (checked as a monitored account); the member
    baseline skips it (stacks/member_baseline_stack.py)."""
    assert member_accounts(config_for("ou-exam-11111111"), Organizations()) == ["210987654321"]


class Regions:
    def __init__(self, status: str) -> None:
        self.status = status

    def describe_regions(self, **_):
        return {"Regions": [{"RegionName": "eu-central-1", "OptInStatus": self.status}]}


def test_a_members_region_not_enabled_is_red_before_anything_else_is_read():
    config = config_for("ou-exam-11111111")

    def clients(service, account, region):
        assert service == "ec2", "nothing else can be read in a region the account has not enabled"
        return Regions("not-opted-in")

    [row] = _member_place(config, clients, "210987654321", "eu-central-1")
    assert (row.status, row.check) == (RED, "Member region enabled") and "enable eu-central-1 for account 210987654321" in row.fix


def test_a_members_existing_config_recorder_is_red_with_the_fix_and_a_clean_member_is_green(aws):
    org = organization()
    config = config_for(org["ou"])
    in_account(org["nested"], "config", "eu-central-1").put_configuration_recorder(
        ConfigurationRecorder={"name": "aws-controltower-BaselineConfigRecorder", "roleARN": f"arn:aws:iam::{org['nested']}:role/aws-controltower-ConfigRecorderRole"}
    )
    sessions = Sessions()
    rows = member_checks(config, sessions.client, sessions.member_clients(config.organization.member_access_role))
    red = [(r.account, r.region, r.check) for r in rows if r.status == RED]
    assert red == [(org["nested"], "eu-central-1", "Member AWS Config")]
    [row] = [r for r in rows if r.status == RED]
    assert "aws-controltower-BaselineConfigRecorder" in row.detail and "dpp.features.configRecorder false" in row.fix
    assert {(r.account, r.region) for r in rows if r.check == "Member AWS Config" and r.status != RED} == {(org["direct"], "eu-west-1"), (org["direct"], "eu-central-1"), (org["nested"], "eu-west-1")}
    assert org["outside"] not in {r.account for r in rows}


def test_the_members_are_read_through_the_configured_role(aws, monkeypatch):
    org = organization()
    config = config_for(org["ou"], memberAccessRoleName="AWSControlTowerExecution")
    assumed: list[str] = []
    real = Sessions.session

    def session(self, account, region, role_name=None):
        if role_name is not None:
            assumed.append(f"arn:aws:iam::{account}:role/{role_name}")
            if account == org["nested"]:
                raise AccountUnreachable("AccessDenied")
        return real(self, account, region, role_name)

    monkeypatch.setattr(Sessions, "session", session)
    sessions = Sessions()
    rows = member_checks(config, sessions.client, sessions.member_clients(config.organization.member_access_role))
    assert set(assumed) == {f"arn:aws:iam::{m}:role/AWSControlTowerExecution" for m in (org["direct"], org["nested"])}
    [unreached] = [r for r in rows if r.check == "Member reachable"]
    assert (unreached.status, unreached.account) == (INFO, org["nested"]) and "AWSControlTowerExecution" in unreached.detail
    assert "dpp.organization.memberAccessRoleName" in unreached.fix


def test_the_full_run_includes_the_members(aws):
    org = organization()
    config = config_for(org["ou"])
    sessions = Sessions()
    rows = run(config, sessions.client, sessions.member_clients(config.organization.member_access_role))
    assert {r.account for r in rows if r.check == "Member AWS Config"} == {org["direct"], org["nested"]}
    assert [r.detail for r in rows if r.check == "Member accounts"] == [f"2 below {org['ou']}"]


def test_a_bad_member_access_role_names_the_key():
    context = cdk_json_context()
    context["dpp"] = json.loads(json.dumps(EXAMPLE))
    context["dpp"]["organization"]["memberAccessRoleName"] = "arn:aws:iam::123456789012:role/x"
    with pytest.raises(ConfigError, match="dpp.organization.memberAccessRoleName"):
        load_config(context)


def test_a_delegated_administrator_held_by_another_account_is_red_and_trusted_access_is_reported(aws):
    """organization_checks: the org-admin stack makes the security account the delegated
    administrator of GuardDuty, Security Hub and Config; another account already holding one
    would make that fail."""
    from preflight.checks import organization_checks

    org = organization()
    management = in_account(MANAGEMENT, "organizations")
    management.enable_aws_service_access(ServicePrincipal="config.amazonaws.com")
    # moto registers these two of the four (config.amazonaws.com and Security Hub it refuses).
    management.register_delegated_administrator(AccountId=org["direct"], ServicePrincipal="config-multiaccountsetup.amazonaws.com")
    management.register_delegated_administrator(AccountId=org["nested"], ServicePrincipal="guardduty.amazonaws.com")
    sessions = Sessions()

    def clients(service, account, region):
        client = sessions.client(service, account, region)
        if service == "organizations":
            # moto lists delegated administrators of only some services; the others have none here.
            def unknown_to_moto(params, **_):
                body = json.loads(params["body"] or b"{}")
                if body.get("ServicePrincipal") in ("securityhub.amazonaws.com", "config.amazonaws.com"):
                    return AWSResponse(params["url"], 200, {}, None), {"DelegatedAdministrators": [], "ResponseMetadata": {"HTTPStatusCode": 200}}
                return None

            client.meta.events.register("before-call.organizations.ListDelegatedAdministrators", unknown_to_moto)
        return client

    rows = organization_checks(config_for(org["ou"]), clients)
    red = {r.detail: r.fix for r in rows if r.status == RED and r.check == "Delegated administrator"}
    assert set(red) == {f"config-multiaccountsetup.amazonaws.com: {org['direct']} already", f"guardduty.amazonaws.com: {org['nested']} already"}
    assert all("the security account in dpp.accounts" in fix for fix in red.values())
    trusted = {r.detail.split()[0]: r.status for r in rows if r.check == "Trusted access"}
    assert trusted["config.amazonaws.com"] == "ok" and trusted["cloudtrail.amazonaws.com"] == INFO
