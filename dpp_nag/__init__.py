"""A cdk-nag pack for Amazon's Data Protection Policy (DPP) logging and monitoring controls.

Importable on its own: ``from dpp_nag import DppChecks, PackSettings``.
"""
from dpp_nag.framework import DppRule, PackSettings
from dpp_nag.pack import DppChecks
from dpp_nag.rules import ALL_RULES

__all__ = ["ALL_RULES", "DppChecks", "DppRule", "PackSettings"]
