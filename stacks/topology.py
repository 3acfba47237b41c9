"""Configuration in, stacks out: which stack of which kind goes to which (account, region).

Every stack has a deterministic name ``<prefix>-<kind>-<account>-<region>``. Stateful stacks
(keys, buckets) are separate from stateless ones and termination-protected. Stacks share
nothing but physical names derived from configuration (``configuration.naming``), so the
dependencies added here exist only to order deployments, never to pass values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from aws_cdk import App, Aspects, Environment, Stack, Tags

from capabilities.foundation.concurrency import ReserveConcurrency

from capabilities.alerting.archive_watch import archive_watch_regions
from capabilities.alerting.event_routes import GLOBAL_EVENTS_REGION
from configuration.model import BaselineConfig
from stacks.account_baseline_stack import AccountBaselineStack
from stacks.alarms_stack import AlarmsStack
from stacks.archive_watch_stack import ArchiveWatchStack
from stacks.collection_stack import CollectionStack
from stacks.detection_stack import DetectionStack
from stacks.global_events_stack import GlobalEventsStack
from stacks.log_archive_replica_stack import LogArchiveReplicaStack
from stacks.log_archive_stack import LogArchiveStack
from stacks.log_intake_stack import LogIntakeStack
from stacks.monitoring_foundation_stack import MonitoringFoundationStack
from stacks.relay_stack import RelayStack
from stacks.organization_stacks import OrganizationAdminStack, OrganizationSecurityStack
from stacks.responses_stack import ResponsesStack

Placement = Callable[[BaselineConfig], list[tuple[str, str]]]


def _archive_home(config: BaselineConfig) -> list[tuple[str, str]]:
    return [(config.log_archive_account.account_id, config.home_region)]


def _archive_replica(config: BaselineConfig) -> list[tuple[str, str]]:
    return [(config.log_archive_account.account_id, config.replica_region)]


def _intake_regions(config: BaselineConfig) -> list[tuple[str, str]]:
    return [(config.log_archive_account.account_id, r) for r in config.intake_regions]


def _account_home(config: BaselineConfig) -> list[tuple[str, str]]:
    """Every directly monitored account at home (its trail, if it has one, and its Config role)."""
    return [(a.account_id, config.home_region) for a in config.monitored_accounts]


def _workload_regions(config: BaselineConfig) -> list[tuple[str, str]]:
    """Every covered region of each account monitored directly (organization mode: the
    management and security accounts; members get the StackSet)."""
    return [(a.account_id, region) for a in config.monitored_accounts for region in config.regions]


def _collection_regions(config: BaselineConfig) -> list[tuple[str, str]]:
    """Every directly monitored account and region. Service-managed StackSets never deploy to
    the management account, and the member baseline skips the security account (whose own
    stacks hold the same key alias and log groups), so in organization mode both get
    collection stacks of their own; members get the same through the StackSet."""
    return _workload_regions(config)


def _management_home(config: BaselineConfig) -> list[tuple[str, str]]:
    return [(config.management_account.account_id, config.home_region)] if config.org_mode else []


def _security_regions(config: BaselineConfig) -> list[tuple[str, str]]:
    return [(config.security_account.account_id, region) for region in config.regions] if config.org_mode else []


def _global_events_region(config: BaselineConfig) -> list[tuple[str, str]]:
    """us-east-1 of every directly monitored account, unless it is the home region."""
    if config.home_region == GLOBAL_EVENTS_REGION:
        return []
    return [(a.account_id, GLOBAL_EVENTS_REGION) for a in config.monitored_accounts]


def _archive_watch_regions(config: BaselineConfig) -> list[tuple[str, str]]:
    """Organization mode: the log-archive account, wherever it holds archive buckets."""
    return [(config.log_archive_account.account_id, r) for r in archive_watch_regions(config)]


def _alarm_regions(config: BaselineConfig) -> list[tuple[str, str]]:
    return _workload_regions(config) if config.features.alarms else []


def _relay_regions(config: BaselineConfig) -> list[tuple[str, str]]:
    if not config.features.chat_relay or not any(t.is_webhook for t in config.notification_targets):
        return []
    return _workload_regions(config)


def _response_regions(config: BaselineConfig) -> list[tuple[str, str]]:
    return _workload_regions(config) if config.features.automated_responses else []


@dataclass(frozen=True)
class StackKind:
    """One kind of stack: what it builds, where, and what must be deployed before it."""

    slug: str
    stack_class: type[Stack]
    stateful: bool
    placement: Placement
    after: tuple[str, ...] = ()
    description: str = ""
    after_everywhere: tuple[str, ...] = ()  # kinds that must exist in every account and region first


# Deployment order follows list order; ``after`` states the ordering that matters.
KINDS: tuple[StackKind, ...] = (
    StackKind(
        slug="log-replica",
        stack_class=LogArchiveReplicaStack,
        stateful=True,
        placement=_archive_replica,
        description="DPP log archive replica: geographically separated WORM copy (DPP-PRT-5)",
    ),
    StackKind(
        slug="log-archive",
        stack_class=LogArchiveStack,
        stateful=True,
        placement=_archive_home,
        after=("log-replica",),  # replication needs its destination bucket
        description="DPP log archive: KMS, Object Lock WORM, access logs, reader role (DPP-PRT-1..5, DPP-RET-1, DPP-LOG-7)",
    ),
    StackKind(
        slug="log-intake",
        stack_class=LogIntakeStack,
        stateful=True,
        placement=_intake_regions,
        after=("log-replica", "log-archive"),  # replication needs both destination buckets
        description="DPP log intake: a covered region's flow logs and DNS query logs, replicated into the WORM archive and its replica (DPP-LOG-3/4, DPP-PRT-5)",
    ),
    StackKind(
        slug="monitoring-foundation",
        stack_class=MonitoringFoundationStack,
        stateful=True,
        placement=_workload_regions,
        description="DPP monitoring foundation: monitoring KMS key and log groups (DPP-PRT-3, DPP-RET-1, DPP-PII-1)",
    ),
    StackKind(
        slug="account-baseline",
        stack_class=AccountBaselineStack,
        stateful=False,
        placement=_account_home,
        after=("log-archive", "monitoring-foundation"),  # trail delivers to both
        description="DPP account baseline: multi-region CloudTrail and account-wide roles (DPP-LOG-1, DPP-PRT-2, DPP-MON-1)",
    ),
    StackKind(
        slug="collection",
        stack_class=CollectionStack,
        stateful=False,
        placement=_collection_regions,
        after=("log-archive", "log-intake", "monitoring-foundation", "account-baseline"),  # buckets, log groups, Config role
        description="DPP collection: AWS Config, VPC flow logs and DNS query logs on every VPC (DPP-LOG-3/4/5)",
    ),
    StackKind(
        slug="detection",
        stack_class=DetectionStack,
        stateful=False,
        placement=_workload_regions,
        after=("log-archive", "monitoring-foundation"),  # findings export to the archive; topics use the monitoring key
        description="DPP detection: GuardDuty (findings exported to the archive), Security Hub, severity topics and finding routes (DPP-LOG-6, DPP-MON-3/4/5, DPP-IR-1)",
    ),
    StackKind(
        slug="global-events",
        stack_class=GlobalEventsStack,
        stateful=False,
        placement=_global_events_region,
        after=("detection",),  # the home region's routes receive what it forwards
        description="DPP global events: IAM, STS and sign-in events forwarded from us-east-1 to the home region's alert routes (DPP-MON-3)",
    ),
    StackKind(
        slug="relay",
        stack_class=RelayStack,
        stateful=False,
        placement=_relay_regions,
        after=("monitoring-foundation", "detection"),  # its log group and key; the topics
        description="DPP chat relay: severity topics to Slack, Microsoft Teams, Amazon Chime and webhooks (DPP-MON-5, DPP-PII-1)",
    ),
    StackKind(
        slug="alarms",
        stack_class=AlarmsStack,
        stateful=False,
        placement=_alarm_regions,
        # the trail's log group, the topics, the watched function and queues
        after=("monitoring-foundation", "detection", "collection", "account-baseline", "relay"),
        description="DPP alarms: CIS v3.0 section 4, DPP investigative alarms, monitors of the monitoring, dashboard (DPP-MON-2/3/6)",
    ),
    StackKind(
        slug="archive-watch",
        stack_class=ArchiveWatchStack,
        stateful=False,
        placement=_archive_watch_regions,
        after=("log-archive", "log-intake"),  # the buckets it watches
        # The security account's home bus admits the forwarders first (its detection stack).
        after_everywhere=("detection",),
        description="DPP archive watch (organization mode): the archive's replication alarms and control changes forwarded to the security account (DPP-PRT-5, DPP-MON-6)",
    ),
    StackKind(
        slug="responses",
        stack_class=ResponsesStack,
        stateful=False,
        placement=_response_regions,
        after=("monitoring-foundation", "detection", "alarms"),  # the ledger and log group, the topics, the alarm it reacts to
        description="DPP automated responses (opt-in): disable exposed credentials, block hostile IPs, isolate instances, name failed sign-ins (DPP-IR-3)",
    ),
    StackKind(
        slug="org-admin",
        stack_class=OrganizationAdminStack,
        stateful=False,
        placement=_management_home,
        after=("log-archive", "log-intake", "account-baseline"),  # members deliver to the archive and the intakes; trusted access
        # Delegation finds Security Hub and GuardDuty already on in the management and security accounts;
        # members' workload-log rules target the management account's collection stacks' buses.
        after_everywhere=("detection", "collection"),
        description="DPP organization: delegated administrators and the member baseline StackSet (DPP-PRT-4, DPP-LOG-1/5/6)",
    ),
    StackKind(
        slug="org-security",
        stack_class=OrganizationSecurityStack,
        stateful=False,
        placement=_security_regions,
        after=("org-admin", "detection"),  # delegation first; the security account's own detector and aggregator
        description="DPP organization: GuardDuty auto-enable, Security Hub central configuration, Config aggregator and organization rules (DPP-LOG-5/6)",
    ),
)


@dataclass(frozen=True)
class PlannedStack:
    kind: StackKind
    account: str
    region: str

    def name(self, config: BaselineConfig) -> str:
        return f"{config.resource_prefix}-{self.kind.slug}-{self.account}-{self.region}"


def plan(config: BaselineConfig) -> list[PlannedStack]:
    """Every stack the configuration calls for, in deployment order."""
    return [PlannedStack(kind, account, region) for kind in KINDS for account, region in kind.placement(config)]


def build(app: App, config: BaselineConfig, *, member_template: dict | None = None) -> dict[str, Stack]:
    """Creates the planned stacks on ``app``, keyed by stack name. Organization mode needs the
    member baseline's template, synthesized and gated beforehand (``checks.member_template``)."""
    built: dict[str, tuple[PlannedStack, Stack]] = {}
    for planned in plan(config):
        name = planned.name(config)
        extra = {"member_template": member_template} if planned.kind.slug == "org-admin" else {}
        stack = planned.kind.stack_class(
            app,
            name,
            config=config,
            stack_name=name,
            env=Environment(account=planned.account, region=planned.region),
            termination_protection=planned.kind.stateful,
            description=planned.kind.description,
            **extra,
        )
        tags = Tags.of(stack)  # one jsii call fewer per stack than Tags.of for each tag
        tags.add("dpp:stage", config.stage)
        tags.add("dpp:component", planned.kind.slug)
        if config.functions.reserved_concurrency:
            Aspects.of(stack).add(ReserveConcurrency(config.functions.reserved_concurrency))
        built[name] = (planned, stack)
    for planned, stack in built.values():
        for slug in planned.kind.after:
            earlier = [(p, s) for p, s in built.values() if p.kind.slug == slug]
            # Wait for the earlier kind in the same account and region when there is one,
            # else in the same account (account-wide stacks), else in the same region (the
            # region's log intake), else for every stack of that kind (the single archive).
            same_place = [s for p, s in earlier if (p.account, p.region) == (planned.account, planned.region)]
            same_account = [s for p, s in earlier if p.account == planned.account]
            same_region = [s for p, s in earlier if p.region == planned.region]  # a region's intake
            for other in same_place or same_account or same_region or [s for _, s in earlier]:
                stack.add_stack_dependency(other, f"{slug} must exist before {planned.kind.slug}")
        for slug in planned.kind.after_everywhere:
            for p, other in built.values():
                if p.kind.slug == slug:
                    stack.add_stack_dependency(other, f"{slug} must exist everywhere before {planned.kind.slug}")
    return {name: stack for name, (_, stack) in built.items()}
