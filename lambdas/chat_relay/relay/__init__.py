"""The chat relay's runtime: parse notifications, redact, render per target, deliver."""
