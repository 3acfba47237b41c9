"""Per-(account, region) stateful foundation of monitoring: the monitoring key and the log
groups that hold evidence (DPP-PRT-3, DPP-RET-1, DPP-PII-1)."""

from capabilities.foundation.log_group import PII_IDENTIFIERS, cloudwatch_retention_days, protected_log_group
from capabilities.foundation.monitoring_key import MonitoringKey

__all__ = ["MonitoringKey", "PII_IDENTIFIERS", "cloudwatch_retention_days", "protected_log_group"]
