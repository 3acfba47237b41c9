"""How a DPP rule is written: plain Python data plus a check function, adapted to cdk-nag.

A rule is a ``DppRule``: its ID suffix (the full ID is ``DPP-<suffix>``), the requirement IDs
of shared/REQUIREMENTS.md it enforces, what it tells a reviewer, the resource types it looks
at, and ``check(resource, props, ctx)`` returning ``True`` (compliant), ``False``
(non-compliant), ``None`` (not applicable) or ``Undecided(why)`` (the template cannot tell,
typically because a value is a token resolved only at deploy time). ``props`` are the
resource's resolved CloudFormation properties (camelCase keys, as cdk's ``resolve`` returns them).

An undecided check never passes silently: the rule itself reports nothing, and a companion
finding ``<pack>-<Rule>Undecided`` at warning level says which rule could not decide and why
(cdk-nag has no verdict for "unknown"; NOT_APPLICABLE would read as a pass). It is
acknowledged like any other finding once a reviewer has checked the deployed value.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable

import jsii
from aws_cdk import CfnResource, Stack
from cdk_nag import IApplyRule, NagMessageLevel, NagRuleCompliance


@dataclass(frozen=True)
class PackSettings:
    """What varies between apps that use the pack (configurable, DPP-VER-1).

    ``sensitive_buckets``: buckets holding Information, whose object access a trail must log.
    ``canary_bucket_pattern``: the decoy bucket per account and region ({account}, {region}).
    ``impoc_email``: the address that must receive critical alerts (DPP-IR-1).
    """

    retention_days: int = 365
    sensitive_buckets: tuple[str, ...] = ()
    canary_bucket_pattern: str | None = None
    impoc_email: str | None = None


@dataclass(frozen=True)
class Undecided:
    """A check's answer when the template cannot decide (``why`` names the value and the reason)."""

    why: str


class AppIndex:
    """The app's resources by type and stack, and their resolved properties, read once.

    Rules that relate resources (an alarm and the metric filters of the whole app) would
    otherwise walk the construct tree, across the jsii bridge, once per resource checked:
    quadratic, and minutes on a 17-region organization. The app does not change while it is
    validated, so one walk serves the whole pack run."""

    def __init__(self, root) -> None:
        self.by_type: dict[str, list[CfnResource]] = {}
        self.by_stack: dict[tuple[str, str], list[CfnResource]] = {}
        for construct in root.node.find_all():
            if isinstance(construct, CfnResource):
                cfn_type = construct.cfn_resource_type
                self.by_type.setdefault(cfn_type, []).append(construct)
                self.by_stack.setdefault((Stack.of(construct).node.path, cfn_type), []).append(construct)
        # Keyed by the proxy object's identity (the entry holds the object, so the identity
        # stays unique): reading a construct path is itself a round trip to the jsii runtime.
        self._props: dict[int, tuple[CfnResource, dict]] = {}
        self._memo: dict[str, Any] = {}

    def props(self, resource: CfnResource) -> dict:
        entry = self._props.get(id(resource))
        if entry is None:
            entry = (resource, Stack.of(resource).resolve(resource._cfn_properties) or {})
            self._props[id(resource)] = entry
        return entry[1]

    def memo(self, key: str, compute: Callable[[], Any]) -> Any:
        """A value derived from the whole app (the set of metric-filter metrics, say), once."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]


@dataclass
class RuleContext:
    """What a check may need beyond its own resource: the settings and the whole app."""

    settings: Any  # the pack's settings: PackSettings, or the workload pack's WorkloadSettings
    resource: CfnResource
    index: AppIndex | None = None

    def _app(self) -> AppIndex:
        if self.index is None:
            self.index = AppIndex(self.resource.node.root)
        return self.index

    @property
    def stack(self) -> Stack:
        return Stack.of(self.resource)

    def props(self, resource: CfnResource) -> dict:
        return self._app().props(resource)

    def logical_id(self, resource: CfnResource | None = None) -> str:
        target = resource or self.resource
        return Stack.of(target).resolve(target.logical_id)

    def stack_resources(self, cfn_type: str) -> list[CfnResource]:
        """Resources of one CloudFormation type in the rule's stack."""
        return list(self._app().by_stack.get((self.stack.node.path, cfn_type), []))

    def app_resources(self, cfn_type: str) -> list[CfnResource]:
        """Resources of one CloudFormation type anywhere in the app (cross-stack relations)."""
        return list(self._app().by_type.get(cfn_type, []))

    def app_wide(self, key: str, compute: Callable[[], Any]) -> Any:
        return self._app().memo(key, compute)


Check = Callable[[CfnResource, dict, RuleContext], "bool | None | Undecided"]


@dataclass(frozen=True)
class DppRule:
    suffix: str
    requirements: tuple[str, ...]
    info: str
    explanation: str
    resource_types: tuple[str, ...]
    check: Check
    level: NagMessageLevel = NagMessageLevel.ERROR
    pack: str = "DPP"  # the pack's name, the rule ID's prefix

    @property
    def rule_id(self) -> str:
        return f"{self.pack}-{self.suffix}"


@jsii.implements(IApplyRule)
class AppliedRule:
    """The jsii object cdk-nag calls back into: every field a property, ``rule`` a method."""

    def __init__(self, rule: DppRule, node: CfnResource, settings: Any, index: "Callable[[], AppIndex] | None" = None) -> None:
        self._rule = rule
        self._node = node
        self._settings = settings
        self._index = index
        self.undecided: Undecided | None = None  # set by rule() when the check could not decide

    @property
    def rule_suffix_override(self) -> str:
        return self._rule.suffix

    @property
    def info(self) -> str:
        return f"{self._rule.info} ({', '.join(self._rule.requirements)})"

    @property
    def explanation(self) -> str:
        return self._rule.explanation

    @property
    def level(self) -> NagMessageLevel:
        return self._rule.level

    @property
    def node(self) -> CfnResource:
        return self._node

    def rule(self, node: CfnResource) -> Any:
        ctx = RuleContext(settings=self._settings, resource=node, index=self._index() if self._index else None)
        verdict = self._rule.check(node, ctx.props(node), ctx)
        if isinstance(verdict, Undecided):
            self.undecided = verdict
            return NagRuleCompliance.NOT_APPLICABLE  # the companion UndecidedFinding reports it
        if verdict is None:
            return NagRuleCompliance.NOT_APPLICABLE
        return NagRuleCompliance.COMPLIANT if verdict else NagRuleCompliance.NON_COMPLIANT


@jsii.implements(IApplyRule)
class UndecidedFinding:
    """The warning a rule leaves when it could not decide: ``<pack>-<Rule>Undecided``."""

    def __init__(self, rule: DppRule, node: CfnResource, undecided: Undecided) -> None:
        self._rule = rule
        self._node = node
        self._undecided = undecided

    @property
    def rule_suffix_override(self) -> str:
        return f"{self._rule.suffix}Undecided"

    @property
    def info(self) -> str:
        return f"{self._rule.suffix} cannot be decided at synth: {self._undecided.why} ({', '.join(self._rule.requirements)})"

    @property
    def explanation(self) -> str:
        return f"Check the deployed value by hand, then acknowledge this finding with the reason; or make the value a literal. The rule: {self._rule.explanation}"

    @property
    def level(self) -> NagMessageLevel:
        return NagMessageLevel.WARN

    @property
    def node(self) -> CfnResource:
        return self._node

    def rule(self, node: CfnResource) -> Any:
        return NagRuleCompliance.NON_COMPLIANT


def is_intrinsic(value: Any) -> bool:
    """A resolved token: a CloudFormation intrinsic ({"Ref": ...}, {"Fn::...": ...}) whose value
    only exists at deploy time."""
    return isinstance(value, dict) and len(value) == 1 and (next(iter(value)) == "Ref" or next(iter(value)).startswith("Fn::"))


def refers_to(value: Any, logical_id: str) -> bool:
    """Whether a resolved value references the resource (Ref, GetAtt, or either inside a Join or Sub)."""
    if isinstance(value, dict):
        if value.get("Ref") == logical_id:
            return True
        attribute = value.get("Fn::GetAtt")
        if isinstance(attribute, list) and attribute and attribute[0] == logical_id:
            return True
        if isinstance(attribute, str) and attribute.split(".")[0] == logical_id:
            return True
        sub = value.get("Fn::Sub")
        if isinstance(sub, str) and "${" + logical_id in sub:
            return True
        return any(refers_to(v, logical_id) for v in value.values())
    if isinstance(value, list):
        return any(refers_to(v, logical_id) for v in value)
    return False


def statements(document: Any) -> Iterable[dict]:
    """The statements of a resolved policy document, whatever its shape."""
    if not isinstance(document, dict):
        return []
    found = document.get("Statement", [])
    return found if isinstance(found, list) else [found]


def as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
