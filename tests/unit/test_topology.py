"""The topology: which stacks exist where, their names, protection and deployment order."""

from __future__ import annotations

from configuration import load_config
from stacks import topology
from tests.support import build_app, cdk_json_context


def three_account_context() -> dict:
    context = cdk_json_context()
    context["dpp"]["accounts"] = [
        {"id": "111122223333", "name": "log-archive", "roles": ["log-archive"]},
        {"id": "444455556666", "name": "orders", "roles": ["workload"]},
        {"id": "777788889999", "name": "reports", "roles": ["workload"]},
    ]
    context["dpp"]["detection"]["malwareScannedBuckets"][0]["account"] = "444455556666"
    return context


def test_default_plan_names_and_places_every_stack():
    config = load_config(cdk_json_context())
    planned = {(p.name(config), p.account, p.region, p.kind.stateful) for p in topology.plan(config)}
    assert planned == {
        ("dpp-prod-log-replica-111122223333-eu-central-1", "111122223333", "eu-central-1", True),
        ("dpp-prod-log-intake-111122223333-eu-central-1", "111122223333", "eu-central-1", True),
        ("dpp-prod-log-archive-111122223333-eu-west-1", "111122223333", "eu-west-1", True),
        ("dpp-prod-monitoring-foundation-111122223333-eu-west-1", "111122223333", "eu-west-1", True),
        ("dpp-prod-monitoring-foundation-111122223333-eu-central-1", "111122223333", "eu-central-1", True),
        ("dpp-prod-account-baseline-111122223333-eu-west-1", "111122223333", "eu-west-1", False),
        ("dpp-prod-collection-111122223333-eu-west-1", "111122223333", "eu-west-1", False),
        ("dpp-prod-collection-111122223333-eu-central-1", "111122223333", "eu-central-1", False),
        ("dpp-prod-detection-111122223333-eu-west-1", "111122223333", "eu-west-1", False),
        ("dpp-prod-detection-111122223333-eu-central-1", "111122223333", "eu-central-1", False),
        ("dpp-prod-alarms-111122223333-eu-west-1", "111122223333", "eu-west-1", False),
        ("dpp-prod-alarms-111122223333-eu-central-1", "111122223333", "eu-central-1", False),
        ("dpp-prod-global-events-111122223333-us-east-1", "111122223333", "us-east-1", False),
        ("dpp-prod-relay-111122223333-eu-west-1", "111122223333", "eu-west-1", False),
        ("dpp-prod-relay-111122223333-eu-central-1", "111122223333", "eu-central-1", False),
        ("dpp-prod-responses-111122223333-eu-west-1", "111122223333", "eu-west-1", False),
        ("dpp-prod-responses-111122223333-eu-central-1", "111122223333", "eu-central-1", False),
    }


def test_three_accounts_get_collection_in_every_region_and_one_trail_each():
    config = load_config(three_account_context())
    by_kind: dict[str, set] = {}
    for p in topology.plan(config):
        by_kind.setdefault(p.kind.slug, set()).add((p.account, p.region))
    # The dedicated log-archive account is monitored like the workloads (DPP-LOG-1: every
    # account, the log-archive account too): break-glass use and reader-role reads happen there.
    monitored = {"444455556666", "777788889999", "111122223333"}
    assert by_kind["collection"] == {(a, r) for a in monitored for r in ("eu-west-1", "eu-central-1")}
    assert by_kind["monitoring-foundation"] == by_kind["collection"] == by_kind["detection"] == by_kind["alarms"]
    assert by_kind["account-baseline"] == {(a, "eu-west-1") for a in monitored}
    assert by_kind["global-events"] == {(a, "us-east-1") for a in monitored}


def test_dependencies_order_deployments_within_each_account():
    built = build_app(three_account_context())
    names = lambda stacks: sorted(s.stack_name for s in stacks)  # noqa: E731
    collection = built.stacks["dpp-prod-collection-444455556666-eu-central-1"]
    assert names(collection.dependencies) == [
        "dpp-prod-account-baseline-444455556666-eu-west-1",  # same account: the Config role
        "dpp-prod-log-archive-111122223333-eu-west-1",  # the single archive
        "dpp-prod-log-intake-111122223333-eu-central-1",  # the region's intake for flow and DNS logs
        "dpp-prod-monitoring-foundation-444455556666-eu-central-1",  # same place: key, log groups
    ]
    baseline = built.stacks["dpp-prod-account-baseline-777788889999-eu-west-1"]
    assert names(baseline.dependencies) == [
        "dpp-prod-log-archive-111122223333-eu-west-1",
        "dpp-prod-monitoring-foundation-777788889999-eu-west-1",
    ]
    detection = built.stacks["dpp-prod-detection-777788889999-eu-central-1"]
    assert names(detection.dependencies) == [
        "dpp-prod-log-archive-111122223333-eu-west-1",  # the findings export's bucket policy and key
        "dpp-prod-monitoring-foundation-777788889999-eu-central-1",
    ]


def test_only_stateful_stacks_are_termination_protected():
    built = build_app()
    for name, stack in built.stacks.items():
        stateful = any(f"-{kind}-" in name for kind in ("log-archive", "log-replica", "log-intake", "monitoring-foundation"))
        assert stack.termination_protection is stateful, name


def test_plan_is_deterministic():
    config = load_config(cdk_json_context())
    assert [p.name(config) for p in topology.plan(config)] == [p.name(config) for p in topology.plan(config)]


def test_archive_lives_in_the_log_archive_account_only():
    config = load_config(three_account_context())
    archive = [p for p in topology.plan(config) if p.kind.slug.startswith("log-")]
    assert {(p.kind.slug, p.account, p.region) for p in archive} == {
        ("log-archive", "111122223333", "eu-west-1"),
        ("log-replica", "111122223333", "eu-central-1"),
        ("log-intake", "111122223333", "eu-central-1"),  # every covered region but home
    }


def test_stacks_have_environments_termination_protection_and_tags():
    built = build_app()
    archive = built.stack("log-archive")
    replica = built.stack("log-replica")
    assert (archive.account, archive.region) == ("111122223333", "eu-west-1")
    assert (replica.account, replica.region) == ("111122223333", "eu-central-1")
    assert archive.termination_protection and replica.termination_protection
    assert archive.stack_name == "dpp-prod-log-archive-111122223333-eu-west-1"


def test_archive_is_deployed_after_its_replica():
    built = build_app()
    archive = built.stack("log-archive")
    replica = built.stack("log-replica")
    assert archive.dependencies == [replica]
    assert replica.dependencies == []


def test_stage_prefixes_every_stack_name():
    context = cdk_json_context()
    context["dpp:stage"] = "test"
    built = build_app(context)
    assert all(name.startswith("dpp-test-") for name in built.stacks)


def test_alarms_can_be_switched_off():
    context = cdk_json_context()
    context["dpp:features.alarms"] = "false"
    context["dpp:responses.notifyFailedSignIns"] = "false"  # it reacts to an alarm
    config = load_config(context)
    assert not [p for p in topology.plan(config) if p.kind.slug == "alarms"]
