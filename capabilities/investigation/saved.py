"""The saved investigations as deployed: Athena named queries in the workgroup (log-archive
account) and Logs Insights query definitions on the trail's log group (where the trail's
group lives) (DPP-ANA-2, DPP-IR-2)."""

from __future__ import annotations

from aws_cdk import aws_athena as athena
from aws_cdk import aws_logs as logs
from constructs import Construct

from capabilities.investigation.queries import PARAMETERS, Investigation, query_name


def _construct_id(query_id: str) -> str:
    return "".join(ch for ch in query_id.title() if ch.isalnum())


def parameter_text(names: tuple[str, ...]) -> str:
    return ", ".join(f"{i}. {n}: {PARAMETERS[n]}" for i, n in enumerate(names, 1))


class SavedAthenaQueries(Construct):
    def __init__(self, scope: Construct, id: str, *, prefix: str, database: str, workgroup: athena.CfnWorkGroup, investigations: list[Investigation]) -> None:
        super().__init__(scope, id)
        seen: set[str] = set()
        for investigation in investigations:
            for query in investigation.queries:
                if query.id in seen:
                    continue
                seen.add(query.id)
                description = f"{investigation.subject}: {query.title}. Execution parameters, in order: {parameter_text(query.parameters)}"
                named = athena.CfnNamedQuery(
                    self,
                    _construct_id(query.id),
                    name=query_name(prefix, query),
                    database=database,
                    work_group=workgroup.name,
                    description=description[:1024],
                    query_string=query.athena_sql,
                )
                named.add_dependency(workgroup)


class SavedInsightsQueries(Construct):
    def __init__(self, scope: Construct, id: str, *, prefix: str, log_group_name: str, investigations: list[Investigation]) -> None:
        super().__init__(scope, id)
        seen: set[str] = set()
        for investigation in investigations:
            for query in investigation.queries:
                if query.insights is None or query.id in seen:
                    continue
                seen.add(query.id)
                logs.CfnQueryDefinition(
                    self,
                    _construct_id(query.id),
                    name=query_name(prefix, query),
                    query_string=query.insights,
                    log_group_names=[log_group_name],
                )
