"""cdk-nag packs for Amazon's Data Protection Policy (DPP) logging and monitoring controls.

Importable on its own (it needs aws-cdk-lib, cdk-nag and constructs, nothing of the baseline):
``from dpp_nag import DppChecks, PackSettings`` for the baseline's controls,
``from dpp_nag import DppWorkloadPack, WorkloadSettings`` for an SP-API application's own app.
"""

from dpp_nag.framework import DppRule, PackSettings, Undecided
from dpp_nag.pack import DppChecks
from dpp_nag.rules import ALL_RULES
from dpp_nag.workload import WORKLOAD_RULES, DppWorkloadPack, WorkloadSettings

__all__ = ["ALL_RULES", "DppChecks", "DppRule", "DppWorkloadPack", "PackSettings", "Undecided", "WORKLOAD_RULES", "WorkloadSettings"]
