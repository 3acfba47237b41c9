"""Retain and keep PII out: DPP-RET-1, DPP-PII-1, DPP-PII-2, graded on Object Lock periods,
lifecycle rules, log-group retention and masking, and the functions' log levels as synthesized."""

from __future__ import annotations

import json

from evidence.checks import case, rule
from evidence.clauses.registry import grades
from evidence.clauses.protect import locked_buckets
from evidence.facts import Facts, where
from evidence.grading import Finding


def _lock_days(bucket) -> int:
    retention = ((bucket.properties.get("ObjectLockConfiguration") or {}).get("Rule") or {}).get("DefaultRetention") or {}
    return int(retention.get("Days") or 0) + 365 * int(retention.get("Years") or 0)


@grades("DPP-RET-1")
def retention(f: Facts) -> Finding:
    days = int(f.setting("retention_days", 365))
    found = Finding(
        checks=[
            rule("DPP-S3ObjectLockCompliance"),
            rule("DPP-LogGroupRetention"),
            rule("DPP-S3LifecycleKeepsRetention"),
            rule("DPP-StatefulRetained"),
            rule("DPP-LambdaExplicitLogGroup"),
            case("tests/synth/test_log_archive.py::test_lifecycle_moves_to_colder_tiers_and_never_expires_before_retention"),
            case("tests/synth/test_log_archive.py::test_retention_of_400_days_is_applied_everywhere"),
            case("tests/synth/test_collection.py::test_log_groups_are_encrypted_retained_masked_and_kept_a_year"),
        ]
    )
    buckets = locked_buckets(f)
    groups = f.of_type("AWS::Logs::LogGroup")
    if not buckets:
        return found.needs(f"an Object Lock archive keeping every object {days} days")
    found.controls.append(f"Object Lock default retention >= {days} days: {where([b for b in buckets if _lock_days(b) >= days])}")
    found.gaps += [f"{b.path}: Object Lock keeps objects {_lock_days(b)} days, under {days}" for b in buckets if _lock_days(b) < days]
    for bucket in buckets:
        for lifecycle in (bucket.properties.get("LifecycleConfiguration") or {}).get("Rules", []):
            expiry = lifecycle.get("ExpirationInDays")
            if expiry is not None and int(expiry) < days:
                found.gaps.append(f"{bucket.path}: rule {lifecycle.get('Id')} expires objects after {expiry} days")
    short = [g for g in groups if g.properties.get("RetentionInDays") is not None and int(g.properties["RetentionInDays"]) < days]
    never = [g for g in groups if g.properties.get("RetentionInDays") is None]
    found.controls.append(f"log groups kept >= {days} days: {len(groups) - len(short) - len(never)} of {len(groups)} ({where(groups)})")
    found.gaps += [f"log group {g.properties.get('LogGroupName', g.path)} keeps {g.properties['RetentionInDays']} days" for g in short]
    return found


def _policy_gaps(f: Facts, policy, expected: tuple[str, ...]) -> list[str]:
    """What keeps an account-level data protection policy from masking every log group of its
    place for the configured marketplaces, with findings kept (empty: it does)."""
    props, here = policy.properties, policy.place
    try:
        document = json.loads(props.get("PolicyDocument") or "{}")
    except (TypeError, ValueError):
        return [f"{here}: the data protection policy document is not JSON"]
    statements = document.get("Statement") or []
    audit = [s for s in statements if "Audit" in (s.get("Operation") or {})]
    redact = [s for s in statements if "Deidentify" in (s.get("Operation") or {})]
    gaps = []
    if props.get("Scope", "ALL") != "ALL":
        gaps.append(f"{here}: the data protection policy does not apply to every log group")
    if not audit or not redact or (redact[0]["Operation"]["Deidentify"].get("MaskConfig") != {}):
        return gaps + [f"{here}: the data protection policy lacks its Audit or masking (Deidentify) statement"]
    names = {str(arn).rsplit("/", 1)[-1] for arn in redact[0].get("DataIdentifier", [])}
    if set(audit[0].get("DataIdentifier", [])) != set(redact[0].get("DataIdentifier", [])):
        gaps.append(f"{here}: audited and masked identifiers differ (CloudWatch Logs refuses the policy)")
    gaps += [f"{here}: {i} is not masked" for i in expected if i not in names]
    group = ((audit[0]["Operation"]["Audit"].get("FindingsDestination") or {}).get("CloudWatchLogs") or {}).get("LogGroup")
    days = int(f.setting("retention_days", 365))
    kept = [g for g in f.of_type("AWS::Logs::LogGroup") if g.place == here and g.properties.get("LogGroupName") == group and int(g.properties.get("RetentionInDays") or 0) >= days]
    if not kept:
        gaps.append(f"{here}: audit findings go to no log group of the baseline kept {days} days")
    return gaps


@grades("DPP-PII-1.a")
def account_wide_masking(f: Facts) -> Finding:
    from capabilities.workload_logs import marketplace_identifiers

    found = Finding(
        checks=[
            rule("DPP-LogGroupPiiMasking"),
            case("tests/synth/test_collection.py::test_log_groups_are_encrypted_retained_masked_and_kept_a_year"),
            case("tests/synth/test_workload_channels.py::test_every_log_group_of_the_account_is_masked_for_the_marketplaces"),
        ]
    )
    account_policies = [p for p in f.of_type("AWS::Logs::AccountPolicy") if p.properties.get("PolicyType") == "DATA_PROTECTION_POLICY"]
    groups = f.of_type("AWS::Logs::LogGroup")
    masked = [g for g in groups if g.properties.get("DataProtectionPolicy")]
    marketplaces = tuple(f.setting("workload.marketplaces", []) or [])
    if account_policies:
        expected = marketplace_identifiers(marketplaces)
        sound = [p for p in account_policies if not _policy_gaps(f, p, expected)]
        if sound:
            scope = f"the PII of marketplaces {', '.join(marketplaces)}" if marketplaces else "the global PII identifiers (no marketplace configured)"
            found.controls.append(f"account-wide data protection policy masking {scope} in every log group, findings kept: {where(sound)}")
        found.gaps += [g for p in account_policies for g in _policy_gaps(f, p, expected)]
        found.gaps += [f"no account-wide data protection policy in {p}" for p in f.missing_places(account_policies)]
        if not marketplaces:
            found.gaps.append("no marketplace configured (workload.marketplaces): country-specific identifiers (phone, tax, ID numbers) are not masked")
        if not sound:
            found.answer = "an account-wide data protection policy that audits and masks the marketplaces' PII, findings to a kept log group"
        return found
    if masked:
        found.controls.append(f"the project's own log groups are masked: {len(masked)} of {len(groups)}")
    found.gaps.append("every other log group of the account: no account-wide data protection policy (AWS::Logs::AccountPolicy, DATA_PROTECTION_POLICY) in any account or region")
    if not masked:
        found.answer = "an account-wide CloudWatch Logs data protection policy in every account and region"
    return found


@grades("DPP-PII-1.b")
def no_payloads_in_logs(f: Facts) -> Finding:
    found = Finding(
        checks=[
            case("tests/lambdas/test_chat_relay.py::test_logs_carry_no_payload_secret_or_pii"),
            case("tests/lambdas/test_chat_relay.py::test_pii_is_redacted_unless_the_target_opts_out"),
            case("tests/lambdas/test_relay_formatting.py::test_redaction"),
            case("tests/lambdas/test_flow_log_enforcer.py::test_logs_name_vpcs_only_never_the_event"),
            case("tests/lambdas/test_responder.py::test_logs_name_no_user_address_or_payload"),
        ]
    )
    functions = f.of_type("AWS::Lambda::Function")
    if not functions:
        return found.needs("the project's functions (none synthesized)")
    found.controls.append(f"the project's functions log names and counts, never events: {where(functions)}")
    targets = f.config.get("notification_targets", [])
    webhooks = [t for t in targets if t.get("kind") != "email"]
    if webhooks:
        found.controls.append("chat messages redacted by the relay: " + ", ".join(t["name"] for t in webhooks if t.get("redact_pii", True)))
    found.gaps += [f"target {t['name']} opts out of PII redaction (redactPii false)" for t in webhooks if not t.get("redact_pii", True)]
    return found


@grades("DPP-PII-2")
def no_debug_logging(f: Facts) -> Finding:
    found = Finding(
        checks=[
            rule("DPP-LambdaNoDebugLogging"),
            case("tests/nag/test_dpp_rules.py::test_function_rules"),
            case("tests/synth/test_relay.py::test_the_function_is_paced_traced_logged_at_info_and_holds_no_secret"),
        ]
    )
    functions = f.of_type("AWS::Lambda::Function")
    if not functions:
        return found.needs("the project's functions (none synthesized)")

    def debug(fn) -> bool:
        level = str((fn.properties.get("LoggingConfig") or {}).get("ApplicationLogLevel", ""))
        env = json.dumps((fn.properties.get("Environment") or {}).get("Variables", {}))
        return level in ("DEBUG", "TRACE") or '"DEBUG"' in env or '"TRACE"' in env

    loud = [fn for fn in functions if debug(fn)]
    found.controls.append(f"the project's functions log at INFO or above: {len(functions) - len(loud)} of {len(functions)}")
    found.gaps += [f"{fn.path} logs at DEBUG or TRACE" for fn in loud]
    masking = [p for p in f.of_type("AWS::Logs::AccountPolicy") if p.properties.get("PolicyType") == "DATA_PROTECTION_POLICY" and p.properties.get("Scope", "ALL") == "ALL"]
    if masking:
        # What a debug line leaks is masked in every log group, the application's included.
        found.controls.append(f"PII in every log group of the account masked by the account-wide data protection policy: {where(masking)}")
    found.gaps.append("the application's own log levels: not checked at run time (the workload pack checks them in its CDK stacks)")
    return found
