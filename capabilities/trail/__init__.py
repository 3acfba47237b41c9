"""The account trail (DPP-LOG-1/2/7, DPP-PRT-2, DPP-MON-1)."""

from capabilities.trail.account_trail import AccountTrail, event_selectors

__all__ = ["AccountTrail", "event_selectors"]
