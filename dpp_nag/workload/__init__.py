"""The DPP workload pack: checks an SP-API application's own CDK app (DPP-LOG-8, DPP-LOG-1.b,
DPP-LOG-2, DPP-RET-1, DPP-PRT-3, DPP-PII-1, DPP-PII-2).

    from aws_cdk import Validations
    from dpp_nag import DppWorkloadPack
    Validations.of(app).add_plugins(DppWorkloadPack(app))
"""

from __future__ import annotations

from dataclasses import replace

from constructs import IConstruct

from dpp_nag.framework import DppRule
from dpp_nag.pack import RulePack
from dpp_nag.workload import (
    api_gateway,
    cdn_waf,
    containers,
    data_events,
    databases,
    functions,
    load_balancers,
    log_groups,
)
from dpp_nag.workload.settings import WorkloadSettings

PACK_NAME = "DPPWorkload"

WORKLOAD_RULES: tuple[DppRule, ...] = tuple(
    replace(rule, pack=PACK_NAME)
    for rule in (
        *load_balancers.RULES,
        *api_gateway.RULES,
        *cdn_waf.RULES,
        *databases.RULES,
        *data_events.RULES,
        *containers.RULES,
        *log_groups.RULES,
        *functions.RULES,
    )
)


class DppWorkloadPack(RulePack):
    """Rules ``DPPWorkload-<Name>`` for the channels through which an SP-API application reaches
    Information: load balancers, API Gateway, CloudFront, WAF, databases, tables and functions,
    containers, log groups. A rule that a token keeps from deciding reports
    ``DPPWorkload-<Name>Undecided`` (warning) instead of passing."""

    def __init__(self, scope: IConstruct | None = None, *, settings: WorkloadSettings | None = None, rules: tuple[DppRule, ...] = WORKLOAD_RULES) -> None:
        super().__init__(scope, pack_name=PACK_NAME, settings=settings or WorkloadSettings(), rules=rules)


__all__ = ["DppWorkloadPack", "WORKLOAD_RULES", "WorkloadSettings"]
