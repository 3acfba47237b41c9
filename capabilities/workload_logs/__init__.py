"""The SP-API workload's own log channels at run time (DPP-LOG-8, DPP-PII-1.a, DPP-PII-2):
every log group of the account masked for the configured marketplaces' PII."""
from capabilities.workload_logs.data_protection import AccountDataProtection, data_protection_document, marketplace_identifiers

__all__ = ["AccountDataProtection", "data_protection_document", "marketplace_identifiers"]
