"""The nag gate: all five packs run, the default app passes, every acknowledgement earns its
place, and weakening a control makes synth fail with the right rule."""

from __future__ import annotations

import json

import pytest
from aws_cdk import Duration
from aws_cdk import aws_s3 as s3

from checks.acknowledgements import acknowledgements
from tests.support import build_app

PACKS = {"AwsSolutions", "NIST.800.53.R5", "HIPAA.Security", "PCI.DSS.321", "DPP"}


def test_every_pack_is_registered(synthesized):
    report = synthesized.validation_report
    reported = {p["pluginName"] for p in report["pluginReports"]}
    # A pack with neither findings nor acknowledged findings is left out of the report by CDK,
    # so the DPP pack is proven present by the weakening tests below.
    assert reported >= PACKS - {"DPP"}
    assert all(p["conclusion"] == "success" and p["violations"] == [] for p in report["pluginReports"])


def test_every_acknowledgement_suppresses_a_real_finding(synthesized):
    """No stale acknowledgements: each one, where it was applied, suppressed a finding."""
    suppressed = {(v["acknowledgedId"], v["acknowledgedAt"]) for p in synthesized.validation_report["pluginReports"] for v in p.get("suppressedViolations", [])}
    applied = {(a.acknowledgement.rule, a.construct_path) for a in synthesized.built.gate.acknowledged}
    assert applied, "the gate applied no acknowledgements at all"
    assert applied - suppressed == set(), "stale acknowledgements (rule, path) that suppress nothing"


def test_every_acknowledgement_matches_a_construct(synthesized):
    matched = {a.acknowledgement for a in synthesized.built.gate.acknowledged}
    unmatched = [a for a in acknowledgements(synthesized.built.config) if a not in matched]
    assert unmatched == [], "acknowledgements whose path matches no construct"


def test_every_acknowledgement_has_a_reviewable_reason():
    from tests.support import cdk_json_context
    from configuration import load_config

    for ack in acknowledgements(load_config(cdk_json_context())):
        assert len(ack.reason) >= 60, f"{ack.rule}: give a reason a security reviewer would accept"
        assert "::" in ack.rule and ack.rule.split("::")[0] in PACKS


def failed_rules(built, tmp_path) -> set[tuple[str, str]]:
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        built.app.synth()
    report = json.loads((tmp_path / "validation-report.json").read_text())
    return {(v["ruleName"], c["constructPath"]) for p in report["pluginReports"] for v in p["violations"] for c in v["violatingConstructs"]}


def test_weakened_object_lock_fails_synth_with_the_dpp_rule(tmp_path):
    built = build_app(with_gate=True, outdir=str(tmp_path))
    bucket: s3.CfnBucket = built.stack("log-archive").node.find_child("LogArchive").node.find_child("ArchiveBucket").node.default_child
    bucket.object_lock_configuration = s3.CfnBucket.ObjectLockConfigurationProperty(
        object_lock_enabled="Enabled",
        rule=s3.CfnBucket.ObjectLockRuleProperty(default_retention=s3.CfnBucket.DefaultRetentionProperty(mode="GOVERNANCE", days=30)),
    )
    assert ("DPP-S3ObjectLockCompliance", "dpp-prod-log-archive-111122223333-eu-west-1/LogArchive/ArchiveBucket/Resource") in failed_rules(built, tmp_path)


def test_early_expiry_fails_synth_with_the_dpp_rule(tmp_path):
    built = build_app(with_gate=True, outdir=str(tmp_path))
    replica = built.stack("log-replica").node.find_child("LogArchiveReplica").node.find_child("ReplicaBucket")
    replica.add_lifecycle_rule(id="TooSoon", expiration=Duration.days(30))
    failures = failed_rules(built, tmp_path)
    assert ("DPP-S3LifecycleKeepsRetention", "dpp-prod-log-replica-111122223333-eu-central-1/LogArchiveReplica/ReplicaBucket/Resource") in failures


def test_trail_validation_switched_off_behind_the_configuration_fails_synth(tmp_path):
    built = build_app(with_gate=True, outdir=str(tmp_path))
    trail = built.stack("account-baseline").node.find_child("AccountTrail").node.find_child("Trail")
    trail.enable_log_file_validation = False
    assert ("DPP-TrailLogFileValidation", "dpp-prod-account-baseline-111122223333-eu-west-1/AccountTrail/Trail") in failed_rules(built, tmp_path)


def test_switching_off_a_dpp_mandated_capability_fails_synth(tmp_path):
    from tests.support import context_with

    # (the example's GuardDuty-driven responses go with it, or the configuration is refused)
    off = {f"responses__{r}": False for r in ("disableCredentials", "blockHostileIps", "isolateInstances")}
    built = build_app(context_with(features__guardDuty="false", **off), with_gate=True, outdir=str(tmp_path))
    assert ("DPP-GuardDutyPresent", "dpp-prod-account-baseline-111122223333-eu-west-1/AccountTrail/Trail") in failed_rules(built, tmp_path)
