"""What the synthesized cloud assembly deploys: every resource with its stack, account, region
construct path and CloudFormation properties (the evidence report grades what these say, and the
architecture picture counts them)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Resource:
    stack: str
    account: str
    region: str
    logical_id: str
    cfn_type: str
    path: str
    properties: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def place(self) -> str:
        return f"{self.account}/{self.region}"


def read_assembly(cdk_out: Path) -> list[Resource]:
    manifest = json.loads((cdk_out / "manifest.json").read_text())
    resources = []
    for name, artifact in sorted(manifest.get("artifacts", {}).items()):
        if artifact.get("type") != "aws:cloudformation:stack":
            continue
        _, account, region = artifact["environment"].rsplit("/", 2)
        template = json.loads((cdk_out / artifact["properties"]["templateFile"]).read_text())
        for logical_id, resource in template.get("Resources", {}).items():
            path = (resource.get("Metadata") or {}).get("aws:cdk:path", logical_id)
            resources.append(Resource(name, account, region, logical_id, resource["Type"], path, resource.get("Properties") or {}))
    return resources
