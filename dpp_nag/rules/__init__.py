"""Every rule of the DPP pack, grouped by service (one module per service)."""
from dpp_nag.rules import kms, s3, stateful

ALL_RULES = (*s3.RULES, *kms.RULES, *stateful.RULES)
