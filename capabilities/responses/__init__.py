"""Automated responses to high and critical findings, opt-in (DPP-IR-3)."""

from capabilities.responses.ledger import ResponseLedger
from capabilities.responses.responder import AutomatedResponder

__all__ = ["AutomatedResponder", "ResponseLedger"]
