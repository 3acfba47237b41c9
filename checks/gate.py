"""Registers the five packs on the app; any unacknowledged finding makes synth fail (DPP-VER-1)."""

from __future__ import annotations

from aws_cdk import App, Validations
from cdk_nag import AwsSolutionsChecks, HIPAASecurityChecks, NagPack, NIST80053R5Checks, PCIDSS321Checks

from dataclasses import dataclass

from checks.acknowledgements import AppliedAcknowledgement, apply_acknowledgements
from configuration.model import BaselineConfig
from dpp_nag import DppChecks, PackSettings


def nag_packs(app: App, config: BaselineConfig) -> list[NagPack]:
    return [
        AwsSolutionsChecks(app),
        NIST80053R5Checks(app),
        HIPAASecurityChecks(app),
        PCIDSS321Checks(app),
        DppChecks(
            app,
            settings=PackSettings(
                retention_days=config.retention_days,
                # what the configuration asks for, even with trail.dataEvents off: then the rule fails
                sensitive_buckets=config.trail.sensitive_buckets,
                canary_bucket_pattern=config.canary.bucket_name_pattern if config.canary.enabled else None,
                impoc_email=config.impoc.email,
            ),
        ),
    ]


@dataclass(frozen=True)
class Gate:
    packs: list[NagPack]
    acknowledged: list[AppliedAcknowledgement]


def install_gate(app: App, config: BaselineConfig, acknowledgements=None) -> Gate:
    """Adds the packs and applies the acknowledgements (default: those of the planned stacks);
    call after the stacks exist."""
    packs = nag_packs(app, config)
    Validations.of(app).add_plugins(*packs)
    return Gate(packs=packs, acknowledged=apply_acknowledgements(app, config, acknowledgements))
