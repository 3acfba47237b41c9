"""Investigation: the archive catalogued and searchable in place with Athena, a saved query for
every alarm and route (DPP-ANA-1, DPP-ANA-2, DPP-IR-2)."""

from capabilities.investigation.catalogue import ArchiveCatalogue, database_name
from capabilities.investigation.saved import SavedAthenaQueries, SavedInsightsQueries
from capabilities.investigation.workgroup import InvestigationWorkgroup, workgroup_name

__all__ = ["ArchiveCatalogue", "InvestigationWorkgroup", "SavedAthenaQueries", "SavedInsightsQueries", "database_name", "workgroup_name"]
