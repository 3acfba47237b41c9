"""Protect: DPP-PRT-1 .. DPP-PRT-5, graded on the archive's bucket and key policies, Object Lock,
encryption, the reader role's trust and the replica, as synthesized."""

from __future__ import annotations

import json

from evidence.checks import access, case, rule
from evidence.clauses.registry import grades
from evidence.facts import Facts, where
from evidence.grading import Finding

_ARCHIVE = "tests/synth/test_log_archive.py"


def archive_buckets(f: Facts) -> list:
    return f.of_type("AWS::S3::Bucket", "ArchiveBucket")


def locked_buckets(f: Facts) -> list:
    return archive_buckets(f) + f.of_type("AWS::S3::Bucket", "ReplicaBucket")


def statements(resource) -> list[dict]:
    document = resource.properties.get("PolicyDocument") or resource.properties.get("KeyPolicy") or {}
    found = document.get("Statement") or []
    return found if isinstance(found, list) else [found]


def _actions(statement: dict) -> list[str]:
    actions = statement.get("Action") or []
    return [actions] if isinstance(actions, str) else list(actions)


def _policies_of(f: Facts, bucket) -> list:
    return [p for p in f.of_type("AWS::S3::BucketPolicy") if p.stack == bucket.stack and json.dumps(p.properties.get("Bucket")).find(bucket.logical_id) >= 0]


@grades("DPP-PRT-1")
def central_archive(f: Facts) -> Finding:
    found = Finding(
        checks=[
            case(f"{_ARCHIVE}::test_each_service_may_only_write_its_own_prefix_for_covered_accounts"),
            case(f"{_ARCHIVE}::test_config_staging_has_no_object_lock_and_feeds_both_locked_copies"),
        ]
    )
    archive = archive_buckets(f)
    if not archive:
        return found.needs("one WORM archive bucket (the log-archive stack)")
    sids = [s.get("Sid") for b in archive for p in _policies_of(f, b) for s in statements(p) if s.get("Effect") == "Allow" and s.get("Sid")]
    found.controls.append(f"one archive: {where(archive)}; per-source prefixes admitted by its policy ({', '.join(sorted(set(sids)))})")
    if len(archive) > 1:
        found.gaps.append(f"{len(archive)} archive buckets: logs are not in one place")
    return found


@grades("DPP-PRT-2")
def tamper_resistance(f: Facts) -> Finding:
    found = Finding(
        checks=[
            rule("DPP-S3ObjectLockCompliance"),
            rule("DPP-S3Versioning"),
            rule("DPP-TrailLogFileValidation"),
            case(f"{_ARCHIVE}::test_archive_bucket_is_object_locked_in_compliance_mode_for_the_retention"),
            case(f"{_ARCHIVE}::test_replica_is_protected_like_the_archive"),
            case("tests/synth/test_nag_gate.py::test_weakened_object_lock_fails_synth_with_the_dpp_rule"),
        ]
    )
    locked = [b for b in locked_buckets(f) if ((b.properties.get("ObjectLockConfiguration") or {}).get("Rule") or {}).get("DefaultRetention", {}).get("Mode") == "COMPLIANCE"]
    versioned = [b for b in locked if (b.properties.get("VersioningConfiguration") or {}).get("Status") == "Enabled"]
    trails = f.of_type("AWS::CloudTrail::Trail")
    validated = [t for t in trails if t.properties.get("EnableLogFileValidation") is True]
    if not locked:
        return found.needs("S3 Object Lock in compliance mode on the archive and its replica")
    found.controls.append(f"Object Lock (COMPLIANCE) on archive and replica: {where(locked)}; versioned: {len(versioned)} of {len(locked)}")
    if validated:
        found.controls.append(f"trail log file validation (digests): {where(validated)}")
    found.gaps += [f"{t.path}: log file validation off" for t in trails if t not in validated]
    found.gaps += [f"{b.path}: not Object Lock COMPLIANCE" for b in locked_buckets(f) if b not in locked]
    if not f.of_type("AWS::S3::Bucket", "ReplicaBucket"):
        found.gaps.append("no replica bucket in the assembly")
    return found


@grades("DPP-PRT-3")
def confidentiality(f: Facts) -> Finding:
    found = Finding(
        checks=[
            rule("DPP-KmsRotation"),
            rule("DPP-S3KmsEncryption"),
            rule("DPP-S3TlsOnly"),
            rule("DPP-S3PublicAccessBlocked"),
            rule("DPP-LogGroupKms"),
            rule("DPP-SnsTopicKms"),
            rule("DPP-TrailKmsEncrypted"),
            case(f"{_ARCHIVE}::test_archive_bucket_is_private_kms_encrypted_and_owner_enforced"),
            case(f"{_ARCHIVE}::test_every_archive_bucket_denies_requests_without_tls"),
            case(f"{_ARCHIVE}::test_keys_rotate_and_are_retained"),
        ]
    )
    keys = f.of_type("AWS::KMS::Key")
    buckets = locked_buckets(f)
    if not keys or not buckets:
        return found.needs("customer-managed KMS keys (rotation on) for the archive, TLS-only bucket policies, public access blocked")
    rotating = [k for k in keys if k.properties.get("EnableKeyRotation") is True]
    found.controls.append(f"customer-managed KMS keys with rotation: {len(rotating)} of {len(keys)} ({where(keys)})")
    found.gaps += [f"{k.path}: rotation off" for k in keys if k not in rotating]
    for bucket in buckets:
        encryption = json.dumps(bucket.properties.get("BucketEncryption") or {})
        if "aws:kms" not in encryption:
            found.gaps.append(f"{bucket.path}: not encrypted with a KMS key")
        block = bucket.properties.get("PublicAccessBlockConfiguration") or {}
        if not all(block.get(k) is True for k in ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")):
            found.gaps.append(f"{bucket.path}: public access not fully blocked")
        tls = any(s.get("Effect") == "Deny" and "aws:SecureTransport" in json.dumps(s.get("Condition")) for p in _policies_of(f, bucket) for s in statements(p))
        if not tls:
            found.gaps.append(f"{bucket.path}: no TLS-only statement")
    return found


def _trust_statements(role) -> list[dict]:
    document = role.properties.get("AssumeRolePolicyDocument") or {}
    found = document.get("Statement") or []
    return found if isinstance(found, list) else [found]


@grades("DPP-PRT-4.a")
def reader_role(f: Facts) -> Finding:
    found = Finding(
        checks=[
            case(f"{_ARCHIVE}::test_reads_are_denied_to_all_but_the_reader_and_break_glass_roles"),
            case(f"{_ARCHIVE}::test_reader_role_is_read_only_and_trusts_only_the_break_glass_role_with_mfa_by_default"),
            access("reader-read", "admin-read", "reader-not-assumed-without-mfa", "reader-not-assumed-by-admin"),
        ]
    )
    readers = f.of_type("AWS::IAM::Role", "LogReaderRole")
    denies_reads = [
        b for b in locked_buckets(f) for p in _policies_of(f, b) for s in statements(p) if s.get("Effect") == "Deny" and "s3:GetObject" in _actions(s) and "ArnNotLike" in (s.get("Condition") or {})
    ]
    if not readers:
        return found.needs("a dedicated log reader role, the only reader the archive's policy admits")
    found.controls.append(f"reader role {where(readers)}; reads by anyone else denied by the bucket policies ({len(denies_reads)} statements)")
    if not denies_reads:
        found.gaps.append("the archive's policy does not deny reads by other principals")
    for role in readers:
        trust = _trust_statements(role)
        text = json.dumps(trust)
        if "aws:MultiFactorAuthPresent" not in text:
            found.gaps.append("the reader role's trust does not require MFA (aws:MultiFactorAuthPresent)")
        if any(str((s.get("Principal") or {}).get("AWS", "")).endswith(":root") for s in trust):
            found.gaps.append("the reader role trusts the whole account (:root), not named principals")
    names = {str(r.properties.get("RoleName")) for r in readers}
    if not any(any(n in json.dumps(m.properties.get("FilterPattern", "")) for n in names) for m in f.of_type("AWS::Logs::MetricFilter")):
        found.gaps.append("use of the reader role raises no alert (no metric filter names it)")
    cold = {t.get("StorageClass") for b in locked_buckets(f) for r in (b.properties.get("LifecycleConfiguration") or {}).get("Rules", []) for t in r.get("Transitions") or []}
    unreadable = sorted(cold & {"GLACIER", "DEEP_ARCHIVE"})
    if unreadable:
        found.gaps.append(f"objects move to {', '.join(unreadable)}, which must be restored before they can be read (archive cold storage class)")
    return found


_KEY_TAMPER = ("kms:DisableKey", "kms:ScheduleKeyDeletion", "kms:PutKeyPolicy")


@grades("DPP-PRT-4.b")
def tamper_denied(f: Facts) -> Finding:
    found = Finding(
        checks=[
            rule("DPP-S3TamperDenied"),
            case(f"{_ARCHIVE}::test_tampering_is_denied_to_all_but_break_glass_and_the_deploy_role"),
            case(f"{_ARCHIVE}::test_each_service_may_only_write_its_own_prefix_for_covered_accounts"),
            access(
                "admin-DeleteBucket",
                "admin-PutBucketPolicy",
                "admin-DisableKey",
                "admin-ScheduleKeyDeletion",
                "admin-PutKeyPolicy",
                "cloudtrail-put",
                "vpc-flow-logs-put",
                "dns-query-logs-put",
                "config-put-service",
                "guardduty-put",
            ),
        ]
    )
    buckets = locked_buckets(f)
    tamper = [(b, s) for b in buckets for p in _policies_of(f, b) for s in statements(p) if s.get("Effect") == "Deny" and "s3:PutBucketPolicy" in _actions(s)]
    if not tamper:
        return found.needs("deny deletes and policy, lock, lifecycle and replication changes on the archive buckets to all but the break-glass role")
    found.controls.append(f"tampering denied on {len({b.logical_id for b, _ in tamper})} of {len(buckets)} locked buckets")
    break_glass = str(f.setting("archive.break_glass_role_name", ""))
    exempt = sorted({arn for _, s in tamper for arn in _exempt(s) if not arn.endswith(f":role/{break_glass}")})
    if exempt:
        found.gaps.append("also exempt from the tamper deny: " + ", ".join(exempt))
    missing = [b.path for b in buckets if b.logical_id not in {x.logical_id for x, _ in tamper}]
    found.gaps += [f"{m}: no tamper deny" for m in missing]
    needed = {"s3:PutReplicationConfiguration", "s3:PutLifecycleConfiguration", "s3:DeleteObjectVersion", "s3:PutBucketObjectLockConfiguration"}
    denied = {a for _, s in tamper for a in _actions(s)}
    if needed - denied:
        found.gaps.append("not denied on the buckets: " + ", ".join(sorted(needed - denied)))
    archive_keys = [k for k in f.of_type("AWS::KMS::Key") if "Archive" in k.path or "Replica" in k.path]
    guarded = [k for k in archive_keys if any(s.get("Effect") == "Deny" and set(_KEY_TAMPER) <= set(_actions(s)) for s in statements(k))]
    if archive_keys and not guarded:
        found.gaps.append("the archive keys' policies do not deny " + ", ".join(_KEY_TAMPER) + " to all but break-glass")
    return found


def _exempt(statement: dict) -> list[str]:
    condition = statement.get("Condition") or {}
    arns = (condition.get("ArnNotLike") or condition.get("ArnNotEquals") or {}).get("aws:PrincipalArn") or []
    return [a for a in ([arns] if isinstance(arns, str) else arns) if isinstance(a, str)]


@grades("DPP-PRT-4.c")
def segregation(f: Facts) -> Finding:
    found = Finding(
        checks=[
            case("tests/unit/test_topology.py::test_archive_lives_in_the_log_archive_account_only"),
            case(f"{_ARCHIVE}::test_other_covered_accounts_may_only_describe_the_archive_key"),
            case("tests/access/test_reader_endpoints.py::test_the_reader_reads_only_through_its_endpoints"),
        ]
    )
    archive = archive_buckets(f)
    if not archive:
        return found.needs("the archive (log-archive stack) in the log-archive account")
    roles = dict(f.account_roles())
    holder = archive[0].account
    found.controls.append(f"archive in account {holder} ({', '.join(roles.get(holder, []))})")
    if len(roles) > 1 and "workload" in roles.get(holder, []):
        found.gaps.append(f"account {holder} holds the archive and runs workloads although there are {len(roles)} accounts")
    vpce = any("aws:SourceVpce" in json.dumps(s) or "aws:SourceVpc" in json.dumps(s) for p in f.of_type("AWS::S3::BucketPolicy") for s in statements(p))
    if vpce:
        endpoints = f.setting("archive.reader_vpc_endpoints") or []
        found.controls.append(f"network segregation: the reader role reads the archive only through VPC endpoints {', '.join(endpoints)}")
    else:
        found.gaps.append("network segregation: the reader role may read the archive from any network (archive.readerVpcEndpoints confines it to your VPC endpoints)")
    return found


@grades("DPP-PRT-5")
def geographic_backup(f: Facts) -> Finding:
    found = Finding(
        checks=[
            rule("DPP-S3CrossRegionReplica"),
            case(f"{_ARCHIVE}::test_archive_replicates_every_prefix_to_the_replica_region_without_delete_markers"),
            case(f"{_ARCHIVE}::test_replica_is_protected_like_the_archive"),
            access("replication-write-replica", "replication-no-delete-markers"),
        ]
    )
    replicas = f.of_type("AWS::S3::Bucket", "ReplicaBucket")
    replicating = [b for b in archive_buckets(f) if b.properties.get("ReplicationConfiguration")]
    if not replicas or not replicating:
        return found.needs(f"the replica bucket in {f.setting('replica_region', 'the replica region')} (log-replica stack) and replication from the archive")
    found.controls.append(f"replica {where(replicas)}, replicated from the archive {where(replicating)}")
    home = {b.region for b in replicating}
    found.gaps += [f"replica {r.path} is in the archive's own region" for r in replicas if r.region in home]
    found.gaps.append('documented recovery procedure: only a drill step ("restore one day of logs from the replica"); no step-by-step restore runbook')
    return found
