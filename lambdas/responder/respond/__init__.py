"""Automated responses to high and critical findings (DPP-IR-3)."""
