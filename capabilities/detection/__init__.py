"""Threat detection and finding aggregation (DPP-LOG-6, DPP-MON-3, DPP-MON-4)."""
from capabilities.detection.guardduty import ThreatDetection
from capabilities.detection.security_hub import FindingsHub, standard_arn

__all__ = ["FindingsHub", "ThreatDetection", "standard_arn"]
