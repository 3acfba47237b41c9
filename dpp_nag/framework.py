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
from constructs import IConstruct

Props = dict[str, Any]
"""A resource's resolved CloudFormation properties (or any resolved JSON object within them)."""


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
    validated, so one walk serves the whole pack run. Every read that crosses the bridge
    (a resource's type, its stack, the stack's path and account, a logical ID, its
    properties) is made once and kept, keyed by the object's jsii reference (``ref``): jsii
    hands back a new Python proxy each time it returns a construct created in Node.js (an L2's
    own L1 resource), so a proxy's identity does not name the construct, its reference does.

    Reads are batched where the bridge allows: the whole tree in one ``find_all``; each
    resource's stack from one ``find_all`` per stack (the stacks come in pre-order, so a nested
    stack, visited after its parent, claims its own resources, as ``Stack.of`` would); a
    resource's type from its class (an L1 class's ``CFN_RESOURCE_TYPE_NAME``, read once per
    class), and only a plain ``CfnResource`` (custom resources) asked one by one; the
    properties of a stack's resources in one ``resolve`` (``prefetch``)."""

    def __init__(self, root: IConstruct) -> None:
        self.resources: list[CfnResource] = []  # in pre-order, as cdk-nag walks the tree
        self.by_type: dict[str, list[CfnResource]] = {}
        self.by_stack: dict[tuple[str, str], list[CfnResource]] = {}
        self._types: dict[str, str] = {}
        self._stacks: dict[str, Stack] = {}
        self._stack_paths: dict[str, str] = {}
        self._accounts: dict[str, str] = {}
        self._logical_ids: dict[str, str] = {}
        self._props: dict[str, dict[str, Any]] = {}
        self._memo: dict[str, Any] = {}
        constructs = root.node.find_all()
        for stack in (c for c in constructs if isinstance(c, Stack)):
            for construct in stack.node.find_all():
                if isinstance(construct, CfnResource):
                    self._stacks[ref(construct)] = stack
        for construct in constructs:
            if isinstance(construct, CfnResource):
                cfn_type = _resource_type(construct)
                self.resources.append(construct)
                self._types[ref(construct)] = cfn_type
                self.by_type.setdefault(cfn_type, []).append(construct)
                self.by_stack.setdefault((self._stack_path(self.stack(construct)), cfn_type), []).append(construct)

    def contains(self, resource: CfnResource) -> bool:
        return ref(resource) in self._types

    def cfn_type(self, resource: CfnResource) -> str:
        found = self._types.get(ref(resource))
        return found if found is not None else resource.cfn_resource_type

    def stack(self, resource: CfnResource) -> Stack:
        key = ref(resource)
        if key not in self._stacks:
            self._stacks[key] = Stack.of(resource)
        return self._stacks[key]

    def _stack_path(self, stack: Stack) -> str:
        key = ref(stack)
        if key not in self._stack_paths:
            self._stack_paths[key] = stack.node.path
        return self._stack_paths[key]

    def stack_path(self, resource: CfnResource) -> str:
        return self._stack_path(self.stack(resource))

    def account(self, resource: CfnResource) -> str:
        """The account of the resource's stack (a token when the stack has no fixed account)."""
        stack = self.stack(resource)
        key = ref(stack)
        if key not in self._accounts:
            self._accounts[key] = stack.account
        return self._accounts[key]

    def logical_id(self, resource: CfnResource) -> str:
        key = ref(resource)
        if key not in self._logical_ids:
            self._logical_ids[key] = self.stack(resource).resolve(resource.logical_id)
        return self._logical_ids[key]

    def props(self, resource: CfnResource) -> dict[str, Any]:
        key = ref(resource)
        if key not in self._props:
            self._props[key] = self.stack(resource).resolve(resource._cfn_properties) or {}
        return self._props[key]

    def prefetch(self, resources: Iterable[CfnResource]) -> None:
        """Resolves the properties of the given resources with one ``resolve`` per stack (the
        same values ``props`` would resolve one by one). Should a stack's batch fail to
        resolve, its resources are left to ``props``, so that the failure is the failing
        resource's own (a rule that raises)."""
        by_stack: dict[str, tuple[Stack, list[CfnResource]]] = {}
        for resource in resources:
            if ref(resource) not in self._props:
                stack = self.stack(resource)
                by_stack.setdefault(ref(stack), (stack, []))[1].append(resource)
        for stack, members in by_stack.values():
            try:
                resolved = stack.resolve([member._cfn_properties for member in members])
            except Exception:  # one resource's failure is reported by its own rules, below
                continue
            for member, props in zip(members, resolved, strict=True):
                self._props[ref(member)] = props or {}

    def memo(self, key: str, compute: Callable[[], Any]) -> Any:
        """A value derived from the whole app (the set of metric-filter metrics, say), once."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]


def ref(construct: IConstruct) -> str:
    """The construct's jsii object reference (``aws-cdk-lib.aws_s3.CfnBucket@10023``): the same
    for every Python proxy of one Node.js object, and read without crossing the bridge."""
    return str(construct.__jsii_ref__.ref)  # type: ignore[attr-defined]


_CLASS_TYPES: dict[type, str | None] = {}


def _resource_type(resource: CfnResource) -> str:
    """The resource's CloudFormation type. An L1 class (``CfnBucket``) names its type as a
    class constant, the same for every instance, so it is read across the bridge once per
    class; a plain ``CfnResource`` carries its own (``Custom::...``) and is asked each time."""
    cls = type(resource)
    if cls not in _CLASS_TYPES:
        owner = next((c for c in cls.__mro__ if "CFN_RESOURCE_TYPE_NAME" in vars(c)), None)
        _CLASS_TYPES[cls] = cls.CFN_RESOURCE_TYPE_NAME if owner is not None else None  # type: ignore[attr-defined]
    return _CLASS_TYPES[cls] or resource.cfn_resource_type


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
        return self._app().stack(self.resource)

    def stack_of(self, resource: CfnResource) -> Stack:
        return self._app().stack(resource)

    def account_of(self, resource: CfnResource) -> str:
        """The account of a resource's stack, read once per stack."""
        return self._app().account(resource)

    def props(self, resource: CfnResource) -> dict[str, Any]:
        return self._app().props(resource)

    def logical_id(self, resource: CfnResource | None = None) -> str:
        return self._app().logical_id(resource or self.resource)

    def stack_resources(self, cfn_type: str) -> list[CfnResource]:
        """Resources of one CloudFormation type in the rule's stack."""
        return list(self._app().by_stack.get((self._app().stack_path(self.resource), cfn_type), []))

    def app_resources(self, cfn_type: str) -> list[CfnResource]:
        """Resources of one CloudFormation type anywhere in the app (cross-stack relations)."""
        return list(self._app().by_type.get(cfn_type, []))

    def app_wide(self, key: str, compute: Callable[[], Any]) -> Any:
        return self._app().memo(key, compute)


Check = Callable[[CfnResource, Props, RuleContext], "bool | None | Undecided"]


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
    """The jsii object cdk-nag calls back into: every field a property, ``rule`` a method.

    The verdict is decided in Python beforehand (``DppChecks`` hands cdk-nag only the rules a
    resource fails, or whose check raised); ``rule`` returns it, or raises the check's error
    again so that cdk-nag reports it as it reports any rule that throws."""

    def __init__(self, rule: DppRule, node: CfnResource, *, error: Exception | None = None) -> None:
        self._rule = rule
        self._node = node
        self._error = error

    @property
    def rule_suffix_override(self) -> str | None:
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

    def rule(self, node: CfnResource) -> NagRuleCompliance:
        if self._error is not None:
            raise self._error
        return NagRuleCompliance.NON_COMPLIANT


def verdict(rule: DppRule, node: CfnResource, ctx: RuleContext) -> "NagRuleCompliance | Undecided":
    """What the rule says of one resource, as cdk-nag counts it, or Undecided when the
    template cannot tell (a token where a literal is needed)."""
    found = rule.check(node, ctx.props(node), ctx)
    if isinstance(found, Undecided):
        return found
    if found is None:
        return NagRuleCompliance.NOT_APPLICABLE
    return NagRuleCompliance.COMPLIANT if found else NagRuleCompliance.NON_COMPLIANT


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


def statements(document: Any) -> Iterable[Props]:
    """The statements of a resolved policy document, whatever its shape."""
    if not isinstance(document, dict):
        return []
    found = document.get("Statement", [])
    return found if isinstance(found, list) else [found]


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
