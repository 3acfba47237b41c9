"""The WORM log archive and its geographically separated replica (DPP-PRT-1..5, DPP-RET-1,
DPP-LOG-7)."""

from capabilities.archive.log_archive import LogArchive
from capabilities.archive.prefixes import LogPrefix
from capabilities.archive.replica import LogArchiveReplica

__all__ = ["LogArchive", "LogArchiveReplica", "LogPrefix"]
