"""Organization mode: the log-archive account's evidence store watched from the security
account (DPP-PRT-5, DPP-MON-6, DPP-MON-3).

In organization mode the log-archive account gets the member baseline, not the monitored
accounts' topics and routes, so what single-account mode watches on the archive would go
unannounced: the ``ReplicationFailed*`` alarms and the control-change routes that name the
archive's buckets, key, log groups and roles (``ArchiveTampering``, ``KeyDisabledOrDeleted``,
``LogGroupTampering``; ``BaselineRoleTampering`` from us-east-1, where IAM events arrive). Here,
in each of its regions with archive buckets, the replication alarms exist without actions, and
rules send their state changes and those API calls to the
security account's default bus in the home region, where the routes ``ArchiveReplicationFailing``,
``ArchiveEventsForwardingFailed`` and the control-change routes publish them to the topics.

- Cross-account (and cross-region) bus targets: EventBridge sends to an event bus of another
  account, in another region when that is a supported destination; with AWS Organizations "the
  sending event bus must have IAM roles attached to them when sending events to another account"
  (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html). The role
  may ``events:PutEvents`` on that one bus.
- The receiving bus's resource policy admits the forwarding roles only, by
  ``aws:PrincipalArn`` and ``aws:PrincipalOrgID``
  (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-perms.html;
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid).
- CloudWatch sends every alarm state change to EventBridge
  (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html).
- Events keep their source account when forwarded, so the routes match ``account`` too.
"""

from __future__ import annotations

from aws_cdk import aws_events as events
from constructs import Construct

from capabilities.alerting.event_routes import GLOBAL_EVENTS_REGION, archive_forwarding_failed_alarm_name, event_routes, replication_alarm_prefix
from capabilities.alerting.finding_routes import event_pattern
from capabilities.alerting.global_events import BusForwarding
from configuration.model import BaselineConfig

# The control-change routes whose events concern the log-archive account's own resources.
FORWARDED_ROUTES = ("ArchiveTampering", "KeyDisabledOrDeleted", "LogGroupTampering")


# The global route about the archive's roles (reader, replication, Config, break-glass): IAM
# events reach EventBridge in us-east-1 only (capabilities.alerting.event_routes).
FORWARDED_GLOBAL_ROUTES = ("BaselineRoleTampering",)


def archive_watch_regions(config: BaselineConfig) -> list[str]:
    """Where the log-archive account holds archive buckets (home: archive and staging; each
    intake region; the replica's region), and us-east-1, where its IAM events arrive."""
    if not config.org_mode:
        return []
    return list(dict.fromkeys([config.home_region, *config.intake_regions, config.replica_region, GLOBAL_EVENTS_REGION]))


def forwarded_routes(region: str) -> tuple[str, ...]:
    """The routes whose events the log-archive account forwards from ``region``."""
    return FORWARDED_ROUTES + (FORWARDED_GLOBAL_ROUTES if region == GLOBAL_EVENTS_REGION else ())


def forwarder_role_name(prefix: str, region: str) -> str:
    return f"{prefix}-archive-events-forwarder-{region}"


def security_bus_arn(config: BaselineConfig) -> str:
    return f"arn:aws:events:{config.home_region}:{config.security_account.account_id}:event-bus/default"


class ArchiveEventForwarder(Construct):
    """In the log-archive account: a rule per forwarded route and one for the archive's alarm
    state changes, each targeting the security account's home bus through one role, with 24
    hours of retries and a dead-letter queue; an alarm on that queue, forwarded the same way."""

    def __init__(self, scope: Construct, id: str, *, config: BaselineConfig, region: str) -> None:
        super().__init__(scope, id)
        prefix = config.resource_prefix
        forwarding = BusForwarding(
            self,
            bus_arn=security_bus_arn(config),
            purpose="Forwards the archive's alarms and control changes to the security account (DPP-MON-6)",
            policy_description="Put archive events on the security account's home bus only",
            queue_name=f"{prefix}-archive-events-dead-letters",
            role_name=forwarder_role_name(prefix, region),
        )
        self.dead_letters = forwarding.dead_letters
        to_security = forwarding.target
        failed_name = archive_forwarding_failed_alarm_name(prefix)
        self.failed = forwarding.failed_alarm(
            alarm_name=failed_name,
            description=f"Archive events wait in {prefix}-archive-events-dead-letters: they did not reach the security account (announced there as ArchiveEventsForwardingFailed)",
        )
        self.alarm_rule = events.Rule(
            self,
            "AlarmsToSecurity",
            description="Forwards the archive's replication and forwarding alarms to the security account",
            event_pattern=events.EventPattern(
                source=["aws.cloudwatch"],
                detail_type=["CloudWatch Alarm State Change"],
                detail={"alarmName": [{"prefix": replication_alarm_prefix(prefix)}, failed_name]},
            ),
            targets=[to_security()],
        )
        routes = {r.id: r for r in event_routes(config)}
        self.route_rules = {
            route_id: events.Rule(
                self,
                f"{route_id}ToSecurity",
                description=f"Forwards {route_id} events of the log-archive account to the security account"[:512],
                event_pattern=event_pattern(routes[route_id].pattern),
                targets=[to_security()],
            )
            for route_id in forwarded_routes(region)
        }


def admit_archive_events(scope: Construct, config: BaselineConfig) -> events.CfnEventBusPolicy:
    """In the security account's home region: its default bus accepts PutEvents from the
    log-archive account's forwarding roles only, inside the organization."""
    archive = config.log_archive_account.account_id
    return events.CfnEventBusPolicy(
        scope,
        "ArchiveEventsBusPolicy",
        statement_id="LogArchiveAccountForwardsArchiveEvents",
        statement={
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{archive}:root"},
            "Action": "events:PutEvents",
            "Resource": security_bus_arn(config),
            "Condition": {
                "StringEquals": {"aws:PrincipalOrgID": config.organization.organization_id},
                "ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{archive}:role/{forwarder_role_name(config.resource_prefix, '*')}"},
            },
        },
    )
