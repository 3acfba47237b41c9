"""EventBridge rules that send events to the topic of their severity within seconds."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from constructs import Construct

from capabilities.alerting.event_routes import EventRoute
from capabilities.foundation.building_blocks import encrypted_queue
from configuration.model import Severity


def event_pattern(pattern: dict) -> events.EventPattern:
    return events.EventPattern(source=pattern.get("source"), account=pattern.get("account"), detail_type=pattern.get("detail-type"), detail=pattern.get("detail"))


class FindingRoutes(Construct):
    """One rule per ``EventRoute``; EventBridge retries for 24 hours and keeps what it still
    cannot deliver in an encrypted dead-letter queue (nothing lost, DPP-MON-6)."""

    def __init__(self, scope: Construct, id: str, *, routes: list[EventRoute], topics: dict[Severity, sns.ITopic], key_alias: str, dead_letter_queue_name: str) -> None:
        super().__init__(scope, id)
        self.dead_letters = encrypted_queue(self, "DeadLetters", queue_name=dead_letter_queue_name, key=kms.Alias.from_alias_name(self, "MonitoringKey", key_alias))
        self.rules: dict[str, events.Rule] = {}
        # One target per severity, shared by its rules: a target only describes the delivery
        # (SnsTopic.bind keeps no state), and each one built is more calls into jsii.
        max_event_age = Duration.hours(24)
        by_severity: dict[Severity, targets.SnsTopic] = {}
        for route in routes:
            if route.severity not in by_severity:
                by_severity[route.severity] = targets.SnsTopic(
                    topics[route.severity],
                    dead_letter_queue=self.dead_letters,
                    retry_attempts=185,
                    max_event_age=max_event_age,
                )
            self.rules[route.id] = events.Rule(
                self,
                route.id,
                description=f"{route.severity.value}: {route.meaning}"[:512],
                event_pattern=event_pattern(route.pattern),
                targets=[by_severity[route.severity]],
            )
