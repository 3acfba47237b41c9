"""Security Hub: one place that aggregates findings, with standards (DPP-LOG-6)."""

from __future__ import annotations

from aws_cdk import aws_securityhub as securityhub
from constructs import Construct

_STANDARD_PATHS = {
    "aws-foundational-security-best-practices": "standards/aws-foundational-security-best-practices/v/1.0.0",
    "cis-aws-foundations-benchmark-v3.0": "standards/cis-aws-foundations-benchmark/v/3.0.0",
    "nist-800-53-r5": "standards/nist-800-53/v/5.0.0",
    "pci-dss-v3.2.1": "standards/pci-dss/v/3.2.1",
    "pci-dss-v4.0.1": "standards/pci-dss/v/4.0.1",
}


def standard_arn(name: str, region: str) -> str:
    return f"arn:aws:securityhub:{region}::{_STANDARD_PATHS[name]}"


class FindingsHub(Construct):
    """Security Hub with consolidated control findings and the configured standards; in the
    home region, a finding aggregator that links the other covered regions."""

    def __init__(self, scope: Construct, id: str, *, region: str, standards: tuple[str, ...], linked_regions: list[str]) -> None:
        super().__init__(scope, id)
        self.hub = securityhub.CfnHub(
            self,
            "Hub",
            enable_default_standards=False,  # exactly the configured ones, below
            control_finding_generator="SECURITY_CONTROL",
            auto_enable_controls=True,
        )
        for name in standards:
            standard = securityhub.CfnStandard(self, f"Standard-{name}", standards_arn=standard_arn(name, region))
            standard.add_dependency(self.hub)
        if linked_regions:
            aggregator = securityhub.CfnFindingAggregator(self, "Aggregator", region_linking_mode="SPECIFIED_REGIONS", regions=linked_regions)
            aggregator.add_dependency(self.hub)
