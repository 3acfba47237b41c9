"""One alarm per chat target, on the relay's per-target ``TargetFailures`` metric, so a broken
target (missing or unreadable secret, rejected webhook) is named in the alarm (issue 16.5,
DPP-MON-5, DPP-MON-6). Declared with the other relay monitors in ``capabilities.alarms.dpp``."""

from __future__ import annotations

from capabilities.alarms.spec import AlarmSpec, MetricRef
from configuration.model import BaselineConfig, Severity

SERVICE = "dpp-chat-relay"  # the relay's ``service`` metric dimension (lambdas/chat_relay/relay/telemetry.py)


def relay_metrics_namespace(config: BaselineConfig) -> str:
    return f"DPP/{config.stage}/Relay"


def alarm_id(target_name: str) -> str:
    """Target names are lower-case letters, digits and hyphens (dpp.notifications.targets[].name),
    so this is one-to-one and an identifier."""
    return "ChatRelayTarget_" + target_name.replace("-", "_")


def target_alarms(config: BaselineConfig) -> list[AlarmSpec]:
    webhooks = [t for t in config.notification_targets if t.is_webhook]
    return [
        AlarmSpec(
            id=alarm_id(target.name),
            title=f"Chat target {target.name} failing",
            severity=Severity.HIGH,
            requirements=("DPP-MON-5", "DPP-MON-6"),
            metric=MetricRef(relay_metrics_namespace(config), "TargetFailures", (("service", SERVICE), ("Target", target.name))),
            meaning=f"Alerts for the chat target {target.name} were dead-lettered or held back: its webhook secret ({target.secret_name}, home region) is missing, unreadable or holds no URL, or the webhook rejects posts. Other targets are unaffected.",
            investigate=f"Read the dead letters whose target attribute is {target.name} (the reason attribute says why); fix the secret or the webhook; redrive the dead-letter queue to the inbox.",
            home_region_only=False,
        )
        for target in webhooks
    ]
