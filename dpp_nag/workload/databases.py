"""RDS and Aurora export their audit and error logs to CloudWatch Logs, with auditing switched
on in the engine (DPP-LOG-8, DPP-LOG-2).

Log types per engine (``EnableCloudwatchLogsExports``):
https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_LogAccess.Procedural.UploadtoCloudWatch.html,
https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/publishing_cloudwatchlogs.html and
the CreateDBInstance/CreateDBCluster API references (valid values per engine:
https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html). Aurora
instances take exports from their cluster (the API reference: "This setting doesn't apply to
Amazon Aurora"), so a cluster member is not applicable here and its cluster is checked.

Audit sources, which the export alone does not switch on:
  PostgreSQL / Aurora PostgreSQL: ``shared_preload_libraries`` includes ``pgaudit`` and
    ``pgaudit.log`` names classes to log
    (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.PostgreSQL.CommonDBATasks.pgaudit.html);
    ``CREATE EXTENSION pgaudit`` is a database step no template shows.
  MySQL / MariaDB: an option group with ``MARIADB_AUDIT_PLUGIN``
    (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.MySQL.Options.AuditPlugin.html,
    https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.MariaDB.Options.AuditPlugin.html).
  Aurora MySQL: cluster parameter ``server_audit_logging`` = 1
    (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Auditing.html).
"""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnResource

from dpp_nag.framework import DppRule, RuleContext, Undecided, is_intrinsic
from dpp_nag.workload.common import references

INSTANCE = "AWS::RDS::DBInstance"
CLUSTER = "AWS::RDS::DBCluster"

# engine family -> the log types that carry audit and error records
REQUIRED_EXPORTS: dict[str, frozenset[str]] = {
    "postgres": frozenset({"postgresql"}),
    "aurora-postgresql": frozenset({"postgresql"}),
    "mysql": frozenset({"audit", "error"}),
    "mariadb": frozenset({"audit", "error"}),
    "aurora-mysql": frozenset({"audit", "error"}),
    "oracle": frozenset({"audit", "alert"}),
    "sqlserver": frozenset({"error", "agent"}),  # SQL Server Audit writes to S3, not CloudWatch Logs
    "db2": frozenset({"diag.log", "notify.log"}),
}


def engine_family(engine: str) -> str | None:
    engine = engine.lower()
    if engine == "aurora":
        return "aurora-mysql"  # MySQL 5.6-compatible Aurora, the engine name "aurora"
    for family in sorted(REQUIRED_EXPORTS, key=len, reverse=True):
        if engine == family or engine.startswith(family + "-"):
            return family
    return None


def _member_of_cluster(node: CfnResource, props: dict[str, Any]) -> bool:
    return node.cfn_resource_type == INSTANCE and (props.get("dbClusterIdentifier") is not None or str(props.get("engine", "")).startswith("aurora"))


def _engine(props: dict[str, Any]) -> str | Undecided:
    engine = props.get("engine")
    if not isinstance(engine, str):
        return Undecided("the engine is a token")
    family = engine_family(engine)
    if family is None:
        return Undecided(f"engine {engine!r} is not in the pack's table of log types")
    return family


def _exports(node: CfnResource, props: dict[str, Any], ctx: RuleContext) -> bool | None | Undecided:
    if _member_of_cluster(node, props):
        return None
    family = _engine(props)
    if isinstance(family, Undecided):
        return family
    exports = props.get("enableCloudwatchLogsExports")
    if is_intrinsic(exports) or any(is_intrinsic(e) for e in exports or []):
        return Undecided("EnableCloudwatchLogsExports is a token")
    return REQUIRED_EXPORTS[family] <= set(exports or [])


def _group(props: dict[str, Any], key: str, group_type: str, ctx: RuleContext) -> dict[str, Any] | None | Undecided:
    """The resolved properties of the parameter or option group the database names; None if it
    names none (the engine's default group, which audits nothing)."""
    value = props.get(key)
    if value is None:
        return None
    for group in ctx.stack_resources(group_type):
        if references(value, ctx, group):
            return ctx.props(group)
    return Undecided(f"{key} names a group outside this stack ({value if isinstance(value, str) else 'a token'})")


def _libraries(parameters: dict[str, Any]) -> set[str]:
    value = parameters.get("shared_preload_libraries") or ""
    return {v.strip() for v in value.split(",")} if isinstance(value, str) else set()


def _audit_source(node: CfnResource, props: dict[str, Any], ctx: RuleContext) -> bool | None | Undecided:
    if _member_of_cluster(node, props):
        return None
    family = _engine(props)
    if isinstance(family, Undecided):
        return family
    cluster = node.cfn_resource_type == CLUSTER
    if family in ("postgres", "aurora-postgresql"):
        group = _group(props, "dbClusterParameterGroupName" if cluster else "dbParameterGroupName", "AWS::RDS::DBClusterParameterGroup" if cluster else "AWS::RDS::DBParameterGroup", ctx)
        if not isinstance(group, dict):
            return group or False  # no group: the default, which audits nothing
        parameters = group.get("parameters") or {}
        if is_intrinsic(parameters):
            return Undecided("the parameter group's Parameters are a token")
        log_classes = str(parameters.get("pgaudit.log", "none")).strip().lower()
        return "pgaudit" in _libraries(parameters) and log_classes not in ("", "none")
    if family in ("mysql", "mariadb") and not cluster:
        group = _group(props, "optionGroupName", "AWS::RDS::OptionGroup", ctx)
        if not isinstance(group, dict):
            return group or False  # no group: the default, which audits nothing
        options = group.get("optionConfigurations") or []
        if is_intrinsic(options):
            return Undecided("the option group's OptionConfigurations are a token")
        return any(isinstance(o, dict) and o.get("optionName") == "MARIADB_AUDIT_PLUGIN" for o in options)
    if family == "aurora-mysql":
        group = _group(props, "dbClusterParameterGroupName", "AWS::RDS::DBClusterParameterGroup", ctx)
        if not isinstance(group, dict):
            return group or False  # no group: the default, which audits nothing
        parameters = group.get("parameters") or {}
        if is_intrinsic(parameters):
            return Undecided("the parameter group's Parameters are a token")
        return str(parameters.get("server_audit_logging", "0")).strip().upper() in ("1", "ON")
    return None  # Oracle, SQL Server, Db2, Multi-AZ MySQL clusters: audit is configured otherwise


RULES = (
    DppRule(
        suffix="DatabaseLogExports",
        requirements=("DPP-LOG-8",),
        info="The RDS instance or Aurora cluster does not export its engine's audit and error logs to CloudWatch Logs (postgres, aurora-postgresql: postgresql; mysql, mariadb, aurora-mysql: audit and error)",
        explanation="Set cloudwatch_logs_exports to the engine's audit and error log types (postgresql; audit and error) and cloudwatch_logs_retention to at least 365 days, or give the exported log groups that retention.",
        resource_types=(INSTANCE, CLUSTER),
        check=_exports,
    ),
    DppRule(
        suffix="DatabaseAuditEnabled",
        requirements=("DPP-LOG-8", "DPP-LOG-2"),
        info="The database's engine auditing is off (PostgreSQL: pgaudit in shared_preload_libraries and pgaudit.log; MySQL/MariaDB: MARIADB_AUDIT_PLUGIN option; Aurora MySQL: server_audit_logging=1)",
        explanation="Give the database a parameter group (or, for RDS MySQL/MariaDB, an option group) that switches auditing on; for PostgreSQL also run CREATE EXTENSION pgaudit once.",
        resource_types=(INSTANCE, CLUSTER),
        check=_audit_source,
    ),
)
