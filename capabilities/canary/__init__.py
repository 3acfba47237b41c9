"""Canary records: bait that no legitimate process reads, so any access is an alarm
(DPP-MON-2, DPP-MON-4)."""

from capabilities.canary.content import CANARY_KEY, canary_csv
from capabilities.canary.decoy_bucket import DecoyBucket
from capabilities.canary.writer import CanaryWriter

__all__ = ["CANARY_KEY", "CanaryWriter", "DecoyBucket", "canary_csv"]
