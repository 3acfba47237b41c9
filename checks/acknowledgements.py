"""Findings the project accepts, each with the reason a security reviewer would read.

Kept as data, one module per group of stack kinds (checks/by_kind/: archive, accounts,
responses, organization) and generated per planned stack, so every acknowledgement names the
exact stack, construct and (for AwsSolutions-IAM5, which names each wildcard it found) the
exact finding. An acknowledgement covers the construct it names and everything below it. The
test suite fails when one suppresses nothing (no stale exceptions), and the compliance report
lists every one with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Callable

from aws_cdk import Acknowledgment, App, CfnResource, Validations
from constructs import IConstruct

from checks.by_kind import accounts, archive, drills, organization, responses
from checks.by_kind.common import Acknowledgement
from checks.by_kind.organization import member_acknowledgements
from configuration.model import BaselineConfig
from stacks.topology import PlannedStack, plan

__all__ = ["Acknowledgement", "AppliedAcknowledgement", "acknowledgements", "apply_acknowledgements", "member_acknowledgements"]

KindAcknowledgements = Callable[[BaselineConfig, PlannedStack, str], list[Acknowledgement]]

# Stack kind (its slug) -> what its stacks acknowledge, in the order applied.
BY_KIND: dict[str, tuple[KindAcknowledgements, ...]] = {
    "log-archive": (archive.log_archive,),
    "log-replica": (archive.log_replica,),
    "log-intake": (archive.log_intake,),
    "account-baseline": (accounts.account_baseline,),
    "collection": (accounts.collection,),
    "detection": (accounts.detection,),
    "global-events": (accounts.global_events,),
    "relay": (accounts.relay,),
    "responses": (responses.responses,),
    "monitoring-foundation": (accounts.response_ledger, accounts.canary, accounts.workload_log_bucket),
    "alarms": (accounts.canary, accounts.review_digest, drills.drills),
    "archive-watch": (archive.archive_watch,),
    "org-admin": (organization.organization,),
    "org-security": (organization.organization,),
}


def acknowledgements(config: BaselineConfig) -> tuple[Acknowledgement, ...]:
    """Every acknowledgement for this configuration, exact to the stack and finding."""
    acks: list[Acknowledgement] = accounts.unreserved_functions(config)
    for planned in plan(config):
        stack = planned.name(config)
        for kind_acknowledgements in BY_KIND.get(planned.kind.slug, ()):
            acks += kind_acknowledgements(config, planned, stack)
    return tuple(acks)


@dataclass(frozen=True)
class AppliedAcknowledgement:
    acknowledgement: Acknowledgement
    construct_path: str


def apply_acknowledgements(app: App, config: BaselineConfig, acks: tuple[Acknowledgement, ...] | None = None) -> list[AppliedAcknowledgement]:
    """Acknowledges each entry on the outermost constructs its path (or glob) matches.

    Construct paths are read once: each read crosses into the jsii runtime, and reading them
    per acknowledgement made a 70-stack app spend minutes here.
    """
    root = app.node.root
    by_path: dict[str, IConstruct] = {_path(c): c for c in app.node.find_all() if c is not root}
    applied: list[AppliedAcknowledgement] = []
    on_path: dict[str, list[Acknowledgment]] = {}  # each construct's, in the order listed
    for ack in acknowledgements(config) if acks is None else acks:
        if any(ch in ack.path for ch in "*?["):
            matched = [p for p in by_path if fnmatchcase(p, ack.path)]
            paths = [p for p in matched if not any(p.startswith(m + "/") for m in matched)]
        else:
            paths = [ack.path] if ack.path in by_path else []
        for path in paths:
            on_path.setdefault(path, []).append(Acknowledgment(id=ack.rule, reason=ack.reason))
            applied.append(AppliedAcknowledgement(ack, path))
    # One call per construct (acknowledge takes many): each construct's metadata is its own, so
    # recording its acknowledgements together, in their order, records what one call each would.
    for path, rules in on_path.items():
        Validations.of(by_path[path]).acknowledge(*rules)
    return applied


def _path(construct: IConstruct) -> str:
    """The construct's path in one jsii call (``node.path`` takes two): ``toString()`` is the
    path, followed for a CloudFormation resource by its type in brackets."""
    text = construct.to_string()
    return text.rsplit(" [", 1)[0] if isinstance(construct, CfnResource) and text.endswith("]") else text
