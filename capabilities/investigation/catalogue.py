"""The Glue database and one table per archive prefix, partitions projected (no crawlers, no
partition maintenance: Athena computes each query's partitions from the table's properties,
https://docs.aws.amazon.com/athena/latest/ug/partition-projection.html) (DPP-ANA-1)."""

from __future__ import annotations

from aws_cdk import Aws
from aws_cdk import aws_glue as glue
from constructs import Construct

from capabilities.investigation.tables import TableSpec


def database_name(prefix: str) -> str:
    """Glue names are lower case, letters, digits and underscores."""
    return f"{prefix.replace('-', '_')}_logs"


class ArchiveCatalogue(Construct):
    def __init__(self, scope: Construct, id: str, *, database: str, tables: list[TableSpec]) -> None:
        super().__init__(scope, id)
        self.database = glue.CfnDatabase(
            self,
            "Database",
            catalog_id=Aws.ACCOUNT_ID,
            database_input=glue.CfnDatabase.DatabaseInputProperty(name=database, description="The DPP log archive, searchable in place (DPP-ANA-1)"),
        )
        self.tables: dict[str, glue.CfnTable] = {}
        for spec in tables:
            table = glue.CfnTable(
                self,
                _construct_id(spec.name),
                catalog_id=Aws.ACCOUNT_ID,
                database_name=database,
                table_input=glue.CfnTable.TableInputProperty(
                    name=spec.name,
                    description=spec.description,
                    table_type="EXTERNAL_TABLE",
                    parameters=spec.parameters(),
                    partition_keys=[glue.CfnTable.ColumnProperty(name=k, type="string") for k in spec.partition_keys],
                    storage_descriptor=glue.CfnTable.StorageDescriptorProperty(
                        columns=[glue.CfnTable.ColumnProperty(name=n, type=t) for n, t in spec.columns],
                        location=spec.layout.location,
                        input_format=spec.input_format,
                        output_format=spec.output_format,
                        serde_info=glue.CfnTable.SerdeInfoProperty(serialization_library=spec.serde, parameters=dict(spec.serde_parameters) or None),
                    ),
                ),
            )
            table.add_dependency(self.database)
            self.tables[spec.name] = table


def _construct_id(name: str) -> str:
    return "".join(part.title() for part in name.split("_")) + "Table"
