"""The IMPOC registered with AWS as the account's security contact (DPP-IR-1)."""

from capabilities.contacts.security_contact import SecurityContact

__all__ = ["SecurityContact"]
