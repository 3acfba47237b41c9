"""Turns CDK context into a validated ``BaselineConfig``: the only place configuration is read.

Layers, each over the one before:
1. built-in defaults (``configuration.defaults``);
2. the ``dpp`` object in cdk.json context, or, when ``-c dpp:config=FILE`` names a JSON file,
   that file's object instead (a team's own configuration replaces the example wholesale);
3. single settings from the command line: ``-c dpp:retentionDays=400``,
   ``-c dpp:features.macie=true`` (values are read as JSON, else as plain strings).
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any, Mapping

from configuration.defaults import DEFAULTS
from configuration.errors import ConfigError
from configuration.model import (
    ACCOUNT_ROLES,
    MARKETPLACES,
    MIN_RETENTION_DAYS,
    MIN_BYTES_SCANNED_PER_QUERY,
    TARGET_KINDS,
    GUARDDUTY_PROTECTIONS,
    SECURITY_HUB_STANDARDS,
    Account,
    AlarmSettings,
    BackupContact,
    ArchiveSettings,
    InvestigationSettings,
    CanarySettings,
    BaselineConfig,
    BusinessHours,
    CollectionSettings,
    CostSettings,
    CustomAlarm,
    DrillSettings,
    DetectionSettings,
    EscalationContact,
    COLD_STORAGE_CLASSES,
    Features,
    FunctionSettings,
    Impoc,
    MalwareScannedBucket,
    MISSING_DATA,
    NatGatewayRef,
    WORKLOAD_COMPARISONS,
    WORKLOAD_STATISTICS,
    WorkloadMetric,
    RESPONSES,
    ResponseSettings,
    OrganizationSettings,
    NotificationTarget,
    ReviewSettings,
    Severity,
    TrailSettings,
    VpcRef,
    WorkloadSettings,
)
from configuration import aws_rules
from configuration.filter_pattern import PatternError, compile_pattern
from configuration.reader import Section, describe, item_schema
from configuration.schedule import ScheduleError, parse_schedule
from configuration.zones import iana_zones, tzdata_version
from configuration.regions import COMMERCIAL_REGIONS

# The longest retention both stores allow: CloudWatch Logs' longest fixed retention is 3653
# days (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html);
# S3 Object Lock allows up to 100 years.
MAX_RETENTION_DAYS = 3653
CONTEXT_KEY = "dpp"
FILE_KEY = "dpp:config"
_OVERRIDE_PREFIX = "dpp:"

_EMAIL = r"[^@\s]+@[^@\s]+\.[^@\s]+"
_SNAPSHOT_FREQUENCIES = ("One_Hour", "Three_Hours", "Six_Hours", "Twelve_Hours", "TwentyFour_Hours")
_DAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")


def load_config(context: Mapping[str, Any], *, base_dir: Path | None = None) -> BaselineConfig:
    """Builds the configuration from all CDK context (``app.node.get_all_context()``)."""
    if FILE_KEY in context:
        document = _read_file(str(context[FILE_KEY]), base_dir or Path.cwd())
    elif CONTEXT_KEY in context:
        document = context[CONTEXT_KEY]
        if isinstance(document, str):  # `-c dpp=...` on the command line arrives as text
            document = _parse_json(CONTEXT_KEY, document)
    else:
        raise ConfigError(CONTEXT_KEY, "no configuration found in cdk.json context", f"add a '{CONTEXT_KEY}' object to cdk.json or pass -c {FILE_KEY}=FILE")
    if not isinstance(document, dict):
        raise ConfigError(CONTEXT_KEY, f"expected an object, got {describe(document)}", "write the configuration as a JSON object")
    if _depth(document) > MAX_DEPTH:
        raise ConfigError(CONTEXT_KEY, "is nested too deeply", f"keep the configuration under {MAX_DEPTH} levels")
    _finite(CONTEXT_KEY, document)
    merged = _merge(copy.deepcopy(DEFAULTS), document)
    for key, value in context.items():
        if key.startswith(_OVERRIDE_PREFIX) and key != FILE_KEY:
            _override(merged, key[len(_OVERRIDE_PREFIX) :], value)
    return config_from_dict(merged)


def config_from_dict(data: dict[str, Any]) -> BaselineConfig:
    """Validates a complete configuration object (defaults already applied)."""
    root = Section(data, CONTEXT_KEY)
    # Editors read "$schema" (config.schema.json); the baseline does not.
    root.optional_string("$schema")
    stage = root.string("stage", pattern=r"[a-z][a-z0-9]{0,7}", hint="use 1 to 8 lower-case letters or digits, starting with a letter (it is part of bucket names)")
    home_region = _region(root, "homeRegion")
    regions = root.strings("regions", non_empty=True, check=_check_region)
    if home_region not in regions:
        raise ConfigError(root.path("homeRegion"), f"{home_region} is not among dpp.regions {list(regions)}", f"add {home_region} to dpp.regions or pick a home region from that list")
    replica_region = _region(root, "replicaRegion")
    if replica_region == home_region:
        raise ConfigError(root.path("replicaRegion"), f"is the home region {home_region}, but the archive's backup must be geographically separate (DPP-PRT-5)", "choose another region")
    retention_days = root.integer(
        "retentionDays", minimum=MIN_RETENTION_DAYS, why=" days the DPP requires (12 months, DPP-RET-1)", schema={"type": "integer", "minimum": MIN_RETENTION_DAYS, "maximum": MAX_RETENTION_DAYS}
    )
    if retention_days > MAX_RETENTION_DAYS:
        raise ConfigError(
            root.path("retentionDays"),
            f"{retention_days} days is beyond the longest retention CloudWatch Logs offers ({MAX_RETENTION_DAYS} days), so the log groups would expire first",
            f"set at most {MAX_RETENTION_DAYS}",
        )
    accounts = _accounts(root, set(regions))
    organization = _organization(root.section("organization"))
    if not organization.enabled and not any(a.is_workload for a in accounts):
        raise ConfigError(root.path("accounts"), "no account has the role workload, so nothing would be monitored", "give the role workload to the accounts that run your SP-API systems")
    config = BaselineConfig(
        stage=stage,
        home_region=home_region,
        regions=regions,
        replica_region=replica_region,
        accounts=accounts,
        retention_days=retention_days,
        archive=_archive(root.section("archive"), retention_days),
        trail=_trail(root.section("trail")),
        collection=_collection(root.section("collection")),
        detection=_detection(root.section("detection"), accounts, set(regions)),
        alarms=_alarms(root.section("alarms"), accounts, regions, home_region),
        canary=_canary(root.section("canary")),
        review=_review(root.section("review")),
        responses=_responses(root.section("responses")),
        notification_targets=_targets(root.section("notifications")),
        impoc=_impoc(root.section("impoc")),
        business_hours=_business_hours(root.section("businessHours")),
        features=_features(root.section("features")),
        organization=organization,
        functions=_functions(root.section("functions")),
        workload=_workload(root.section("workload")),
        investigation=_investigation(root.section("investigation")),
        drills=_drills(root.section("drills")),
        costs=_costs(root.section("costs")),
    )
    root.done()
    _check_account_roles(config)
    if config.features.security_hub and not config.detection.security_hub_standards:
        raise ConfigError(
            "dpp.detection.securityHubStandards",
            "is empty, so Security Hub would check nothing (DPP-LOG-6)",
            f"enable at least one of: {', '.join(SECURITY_HUB_STANDARDS)}",
        )
    _check_responses(config)
    _check_chat_relay(config)
    _check_unique_addresses(config)
    _check_malware_coverage(config)
    return config


def _check_unique_addresses(config: BaselineConfig) -> None:
    """Each e-mail address is subscribed once per topic: the IMPOC, the backup and the e-mail
    targets must not repeat one (a second subscription of one address is the same one)."""
    seen: dict[str, str] = {}
    listed = [("dpp.impoc.email", config.impoc.email)]
    if config.impoc.backup_email:
        from_object = config.impoc.backup is not None and config.impoc.backup.phone is not None
        listed.append(("dpp.impoc.backup.email" if from_object else "dpp.impoc.backupEmail", config.impoc.backup_email))
    listed += [(f"dpp.notifications.targets[{i}].address", t.address) for i, t in enumerate(config.notification_targets) if t.address]
    for key, address in listed:
        normal = address.lower()
        if normal in seen:
            raise ConfigError(
                key, f"{address} is already subscribed as {seen[normal]}", "give each subscription its own address, or remove the repeat (the IMPOC already receives every critical alert)"
            )
        seen[normal] = key


def _check_chat_relay(config: BaselineConfig) -> None:
    """Webhook targets are reached through the chat relay only; without it they get nothing."""
    if config.features.chat_relay:
        return
    for i, target in enumerate(config.notification_targets):
        if target.is_webhook:
            raise ConfigError(
                "dpp.features.chatRelay",
                f"is false, but dpp.notifications.targets[{i}] ({target.name}, {target.kind}) is delivered by the chat relay, so it would receive nothing",
                "set dpp.features.chatRelay to true, or remove the chat and webhook targets",
            )


def _read_file(name: str, base_dir: Path) -> Any:
    path = Path(name) if Path(name).is_absolute() else base_dir / name
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(FILE_KEY, f"cannot read {path} ({error.strerror})", "give the path of a JSON configuration file") from None
    except UnicodeDecodeError as error:
        raise ConfigError(FILE_KEY, f"{path} is not UTF-8 text (byte {error.start})", "save the file as UTF-8") from None
    return _parse_json(f"{FILE_KEY} ({path})", text)


# Deeper than any configuration needs, well inside Python's recursion limit.
MAX_DEPTH = 20


class _Duplicate(Exception):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise _Duplicate(key)
        seen[key] = value
    return seen


def _no_constant(name: str) -> Any:
    raise ValueError(name)


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(value, dict):
        return max([_depth(v, level + 1) for v in value.values()], default=level + 1)
    if isinstance(value, list):
        return max([_depth(v, level + 1) for v in value], default=level + 1)
    return level


def _parse_json(key: str, text: str) -> Any:
    """Strict JSON: a key twice in one object (the last would silently win), NaN or Infinity
    (the CDK's JavaScript side cannot read them) and absurd nesting are mistakes, reported."""
    try:
        document = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise ConfigError(key, f"is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})", "fix the JSON syntax") from None
    except _Duplicate as error:
        raise ConfigError(key, f"has the key {str(error)!r} twice in one object (the last one would silently win)", "keep one of them") from None
    except ValueError as error:
        raise ConfigError(key, f"contains {error} (not a JSON number)", "write a finite number, or quote it") from None
    except RecursionError:
        raise ConfigError(key, "is nested too deeply", f"keep the configuration under {MAX_DEPTH} levels") from None
    if _depth(document) > MAX_DEPTH:
        raise ConfigError(key, "is nested too deeply", f"keep the configuration under {MAX_DEPTH} levels")
    return document


def _finite(path: str, value: Any) -> None:
    """NaN and infinities reach here from cdk.json, which the CLI reads leniently."""
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        raise ConfigError(path, f"{value} is not a finite number", "write a finite number")
    if isinstance(value, dict):
        for k, v in value.items():
            _finite(f"{path}.{k}", v)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _finite(f"{path}[{i}]", v)


def _merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    """Objects merge key by key; anything else (lists included) replaces."""
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = value
    return base


def _override(merged: dict[str, Any], dotted: str, value: Any) -> None:
    if isinstance(value, str):
        try:
            value = json.loads(value, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
        except (json.JSONDecodeError, _Duplicate, ValueError, RecursionError):
            pass  # a plain string such as a region name
    *parents, leaf = dotted.split(".")
    node = merged
    for i, part in enumerate(parents):
        child = node.get(part)
        if not isinstance(child, dict):
            where = ".".join(parents[: i + 1])
            raise ConfigError(f"{_OVERRIDE_PREFIX}{dotted}", f"'{where}' is not a configuration object", "name an existing setting, e.g. -c dpp:archive.transitionToGlacierDays=180")
        node = child
    node[leaf] = value


@item_schema({"enum": sorted(COMMERCIAL_REGIONS)})
def _check_region(path: str, region: str) -> None:
    if region not in COMMERCIAL_REGIONS:
        raise ConfigError(path, f"{describe(region)} is not a known AWS region", "use a commercial-partition region code such as eu-west-1 or us-east-1")


def _region(section: Section, key: str) -> str:
    return section.string(key, check=_check_region)


def _accounts(root: Section, regions: set[str]) -> tuple[Account, ...]:
    accounts: list[Account] = []
    seen: dict[str, str] = {}
    for path, item in root.items("accounts", non_empty=True):
        section = Section(item, path)
        raw_id = section.raw("id")
        if isinstance(raw_id, int) and not isinstance(raw_id, bool):
            raise ConfigError(f"{path}.id", f"{raw_id} is a number; JSON numbers drop leading zeros", 'quote the 12-digit account ID, e.g. "012345678901"')
        account_id = section.string("id", pattern=r"\d{12}", hint='use the account\'s 12-digit ID, quoted, e.g. "111122223333"')
        if account_id in seen:
            raise ConfigError(f"{path}.id", f"account {account_id} is already listed at {seen[account_id]}", "list each account once and give it all its roles there")
        seen[account_id] = path
        name = section.string("name", account_id, pattern=r"[A-Za-z0-9][A-Za-z0-9-]{0,31}", hint="use up to 32 letters, digits or hyphens")
        roles = section.strings("roles", non_empty=True, choices=ACCOUNT_ROLES)
        vpcs = []
        listed: dict[str, str] = {}
        for vpc_path, vpc_item in section.items("vpcs", []):
            vpc = Section(vpc_item, vpc_path)
            vpc_id = vpc.string("id", pattern=r"vpc-[0-9a-f]{8}([0-9a-f]{9})?", hint="use the VPC ID as shown by the console, e.g. vpc-0123456789abcdef0")
            vpc_region = _region(vpc, "region")
            if vpc_region not in regions:
                raise ConfigError(f"{vpc_path}.region", f"{vpc_region} is not among dpp.regions", f"add {vpc_region} to dpp.regions so the VPC's region is covered")
            vpc.done()
            if vpc_id in listed:
                raise ConfigError(f"{vpc_path}.id", f"{vpc_id} is already listed at {listed[vpc_id]}", "list each VPC once")
            listed[vpc_id] = vpc_path
            vpcs.append(VpcRef(vpc_id=vpc_id, region=vpc_region))
        section.done()
        accounts.append(Account(account_id=account_id, name=name, roles=roles, vpcs=tuple(vpcs)))
    archives = [a for a in accounts if a.is_log_archive]
    if len(archives) != 1:
        found = ", ".join(a.account_id for a in archives) or "none"
        raise ConfigError(root.path("accounts"), f"exactly one account must have the role log-archive (found: {found})", "give the role log-archive to the one account that holds the archive")
    return tuple(accounts)


def _organization(section: Section) -> OrganizationSettings:
    enabled = section.boolean("enabled")
    if not enabled:
        settings = OrganizationSettings(enabled=False, organization_id="", member_ous=())
        section.raw("id", None)
        section.raw("memberOrganizationalUnits", None)
        section.raw("memberAccessRoleName", None)
        section.done()
        return settings
    settings = OrganizationSettings(
        enabled=True,
        organization_id=section.string("id", pattern=r"o-[a-z0-9]{10,32}", hint='use the organization ID, e.g. "o-a1b2c3d4e5" (aws organizations describe-organization)'),
        member_ous=section.strings("memberOrganizationalUnits", non_empty=True, check=_check_ou),
        member_access_role=section.string("memberAccessRoleName", pattern=aws_rules.IAM_NAME, hint="use an IAM role name (not an ARN) that exists in every member and trusts the management account"),
    )
    section.done()
    return settings


_OU = r"ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32}"


@item_schema({"x-python-pattern": _OU})
def _check_ou(path: str, value: str) -> None:
    if not re.fullmatch(_OU, value, flags=re.ASCII):
        raise ConfigError(path, f"{describe(value)} is not an OU or root ID", 'use IDs such as "ou-ab12-cd34ef56" or the root "r-ab12"')


def _check_account_roles(config: BaselineConfig) -> None:
    """Single-account mode needs workload accounts; organization mode needs exactly one
    management, one security and one log-archive account, each a different account."""
    accounts = config.accounts
    management = [a for a in accounts if a.is_management]
    security = [a for a in accounts if a.is_security]
    if not config.org_mode:
        for account in management + security:
            role = "management" if account.is_management else "security"
            index = accounts.index(account)
            raise ConfigError(
                f"dpp.accounts[{index}].roles",
                f"the role {role} exists only in organization mode",
                "set dpp.organization.enabled to true (with its id and memberOrganizationalUnits), or remove the role",
            )
        return
    for role, found in (("management", management), ("security", security)):
        if len(found) != 1:
            listed = ", ".join(a.account_id for a in found) or "none"
            raise ConfigError("dpp.accounts", f"organization mode needs exactly one account with the role {role} (found: {listed})", f"give the role {role} to exactly one account")
    for index, account in enumerate(accounts):
        special = [r for r in ("management", "security", "log-archive") if r in account.roles]
        if len(special) > 1:
            raise ConfigError(
                f"dpp.accounts[{index}].roles",
                f"{account.account_id} has the roles {' and '.join(special)}; in organization mode each needs its own account (the logs must sit apart from who administers them, DPP-PRT-4)",
                "use a separate account for each of management, security and log-archive",
            )
        if account.is_workload:
            raise ConfigError(
                f"dpp.accounts[{index}].roles",
                "in organization mode workload accounts are the members of dpp.organization.memberOrganizationalUnits, not listed here",
                "remove the role workload and put the account in one of those OUs",
            )
    if config.features.automated_responses:
        raise ConfigError(
            "dpp.features.automatedResponses",
            "automated responses act inside one account and are not deployed to organization members",
            "set it to false in organization mode (findings from every member still reach the security account's topics)",
        )


def _check_choice(path: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ConfigError(path, f"{describe(value)} is not one of {', '.join(choices)}", f"use one of: {', '.join(choices)}")


def _archive(section: Section, retention_days: int) -> ArchiveSettings:
    to_ia = section.integer("transitionToInfrequentAccessDays", minimum=30, why=" (S3 moves objects to Standard-IA after 30 days at the earliest)")
    to_glacier = section.integer("transitionToGlacierDays", minimum=to_ia + 30, why=f" (30 days after the Standard-IA transition at day {to_ia})", schema={"type": "integer", "minimum": 60})
    settings = ArchiveSettings(
        transition_to_infrequent_access_days=to_ia,
        transition_to_glacier_days=to_glacier,
        break_glass_role_name=section.string("breakGlassRoleName", pattern=aws_rules.IAM_NAME, hint="use an IAM role name (not an ARN): up to 64 ASCII letters, digits and +=,.@_-"),
        replication_time_control=section.boolean("replicationTimeControl"),
        reader_principals=section.strings("readerPrincipals", check=_check_principal_arn),
        reader_requires_mfa=section.boolean("readerRequiresMfa"),
        cold_storage_class=section.choice("coldStorageClass", COLD_STORAGE_CLASSES),
        reader_vpc_endpoints=section.strings("readerVpcEndpoints", check=_check_vpc_endpoint),
    )
    section.done()
    return settings


_VPC_ENDPOINT = r"vpce-[0-9a-f]{8}([0-9a-f]{9})?"


@item_schema({"x-python-pattern": _VPC_ENDPOINT})
def _check_vpc_endpoint(path: str, value: str) -> None:
    """A VPC endpoint ID as EC2 writes it (``vpce-`` and 8 or 17 hex digits), the value S3
    compares with ``aws:SourceVpce``."""
    if not re.fullmatch(_VPC_ENDPOINT, value, flags=re.ASCII):
        raise ConfigError(path, f"{describe(value)} is not a VPC endpoint ID", "give the ID of an S3 gateway or interface endpoint, e.g. vpce-0123456789abcdef0 (not its DNS name or ARN)")


_PRINCIPAL_ARN = r"arn:aws:iam::[0-9]{12}:(role|user)/[A-Za-z0-9+=,.@_/-]{1,512}"


@item_schema({"x-python-pattern": _PRINCIPAL_ARN})
def _check_principal_arn(path: str, value: str) -> None:
    """An IAM role or user ARN (trust policies name principals by ARN)."""
    if not re.fullmatch(_PRINCIPAL_ARN, value, flags=re.ASCII):
        raise ConfigError(path, f"{describe(value)} is not an IAM role or user ARN", "give an ARN such as arn:aws:iam::111122223333:role/SecurityInvestigator")


def _positive_number(section: Section, key: str, default: Any, hint: str) -> float | None:
    value = section.raw(key, default, schema={"type": "number", "exclusiveMinimum": 0})
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ConfigError(section.path(key), f"{describe(value)} is not a positive number", hint)
    return float(value)


def _costs(section: Section) -> CostSettings:
    monitor = section.optional_string(
        "anomalyMonitorArn",
        pattern=r"arn:aws:ce::\d{12}:anomalymonitor/[0-9a-f-]{36}",
        hint="give the ARN of an existing Cost Anomaly Detection monitor (arn:aws:ce::<account>:anomalymonitor/<id>), or remove the key to create one",
    )
    percents = []
    listed = section.raw("budgetAlertPercents", schema={"type": "array", "items": {"type": "number", "exclusiveMinimum": 0, "maximum": 1000}, "maxItems": 9, "uniqueItems": True})
    if not isinstance(listed, list):
        raise ConfigError(section.path("budgetAlertPercents"), f"expected a list, got {describe(listed)}", "write it as a JSON list of percentages, e.g. [80, 100]")
    for path, item in ((f"{section.path('budgetAlertPercents')}[{i}]", item) for i, item in enumerate(listed)):
        if isinstance(item, bool) or not isinstance(item, (int, float)) or not 0 < item <= 1000:
            raise ConfigError(path, f"{describe(item)} is not a percentage of the budget", "give a number above 0 and at most 1000, e.g. 80")
        percents.append(float(item))
    if len(percents) > 9:
        # A budget has at most ten notifications, one of them the forecast
        # (https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_Notification.html).
        raise ConfigError(section.path("budgetAlertPercents"), f"lists {len(percents)} percentages; a budget takes at most ten notifications and one is the forecast", "list at most 9")
    if len(set(percents)) != len(percents):
        raise ConfigError(section.path("budgetAlertPercents"), "lists a percentage twice", "list each percentage once")
    settings = CostSettings(
        anomaly_detection=section.boolean("anomalyDetection"),
        anomaly_monitor_arn=monitor,
        anomaly_threshold_usd=_positive_number(section, "anomalyThresholdUsd", 100, "give the total impact in US dollars that should notify, e.g. 100") or 100.0,
        monthly_budget_usd=_positive_number(section, "monthlyBudgetUsd", None, "give the monthly budget in US dollars, e.g. 500, or remove the key for no budget"),
        budget_alert_percents=tuple(sorted(percents)),
    )
    section.done()
    return settings


def _functions(section: Section) -> FunctionSettings:
    value = section.optional_integer("reservedConcurrency", minimum=1, why=" (remove the key for no reservation, the default)")
    settings = FunctionSettings(reserved_concurrency=value)
    section.done()
    return settings


def _investigation(section: Section) -> InvestigationSettings:
    cutoff = section.integer("maxBytesScannedPerQuery", minimum=MIN_BYTES_SCANNED_PER_QUERY, why=" bytes, Athena's smallest per-query limit (10 MB)")
    settings = InvestigationSettings(max_bytes_scanned_per_query=cutoff)
    section.done()
    return settings


def _trail(section: Section) -> TrailSettings:
    validation = section.boolean("logFileValidation")
    if not validation:
        raise ConfigError(section.path("logFileValidation"), "false would let trail logs be altered undetected (DPP-PRT-2 requires digest files)", "remove the key or set it to true")
    settings = TrailSettings(
        log_file_validation=validation,
        data_events=section.boolean("dataEvents"),
        insights=section.boolean("insights"),
        sensitive_buckets=section.strings("sensitiveBuckets", check=_check_bucket),
        data_event_tables=section.strings("dataEventTables", check=_check_table_arn),
        data_event_functions=section.strings("dataEventFunctions", check=_check_function_arn),
    )
    # CloudTrail allows 500 values across a trail's advanced selectors
    # (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html);
    # a function takes two (its ARN and its qualified ARNs), the baseline's own selectors about 20.
    used = len(settings.sensitive_buckets) + len(settings.data_event_tables) + 2 * len(settings.data_event_functions)
    if used > 450:
        raise ConfigError(
            section.path("dataEventFunctions"),
            f"the trail's data event lists need {used} selector values, beyond what CloudTrail allows next to the baseline's own (500 in all)",
            "list fewer tables, functions or buckets (one Lambda function counts twice)",
        )
    section.done()
    return settings


def _check_table_arn(path: str, value: str) -> None:
    # Data events are selected by resources.ARN; a bare name or a pattern would select nothing.
    if not re.fullmatch(r"arn:aws:dynamodb:[a-z0-9-]+:\d{12}:table/[A-Za-z0-9_.-]{3,255}", value, flags=re.ASCII):
        raise ConfigError(path, f"{describe(value)} is not a DynamoDB table ARN", "give arn:aws:dynamodb:<region>:<account>:table/<name>")


def _check_function_arn(path: str, value: str) -> None:
    if not re.fullmatch(r"arn:aws:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}", value, flags=re.ASCII):
        raise ConfigError(path, f"{describe(value)} is not a Lambda function ARN", "give arn:aws:lambda:<region>:<account>:function:<name> (no version or alias: every invocation is logged)")


def _workload(section: Section) -> WorkloadSettings:
    settings = WorkloadSettings(
        marketplaces=section.strings("marketplaces", check=_check_marketplace),
        mask_log_data=section.boolean("maskLogData"),
        export_log_groups=section.boolean("exportLogGroups"),
        log_buckets=section.boolean("logBuckets"),
    )
    section.done()
    return settings


def _check_marketplace(path: str, value: str) -> None:
    if value not in MARKETPLACES:
        hint = "write UK for the United Kingdom" if value == "GB" else f"use one of: {', '.join(MARKETPLACES)}"
        raise ConfigError(path, f"{describe(value)} is not an Amazon marketplace country code", hint)


@item_schema(
    {
        "x-python-pattern": aws_rules.BUCKET_NAME,
        "not": {
            "anyOf": [
                {"pattern": r"\.\."},
                {"pattern": r"^[0-9]{1,3}(\.[0-9]{1,3}){3}$"},
                *({"pattern": "^" + p.replace(".", r"\.")} for p in aws_rules.BUCKET_RESERVED_PREFIXES),
                *({"pattern": s.replace(".", r"\.") + "$"} for s in aws_rules.BUCKET_RESERVED_SUFFIXES),
            ]
        },
    }
)
def _check_bucket(path: str, name: str) -> None:
    problem = aws_rules.bucket_name_problem(name)
    if problem:
        raise ConfigError(
            path,
            f"{describe(name)} is not an S3 bucket name: it {problem}",
            "give the bucket's name as S3 allows it (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html), not an ARN or URL",
        )


def _collection(section: Section) -> CollectionSettings:
    aggregation = section.integer("flowLogAggregationSeconds")
    if aggregation not in (60, 600):
        raise ConfigError(section.path("flowLogAggregationSeconds"), f"{aggregation} is not supported by VPC Flow Logs", "use 60 or 600")
    settings = CollectionSettings(
        config_snapshot_frequency=section.choice("configSnapshotFrequency", _SNAPSHOT_FREQUENCIES),
        flow_log_aggregation_seconds=aggregation,
        flow_logs_to_cloudwatch=section.boolean("flowLogsToCloudWatch"),
    )
    section.done()
    return settings


def _detection(section: Section, accounts: tuple[Account, ...], regions: set[str]) -> DetectionSettings:
    protections = section.section("guardDutyProtections")
    enabled = tuple(name for name in GUARDDUTY_PROTECTIONS if protections.boolean(name))
    protections.done()
    severities = tuple(s.value for s in Severity)
    settings = DetectionSettings(
        guardduty_protections=enabled,
        security_hub_standards=section.strings("securityHubStandards", choices=SECURITY_HUB_STANDARDS),
        guardduty_min_severity=Severity(section.choice("guardDutyMinSeverity", severities)),
        security_hub_min_severity=Severity(section.choice("securityHubMinSeverity", severities)),
        malware_scanned_buckets=tuple(_scanned_bucket(path, item, accounts, regions) for path, item in section.items("malwareScannedBuckets")),
    )
    names = [b.name for b in settings.malware_scanned_buckets]
    for i, name in enumerate(names):
        if name in names[:i]:
            raise ConfigError(f"dpp.detection.malwareScannedBuckets[{i}].name", f"{name} is listed twice", "list each bucket once (one plan per bucket)")
    section.done()
    return settings


def _scanned_bucket(path: str, item: Any, accounts: tuple[Account, ...], regions: set[str]) -> MalwareScannedBucket:
    if not any(a.is_workload for a in accounts):
        raise ConfigError(
            path,
            "malware protection plans are created in the bucket's own account, and organization mode lists no workload accounts",
            "leave dpp.detection.malwareScannedBuckets empty and create the plans in the member accounts (README, organization mode)",
        )
    section = Section(item, path)
    name = section.string("name", check=_check_bucket)
    workloads = [a.account_id for a in accounts if a.is_workload]
    if len(workloads) == 1:
        account = section.string("account", workloads[0])
    else:
        account = section.string("account", pattern=r"\d{12}", hint='name the workload account that owns the bucket, e.g. "111122223333"')
    if account not in workloads:
        raise ConfigError(section.path("account"), f"{account} is not a workload account", f"use one of {', '.join(workloads)} (the plan is created in the bucket's own account)")
    region = _region(section, "region")
    if region not in regions:
        raise ConfigError(section.path("region"), f"{region} is not among dpp.regions", f"add {region} to dpp.regions (the plan is created in the bucket's region)")
    key = section.optional_string(
        "kmsKeyArn",
        pattern=rf"arn:aws:kms:{region}:{account}:key/[0-9a-f-]{{36}}|arn:aws:kms:{region}:{account}:key/mrk-[0-9a-f]{{32}}",
        hint=f"give the ARN of the bucket's SSE-KMS key in {region} of account {account} (a key ARN, not an alias), or leave the key out for SSE-S3 buckets",
        schema={"type": "string", "x-python-pattern": r"arn:aws:kms:[a-z0-9-]+:\d{12}:key/([0-9a-f-]{36}|mrk-[0-9a-f]{32})"},
    )
    prefixes = section.strings("prefixes", [], check=_check_prefix)
    if len(prefixes) > 5:
        raise ConfigError(section.path("prefixes"), f"has {len(prefixes)} prefixes; a malware protection plan takes at most 5", "scan the whole bucket (no prefixes) or list 5 or fewer")
    section.done()
    return MalwareScannedBucket(name=name, account=account, region=region, kms_key_arn=key, prefixes=prefixes)


@item_schema({"minLength": 1, "maxLength": aws_rules.MAX_KEY_BYTES})
def _check_prefix(path: str, value: str) -> None:
    if value == "":
        raise ConfigError(path, "is empty, which names no prefix", "remove it (no prefixes: the whole bucket is scanned) or give a key prefix such as uploads/")
    if len(value.encode("utf-8")) > aws_rules.MAX_KEY_BYTES:
        raise ConfigError(path, f"is {len(value.encode('utf-8'))} bytes; an S3 key, and so a prefix, is at most {aws_rules.MAX_KEY_BYTES} bytes of UTF-8", "shorten the prefix")


def _check_malware_coverage(config: BaselineConfig) -> None:
    """With Malware Protection for S3 on, every sensitive bucket must be scanned: the trail's
    sensitive buckets hold Amazon Information, where uploaded malware would do most harm."""
    if not config.features.guardduty or "s3MalwareProtection" not in config.detection.guardduty_protections or config.org_mode:
        return
    scanned = {b.name for b in config.detection.malware_scanned_buckets}
    for i, name in enumerate(config.trail.sensitive_buckets):
        if name not in scanned:
            raise ConfigError(
                f"dpp.trail.sensitiveBuckets[{i}]",
                f"{name} is not in dpp.detection.malwareScannedBuckets, so uploads to it are not scanned for malware",
                f'add {{"name": "{name}", "region": "<its region>"}} to dpp.detection.malwareScannedBuckets, or set dpp.detection.guardDutyProtections.s3MalwareProtection to false',
            )


def _alarms(section: Section, accounts: tuple[Account, ...], regions: tuple[str, ...], home_region: str) -> AlarmSettings:
    # keys are alarm IDs, checked against the catalogue later
    thresholds = section.positive_numbers("thresholds", fix="give the count that should fire the alarm, e.g. 5")
    custom = []
    ids: set[str] = set()
    for path, item in section.items("custom"):
        spec = Section(item, path)
        alarm_id = spec.string("id", pattern=r"[A-Za-z][A-Za-z0-9]{2,63}", hint="use 3-64 letters and digits, starting with a letter")
        if alarm_id in ids:
            raise ConfigError(f"{path}.id", f"{alarm_id!r} is used twice", "give every custom alarm its own id")
        ids.add(alarm_id)
        pattern = _filter_pattern(spec, "filterPattern")
        custom.append(
            CustomAlarm(
                id=alarm_id,
                title=spec.string("title"),
                severity=Severity(spec.choice("severity", tuple(s.value for s in Severity))),
                filter_pattern=pattern,
                threshold=float(spec.integer("threshold", 1, minimum=1)),
                period_minutes=spec.integer("periodMinutes", 5, minimum=1, maximum=aws_rules.MAX_ALARM_PERIOD_MINUTES, why=" (CloudWatch evaluates an alarm over at most 7 days)"),
                meaning=spec.string("meaning"),
                investigate=spec.string("investigate"),
            )
        )
        spec.done()
    privileged = section.strings("privilegedRoles", check=_check_role_pattern)
    if len(privileged) > MAX_PRIVILEGED_ROLES:
        raise ConfigError(
            section.path("privilegedRoles"),
            f"lists {len(privileged)} roles; a metric filter pattern holds at most {MAX_PRIVILEGED_ROLES} of them (1,024 characters)",
            "use * patterns to cover several roles in one entry",
        )
    transfer_bytes = section.integer("largeTransferBytes", minimum=1, why=" byte")
    transfer_minutes = section.integer("largeTransferPeriodMinutes", minimum=1, why=" minute")
    if transfer_minutes > MAX_ALARM_MINUTES:
        raise ConfigError(
            section.path("largeTransferPeriodMinutes"), f"{transfer_minutes} minutes is longer than a day, the longest span a CloudWatch alarm evaluates", f"use at most {MAX_ALARM_MINUTES}"
        )
    nat_gateways = tuple(_nat_gateway(path, item, accounts, regions, transfer_bytes) for path, item in section.items("natGateways"))
    ids_seen = [n.nat_gateway_id for n in nat_gateways]
    for i, nat in enumerate(ids_seen):
        if nat in ids_seen[:i]:
            raise ConfigError(f"dpp.alarms.natGateways[{i}].id", f"{nat} is listed twice", "list each NAT gateway once")
    workload: list[WorkloadMetric] = []
    for path, item in section.items("workloadMetrics"):
        metric = _workload_metric(path, item, accounts, regions, home_region)
        if metric.id in ids or metric.id in {w.id for w in workload}:
            raise ConfigError(f"{path}.id", f"{metric.id!r} is used by another custom or workload alarm", "give every alarm its own id")
        workload.append(metric)
    settings = AlarmSettings(
        disabled=section.strings("disabled"),
        thresholds=thresholds,
        custom=tuple(custom),
        privileged_roles=privileged,
        large_transfer_bytes=transfer_bytes,
        large_transfer_period_minutes=transfer_minutes,
        nat_gateways=nat_gateways,
        workload_metrics=tuple(workload),
    )
    section.done()
    return settings


def _filter_pattern(spec: Section, key: str) -> str:
    """A CloudWatch Logs JSON filter pattern that the service would accept
    (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html),
    checked with the parser the tests evaluate metric filters with."""
    example = 'e.g. { $.eventName = "DeleteBucket" }'
    pattern = spec.string(key, pattern=r"\{.*\}", hint=f"give a CloudWatch Logs JSON filter pattern in braces, {example}")
    if len(pattern) > aws_rules.MAX_FILTER_PATTERN:
        raise ConfigError(spec.path(key), f"is {len(pattern)} characters; CloudWatch Logs takes at most {aws_rules.MAX_FILTER_PATTERN}", "shorten the pattern or split it into two alarms")
    try:
        compile_pattern(pattern)
    except PatternError as error:
        raise ConfigError(spec.path(key), f"is not a CloudWatch Logs JSON filter pattern ({error})", f"write selector, operator and value, {example}") from None
    return pattern


# A CloudWatch alarm evaluates at most one day (period x evaluation periods <= 86,400 seconds,
# https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html).
MAX_ALARM_MINUTES = 24 * 60


def _account_and_region(section: Section, accounts: tuple[Account, ...], regions: tuple[str, ...], default_region: str | None) -> tuple[str, str]:
    """Where a workload resource lives: one of the workload accounts (defaulted when there is
    one) and a covered region."""
    workloads = [a.account_id for a in accounts if a.is_workload]
    if not workloads:
        raise ConfigError(
            section.path("account"),
            "organization mode lists no workload accounts, and these alarms are placed in the resource's own account",
            "leave the list empty in organization mode and alarm in the member accounts",
        )
    account = section.string("account", workloads[0]) if len(workloads) == 1 else section.string("account", pattern=r"\d{12}", hint="name the workload account that owns the resource")
    if account not in workloads:
        raise ConfigError(section.path("account"), f"{account} is not a workload account", f"use one of {', '.join(workloads)}")
    region = section.string("region", default_region) if default_region else section.string("region")
    if region not in regions:
        raise ConfigError(section.path("region"), f"{describe(region)} is not among dpp.regions", "give the covered region where the resource publishes its metrics")
    return account, region


def _nat_gateway(path: str, item: Any, accounts: tuple[Account, ...], regions: tuple[str, ...], default_bytes: int) -> NatGatewayRef:
    section = Section(item, path)
    nat_id = section.string("id", pattern=r"nat-[0-9a-f]{8,17}", hint='give the NAT gateway ID, e.g. "nat-0123456789abcdef0"')
    account, region = _account_and_region(section, accounts, regions, None)
    ref = NatGatewayRef(nat_gateway_id=nat_id, account=account, region=region, bytes=section.integer("bytes", default_bytes, minimum=1, why=" byte"))
    section.done()
    return ref


def _workload_metric(path: str, item: Any, accounts: tuple[Account, ...], regions: tuple[str, ...], home_region: str) -> WorkloadMetric:
    section = Section(item, path)
    alarm_id = section.string("id", pattern=r"[A-Za-z][A-Za-z0-9]{2,63}", hint="use 3-64 letters and digits, starting with a letter, e.g. OrdersApi5xx")
    namespace = section.string("namespace", pattern=r"[^:\s][^:]{0,254}", hint='give the CloudWatch namespace, e.g. "AWS/ApplicationELB" (no colons)')
    metric_name = section.string("metricName", pattern=r"\S.{0,254}", hint='give the metric name, e.g. "HTTPCode_Target_5XX_Count"')
    # An open map: the metric's own dimension names (a CloudWatch metric has at most 30).
    listed = section.raw("dimensions", {}, schema={"type": "object", "maxProperties": 30, "additionalProperties": {"type": "string", "minLength": 1, "maxLength": 1024}})
    if not isinstance(listed, dict):
        raise ConfigError(section.path("dimensions"), f"expected an object, got {describe(listed)}", 'write the dimensions as {"LoadBalancer": "app/orders-api/0123456789abcdef"}')
    dimensions = []
    for name, value in listed.items():
        where = f"{section.path('dimensions')}.{name}"
        if not isinstance(value, str):
            raise ConfigError(where, f"expected a string, got {describe(value)}", "quote the value")
        if not re.fullmatch(r"[^:\s][^:]{0,254}", name, flags=re.ASCII) or not re.fullmatch(r"\S.{0,1023}", value, flags=re.ASCII):
            raise ConfigError(where, f"{describe(value)} is not valid", "give the dimension's name and value as CloudWatch shows them (no colon in the name)")
        dimensions.append((name, value))
    if len(dimensions) > 30:
        raise ConfigError(section.path("dimensions"), f"has {len(dimensions)} dimensions; a metric has at most 30", "name the metric's own dimensions")
    statistic = section.string("statistic", "Average")
    if statistic not in WORKLOAD_STATISTICS:
        raise ConfigError(section.path("statistic"), f"{describe(statistic)} is not a supported statistic", f"use one of: {', '.join(WORKLOAD_STATISTICS)}")
    threshold = section.raw("threshold", schema={"type": "number"})
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)):
        raise ConfigError(section.path("threshold"), f"expected a number, got {describe(threshold)}", "write the value at which the alarm fires, e.g. 5")
    comparison = section.choice("comparison", tuple(WORKLOAD_COMPARISONS), ">=")
    period = section.integer("periodMinutes", 5, minimum=1, why=" minute")
    evaluations = section.integer("evaluationPeriods", 1, minimum=1)
    if period * evaluations > MAX_ALARM_MINUTES:
        raise ConfigError(
            section.path("evaluationPeriods"),
            f"{evaluations} periods of {period} minutes span more than a day, the longest a CloudWatch alarm evaluates",
            "shorten the period or evaluate fewer periods",
        )
    account, region = _account_and_region(section, accounts, regions, home_region)
    metric = WorkloadMetric(
        id=alarm_id,
        title=section.string("title", f"{namespace} {metric_name} {comparison} {threshold:g}"),
        namespace=namespace,
        metric_name=metric_name,
        dimensions=tuple(dimensions),
        statistic=statistic,
        threshold=float(threshold),
        comparison=WORKLOAD_COMPARISONS[comparison],
        period_minutes=period,
        evaluation_periods=evaluations,
        severity=Severity(section.choice("severity", tuple(s.value for s in Severity), Severity.HIGH.value)),
        missing_data=section.choice("treatMissingData", MISSING_DATA, "missing"),
        account=account,
        region=region,
    )
    section.done()
    return metric


# A metric filter pattern is at most 1,024 characters
# (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutMetricFilter.html).
MAX_PRIVILEGED_ROLES = 8


_ROLE_PATTERN = r"(?=.*[^*])[A-Za-z0-9+=,.@_*-]{1,64}"


@item_schema({"x-python-pattern": _ROLE_PATTERN})
def _check_role_pattern(path: str, value: str) -> None:
    if not re.fullmatch(_ROLE_PATTERN, value, flags=re.ASCII):
        raise ConfigError(path, f"{describe(value)} is not an IAM role name or name pattern", "give a role name such as PlatformAdmin, or a pattern such as AWSReservedSSO_AdministratorAccess_*")


def _responses(section: Section) -> ResponseSettings:
    enabled = tuple(name for name in RESPONSES if section.boolean(name))
    min_severity = Severity(section.choice("minSeverity", ("critical", "high")))
    cidrs = section.strings("trustedCidrs", check=_check_cidr)
    settings = ResponseSettings(
        enabled=enabled,
        dry_run=section.boolean("dryRun"),
        min_severity=min_severity,
        excluded_role_names=section.strings("excludedRoleNames", check=_check_iam_name),
        excluded_user_names=section.strings("excludedUserNames", check=_check_iam_name),
        protected_instance_tag=_tag_key(section, "protectedInstanceTag"),
        trusted_cidrs=cidrs,
        ip_block_hours=section.integer("ipBlockHours", minimum=1, why=" hour (blocks expire so that a reused address is not blocked forever)"),
        web_acl_arns=section.strings("webAclArns", check=_check_web_acl_arn),
        network_acl_vpc_arns=section.strings("networkAclVpcArns", check=_check_vpc_arn),
    )
    if settings.ip_block_hours > 720:
        raise ConfigError(section.path("ipBlockHours"), f"{settings.ip_block_hours} hours is over 30 days", "use 720 or fewer; a longer block belongs in your WAF rules by hand")
    section.done()
    return settings


def _check_cidr(path: str, value: str) -> None:
    problem = aws_rules.trusted_cidr_problem(value)
    if problem:
        widest = aws_rules.MIN_TRUSTED_PREFIX
        raise ConfigError(path, f"{describe(value)} {problem}", f'write address/length with host bits zero, at most /{widest[4]} (IPv4) or /{widest[6]} (IPv6) wide, e.g. "203.0.113.0/24"')


def _tag_key(section: Section, key: str) -> str:
    value = section.string(key, pattern=aws_rules.TAG_KEY, hint="use a tag key of up to 128 letters, digits, spaces and _.:/=+@-")
    if value.lower().startswith(aws_rules.RESERVED_TAG_PREFIX):
        raise ConfigError(
            section.path(key), f"{describe(value)} starts with aws:, which AWS reserves: no instance can carry it, so none would be protected", 'use a key of your own, e.g. "dpp:protected"'
        )
    return value


_WEB_ACL_ARN = r"arn:aws:wafv2:[a-z0-9-]+:\d{12}:regional/webacl/[\w-]{1,128}/[0-9a-f-]{36}"
_VPC_ARN = r"arn:aws:ec2:[a-z0-9-]+:\d{12}:vpc/vpc-[0-9a-f]{8,17}"


@item_schema({"x-python-pattern": _WEB_ACL_ARN})
def _check_web_acl_arn(path: str, value: str) -> None:
    # A regional web ACL can reference only an IP set of its own region (the responder's).
    if not re.fullmatch(_WEB_ACL_ARN, value, flags=re.ASCII):
        raise ConfigError(
            path, f"{describe(value)} is not a regional WAF web ACL ARN", "give arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id> (CloudFront web ACLs cannot use a regional IP set)"
        )


@item_schema({"x-python-pattern": _VPC_ARN})
def _check_vpc_arn(path: str, value: str) -> None:
    if not re.fullmatch(_VPC_ARN, value, flags=re.ASCII):
        raise ConfigError(path, f"{describe(value)} is not a VPC ARN", "give arn:aws:ec2:<region>:<account>:vpc/vpc-<id>, so each account and region blocks in its own VPCs")


@item_schema({"x-python-pattern": aws_rules.IAM_NAME})
def _check_iam_name(path: str, value: str) -> None:
    if not aws_rules.is_iam_name(value):
        raise ConfigError(path, f"{describe(value)} is not an IAM name", "give the role or user name (not an ARN): up to 64 ASCII letters, digits and +=,.@_-")


def _check_responses(config: BaselineConfig) -> None:
    """Responses are opt-in twice over (the feature and each response) and need the
    capabilities whose events they react to."""
    responses = config.responses
    if not config.features.automated_responses:
        if responses.enabled:
            raise ConfigError(
                f"dpp.responses.{responses.enabled[0]}",
                "is on but dpp.features.automatedResponses is false, so nothing would respond",
                "set dpp.features.automatedResponses to true, or switch the response off",
            )
        return
    if not responses.enabled:
        raise ConfigError(
            "dpp.features.automatedResponses",
            "is true but no response is switched on",
            f"switch on at least one of dpp.responses.{{{', '.join(RESPONSES)}}}",
        )
    for name in ("disableCredentials", "blockHostileIps", "isolateInstances"):
        if responses.on(name) and not config.features.guardduty:
            raise ConfigError(f"dpp.responses.{name}", "reacts to GuardDuty findings, but dpp.features.guardDuty is false", "switch GuardDuty on or this response off")
    places = [("dpp.responses.webAclArns", a) for a in responses.web_acl_arns] + [("dpp.responses.networkAclVpcArns", a) for a in responses.network_acl_vpc_arns]
    for key, arn in places:
        region, account = arn.split(":")[3], arn.split(":")[4]
        if region not in config.regions or account not in {a.account_id for a in config.workload_accounts}:
            raise ConfigError(key, f"{arn} is in {account}/{region}, which this baseline does not cover", "list web ACLs and VPCs of the workload accounts and covered regions only")
    if responses.on("blockHostileIps") and not responses.dry_run and not places:
        raise ConfigError(
            "dpp.responses.blockHostileIps",
            "acts (dryRun false) but no web ACL or VPC is configured, so a blocked address would be blocked nowhere",
            "list web ACLs in dpp.responses.webAclArns and/or VPCs in dpp.responses.networkAclVpcArns, or keep dryRun true",
        )
    if responses.on("notifyFailedSignIns") and not config.features.alarms:
        raise ConfigError("dpp.responses.notifyFailedSignIns", "reacts to the FailedConsoleSignInsBurst alarm, but dpp.features.alarms is false", "switch alarms on or this response off")
    if responses.on("notifyFailedSignIns") and "FailedConsoleSignInsBurst" in config.alarms.disabled:
        raise ConfigError("dpp.responses.notifyFailedSignIns", "reacts to the FailedConsoleSignInsBurst alarm, which dpp.alarms.disabled switches off", "enable that alarm or switch this response off")


def _review(section: Section) -> ReviewSettings:
    """DPP-MON-7: the review runs at least twice in every week, and each run covers the whole
    time since the one before."""
    key = "schedule"
    schedule = section.string(
        key,
        pattern=r"(cron|rate)\(.+\)",
        hint='use an EventBridge schedule expression, e.g. "cron(0 8 ? * MON,THU *)" (twice a week, the DPP minimum)',
    )
    try:
        parsed = parse_schedule(schedule)
    except ScheduleError as error:
        raise ConfigError(
            section.path(key),
            f"{describe(schedule)} is not an EventBridge schedule expression: {error}",
            'see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html; e.g. "cron(0 8 ? * MON,THU *)"',
        ) from None
    if parsed.ends:
        raise ConfigError(section.path(key), f"{describe(schedule)} names years, so the review would stop one day", "use * for the year")
    if parsed.min_firings_per_week < 2:
        raise ConfigError(
            section.path(key),
            f"{describe(schedule)} runs {parsed.min_firings_per_week} time(s) in some weeks; the DPP asks for a review at least twice a week (DPP-MON-7)",
            'run it at least twice in every week, e.g. "cron(0 8 ? * MON,THU *)"',
        )
    gap_hours = -(-parsed.max_gap_minutes // 60)
    period_hours = section.integer("periodHours", minimum=1)
    if period_hours < gap_hours:
        raise ConfigError(
            section.path("periodHours"),
            f"{period_hours} hours is shorter than the {gap_hours} hours between two runs of {schedule}, so events in between would never be reviewed",
            f"set {gap_hours} or more",
        )
    settings = ReviewSettings(schedule=schedule, period_hours=period_hours)
    section.done()
    return settings


def _drills(section: Section) -> DrillSettings:
    schedule = section.string(
        "schedule",
        pattern=r"(cron|rate)\(.+\)",
        hint='use an EventBridge schedule expression, e.g. "cron(0 9 ? * WED *)" (weekly)',
    )
    try:
        parsed = parse_schedule(schedule)
    except ScheduleError as error:
        raise ConfigError(
            section.path("schedule"),
            f"{describe(schedule)} is not an EventBridge schedule expression: {error}",
            'see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html; e.g. "cron(0 9 ? * WED *)"',
        ) from None
    if parsed.ends:
        raise ConfigError(section.path("schedule"), f"{describe(schedule)} names years, so the drills would stop one day", "use * for the year")
    if parsed.min_firings_per_week < 1:
        raise ConfigError(
            section.path("schedule"), f"{describe(schedule)} skips whole weeks; alert paths are drilled at least weekly (DPP-MON-8)", 'run it at least once a week, e.g. "cron(0 9 ? * WED *)"'
        )
    settings = DrillSettings(enabled=section.boolean("enabled"), schedule=schedule)
    section.done()
    return settings


def _canary(section: Section) -> CanarySettings:
    key = "bucketNamePattern"
    pattern = section.string(key)
    if "{account}" not in pattern or "{region}" not in pattern:
        raise ConfigError(section.path(key), f"{describe(pattern)} lacks {{account}} or {{region}}", "include both so each account and region gets its own, globally unique, bucket name")
    try:
        longest = pattern.format(account="111122223333", region="ap-southeast-2")
    except (KeyError, IndexError, ValueError):
        raise ConfigError(section.path(key), f"{describe(pattern)} has a placeholder other than {{account}} and {{region}}", "use only {account} and {region}") from None
    _check_bucket(section.path(key), longest)
    settings = CanarySettings(enabled=section.boolean("enabled"), bucket_name_pattern=pattern)
    section.done()
    return settings


def _targets(section: Section) -> tuple[NotificationTarget, ...]:
    targets: list[NotificationTarget] = []
    names: set[str] = set()
    for path, item in section.items("targets", non_empty=True):
        target = Section(item, path)
        name = target.string("name", pattern=r"[a-z0-9][a-z0-9-]{0,39}", hint="use up to 40 lower-case letters, digits or hyphens")
        if name in names:
            raise ConfigError(f"{path}.name", f"{name!r} is used by another target", "give every target its own name")
        names.add(name)
        kind = target.choice("kind", TARGET_KINDS)
        severity = Severity(target.choice("minSeverity", tuple(s.value for s in Severity), Severity.HIGH.value))
        secret_name = address = phone = None
        if kind == "email":
            address = target.string("address", pattern=_EMAIL, hint="use an e-mail address such as secops@example.com")
        elif kind == "sms":
            # SNS SMS takes E.164 numbers: + and up to 15 digits, no spaces
            # (https://docs.aws.amazon.com/sns/latest/dg/sms_sending-overview.html).
            phone = target.string("phone", pattern=r"\+[1-9][0-9]{6,14}", hint="use E.164 format without spaces, e.g. +447700900123")
        else:
            secret_name = _secret_name(target, kind)
        targets.append(
            NotificationTarget(
                name=name,
                kind=kind,
                min_severity=severity,
                secret_name=secret_name,
                address=address,
                redact_pii=target.boolean("redactPii", True),
                phone=phone,
            )
        )
        target.done()
    section.done()
    return tuple(targets)


def _secret_name(target: Section, kind: str) -> str:
    key = "secretName"
    value = target.raw(key)  # required: a webhook target without a secret cannot deliver
    if isinstance(value, str) and aws_rules.looks_like_url(value):
        raise ConfigError(
            target.path(key),
            "looks like a URL, but webhook URLs are credentials and must not sit in configuration or templates (DPP-PRT-3)",
            f'store the URL in an AWS Secrets Manager secret and give its name here, e.g. "dpp/{kind}/secops"',
        )
    # PagerDuty integration keys are 32 letters and digits, Opsgenie API keys UUIDs: a key, not a name.
    if kind in ("pagerduty", "opsgenie") and isinstance(value, str) and re.fullmatch(r"[A-Za-z0-9]{32}|[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}", value):
        raise ConfigError(
            target.path(key),
            f"looks like a {kind} key, but keys are credentials and must not sit in configuration or templates (DPP-PRT-3)",
            f'store the key in an AWS Secrets Manager secret and give its name here, e.g. "dpp/{kind}/impoc"',
        )
    return target.string(key, pattern=r"[A-Za-z0-9/_+=.@-]{1,512}", hint="use a Secrets Manager secret name (letters, digits and /_+=.@-)")


def _impoc(section: Section) -> Impoc:
    """The IMPOC becomes each account's security alternate contact, so its fields keep to
    PutAlternateContact's limits (``aws_rules.CONTACT_*``)."""
    backup_email = section.optional_string("backupEmail", pattern=_EMAIL, hint="use an e-mail address")
    backup = None
    if section.raw("backup", None) is not None:
        if backup_email is not None:
            raise ConfigError(section.path("backupEmail"), "is given beside dpp.impoc.backup, which replaces it", "remove backupEmail and keep its address as dpp.impoc.backup.email")
        contact = section.section("backup")
        backup = BackupContact(
            name=contact.string("name", pattern=r".*\S.*", hint="name the person who stands in for the IMPOC"),
            email=contact.string("email", pattern=_EMAIL, hint="use an e-mail address that is watched when the IMPOC is away"),
            phone=contact.string("phone", pattern=r"\+[1-9][0-9 ]{6,18}", hint="use international format, e.g. +44 20 7946 0001"),
        )
        contact.done()
        backup_email = backup.email
    elif backup_email is not None:
        backup = BackupContact(name="Backup", email=backup_email)
    impoc = Impoc(
        name=section.string(
            "name", pattern=rf"(?=.*\S).{{1,{aws_rules.CONTACT_NAME_MAX}}}", hint=f"name the person or team in at most {aws_rules.CONTACT_NAME_MAX} characters (an account's alternate contact)"
        ),
        email=section.string(
            "email",
            pattern=rf"(?=.{{1,{aws_rules.CONTACT_EMAIL_MAX}}}$){aws_rules.CONTACT_EMAIL}",
            hint="use an e-mail address that is watched 24/7 (letters, digits and _+=.#|!&- before the @, as alternate contacts allow)",
        ),
        phone=section.string("phone", pattern=r"\+[1-9][0-9 ]{6,18}", hint="use international format, e.g. +44 20 7946 0000"),
        title=section.string(
            "title",
            "Incident Management Point of Contact",
            pattern=rf"(?=.*\S).{{1,{aws_rules.CONTACT_TITLE_MAX}}}",
            hint=f"use at most {aws_rules.CONTACT_TITLE_MAX} characters (an account's alternate contact)",
        ),
        backup_email=backup_email,
        escalation=tuple(_escalation_contact(path, item) for path, item in section.items("escalation", [])),
        backup=backup,
        amazon_security_contact=section.string(
            "amazonSecurityContact",
            "security@amazon.com",
            pattern=_EMAIL,
            hint="use the e-mail address your agreement with Amazon names for security incidents",
        ),
    )
    section.done()
    return impoc


def _escalation_contact(path: str, item: Any) -> EscalationContact:
    section = Section(item, path)
    contact = EscalationContact(
        name=section.string("name", pattern=r".*\S.*", hint="name the person"),
        role=section.string("role", pattern=r".*\S.*", hint="say what they are, e.g. Head of engineering"),
        email=section.string("email", pattern=_EMAIL, hint="use an e-mail address"),
        phone=section.string("phone", pattern=r"\+[1-9][0-9 ]{6,18}", hint="use international format, e.g. +44 20 7946 0000"),
    )
    section.done()
    return contact


def _business_hours(section: Section) -> BusinessHours:
    clock = r"([01][0-9]|2[0-3]):[0-5][0-9]"
    start = section.string("start", pattern=clock, hint="use 24-hour HH:MM, e.g. 08:00")
    end = section.string("end", pattern=clock, hint="use 24-hour HH:MM, e.g. 18:00")
    if end <= start:
        raise ConfigError(section.path("end"), f"{end} is not after start {start}", "give an end time later than the start time on the same day")
    zone = section.string("timeZone", check=_check_zone)
    hours = BusinessHours(start=start, end=end, time_zone=zone, days=section.strings("days", non_empty=True, choices=_DAYS))
    section.done()
    return hours


@item_schema({"enum": sorted(iana_zones())})
def _check_zone(path: str, zone: str) -> None:
    if zone not in iana_zones():
        raise ConfigError(path, f"{describe(zone)} is not an IANA time zone (tzdata {tzdata_version()})", "use a place's zone such as UTC, Europe/Berlin or America/New_York")


def _features(section: Section) -> Features:
    features = Features(
        flow_logs=section.boolean("flowLogs"),
        dns_query_logs=section.boolean("dnsQueryLogs"),
        config_recorder=section.boolean("configRecorder"),
        guardduty=section.boolean("guardDuty"),
        security_hub=section.boolean("securityHub"),
        macie=section.boolean("macie"),
        alarms=section.boolean("alarms"),
        chat_relay=section.boolean("chatRelay"),
        automated_responses=section.boolean("automatedResponses"),
    )
    section.done()
    return features
