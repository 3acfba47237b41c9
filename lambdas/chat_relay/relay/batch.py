"""One batch of queued notifications to every target: each ends delivered, dead-lettered or
retried, never lost and never posted twice to the same target (DPP-MON-5, DPP-MON-6)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Callable, Protocol

from relay import paging, render
from relay.alerts import SEVERITIES, Alert, parse
from relay.delivery import Deliverer, DeliveryFailed, Request
from relay.webhooks import SecretUnavailable

_RANK = {s: i for i, s in enumerate(SEVERITIES)}
RENDERERS = {**render.RENDERERS, **paging.RENDERERS}


@dataclass(frozen=True)
class Target:
    name: str
    kind: str  # slack | teams | chime | webhook | pagerduty | opsgenie
    secret_name: str
    min_severity: str
    redact_pii: bool = True

    def wants(self, alert: Alert) -> bool:
        # The review goes to every chat target, but pages only at a paging target's severity.
        everyone = alert.for_everyone and self.kind not in paging.PAGING_KINDS
        return everyone or _RANK.get(alert.severity, 0) <= _RANK[self.min_severity]

    @staticmethod
    def from_environment(raw: str) -> list["Target"]:
        return [Target(t["name"], t["kind"], t["secretName"], t["minSeverity"], t.get("redactPii", True)) for t in json.loads(raw)]


Key = tuple[str, str]  # (SNS message ID, target name)


class Ledger(Protocol):
    """Which (notification, target) pairs were already posted or settled."""

    def delivered(self, keys: list[Key]) -> set[Key]: ...

    def record(self, keys: list[Key]) -> None: ...


@dataclass
class Record:
    """One SQS record carrying one SNS notification."""

    receipt_id: str  # SQS messageId, for partial batch failures
    body: str
    alert: Alert


@dataclass
class Outcome:
    posted: int = 0
    digests: int = 0
    dead_lettered: int = 0
    retry: set[str] = field(default_factory=set)  # SQS message IDs to redeliver
    skipped_duplicates: int = 0
    failures: dict[str, int] = field(default_factory=dict)  # per target: dead-lettered, or held back by an unreadable secret
    drill_deliveries: list[tuple[Alert, str, float]] = field(default_factory=list)  # (drill alert, target, posted at, epoch seconds)


def read_records(sqs_records: list[dict]) -> list[Record]:
    """SQS records whose body is an SNS notification; anything else is kept as a generic alert."""
    records = []
    for item in sqs_records:
        body = item.get("body", "")
        try:
            envelope = json.loads(body)
            if not isinstance(envelope, dict):
                raise ValueError
        except ValueError:
            envelope = {"Message": body}
        alert = parse(
            str(envelope.get("Message", body)),
            str(envelope.get("Subject") or ""),
            str(envelope.get("TopicArn") or ""),
            str(envelope.get("MessageId") or item.get("messageId", "")),
        )
        alert.at = str(envelope.get("Timestamp") or "")
        records.append(Record(item.get("messageId", ""), body, alert))
    return records


def _unique(records: list[Record], outcome: Outcome) -> list[Record]:
    """One record per SNS message: SNS and SQS deliver at least once, so a batch can carry
    two copies under different SQS message IDs. The copy is settled with the original (posted,
    dead-lettered or retried with it), so deleting it loses nothing."""
    seen: set[str] = set()
    unique = []
    for record in records:
        key = record.alert.message_id
        if key and key in seen:
            outcome.skipped_duplicates += 1
            continue
        seen.add(key)
        unique.append(record)
    return unique


@dataclass
class Relay:
    targets: list[Target]
    webhook_url: Callable[[str, bool], str]  # (secret name, refresh) -> URL; may raise SecretUnavailable
    ledger: Ledger
    dead_letter: Callable[[str, str, str], None]  # (body, target, reason)
    deliverer: Deliverer
    secret_text: Callable[[str, bool], str] | None = None  # (secret name, refresh) -> the secret; for paging targets
    digest_threshold: int = 5  # more alerts than this for one target in one batch: digests
    digest_size: int = 25

    def process(self, records: list[Record]) -> Outcome:
        """Every target's groups, delivered in rounds (each target's first group, then each
        one's second ...): the ledger is read once for the batch and written once per round,
        right after that round's posts, so a crash can repeat at most one round."""
        outcome = Outcome()
        records = _unique(records, outcome)
        wanted = {t.name: [r for r in records if t.wants(r.alert)] for t in self.targets}
        done = self.ledger.delivered([(r.alert.message_id, name) for name, rs in wanted.items() for r in rs]) if records else set()
        plans: dict[str, list[list[Record]]] = {}
        for target in self.targets:
            outcome.failures[target.name] = 0
            pending = [r for r in wanted[target.name] if (r.alert.message_id, target.name) not in done]
            outcome.skipped_duplicates += len(wanted[target.name]) - len(pending)
            # A paging service gets every alert as its own event: a clear must resolve its own key.
            singles = len(pending) <= self.digest_threshold or target.kind in paging.PAGING_KINDS
            plans[target.name] = [[r] for r in pending] if singles else [pending[i : i + self.digest_size] for i in range(0, len(pending), self.digest_size)]
        prepared: dict[tuple[int, bool], Alert] = {}  # redacted once per alert, not per target
        active = [t for t in self.targets if plans[t.name]]
        position = 0
        while active:
            settled: list[Key] = []
            for target in list(active):
                groups = plans[target.name]
                keys, more = self._deliver(target, groups, position, outcome, prepared)
                settled += keys
                if not more or position + 1 >= len(groups):
                    active.remove(target)
            if settled:
                self.ledger.record(settled)
            position += 1
        return outcome

    def _deliver(self, target: Target, groups: list[list[Record]], position: int, outcome: Outcome, prepared: dict) -> tuple[list[Key], bool]:
        """Posts one target's group at ``position``; returns the ledger keys it settled and
        whether the target's later groups may go on. A failure is this target's alone (issue 16.5)."""

        def url_of(refresh: bool) -> str | Request:
            try:
                if target.kind in paging.PAGING_KINDS:
                    read = self.secret_text or self.webhook_url
                    return paging.request(target.kind, read(target.secret_name, refresh), payload)
                return self.webhook_url(target.secret_name, refresh)
            except SecretUnavailable as unavailable:
                raise DeliveryFailed(target.name, None, unavailable.permanent, unavailable.reason, secret=True) from None

        group = groups[position]
        alert = group[0].alert if len(group) == 1 else render.digest([r.alert for r in group], self.digest_size)
        if len(group) == 1:  # a record's own alert lives for the whole batch: its id is stable
            cache_key = (id(alert), target.redact_pii)
            if cache_key not in prepared:
                prepared[cache_key] = render.prepare(alert, target.redact_pii)
            ready = prepared[cache_key]
        else:
            ready = render.prepare(alert, target.redact_pii)
        payload = RENDERERS[target.kind](ready)
        try:
            self.deliverer.deliver(target.name, url_of, payload)
        except DeliveryFailed as failure:
            if failure.permanent:
                # A broken secret breaks every later group too: settle them all now.
                dead = [r for later in groups[position:] for r in later] if failure.secret else group
                for record in dead:
                    self.dead_letter(record.body, target.name, failure.reason)
                outcome.dead_lettered += len(dead)
                outcome.failures[target.name] += len(dead)
                return [(r.alert.message_id, target.name) for r in dead], not failure.secret  # settled: not retried
            # Out of time, or the secret service is unavailable: this group and every later
            # one for this target go back to the queue.
            later = [r for g in groups[position:] for r in g]
            outcome.retry.update(r.receipt_id for r in later)
            if failure.secret:
                outcome.failures[target.name] += len(later)
            return [], False
        outcome.posted += 1
        outcome.digests += len(group) > 1
        posted_at = time.time()
        outcome.drill_deliveries += [(r.alert, target.name, posted_at) for r in group if r.alert.drill is not None]
        return [(r.alert.message_id, target.name) for r in group], True
