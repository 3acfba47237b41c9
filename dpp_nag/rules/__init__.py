"""Every rule of the DPP pack, grouped by service (one module per service)."""

from dpp_nag.rules import alarms, cloudtrail, collection, coverage, detection, kms, lambda_functions, logs, s3, stateful

ALL_RULES = (
    *s3.RULES,
    *kms.RULES,
    *stateful.RULES,
    *cloudtrail.RULES,
    *logs.RULES,
    *collection.RULES,
    *lambda_functions.RULES,
    *detection.RULES,
    *alarms.RULES,
    *coverage.RULES,
)
