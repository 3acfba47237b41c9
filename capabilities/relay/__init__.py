"""The chat relay (DPP-MON-5, DPP-MON-6, DPP-PII-1, DPP-PII-2)."""

from capabilities.relay.chat_relay import ChatRelay

__all__ = ["ChatRelay"]
