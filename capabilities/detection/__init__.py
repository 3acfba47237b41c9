"""Threat detection and finding aggregation (DPP-LOG-6, DPP-MON-3, DPP-MON-4)."""

from capabilities.detection.export_folder import ExportFolder
from capabilities.detection.findings_export import FindingsExport
from capabilities.detection.guardduty import ThreatDetection
from capabilities.detection.s3_malware import S3MalwareScan
from capabilities.detection.security_hub import FindingsHub, standard_arn

__all__ = ["ExportFolder", "FindingsExport", "FindingsHub", "S3MalwareScan", "ThreatDetection", "standard_arn"]
