"""The DPP cdk-nag pack: Amazon's Data Protection Policy logging and monitoring controls."""
from __future__ import annotations

from typing import Any

from aws_cdk import CfnResource
from cdk_nag import NagPack
from constructs import IConstruct

from dpp_nag.framework import AppIndex, AppliedRule, DppRule, PackSettings, UndecidedFinding
from dpp_nag.rules import ALL_RULES


class RulePack(NagPack):
    """A cdk-nag pack made of ``DppRule`` objects: each resource is checked by the rules of its
    type, and a rule that cannot decide leaves a ``<Rule>Undecided`` warning (framework.py)."""

    def __init__(self, scope: IConstruct | None, *, pack_name: str, settings: Any, rules: tuple[DppRule, ...]) -> None:
        super().__init__(scope)
        self._pack_name = pack_name
        self._settings = settings
        self._by_type: dict[str, list[DppRule]] = {}
        self._indexes: dict[int, AppIndex] = {}  # per app root, built on first use
        for rule in rules:
            for cfn_type in rule.resource_types:
                self._by_type.setdefault(cfn_type, []).append(rule)

    @property
    def name(self) -> str:
        return self._pack_name

    def _check_resource(self, node: IConstruct) -> None:
        if not isinstance(node, CfnResource):
            return
        rules = self._by_type.get(node.cfn_resource_type, ())
        if not rules:
            return
        root = node.node.root
        key = id(root)

        def index() -> AppIndex:
            if key not in self._indexes:
                self._indexes[key] = AppIndex(root)
            return self._indexes[key]

        for rule in rules:
            applied = AppliedRule(rule, node, self._settings, index)
            self._apply_rule(applied)
            if applied.undecided is not None:
                self._apply_rule(UndecidedFinding(rule, node, applied.undecided))


class DppChecks(RulePack):
    """Checks every template-checkable DPP control at synth (DPP-VER-1).

    Usable by any CDK app: ``Validations.of(app).add_plugins(DppChecks(app))``. Rules are
    named ``DPP-<Name>`` and each cites the requirement IDs it enforces.
    """

    def __init__(self, scope: IConstruct | None = None, *, settings: PackSettings | None = None, rules: tuple[DppRule, ...] = ALL_RULES) -> None:
        super().__init__(scope, pack_name="DPP", settings=settings or PackSettings(), rules=rules)
