"""The checks, each a function of the configuration, the plan and a client factory, returning
rows. Every call is a read (Describe/Get/List); nothing is created or changed."""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError

from capabilities.organization.delegation import CONFIG_SERVICES
from configuration.model import BaselineConfig
from configuration.naming import DEFAULT_BOOTSTRAP_QUALIFIER, archive_names
from preflight.access import AccountUnreachable
from preflight.members import member_checks
from preflight.readings import existing_config_setup, opt_in_status
from preflight.rows import INFO, OK, RED, Row
from stacks.topology import plan

# The bootstrap version the synthesized templates require (their CheckBootstrapVersion rule).
MIN_BOOTSTRAP_VERSION = 6
# Lambda keeps at least this much concurrency unreserved in an account and region
# (https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html).
MIN_UNRESERVED = 100


def _code(error: Exception) -> str:
    return error.response.get("Error", {}).get("Code", "") if isinstance(error, ClientError) else type(error).__name__


def places(config: BaselineConfig) -> list[tuple[str, str]]:
    """Every (account, region) that gets a stack, in plan order."""
    seen: list[tuple[str, str]] = []
    for planned in plan(config):
        if (planned.account, planned.region) not in seen:
            seen.append((planned.account, planned.region))
    return seen


def bootstrap(config: BaselineConfig, clients, account: str, region: str) -> list[Row]:
    name = f"/cdk-bootstrap/{DEFAULT_BOOTSTRAP_QUALIFIER}/version"
    try:
        version = int(clients("ssm", account, region).get_parameter(Name=name)["Parameter"]["Value"])
    except ClientError as error:
        if _code(error) == "ParameterNotFound":
            return [Row(RED, account, region, "CDK bootstrap", "not bootstrapped", f"cdk bootstrap aws://{account}/{region} (with --trust <deploying account> when another account deploys)")]
        raise
    if version < MIN_BOOTSTRAP_VERSION:
        return [Row(RED, account, region, "CDK bootstrap", f"version {version} < {MIN_BOOTSTRAP_VERSION}", f"re-run cdk bootstrap aws://{account}/{region}")]
    return [Row(OK, account, region, "CDK bootstrap", f"version {version}")]


def lambda_concurrency(config: BaselineConfig, clients, account: str, region: str) -> list[Row]:
    limit = clients("lambda", account, region).get_account_settings()["AccountLimit"]
    total, unreserved = limit["ConcurrentExecutions"], limit.get("UnreservedConcurrentExecutions", limit["ConcurrentExecutions"])
    reservation = config.functions.reserved_concurrency
    if reservation and unreserved - 4 * reservation < MIN_UNRESERVED:
        return [
            Row(
                RED,
                account,
                region,
                "Lambda concurrency",
                f"quota {total}, unreserved {unreserved}: reserving {reservation} per function would go below {MIN_UNRESERVED}",
                "remove dpp.functions.reservedConcurrency, or ask for a higher 'Concurrent executions' quota (Service Quotas)",
            )
        ]
    return [Row(OK if total > 10 else INFO, account, region, "Lambda concurrency", f"quota {total}" + (" (new-account quota: fine without reservations)" if total <= 10 else ""))]


def existing_detection(config: BaselineConfig, clients, account: str, region: str) -> list[Row]:
    """CloudFormation cannot create a second detector, hub, recorder or delivery channel."""
    rows = []
    monitored = {a.account_id for a in config.monitored_accounts}
    if account not in monitored:
        return rows
    if config.features.guardduty:
        detectors = clients("guardduty", account, region).list_detectors()["DetectorIds"]
        rows.append(
            Row(RED, account, region, "GuardDuty detector", f"already exists ({detectors[0]})", "import it into the detection stack (cdk import) or set dpp.features.guardDuty false")
            if detectors
            else Row(OK, account, region, "GuardDuty detector", "none yet")
        )
    if config.features.security_hub:
        try:
            clients("securityhub", account, region).describe_hub()
            rows.append(Row(RED, account, region, "Security Hub", "already enabled", "import the hub (cdk import) or set dpp.features.securityHub false"))
        except ClientError as error:
            if _code(error) not in ("InvalidAccessException", "ResourceNotFoundException"):
                raise
            rows.append(Row(OK, account, region, "Security Hub", "not enabled yet"))
    if config.features.config_recorder:
        what = existing_config_setup(clients("config", account, region))
        if what:
            rows.append(Row(RED, account, region, "AWS Config", f"already has {what}", "delete them (Config allows one of each per region) or set dpp.features.configRecorder false"))
        else:
            rows.append(Row(OK, account, region, "AWS Config", "no recorder or channel yet"))
    return rows


def opt_in_region(config: BaselineConfig, clients, account: str, region: str) -> list[Row]:
    status = opt_in_status(clients("ec2", account, region), region)
    if status == "not-opted-in":
        return [Row(RED, account, region, "Region enabled", "opt-in region not enabled", f"enable {region} for account {account} (Account > AWS Regions)")]
    return [Row(OK, account, region, "Region enabled", status)]


def home_checks(config: BaselineConfig, clients) -> list[Row]:
    """Roles and secrets the templates name but do not create."""
    names = archive_names(config)
    rows = []
    iam = clients("iam", names.account, config.home_region)
    for arn in [names.role_arn(config.archive.break_glass_role_name), *config.archive.reader_principals]:
        account = arn.split(":")[4]
        client = iam if account == names.account else clients("iam", account, config.home_region)
        name = arn.rsplit("/", 1)[-1]
        try:
            (client.get_role(RoleName=name) if ":role/" in arn else client.get_user(UserName=name))
            rows.append(Row(OK, account, "global", "Principal exists", arn))
        except ClientError as error:
            if _code(error) != "NoSuchEntity":
                raise
            rows.append(Row(RED, account, "global", "Principal exists", f"{arn} is missing (trust policies refuse unknown principals)", "create it before deploying the log archive"))
    webhooks = [t for t in config.notification_targets if t.is_webhook] if config.features.chat_relay else []
    for account in (a.account_id for a in config.monitored_accounts):
        for target in webhooks:
            try:
                clients("secretsmanager", account, config.home_region).describe_secret(SecretId=target.secret_name)
                rows.append(Row(OK, account, config.home_region, "Relay secret", target.secret_name))
            except ClientError as error:
                if _code(error) != "ResourceNotFoundException":
                    raise
                rows.append(
                    Row(
                        RED,
                        account,
                        config.home_region,
                        "Relay secret",
                        f"{target.secret_name} missing",
                        f"create it in {config.home_region}: aws secretsmanager create-secret --name {target.secret_name} --secret-string <webhook URL>",
                    )
                )
    return rows


def organization_checks(config: BaselineConfig, clients) -> list[Row]:
    if not config.org_mode:
        return []
    management = config.management_account.account_id
    organizations = clients("organizations", management, config.home_region)
    rows = []
    enabled = {s["ServicePrincipal"] for s in organizations.list_aws_service_access_for_organization()["EnabledServicePrincipals"]}
    for service in ("cloudtrail.amazonaws.com", "securityhub.amazonaws.com", "guardduty.amazonaws.com", "config.amazonaws.com"):
        rows.append(
            Row(
                OK if service in enabled else INFO,
                management,
                "global",
                "Trusted access",
                f"{service} {'enabled' if service in enabled else 'not yet (the org-admin and account-baseline stacks enable it)'}",
            )
        )
    security = config.security_account.account_id
    # Config's organization rules take a delegated administrator of config-multiaccountsetup too
    # (the org-admin stack registers both, capabilities.organization.delegation).
    for service in ("guardduty.amazonaws.com", "securityhub.amazonaws.com", *CONFIG_SERVICES):
        admins = [a["Id"] for a in organizations.list_delegated_administrators(ServicePrincipal=service)["DelegatedAdministrators"]]
        if admins and security not in admins:
            rows.append(Row(RED, management, "global", "Delegated administrator", f"{service}: {admins[0]} already", f"deregister it, or make {admins[0]} the security account in dpp.accounts"))
        else:
            rows.append(Row(OK, management, "global", "Delegated administrator", f"{service}: {'the security account' if admins else 'none yet'}"))
    return rows


PER_PLACE = (bootstrap, lambda_concurrency, existing_detection, opt_in_region)


def run(config: BaselineConfig, clients, member_clients=None) -> list[Row]:
    """Every check; ``member_clients`` (organization mode) reach the member accounts."""
    rows: list[Row] = []
    unreachable: set[str] = set()
    for account, region in places(config):
        if account in unreachable:
            continue
        for check in PER_PLACE:
            try:
                rows += check(config, clients, account, region)
            except AccountUnreachable as error:
                unreachable.add(account)
                rows.append(Row(RED, account, region, "Account reachable", f"cannot assume CDK's lookup role ({error})", f"cdk bootstrap aws://{account}/{region} --trust <deploying account>"))
                break
            except (ClientError, BotoCoreError) as error:
                rows.append(Row(RED, account, region, check.__name__.replace("_", " "), f"could not read: {_code(error)}", "run with credentials that can read this account (ReadOnlyAccess)"))

    def member_accounts_checks(config: BaselineConfig, clients) -> list[Row]:  # its name titles a failed check's row
        return member_checks(config, clients, member_clients) if member_clients is not None else []

    for check in (home_checks, organization_checks, member_accounts_checks):
        try:
            rows += check(config, clients)
        except AccountUnreachable as error:
            rows.append(Row(RED, "-", "-", check.__name__.replace("_", " "), f"cannot assume CDK's lookup role ({error})", "bootstrap with --trust <deploying account>"))
        except (ClientError, BotoCoreError) as error:
            rows.append(Row(RED, "-", "-", check.__name__.replace("_", " "), f"could not read: {_code(error)}", "run with credentials that can read this account (ReadOnlyAccess)"))
    return rows
