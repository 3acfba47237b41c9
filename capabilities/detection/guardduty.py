"""GuardDuty threat detection, and Macie where configured (DPP-LOG-6, DPP-MON-3, DPP-MON-4)."""

from __future__ import annotations

from aws_cdk import aws_guardduty as guardduty
from aws_cdk import aws_macie as macie
from constructs import Construct

# Our configuration names -> GuardDuty's feature names (and their agent-management add-ons).
_FEATURES = {
    "s3DataEvents": ("S3_DATA_EVENTS", ()),
    "eksAuditLogs": ("EKS_AUDIT_LOGS", ()),
    "runtimeMonitoring": ("RUNTIME_MONITORING", ("EKS_ADDON_MANAGEMENT", "ECS_FARGATE_AGENT_MANAGEMENT", "EC2_AGENT_MANAGEMENT")),
    "ebsMalwareProtection": ("EBS_MALWARE_PROTECTION", ()),
    "rdsLoginEvents": ("RDS_LOGIN_EVENTS", ()),
    "lambdaNetworkLogs": ("LAMBDA_NETWORK_LOGS", ()),
}


class ThreatDetection(Construct):
    """A GuardDuty detector publishing findings every 15 minutes with the configured
    protection plans: S3 data events (exfiltration, DPP-MON-4), EKS audit logs, runtime
    monitoring, malware protection for EBS, RDS login events, Lambda network activity.
    Every plan not configured on is explicitly disabled, so the template says what runs."""

    def __init__(self, scope: Construct, id: str, *, protections: tuple[str, ...], macie_enabled: bool) -> None:
        super().__init__(scope, id)
        features = []
        for name, (feature, addons) in _FEATURES.items():
            status = "ENABLED" if name in protections else "DISABLED"
            features.append(
                guardduty.CfnDetector.CFNFeatureConfigurationProperty(
                    name=feature,
                    status=status,
                    additional_configuration=[guardduty.CfnDetector.CFNFeatureAdditionalConfigurationProperty(name=addon, status=status) for addon in addons] or None,
                )
            )
        self.detector = guardduty.CfnDetector(self, "Detector", enable=True, finding_publishing_frequency="FIFTEEN_MINUTES", features=features)
        if macie_enabled:
            # Sensitive-data discovery for Information found beyond its boundaries (DPP-MON-4).
            macie.CfnSession(self, "Macie", status="ENABLED", finding_publishing_frequency="FIFTEEN_MINUTES")


def organization_features(protections: tuple[str, ...]) -> list[dict]:
    """The same plans for every member account (GuardDuty's UpdateOrganizationConfiguration
    format): ALL for each configured plan, NONE for the others."""
    features = []
    for name, (feature, addons) in _FEATURES.items():
        auto_enable = "ALL" if name in protections else "NONE"
        entry: dict = {"Name": feature, "AutoEnable": auto_enable}
        if addons:
            entry["AdditionalConfiguration"] = [{"Name": addon, "AutoEnable": auto_enable} for addon in addons]
        features.append(entry)
    return features
