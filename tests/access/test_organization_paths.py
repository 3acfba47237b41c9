"""Access paths of the organization example (examples/organization.json): the management and
security accounts' own deliveries, the organization trail, an unlisted member account's
deliveries through the member StackSet's roles (evaluated with the member template's own
policies), and outsiders refused (DPP-PRT-4.b/c, DPP-LOG-1/3/4/5)."""

from __future__ import annotations

import pytest

from tests.access.paths import ALLOWED, MEMBER_ACCOUNT, all_paths
from tests.access.policies import build_estate, read_assembly, stack_set_instances
from tests.access.simulator import Simulator


@pytest.fixture(scope="module")
def decisions(organization_synthesized):
    config = organization_synthesized.built.config
    stacks = read_assembly(organization_synthesized.outdir)
    stacks += stack_set_instances(stacks, account=MEMBER_ACCOUNT, region=config.home_region)
    paths = all_paths(config)
    results = Simulator(build_estate(stacks)).evaluate([p.request for p in paths])
    return {p.id: (p, r) for p, r in zip(paths, results, strict=True)}


def test_every_organization_path_is_decided_as_aws_would(decisions):
    wrong = [f"{i}: expected {p.expect}, evaluator said {r} ({p.doc}) {p.why}" for i, (p, r) in decisions.items() if r.startswith("Error") or (r == "Allowed") != (p.expect == ALLOWED)]
    assert wrong == []


def test_members_deliver_by_role_and_outsiders_do_not(decisions):
    assert decisions["config-put-role-member"][1] == "Allowed"
    assert decisions["config-role-kms-GenerateDataKey-member"][1] == "Allowed"
    assert decisions["outsider-config-role-put"][1] != "Allowed"
