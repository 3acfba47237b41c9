"""The SP-API workload's own log channels at run time (DPP-LOG-8, DPP-PII-1.a, DPP-PII-2):
every log group of the account masked for the configured marketplaces' PII, and streamed into
the WORM archive."""

from capabilities.workload_logs.data_protection import AccountDataProtection, data_protection_document, marketplace_identifiers
from capabilities.workload_logs.log_buckets import WorkloadLogBucket
from capabilities.workload_logs.log_export import AccountLogExport, selection_criteria
from capabilities.workload_logs.log_forwarder import LogForwarder, MemberSources, forwarder_event_pattern, member_bucket_pattern

__all__ = [
    "AccountDataProtection",
    "AccountLogExport",
    "data_protection_document",
    "forwarder_event_pattern",
    "LogForwarder",
    "marketplace_identifiers",
    "member_bucket_pattern",
    "MemberSources",
    "selection_criteria",
    "WorkloadLogBucket",
]
