"""What a grade may read: the configuration in force (cdk.out/dpp-config-in-force.json, written
by app.py beside the templates), every synthesized resource with its properties, the DPP rule
verdicts, and the files generated at synth. Graders compare what the configuration asks for
with what the assembly holds, so switching a control off moves its grade (DPP-VER-2)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from configuration.in_force import FILE_NAME as CONFIG_FILE
from evidence.assembly import Resource, read_assembly
from evidence.checks import rule_verdicts


@dataclass
class Facts:
    config: dict
    resources: list[Resource]
    verdicts: dict[str, str]
    acknowledged: list[dict]
    cdk_out: Path
    register: Any = None  # evidence.register.Register when the report was given one

    @classmethod
    def read(cls, cdk_out: Path, register: Any = None) -> "Facts":
        config_file = cdk_out / CONFIG_FILE
        config = json.loads(config_file.read_text()) if config_file.exists() else {}
        verdicts, acknowledged = rule_verdicts(cdk_out)
        return cls(config, read_assembly(cdk_out), verdicts, acknowledged, cdk_out, register)

    # --- configuration ---------------------------------------------------------------------

    def setting(self, dotted: str, default=None):
        value = self.config
        for part in dotted.split("."):
            if not isinstance(value, dict) or part not in value:
                return default
            value = value[part]
        return value

    def feature(self, name: str) -> bool:
        return bool(self.setting(f"features.{name}", False))

    @property
    def org_mode(self) -> bool:
        return bool(self.setting("organization.enabled", False))

    def accounts(self, role: str | None = None) -> list[str]:
        return [a["account_id"] for a in self.config.get("accounts", []) if role is None or role in a.get("roles", [])]

    def account_roles(self) -> list[tuple[str, list[str]]]:
        return [(a["account_id"], list(a.get("roles", []))) for a in self.config.get("accounts", [])]

    @property
    def monitored_accounts(self) -> list[str]:
        """Accounts the app deploys monitoring into: the workloads and the log-archive account, or
        in organization mode the management and security accounts (members get the StackSet)."""
        if self.org_mode:
            return self.accounts("management") + self.accounts("security")
        workloads = self.accounts("workload")
        return workloads + [a for a in self.accounts("log-archive") if a not in workloads]

    @property
    def regions(self) -> list[str]:
        return list(self.config.get("regions", []))

    @property
    def home_region(self) -> str:
        return self.config.get("home_region", "")

    def places(self) -> list[str]:
        """Every (account, region) the configuration asks collection and detection for."""
        return [f"{a}/{r}" for a in self.monitored_accounts for r in self.regions]

    @property
    def prefix(self) -> str:
        return f"dpp-{self.config.get('stage', '')}"

    # --- assembly ----------------------------------------------------------------------------

    def of_type(self, cfn_type: str, marker: str | None = None) -> list[Resource]:
        return [r for r in self.resources if r.cfn_type == cfn_type and (marker is None or marker in r.path or marker in r.logical_id)]

    def alarm(self, alarm_id: str) -> list[Resource]:
        """The alarms with this catalogue ID (named <prefix>-<id>), in every place."""
        return [r for r in self.of_type("AWS::CloudWatch::Alarm") if str(r.properties.get("AlarmName", "")).endswith(f"-{alarm_id}")]

    def alarms_with_actions(self, alarm_id: str) -> list[Resource]:
        """Alarms that can tell someone: enabled actions on entering ALARM."""
        return [r for r in self.alarm(alarm_id) if r.properties.get("AlarmActions") and r.properties.get("ActionsEnabled", True) is not False]

    def missing_places(self, found: list[Resource], places: list[str] | None = None) -> list[str]:
        have = {r.place for r in found}
        return [p for p in (self.places() if places is None else places) if p not in have]

    def generated(self, file_name: str) -> Path | None:
        path = self.cdk_out / file_name
        return path if path.exists() else None


def where(resources: list[Resource]) -> str:
    """'N in account/region, ...' for a control line."""
    places = sorted({r.place for r in resources})
    return f"{len(resources)} in {', '.join(places)}" if resources else "none"
