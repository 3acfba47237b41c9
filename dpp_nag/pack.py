"""The DPP cdk-nag pack: Amazon's Data Protection Policy logging and monitoring controls."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, cast

from aws_cdk import CfnResource, PolicyValidationPluginReport, PolicyViolatingResource, PolicyViolation, Validations
from cdk_nag import IApplyRule, NagMessageLevel, NagPack, NagRuleCompliance
from constructs import IConstruct

from dpp_nag.framework import AppIndex, ref, AppliedRule, DppRule, PackSettings, RuleContext, Undecided, UndecidedFinding, verdict
from dpp_nag.rules import ALL_RULES

# cdk-nag's own wording (nag-pack.js, addViolation) for a rule that raised, when not verbose.
THREW = "Rule threw an error during validation. This is generally caused by a parameter referencing an intrinsic function."
_ANNOTATION_PREFIX = re.compile(r"^annotation::", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    """One rule a resource fails (or whose check raised, or that could not decide), as
    cdk-nag's ``applyRule`` would record it: the full rule ID, what the report says, its level."""

    rule_id: str
    description: str
    level: NagMessageLevel
    node: CfnResource


class RulePack(NagPack):
    """A cdk-nag pack made of ``DppRule`` objects: each resource is checked by the rules of its
    type, and a rule that cannot decide leaves a ``<Rule>Undecided`` warning (framework.py).

    The pack walks the tree in Python (``validate_scope``, which cdk-nag's ``validate`` calls)
    instead of letting cdk-nag's walk call back into Python once per resource: the resources
    come from the app index (one ``find_all``), each is judged in Python, and the findings
    become the report that cdk-nag's ``applyRule`` would have built, rule by rule in the same
    order and wording, an acknowledged finding left out as cdk-nag leaves it out
    (``isAcknowledged``: an acknowledgement on the resource or any construct above it). No
    call crosses the bridge for a compliant resource beyond reading its properties.
    ``check_resource`` (cdk-nag's per-resource hook) stays for a caller that walks itself.
    """

    def __init__(self, scope: IConstruct | None, *, pack_name: str, settings: Any, rules: tuple[DppRule, ...]) -> None:
        super().__init__(scope)
        self._pack_name = pack_name
        self._name = pack_name
        self._settings = settings
        self._by_type: dict[str, list[DppRule]] = {}
        self._indexes: dict[str, tuple[IConstruct, AppIndex]] = {}  # per app root (by jsii reference), built on first use
        self._acknowledged_at: dict[str, frozenset[str]] = {}  # by jsii reference
        self._metadata_key: str | None = None
        for rule in rules:
            for cfn_type in rule.resource_types:
                self._by_type.setdefault(cfn_type, []).append(rule)

    @property
    def name(self) -> str:
        return self._name

    def _index(self, node: IConstruct) -> AppIndex:
        """The index of the node's app: found without a bridge call for any node it holds."""
        for _, index in self._indexes.values():
            if isinstance(node, CfnResource) and index.contains(node):
                return index
        root = node.node.root
        if ref(root) not in self._indexes:
            self._indexes[ref(root)] = (root, AppIndex(root))
        return self._indexes[ref(root)][1]

    def _findings(self, node: CfnResource, index: AppIndex) -> list[Finding]:
        """What cdk-nag would record of one resource: every rule it fails, raised in or could not decide."""
        rules = self._by_type.get(index.cfn_type(node), ())
        if not rules:
            return []
        ctx = RuleContext(settings=self._settings, resource=node, index=index)
        found: list[Finding] = []
        for rule in rules:
            rule_id = f"{self._name}-{rule.suffix}"
            try:
                judged = verdict(rule, node, ctx)
            except Exception:  # cdk-nag reports a rule that throws as a finding
                found.append(Finding(rule_id, THREW, rule.level, node))
                continue
            if isinstance(judged, Undecided):
                undecided = UndecidedFinding(rule, node, judged)
                found.append(Finding(f"{self._name}-{undecided.rule_suffix_override}", undecided.info, undecided.level, node))
            elif judged == NagRuleCompliance.NON_COMPLIANT:
                found.append(Finding(rule_id, AppliedRule(rule, node).info, rule.level, node))
        return found

    def validate_scope(self, scope: IConstruct) -> PolicyValidationPluginReport:
        """The pack's report on every resource at or below ``scope`` (cdk-nag's ``validate``
        passes the app), as cdk-nag's ``validateScope`` would return it (DPP-VER-1)."""
        # Read afresh on every call: the app may have changed since the last one (a test that
        # weakens a resource and validates again), and acknowledgements may have been added.
        root = scope.node.root
        index = AppIndex(root)
        self._indexes[ref(root)] = (root, index)
        self._acknowledged_at.clear()
        resources = index.resources if scope is scope.node.root else [c for c in scope.node.find_all() if isinstance(c, CfnResource)]
        index.prefetch(node for node in resources if index.cfn_type(node) in self._by_type)
        violations: dict[str, tuple[str, str, list[PolicyViolatingResource]]] = {}
        for node in resources:
            for finding in self._findings(node, index):
                if self._is_acknowledged(node, finding.rule_id):
                    continue
                severity = "error" if finding.level == NagMessageLevel.ERROR else "warning"
                entry = violations.setdefault(finding.rule_id, (finding.description, severity, []))
                entry[2].append(PolicyViolatingResource(construct_path=node.node.path, locations=["Properties"]))
        return PolicyValidationPluginReport(
            success=not violations,
            violations=[
                PolicyViolation(rule_name=rule_id, description=description, severity=severity, violating_resources=resources_) for rule_id, (description, severity, resources_) in violations.items()
            ],
        )

    def _is_acknowledged(self, node: IConstruct, rule_id: str) -> bool:
        """cdk-nag's ``isAcknowledged``: the rule acknowledged on the node or any construct above it."""
        return any(rule_id in self._acknowledged_on(construct) for construct in node.node.scopes)

    def _acknowledged_on(self, construct: IConstruct) -> frozenset[str]:
        """The rule IDs acknowledged on one construct (its own metadata), read once."""
        found = self._acknowledged_at.get(ref(construct))
        if found is None:
            if self._metadata_key is None:
                self._metadata_key = Validations.ACKNOWLEDGED_RULES_METADATA_KEY
            ids: set[str] = set()
            for metadata in construct.node.metadata:
                if metadata.type == self._metadata_key and metadata.data:
                    ids.update(_ANNOTATION_PREFIX.sub("", key) for key in metadata.data)
            found = self._acknowledged_at[ref(construct)] = frozenset(ids)
        return found

    def _check_resource(self, node: IConstruct) -> None:
        """cdk-nag's per-resource hook, for a walk other than ``validate_scope``'s own."""
        if not isinstance(node, CfnResource):
            return
        index = self._index(node)
        rules = self._by_type.get(index.cfn_type(node), ())
        if not rules:
            return
        ctx = RuleContext(settings=self._settings, resource=node, index=index)
        for rule in rules:
            try:
                found = verdict(rule, node, ctx)
            except Exception as error:
                self._apply_rule(_handed(AppliedRule(rule, node, error=error)))
                continue
            if isinstance(found, Undecided):
                self._apply_rule(cast(IApplyRule, UndecidedFinding(rule, node, found)))
            elif found == NagRuleCompliance.NON_COMPLIANT:
                self._apply_rule(_handed(AppliedRule(rule, node)))


def _handed(applied: AppliedRule) -> IApplyRule:
    """``jsii.implements`` makes an AppliedRule an IApplyRule; the typing protocol declares its
    fields settable, which cdk-nag never does (it only reads them), so mypy needs telling."""
    return cast(IApplyRule, applied)


class DppChecks(RulePack):
    """Checks every template-checkable DPP control at synth (DPP-VER-1).

    Usable by any CDK app: ``Validations.of(app).add_plugins(DppChecks(app))``. Rules are
    named ``DPP-<Name>`` and each cites the requirement IDs it enforces.
    """

    def __init__(self, scope: IConstruct | None = None, *, settings: PackSettings | None = None, rules: tuple[DppRule, ...] = ALL_RULES) -> None:
        super().__init__(scope, pack_name="DPP", settings=settings or PackSettings(), rules=rules)
