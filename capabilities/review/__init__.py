"""The twice-weekly review digest (DPP-MON-7)."""

from capabilities.review.review_digest import ReviewDigest

__all__ = ["ReviewDigest"]
