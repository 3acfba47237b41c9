"""The log archive and its replica (DPP-PRT-1..5, DPP-RET-1, DPP-LOG-7), read from the synthesized
default app, plus a configuration with a longer retention."""

from __future__ import annotations

import json

import pytest
from aws_cdk.assertions import Template

from capabilities.archive.tamper import TAMPER_ACTIONS
from tests.support import build_app, context_with

ACCOUNT = "111122223333"
ARCHIVE = f"dpp-prod-log-archive-{ACCOUNT}-eu-west-1"
STAGING = f"dpp-prod-config-staging-{ACCOUNT}-eu-west-1"
REPLICA = f"dpp-prod-log-replica-{ACCOUNT}-eu-central-1"
BREAK_GLASS = f"arn:aws:iam::{ACCOUNT}:role/DppBreakGlass"
READER = f"arn:aws:iam::{ACCOUNT}:role/dpp-prod-log-reader"


@pytest.fixture(scope="module")
def archive(synthesized) -> Template:
    return synthesized.template("log-archive")


@pytest.fixture(scope="module")
def replica(synthesized) -> Template:
    return synthesized.template("log-replica")


def resource(template: Template, logical_prefix: str, cfn_type: str) -> dict:
    found = {k: v for k, v in template.find_resources(cfn_type).items() if k.startswith(logical_prefix)}
    assert len(found) == 1, f"expected one {cfn_type} named {logical_prefix}*, found {list(found)}"
    return next(iter(found.values()))


def bucket_named(template: Template, name: str) -> tuple[str, dict]:
    found = [(k, v) for k, v in template.find_resources("AWS::S3::Bucket").items() if v["Properties"].get("BucketName") == name]
    assert len(found) == 1, name
    return found[0]


def policy_of(template: Template, bucket_logical_id: str) -> list[dict]:
    for policy in template.find_resources("AWS::S3::BucketPolicy").values():
        if policy["Properties"]["Bucket"] == {"Ref": bucket_logical_id}:
            return policy["Properties"]["PolicyDocument"]["Statement"]
    raise AssertionError(f"no policy for {bucket_logical_id}")


def statement(statements: list[dict], sid: str) -> dict:
    matches = [s for s in statements if s.get("Sid") == sid]
    assert len(matches) == 1, f"{sid} not in {[s.get('Sid') for s in statements]}"
    return matches[0]


# --- the WORM archive ---------------------------------------------------------------------


def test_archive_bucket_is_object_locked_in_compliance_mode_for_the_retention(archive):
    _, bucket = bucket_named(archive, ARCHIVE)
    props = bucket["Properties"]
    assert props["ObjectLockEnabled"] is True
    assert props["ObjectLockConfiguration"] == {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 365}}}
    assert props["VersioningConfiguration"] == {"Status": "Enabled"}


def test_archive_bucket_is_private_kms_encrypted_and_owner_enforced(archive):
    _, bucket = bucket_named(archive, ARCHIVE)
    props = bucket["Properties"]
    key_id = next(k for k in archive.find_resources("AWS::KMS::Key") if k.startswith("LogArchiveArchiveKey"))
    assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"] == [
        {"BucketKeyEnabled": True, "ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": {"Fn::GetAtt": [key_id, "Arn"]}}}
    ]
    assert props["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert props["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}


def test_archive_access_is_logged_to_the_access_log_bucket(archive):
    access_id, access = bucket_named(archive, f"dpp-prod-access-logs-{ACCOUNT}-eu-west-1")
    _, bucket = bucket_named(archive, ARCHIVE)
    # Partitioned by day, so the access logs' Athena table projects days (DPP-ANA-1).
    assert bucket["Properties"]["LoggingConfiguration"] == {
        "DestinationBucketName": {"Ref": access_id},
        "LogFilePrefix": "log-archive/",
        "TargetObjectKeyFormat": {"PartitionedPrefix": {"PartitionDateSource": "EventTime"}},
    }
    _, staging = bucket_named(archive, STAGING)
    assert staging["Properties"]["LoggingConfiguration"]["DestinationBucketName"] == {"Ref": access_id}
    # S3 server access logging only writes to SSE-S3 buckets; kept for the full retention.
    assert access["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
    assert access["Properties"]["LifecycleConfiguration"]["Rules"][0]["ExpirationInDays"] >= 365


def lifecycle_days(bucket: dict) -> list[int]:
    days = []
    for rule in bucket["Properties"]["LifecycleConfiguration"]["Rules"]:
        if "ExpirationInDays" in rule:
            days.append(rule["ExpirationInDays"])
        if "NoncurrentVersionExpiration" in rule:
            days.append(rule["NoncurrentVersionExpiration"]["NoncurrentDays"])
    return days


def test_lifecycle_moves_to_colder_tiers_and_never_expires_before_retention(archive, replica):
    _, bucket = bucket_named(archive, ARCHIVE)
    rule = bucket["Properties"]["LifecycleConfiguration"]["Rules"][0]
    # Glacier Instant Retrieval by default: read with a plain GET for the whole retention (DPP-PRT-4.a).
    assert rule["Transitions"] == [{"StorageClass": "STANDARD_IA", "TransitionInDays": 30}, {"StorageClass": "GLACIER_IR", "TransitionInDays": 90}]
    for template in (archive, replica):
        for logical_id, bucket in template.find_resources("AWS::S3::Bucket").items():
            assert lifecycle_days(bucket), f"{logical_id} has no expiry at all"
            if logical_id.startswith("InvestigationResultsBucket"):  # Athena results, not logs: they expire
                assert lifecycle_days(bucket) == [30, 1], logical_id
                continue
            assert min(lifecycle_days(bucket)) >= 365, logical_id


def test_archive_replicates_every_prefix_to_the_replica_region_without_delete_markers(archive):
    _, bucket = bucket_named(archive, ARCHIVE)
    replication = bucket["Properties"]["ReplicationConfiguration"]
    role_id = next(k for k in archive.find_resources("AWS::IAM::Role") if k.startswith("LogArchiveReplicationRole"))
    assert replication["Role"] == {"Fn::GetAtt": [role_id, "Arn"]}
    assert replication["Rules"] == [
        {
            "Id": "ToReplicaRegion",
            "Priority": 1,
            "Status": "Enabled",
            "Filter": {"Prefix": ""},
            "DeleteMarkerReplication": {"Status": "Disabled"},
            "SourceSelectionCriteria": {"SseKmsEncryptedObjects": {"Status": "Enabled"}},
            "Destination": {
                "Bucket": f"arn:aws:s3:::{REPLICA}",
                "EncryptionConfiguration": {"ReplicaKmsKeyID": f"arn:aws:kms:eu-central-1:{ACCOUNT}:alias/dpp-prod/log-replica"},
                "Metrics": {"Status": "Enabled"},
            },
        }
    ]


def test_config_staging_has_no_object_lock_and_feeds_both_locked_copies(archive):
    """AWS Config refuses Object Lock buckets; replication puts its data under WORM."""
    _, staging = bucket_named(archive, STAGING)
    props = staging["Properties"]
    assert "ObjectLockEnabled" not in props
    assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    rules = props["ReplicationConfiguration"]["Rules"]
    assert [(r["Id"], r["Destination"]["Bucket"]) for r in rules] == [
        ("IntoWormArchive", f"arn:aws:s3:::{ARCHIVE}"),
        ("ToReplicaRegion", f"arn:aws:s3:::{REPLICA}"),
    ]
    assert all(r["DeleteMarkerReplication"] == {"Status": "Disabled"} for r in rules)


def test_staging_bucket_is_created_after_the_archive_it_replicates_into(archive):
    archive_id, _ = bucket_named(archive, ARCHIVE)
    _, staging = bucket_named(archive, STAGING)
    assert archive_id in staging.get("DependsOn", [])


def test_replication_time_control_is_configurable():
    built = build_app(context_with(archive__replicationTimeControl="true"))
    template = built.template("log-archive")
    _, bucket = bucket_named(template, ARCHIVE)
    destination = bucket["Properties"]["ReplicationConfiguration"]["Rules"][0]["Destination"]
    assert destination["ReplicationTime"] == {"Status": "Enabled", "Time": {"Minutes": 15}}
    assert destination["Metrics"] == {"Status": "Enabled", "EventThreshold": {"Minutes": 15}}


# --- bucket policies: delivery per prefix, tamper and read denies -------------------------


def test_every_archive_bucket_denies_requests_without_tls(archive, replica):
    for template in (archive, replica):
        for logical_id in template.find_resources("AWS::S3::Bucket"):
            statements = policy_of(template, logical_id)
            assert any(s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}} and s["Action"] == "s3:*" for s in statements), logical_id


def test_tampering_is_denied_to_all_but_break_glass_and_the_deploy_role(archive, replica):
    exempt = {
        archive: [BREAK_GLASS, f"arn:aws:iam::{ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-{ACCOUNT}-eu-west-1"],
        replica: [BREAK_GLASS, f"arn:aws:iam::{ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-{ACCOUNT}-eu-central-1"],
    }
    for template, allowed in exempt.items():
        for logical_id in template.find_resources("AWS::S3::Bucket"):
            deny = statement(policy_of(template, logical_id), "DenyTamperingExceptBreakGlassAndDeployment")
            assert deny["Effect"] == "Deny" and deny["Principal"] == {"AWS": "*"}
            assert set(deny["Action"]) == set(TAMPER_ACTIONS)
            for required in ("s3:DeleteBucket", "s3:PutBucketPolicy", "s3:PutLifecycleConfiguration", "s3:PutBucketObjectLockConfiguration", "s3:PutBucketVersioning", "s3:DeleteObjectVersion"):
                assert required in deny["Action"]
            assert deny["Condition"] == {"ArnNotLike": {"aws:PrincipalArn": allowed}}


def test_reads_are_denied_to_all_but_the_reader_and_break_glass_roles(archive, replica):
    reader_id = next(k for k in archive.find_resources("AWS::IAM::Role") if k.startswith("LogArchiveLogReaderRole"))
    _, _ = bucket_named(archive, ARCHIVE)
    archive_id, _ = bucket_named(archive, ARCHIVE)
    deny = statement(policy_of(archive, archive_id), "DenyReadsExceptReaderRole")
    assert deny["Condition"] == {"ArnNotLike": {"aws:PrincipalArn": [{"Fn::GetAtt": [reader_id, "Arn"]}, BREAK_GLASS]}}
    assert "s3:GetObject" in deny["Action"]
    replica_id, _ = bucket_named(replica, REPLICA)
    deny = statement(policy_of(replica, replica_id), "DenyReadsExceptReaderRole")
    assert deny["Condition"] == {"ArnNotLike": {"aws:PrincipalArn": [READER, BREAK_GLASS]}}


def test_each_service_may_only_write_its_own_prefix_for_covered_accounts(archive):
    archive_id, _ = bucket_named(archive, ARCHIVE)
    statements = policy_of(archive, archive_id)
    arn = {"Fn::GetAtt": [archive_id, "Arn"]}

    def objects(prefix: str) -> dict:
        return {"Fn::Join": ["", [arn, f"/{prefix}/AWSLogs/{ACCOUNT}/*"]]}

    trail = statement(statements, "CloudTrailWritesOwnPrefix")
    assert trail["Principal"] == {"Service": "cloudtrail.amazonaws.com"} and trail["Action"] == "s3:PutObject"
    assert trail["Resource"] == objects("cloudtrail")
    assert trail["Condition"] == {
        "StringEquals": {"aws:SourceAccount": [ACCOUNT]},
        "ArnLike": {"aws:SourceArn": [f"arn:aws:cloudtrail:*:{ACCOUNT}:trail/*"]},
    }
    assert statement(statements, "LogDeliveryWritesFlowLogs")["Resource"] == objects("vpc-flow-logs")
    assert statement(statements, "LogDeliveryWritesDnsQueryLogs")["Resource"] == objects("dns-query-logs")
    assert statement(statements, "LogDeliveryWritesFlowLogs")["Condition"]["ArnLike"] == {"aws:SourceArn": [f"arn:aws:logs:*:{ACCOUNT}:*"]}
    staging_id, _ = bucket_named(archive, STAGING)
    config = statement(policy_of(archive, staging_id), "ConfigWritesOwnPrefix")
    assert config["Principal"] == {"Service": "config.amazonaws.com"}
    assert config["Resource"] == {"Fn::Join": ["", [{"Fn::GetAtt": [staging_id, "Arn"]}, f"/config/AWSLogs/{ACCOUNT}/*"]]}
    assert config["Condition"] == {"StringEquals": {"aws:SourceAccount": [ACCOUNT]}}


def test_guardduty_exports_findings_into_staging_under_its_own_prefix(archive):
    # Into the unlocked staging bucket, from where replication locks them in both copies.
    staging_id, _ = bucket_named(archive, STAGING)
    statements = policy_of(archive, staging_id)
    detectors = {
        "StringEquals": {"aws:SourceAccount": [ACCOUNT]},
        "ArnLike": {"aws:SourceArn": [f"arn:aws:guardduty:*:{ACCOUNT}:detector/*"]},
    }
    put = statement(statements, "GuardDutyWritesOwnPrefix")
    assert put["Principal"] == {"Service": "guardduty.amazonaws.com"} and put["Action"] == "s3:PutObject"
    assert put["Resource"] == {"Fn::Join": ["", [{"Fn::GetAtt": [staging_id, "Arn"]}, f"/guardduty/AWSLogs/{ACCOUNT}/*"]]}
    assert put["Condition"] == detectors
    location = statement(statements, "GuardDutyChecksLocation")
    assert location["Action"] == "s3:GetBucketLocation" and location["Condition"] == detectors
    archive_id, _ = bucket_named(archive, ARCHIVE)
    assert not [s for s in policy_of(archive, archive_id) if "guardduty" in str(s.get("Principal"))], "GuardDuty never writes the locked bucket itself"
    key = statement(key_statements(archive, "LogArchiveArchiveKey"), "GuardDutyEncryptsCoveredAccountsFindings")
    assert key["Action"] == "kms:GenerateDataKey" and key["Condition"] == detectors


def test_other_covered_accounts_may_only_describe_the_archive_key():
    from tests.unit.test_topology import three_account_context

    template = build_app(three_account_context()).template("log-archive")
    lookup = statement(key_statements(template, "LogArchiveArchiveKey"), "CoveredAccountsLookUpKeyArn")
    assert lookup["Action"] == "kms:DescribeKey"
    principals = {json.dumps(p) for p in lookup["Principal"]["AWS"]}
    assert all("444455556666" in p or "777788889999" in p for p in principals) and len(principals) == 2


def test_allows_name_only_services_never_any_principal(archive, replica):
    for template in (archive, replica):
        for policy in template.find_resources("AWS::S3::BucketPolicy").values():
            for s in policy["Properties"]["PolicyDocument"]["Statement"]:
                if s["Effect"] == "Allow" and s.get("Sid") == "ResolverConfigOwnersListBucket":
                    # The one account grant: the covered accounts may list (not read) the bucket,
                    # as Route 53 Resolver requires of a cross-account destination.
                    assert s["Action"] == "s3:ListBucket" and s["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, s
                elif s["Effect"] == "Allow" and s.get("Sid", "").startswith("LogExportRoles"):
                    # The covered accounts' Firehose roles, by name: the account, pinned to the roles.
                    assert s["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, s
                    assert s["Condition"] == {"ArnLike": {"aws:PrincipalArn": [f"arn:aws:iam::{ACCOUNT}:role/dpp-prod-log-export-*"]}}, s
                elif s["Effect"] == "Allow" and s.get("Sid") == "LogForwardersWriteOwnPrefix":
                    # The workload log forwarders' roles, by name, under workload-logs/<account>/ only.
                    assert s["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, s
                    assert s["Condition"] == {"ArnLike": {"aws:PrincipalArn": [f"arn:aws:iam::{ACCOUNT}:role/dpp-prod-log-forwarder-*"]}}, s
                    assert s["Resource"]["Fn::Join"][1][-1] == f"/workload-logs/{ACCOUNT}/*", s
                elif s["Effect"] == "Allow" and s.get("Sid") == "DrillCheckersWriteEvidence":
                    # The drill checkers' records (DPP-MON-8): their accounts, narrowed to the
                    # checker role by ARN, may put objects under evidence/drill/ and nothing else.
                    assert s["Action"] == "s3:PutObject" and s["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, s
                    assert s["Condition"] == {"ArnEquals": {"aws:PrincipalArn": [f"arn:aws:iam::{ACCOUNT}:role/dpp-prod-drill-checker"]}}, s
                    assert s["Resource"]["Fn::Join"][1][-1] == "/evidence/drill/*", s
                elif s["Effect"] == "Allow":
                    assert set(s["Principal"]) == {"Service"}, s


# --- keys -----------------------------------------------------------------------------------


def key_statements(template: Template, prefix: str) -> list[dict]:
    return resource(template, prefix, "AWS::KMS::Key")["Properties"]["KeyPolicy"]["Statement"]


def test_keys_rotate_and_are_retained(archive, replica):
    for template, prefix in ((archive, "LogArchiveArchiveKey"), (replica, "LogArchiveReplicaReplicaKey")):
        key = resource(template, prefix, "AWS::KMS::Key")
        assert key["Properties"]["EnableKeyRotation"] is True
        assert key["DeletionPolicy"] == "Retain" and key["UpdateReplacePolicy"] == "Retain"
    archive.has_resource_properties("AWS::KMS::Alias", {"AliasName": "alias/dpp-prod/log-archive"})
    replica.has_resource_properties("AWS::KMS::Alias", {"AliasName": "alias/dpp-prod/log-replica"})


def test_archive_key_admits_services_only_for_covered_accounts(archive):
    statements = key_statements(archive, "LogArchiveArchiveKey")
    trail = statement(statements, "CloudTrailEncryptsCoveredAccountsTrails")
    assert trail["Principal"] == {"Service": "cloudtrail.amazonaws.com"}
    assert trail["Action"] == "kms:GenerateDataKey*"
    assert trail["Condition"] == {
        "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": [f"arn:aws:cloudtrail:*:{ACCOUNT}:trail/*"]},
        "StringEquals": {"aws:SourceAccount": [ACCOUNT]},
    }
    assert statement(statements, "ConfigEncryptsCoveredAccountsDeliveries")["Condition"] == {"StringEquals": {"aws:SourceAccount": [ACCOUNT]}}
    delivery = statement(statements, "LogDeliveryEncryptsCoveredAccountsLogs")
    assert delivery["Condition"]["ArnLike"] == {"aws:SourceArn": [f"arn:aws:logs:*:{ACCOUNT}:*"]}
    for s in statements:
        if s["Effect"] == "Deny":
            continue  # the tamper deny names everyone on purpose
        principal = s["Principal"]
        assert principal != "*" and principal.get("AWS") != "*", s
        if s.get("Sid") == "LogExportRolesEncryptThroughS3":
            assert s["Condition"]["ArnLike"] == {"aws:PrincipalArn": [f"arn:aws:iam::{ACCOUNT}:role/dpp-prod-log-export-*"]}
            assert s["Condition"]["StringEquals"] == {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}
        if "Service" in principal:
            # Bound to this account: by aws:SourceAccount, or (CloudWatch Logs) by the encryption
            # context naming one log group of it, the form its KMS page documents
            # (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html).
            context = s["Condition"].get("ArnEquals", {}).get("kms:EncryptionContext:aws:logs:arn", "")
            assert "aws:SourceAccount" in s["Condition"].get("StringEquals", {}) or context.startswith(f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:"), s


# --- roles ----------------------------------------------------------------------------------


def managed_policy_actions(template: Template, prefix: str) -> set[str]:
    actions: set[str] = set()
    for s in resource(template, prefix, "AWS::IAM::ManagedPolicy")["Properties"]["PolicyDocument"]["Statement"]:
        assert s["Effect"] == "Allow"
        actions.update(s["Action"] if isinstance(s["Action"], list) else [s["Action"]])
    return actions


def test_reader_role_is_read_only_and_trusts_only_the_break_glass_role_with_mfa_by_default(archive):
    """DPP-PRT-4.a: no account-wide trust; with no readerPrincipals configured only break-glass."""
    role = resource(archive, "LogArchiveLogReaderRole", "AWS::IAM::Role")["Properties"]
    assert role["RoleName"] == "dpp-prod-log-reader"
    assert role["MaxSessionDuration"] == 3600
    assert role["AssumeRolePolicyDocument"]["Statement"] == [
        {"Effect": "Allow", "Principal": {"AWS": BREAK_GLASS}, "Action": "sts:AssumeRole", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}
    ]
    actions = managed_policy_actions(archive, "LogArchiveLogReaderPolicy")
    # read-only on the logs; the one write is a record of the evidence register (evidence/ of
    # the archive only: tests/access rows reader-records-evidence and reader-writes-no-logs)
    assert actions == {
        "s3:ListBucket",
        "s3:ListBucketVersions",
        "s3:GetBucketLocation",
        "s3:GetObject",
        "s3:GetObjectVersion",
        "s3:GetObjectAttributes",
        "kms:Decrypt",
        "s3:PutObject",
        "kms:GenerateDataKey",
    }
    policy = next(r for k, r in archive.find_resources("AWS::IAM::ManagedPolicy").items() if k.startswith("LogArchiveLogReaderPolicy"))
    (writes,) = [st for st in policy["Properties"]["PolicyDocument"]["Statement"] if st["Action"] == "s3:PutObject"]
    assert writes["Resource"] == "arn:aws:s3:::dpp-prod-log-archive-111122223333-eu-west-1/evidence/*"


def test_configured_readers_and_a_deep_cold_tier_change_trust_and_grant_restores():
    investigator = f"arn:aws:iam::{ACCOUNT}:role/SecurityInvestigator"
    built = build_app(context_with(archive__readerPrincipals=[investigator], archive__coldStorageClass="DEEP_ARCHIVE", archive__readerRequiresMfa=False))
    template = built.template("log-archive")
    role = resource(template, "LogArchiveLogReaderRole", "AWS::IAM::Role")["Properties"]
    assert role["AssumeRolePolicyDocument"]["Statement"] == [{"Effect": "Allow", "Principal": {"AWS": investigator}, "Action": "sts:AssumeRole"}]
    assert "s3:RestoreObject" in managed_policy_actions(template, "LogArchiveLogReaderPolicy")
    _, bucket = bucket_named(template, ARCHIVE)
    assert bucket["Properties"]["LifecycleConfiguration"]["Rules"][0]["Transitions"][-1]["StorageClass"] == "DEEP_ARCHIVE"


def test_replication_role_is_least_privilege(archive):
    role = resource(archive, "LogArchiveReplicationRole", "AWS::IAM::Role")["Properties"]
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "s3.amazonaws.com"}
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
    actions = managed_policy_actions(archive, "LogArchiveReplicationRolePolicy")
    assert "s3:ReplicateDelete" not in actions
    assert not {a for a in actions if "Delete" in a or a.endswith("*")}
    assert {"s3:ReplicateObject", "s3:GetObjectVersionForReplication", "kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"} <= actions
    replica_key = [
        s
        for s in resource(archive, "LogArchiveReplicationRolePolicy", "AWS::IAM::ManagedPolicy")["Properties"]["PolicyDocument"]["Statement"]
        if s["Resource"] == f"arn:aws:kms:eu-central-1:{ACCOUNT}:key/*"
    ]
    assert replica_key and replica_key[0]["Condition"] == {
        "ForAnyValue:StringEquals": {"kms:ResourceAliases": ["alias/dpp-prod/log-replica"]},
        "StringEquals": {"kms:ViaService": "s3.eu-central-1.amazonaws.com"},
    }


# --- the replica ----------------------------------------------------------------------------


def test_replica_is_protected_like_the_archive(replica):
    _, bucket = bucket_named(replica, REPLICA)
    props = bucket["Properties"]
    assert props["ObjectLockConfiguration"]["Rule"]["DefaultRetention"] == {"Mode": "COMPLIANCE", "Days": 365}
    assert props["VersioningConfiguration"] == {"Status": "Enabled"}
    key_id = next(iter(replica.find_resources("AWS::KMS::Key")))
    assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]["KMSMasterKeyID"] == {"Fn::GetAtt": [key_id, "Arn"]}
    access_id, _ = bucket_named(replica, f"dpp-prod-access-logs-{ACCOUNT}-eu-central-1")
    assert props["LoggingConfiguration"]["DestinationBucketName"] == {"Ref": access_id}


# --- stateful resources: retained, logical IDs pinned ----------------------------------------

PINNED_STATEFUL = {
    "log-archive": {
        "LogArchiveArchiveKey8B4E3AE1",
        "LogArchiveAccessLogBucketA7576278",
        "LogArchiveArchiveBucketB1D7655B",
        "LogArchiveConfigStagingBucketF29983D4",
        "InvestigationResultsBucketCC319D56",
        "InvestigationResultsKey1C1B610F",
        "GuardDutyExportFolderLogGroup845AA0BE",  # the export-folder action's log (capabilities.detection.export_folder)
    },
    "log-replica": {
        "LogArchiveReplicaReplicaKey448ED0D0",
        "LogArchiveReplicaAccessLogBucket86823CCB",
        "LogArchiveReplicaReplicaBucketE0AEECED",
    },
}


@pytest.mark.parametrize("kind", sorted(PINNED_STATEFUL))
def test_stateful_logical_ids_are_pinned_and_retained(synthesized, kind):
    template = synthesized.template(kind)
    stateful = {}
    for cfn_type in ("AWS::S3::Bucket", "AWS::KMS::Key", "AWS::Logs::LogGroup"):
        stateful.update(template.find_resources(cfn_type))
    assert set(stateful) == PINNED_STATEFUL[kind], "a renamed logical ID would replace (and orphan) a stateful resource"
    for logical_id, res in stateful.items():
        assert res["DeletionPolicy"] == "Retain" and res["UpdateReplacePolicy"] == "Retain", logical_id


# --- configuration flows through --------------------------------------------------------------


def test_retention_of_400_days_is_applied_everywhere():
    built = build_app(context_with(retentionDays="400"))
    for kind in ("log-archive", "log-replica"):
        template = built.template(kind)
        for logical_id, bucket in template.find_resources("AWS::S3::Bucket").items():
            if logical_id.startswith("InvestigationResultsBucket"):
                continue  # Athena results expire after 30 days whatever the retention
            assert min(lifecycle_days(bucket)) == 400, logical_id
            lock = bucket["Properties"].get("ObjectLockConfiguration")
            if lock:
                assert lock["Rule"]["DefaultRetention"] == {"Mode": "COMPLIANCE", "Days": 400}


def test_only_the_evidence_writers_write_under_evidence(archive, replica):
    """The evidence write boundary (DPP-VER-4, DPP-MON-8): one deny on the archive's evidence/
    for writes, replicated copies and delete markers, exempting exactly the drill checker, the
    reader role and break-glass (tests/access: evidence-* rows decide it against the policies);
    the replica receives the archive's records by replication and has no such deny."""
    statements = [s for p in archive.find_resources("AWS::S3::BucketPolicy").values() for s in p["Properties"]["PolicyDocument"]["Statement"]]
    deny = statement(statements, "DenyEvidenceWritesExceptEvidenceWriters")
    assert deny["Effect"] == "Deny" and deny["Principal"] == {"AWS": "*"}
    assert sorted(deny["Action"]) == ["s3:DeleteObject", "s3:PutObject", "s3:ReplicateDelete", "s3:ReplicateObject"]
    assert deny["Resource"]["Fn::Join"][1][-1] == "/evidence/*"
    assert sorted(deny["Condition"]["ArnNotLike"]["aws:PrincipalArn"]) == sorted(
        [f"arn:aws:iam::{ACCOUNT}:role/dpp-prod-drill-checker", f"arn:aws:iam::{ACCOUNT}:role/dpp-prod-log-reader", BREAK_GLASS]
    )
    replica_sids = {s.get("Sid") for p in replica.find_resources("AWS::S3::BucketPolicy").values() for s in p["Properties"]["PolicyDocument"]["Statement"]}
    assert "DenyEvidenceWritesExceptEvidenceWriters" not in replica_sids
