"""Organization mode: what would stop the member StackSet's instances halfway, read in each
member account of the member OUs and each covered region (members are not CDK-bootstrapped,
so they are read through ``dpp.organization.memberAccessRoleName``). Reads only.

- A Config recorder or delivery channel already there (Control Tower creates both): Config
  takes one customer managed recorder per account and region
  (https://docs.aws.amazon.com/config/latest/APIReference/API_PutConfigurationRecorder.html),
  so the instance's recorder fails to create.
- An opt-in region the member has not enabled: the instance cannot deploy there.

Accounts listed in ``dpp.accounts`` (management, security) are checked as monitored accounts,
not here; an account the role cannot reach is reported, not guessed at.
"""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError

from configuration.model import BaselineConfig
from preflight.access import AccountUnreachable
from preflight.readings import existing_config_setup, opt_in_status
from preflight.rows import INFO, OK, RED, Row


def member_accounts(config: BaselineConfig, organizations) -> list[str]:
    """Active accounts below the member OUs (their child OUs included), or every account for a root."""
    found: list[str] = []

    def add(accounts) -> None:
        found.extend(a["Id"] for a in accounts if a.get("Status", "ACTIVE") == "ACTIVE" and a["Id"] not in found)

    for target in config.organization.member_ous:
        if target.startswith("r-"):
            for page in organizations.get_paginator("list_accounts").paginate():
                add(page["Accounts"])
            continue
        pending = [target]
        while pending:
            parent = pending.pop()
            for page in organizations.get_paginator("list_accounts_for_parent").paginate(ParentId=parent):
                add(page["Accounts"])
            for page in organizations.get_paginator("list_organizational_units_for_parent").paginate(ParentId=parent):
                pending += [ou["Id"] for ou in page["OrganizationalUnits"]]
    monitored = {a.account_id for a in config.monitored_accounts}
    return [a for a in found if a not in monitored]


def _member_place(config: BaselineConfig, clients, account: str, region: str) -> list[Row]:
    rows = []
    if opt_in_status(clients("ec2", account, region), region) == "not-opted-in":
        return [Row(RED, account, region, "Member region enabled", "opt-in region not enabled: the StackSet instance cannot deploy", f"enable {region} for account {account} (Account > AWS Regions)")]
    if config.features.config_recorder:
        what = existing_config_setup(clients("config", account, region))
        if what:
            rows.append(
                Row(
                    RED,
                    account,
                    region,
                    "Member AWS Config",
                    f"already has {what}: the StackSet instance's recorder would fail",
                    "delete them (Config allows one of each per region); where Control Tower records Config, set dpp.features.configRecorder false",
                )
            )
        else:
            rows.append(Row(OK, account, region, "Member AWS Config", "no recorder or channel yet"))
    return rows


def member_checks(config: BaselineConfig, clients, member_clients) -> list[Row]:
    """``clients`` reach the management account (to list the members), ``member_clients`` the members."""
    if not config.org_mode:
        return []
    management = config.management_account.account_id
    members = member_accounts(config, clients("organizations", management, config.home_region))
    role = config.organization.member_access_role
    rows = [Row(INFO, management, "global", "Member accounts", f"{len(members)} below {', '.join(config.organization.member_ous)}")]
    for account in members:
        for region in config.regions:
            try:
                rows += _member_place(config, member_clients, account, region)
            except AccountUnreachable as error:
                rows.append(
                    Row(
                        INFO,
                        account,
                        region,
                        "Member reachable",
                        f"not checked: cannot assume {role} ({error})",
                        "create the role in the member, or name one that exists in dpp.organization.memberAccessRoleName",
                    )
                )
                break
            except (ClientError, BotoCoreError) as error:
                code = error.response.get("Error", {}).get("Code", "") if isinstance(error, ClientError) else type(error).__name__
                rows.append(Row(INFO, account, region, "Member readable", f"not checked: {code}", f"give {role} read access (ReadOnlyAccess)"))
    return rows
