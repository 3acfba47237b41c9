"""The DPP cdk-nag pack: Amazon's Data Protection Policy logging and monitoring controls."""

from __future__ import annotations

from typing import Any, cast

from aws_cdk import CfnResource
from cdk_nag import IApplyRule, NagPack, NagRuleCompliance
from constructs import IConstruct

from dpp_nag.framework import AppIndex, AppliedRule, DppRule, PackSettings, RuleContext, Undecided, UndecidedFinding, verdict
from dpp_nag.rules import ALL_RULES


class RulePack(NagPack):
    """A cdk-nag pack made of ``DppRule`` objects: each resource is checked by the rules of its
    type, and a rule that cannot decide leaves a ``<Rule>Undecided`` warning (framework.py).

    Each resource is judged in Python, and only the rules it fails (or whose check raised,
    or that could not decide) go to cdk-nag's ``apply_rule``: a compliant or inapplicable
    verdict adds nothing to the report, and every rule handed over costs several calls
    across the jsii bridge.
    """

    def __init__(self, scope: IConstruct | None, *, pack_name: str, settings: Any, rules: tuple[DppRule, ...]) -> None:
        super().__init__(scope)
        self._pack_name = pack_name
        self._settings = settings
        self._by_type: dict[str, list[DppRule]] = {}
        self._indexes: dict[int, tuple[IConstruct, AppIndex]] = {}  # per app root, built on first use
        for rule in rules:
            for cfn_type in rule.resource_types:
                self._by_type.setdefault(cfn_type, []).append(rule)

    @property
    def name(self) -> str:
        return self._pack_name

    def _index(self, node: CfnResource) -> AppIndex:
        """The index of the node's app: found without a bridge call for any node it holds."""
        for _, index in self._indexes.values():
            if index.contains(node):
                return index
        root = node.node.root
        if id(root) not in self._indexes:
            self._indexes[id(root)] = (root, AppIndex(root))
        return self._indexes[id(root)][1]

    def _check_resource(self, node: IConstruct) -> None:
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
            except Exception as error:  # cdk-nag reports a rule that throws as a finding
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
