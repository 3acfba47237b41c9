"""Helpers shared by the tests: the project's cdk.json context and ways to build the app."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk.assertions import Template

from capabilities.alarms.catalogue import check_alarm_ids
from checks.gate import Gate, install_gate
from checks.member_template import member_template
from configuration import BaselineConfig, load_config
from stacks import topology

ROOT = Path(__file__).resolve().parent.parent


def cdk_json_context() -> dict:
    """cdk.json's context: feature flags and the example configuration, as the CLI passes them."""
    return copy.deepcopy(json.loads((ROOT / "cdk.json").read_text())["context"])


def example_config_dict() -> dict:
    return cdk_json_context()["dpp"]


def context_with(**overrides: Any) -> dict:
    """cdk.json context with single settings overridden as `-c dpp:<key>=<value>` would."""
    context = cdk_json_context()
    context.update({f"dpp:{key.replace('__', '.')}": value for key, value in overrides.items()})
    return context


@dataclass
class BuiltApp:
    app: cdk.App
    config: BaselineConfig
    stacks: dict[str, cdk.Stack]
    gate: Gate | None = None

    def stack(self, kind: str, region: str | None = None) -> cdk.Stack:
        matches = [s for name, s in self.stacks.items() if f"-{kind}-" in name and (region is None or name.endswith(region))]
        assert len(matches) == 1, f"expected one {kind} stack in {region}, found {[s.stack_name for s in matches]}"
        return matches[0]

    def template(self, kind: str, region: str | None = None) -> Template:
        return Template.from_stack(self.stack(kind, region))


# Apps built without the gate or an output directory, by context: tests only read them, so one
# build per configuration serves every test of a worker process that asks for it.
_SHARED: dict[str, BuiltApp] = {}
_SHARED_MAX = 8


def build_app(context: dict | None = None, *, with_gate: bool = False, outdir: str | None = None) -> BuiltApp:
    """The app as app.py builds it, from the given context (default: cdk.json's). Without the
    gate and an output directory the app is shared with other tests building the same context:
    read it, never add to it."""
    context = dict(cdk_json_context() if context is None else context)
    context.setdefault("aws:cdk:enable-path-metadata", True)  # as the cdk CLI sets it
    key = json.dumps(context, sort_keys=True) if not with_gate and outdir is None else None
    if key is not None and key in _SHARED:
        return _SHARED[key]
    app = cdk.App(context=context, outdir=outdir)
    config = check_alarm_ids(load_config(app.node.get_all_context()))
    stacks = topology.build(app, config, member_template=member_template(config) if config.org_mode else None)
    gate = install_gate(app, config) if with_gate else None
    built = BuiltApp(app=app, config=config, stacks=stacks, gate=gate)
    if key is not None:
        if len(_SHARED) >= _SHARED_MAX:
            del _SHARED[next(iter(_SHARED))]  # the oldest
        _SHARED[key] = built
    return built
