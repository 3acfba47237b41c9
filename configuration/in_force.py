"""The configuration as synthesized, for the evidence report: secret names masked."""

from __future__ import annotations

import dataclasses
import json
from enum import Enum
from pathlib import Path
from typing import Any

from configuration.model import BaselineConfig

FILE_NAME = "dpp-config-in-force.json"


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def config_in_force(config: BaselineConfig) -> dict[str, Any]:
    data: dict[str, Any] = _plain(config)
    for target in data["notification_targets"]:
        if target.get("secret_name"):
            target["secret_name"] = "(Secrets Manager secret, name withheld)"
    return data


def write_config_in_force(config: BaselineConfig, outdir: str) -> None:
    Path(outdir, FILE_NAME).write_text(json.dumps(config_in_force(config), indent=2, sort_keys=True), encoding="utf-8")
