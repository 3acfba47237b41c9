"""Severity topics and the routes that feed them (DPP-MON-3..6, DPP-IR-1, DPP-IR-2)."""

from capabilities.alerting.event_routes import EventRoute, event_routes
from capabilities.alerting.finding_routes import FindingRoutes, event_pattern
from capabilities.alerting.severity_topics import SeverityTopics, review_topic_name, topic_name

__all__ = ["EventRoute", "FindingRoutes", "SeverityTopics", "event_pattern", "event_routes", "review_topic_name", "topic_name"]
