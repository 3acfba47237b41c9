"""Typed, validated configuration of the DPP logging baseline.

Everything the stacks need is read from CDK context in one place (``load_config``) and handed
on as a frozen ``BaselineConfig``. Nothing else reads context or the environment.
"""

from configuration.errors import ConfigError
from configuration.loader import CONTEXT_KEY, load_config, config_from_dict
from configuration.model import (
    Account,
    ArchiveSettings,
    BaselineConfig,
    BusinessHours,
    CollectionSettings,
    Features,
    Impoc,
    NotificationTarget,
    Severity,
    TrailSettings,
    VpcRef,
)

__all__ = [
    "Account",
    "ArchiveSettings",
    "BaselineConfig",
    "BusinessHours",
    "CONTEXT_KEY",
    "CollectionSettings",
    "ConfigError",
    "Features",
    "Impoc",
    "NotificationTarget",
    "Severity",
    "TrailSettings",
    "VpcRef",
    "config_from_dict",
    "load_config",
]
