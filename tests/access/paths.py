"""Every request AWS services make on the project's behalf, and the tampering and reading
attempts of people, as data: one row per path, each citing the AWS page that documents the
request (principal, action, resource, and the context keys AWS sends, or does not send).

``expect`` is what the synthesized policies must decide: ``Allowed`` for a delivery the
baseline depends on, ``Denied`` (explicitly or implicitly) for an attempt it must refuse.
Rows are generated from the configuration's names so they follow a renamed stage or account.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from capabilities.alerting.archive_watch import archive_watch_regions, forwarder_role_name, security_bus_arn
from capabilities.drills.paths import drill_places
from configuration.model import BaselineConfig
from configuration.naming import archive_names, monitoring_names
from tests.access.simulator import Request

# The AWS pages the rows encode.
DOC_CLOUDTRAIL_S3 = "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html"
DOC_CLOUDTRAIL_DIGESTS = "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/encrypting-cloudtrail-log-files-with-aws-kms.html"
DOC_CLOUDTRAIL_KMS = "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html"
DOC_CONFIG_S3 = "https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html"
DOC_CONFIG_KMS = "https://docs.aws.amazon.com/config/latest/developerguide/s3-kms-key-policy.html"
DOC_VENDED_LOGS = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-and-resource-policy.html"
# Vended logs v2 (CloudFront standard logging v2 among them) into S3: PutObject with the
# bucket-owner-full-control ACL, aws:SourceAccount and the delivery source's ARN; no ACL check.
DOC_VENDED_LOGS_V2_S3 = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-and-resource-policy.html#AWS-logs-infrastructure-V2-S3"
DOC_FLOW_LOGS_S3 = "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-permissions.html"
DOC_RESOLVER_S3 = "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-query-logs-choosing-target-resource.html"
DOC_GUARDDUTY_EXPORT = "https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_exportfindings.html"
DOC_ACCESS_LOGGING = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html"
DOC_REPLICATION_KMS = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html"
DOC_LOGS_KMS = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html"
DOC_SNS_KMS = "https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html"
DOC_COST_ANOMALY_SNS = "https://docs.aws.amazon.com/cost-management/latest/userguide/ad-SNS.html"
DOC_BUDGETS_SNS = "https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-sns-policy.html"
DOC_SNS_SQS = "https://docs.aws.amazon.com/sns/latest/dg/subscribe-sqs-queue-to-sns-topic.html"
DOC_EVENTS_CROSS_REGION = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-region.html"
DOC_EVENTS_DLQ = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html"
DOC_EVENTS_SNS = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html"
DOC_SECRETS = "https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples.html"
DOC_SQS_KMS = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html"
DOC_CONDITION_OPERATORS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"
DOC_MFA_KEY = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent"
DOC_KEY_POLICY = "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html"
DOC_S3_ACTIONS = "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html"
DOC_KMS_ACTIONS = "https://docs.aws.amazon.com/service-authorization/latest/reference/list_awskeymanagementservice.html"
DOC_FIREHOSE_ROLE = "https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html#using-iam-s3"
DOC_FIREHOSE_CROSS_ACCOUNT = "https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html#cross-account-delivery-s3"
DOC_FIREHOSE_KMS = "https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html#using-kms-key-for-s3-cross-account"
DOC_CWL_ACCOUNT_SUBSCRIPTION = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters-AccountLevel.html#FirehoseExample-AccountLevel"
# Athena runs a query with the caller's credentials: its Glue catalogue reads, its S3 reads of
# the data (aws:CalledVia athena.amazonaws.com) and its writes of the results
# (https://docs.aws.amazon.com/athena/latest/ug/workgroups-iam-policy.html,
# https://docs.aws.amazon.com/athena/latest/ug/fine-grained-access-to-glue-resources.html,
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-calledvia).
DOC_ATHENA_WORKGROUP = "https://docs.aws.amazon.com/athena/latest/ug/workgroups-iam-policy.html"
DOC_ATHENA_GLUE = "https://docs.aws.amazon.com/athena/latest/ug/fine-grained-access-to-glue-resources.html"
DOC_CALLED_VIA = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-calledvia"
# A PutObject that names no encryption is encrypted with the bucket's default key, and the
# requester needs kms:GenerateDataKey on it (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html);
# across accounts both the key policy and the requester's own policy must allow it
# (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html).
DOC_S3_KMS = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html"
DOC_KMS_CROSS_ACCOUNT = "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html"
DOC_S3_CROSS_ACCOUNT = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-walkthroughs-managing-access-example2.html"
DOC_ALB_ACCESS_LOGS = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html"
DOC_WAF_S3 = "https://docs.aws.amazon.com/waf/latest/developerguide/logging-s3.html"
# CopyObject: s3:GetObject on the source (s3:GetObjectVersion when a version is named) and
# s3:PutObject on the destination, each from the caller's policies and, across accounts, the
# destination bucket's policy (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html).
DOC_COPY_OBJECT = "https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html"
# A multipart upload (UploadPartCopy included) with a KMS key needs kms:GenerateDataKey and
# kms:Decrypt (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateMultipartUpload.html).
DOC_MULTIPART_KMS = "https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateMultipartUpload.html"
# Organization members' workload log events reach the management account's bus: its policy may
# admit an organization (aws:PrincipalOrgID, the sender's rule then needs a role,
# https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutPermission.html) and limit
# the events by events:source and events:detail-type
# (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-example-policy-cross-account-custom-bus-source.html).
DOC_EVENTS_CROSS_ACCOUNT = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-example-policy-cross-account-custom-bus-source.html"
DOC_EVENTS_ORGANIZATION = "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutPermission.html"
DOC_RESOURCE_ORG_ID = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourceorgid"
DOC_LOGS_ACTIONS = "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatchlogs.html"
DOC_ROLE_TRUST = "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html"

ALLOWED = "Allowed"
DENIED = "Denied"


@dataclass(frozen=True)
class AccessPath:
    id: str
    doc: str
    request: Request
    expect: str  # ALLOWED or DENIED
    why: str = ""
    tags: tuple[str, ...] = field(default=())


def _service(principal: str, action: str, resource: str, **context) -> Request:
    return Request(principal=principal, action=action, resource=resource, context=context)


def delivery_paths(config: BaselineConfig) -> list[AccessPath]:
    """The deliveries of every monitored account into the archive, and the alert paths."""
    names = archive_names(config)
    home, replica_region = config.home_region, config.replica_region
    archive, staging, access = names.archive_bucket, names.config_staging_bucket, names.access_log_bucket
    archive_key = f"arn:aws:kms:{home}:{names.account}:{names.archive_key_alias}"
    replica_key = f"arn:aws:kms:{replica_region}:{names.account}:{names.replica_key_alias}"
    rows: list[AccessPath] = []
    for account in (a.account_id for a in config.monitored_accounts):
        for region in config.regions:
            trail_owner = config.management_account.account_id if config.org_mode else account
            trail = f"arn:aws:cloudtrail:{home}:{trail_owner}:trail/{config.resource_prefix}-trail"
            src = {"aws:SourceAccount": account}
            if config.org_mode:
                src["aws:SourceOrgID"] = config.organization.organization_id
            trail_src = {"aws:SourceAccount": trail_owner, "aws:SourceArn": trail}
            trail_key = f"cloudtrail/AWSLogs/{config.organization.organization_id}/{account}" if config.org_mode else f"cloudtrail/AWSLogs/{account}"
            rows += [
                AccessPath(f"cloudtrail-acl-{account}-{region}", DOC_CLOUDTRAIL_S3, _service("cloudtrail.amazonaws.com", "s3:GetBucketAcl", f"arn:aws:s3:::{archive}", **trail_src), ALLOWED),
                AccessPath(
                    f"cloudtrail-put-{account}-{region}",
                    DOC_CLOUDTRAIL_S3,
                    _service(
                        "cloudtrail.amazonaws.com",
                        "s3:PutObject",
                        f"arn:aws:s3:::{archive}/{trail_key}/CloudTrail/{region}/2026/12/01/{account}_CloudTrail_{region}_x.json.gz",
                        **trail_src,
                        **{"s3:x-amz-acl": "bucket-owner-full-control", "s3:x-amz-server-side-encryption": "aws:kms"},
                    ),
                    ALLOWED,
                ),
                AccessPath(
                    f"cloudtrail-kms-{account}-{region}",
                    DOC_CLOUDTRAIL_KMS,
                    _service("cloudtrail.amazonaws.com", "kms:GenerateDataKey", archive_key, **trail_src, **{"kms:EncryptionContext:aws:cloudtrail:arn": trail}),
                    ALLOWED,
                ),
                # VPC flow logs and Resolver query logs: the log-delivery service, relying on
                # the bucket's default encryption (no encryption header, DOC_CONDITION_OPERATORS:
                # a negated operator matches an absent key).
                *[
                    AccessPath(
                        f"{prefix}-put-{account}-{region}",
                        doc,
                        _service(
                            "delivery.logs.amazonaws.com",
                            "s3:PutObject",
                            f"arn:aws:s3:::{names.network_log_bucket(region)}/{prefix}/AWSLogs/{account}/{service_dir}/{region}/2026/12/01/x.log.gz",
                            **src,
                            **{"aws:SourceArn": f"arn:aws:logs:{region}:{account}:*", "s3:x-amz-acl": "bucket-owner-full-control"},
                        ),
                        ALLOWED,
                        "no x-amz-server-side-encryption header: the bucket's KMS default applies",
                    )
                    for prefix, service_dir, doc in (("vpc-flow-logs", "vpcflowlogs", DOC_FLOW_LOGS_S3), ("dns-query-logs", "vpcdnsquerylogs", DOC_RESOLVER_S3))
                ],
                AccessPath(
                    f"log-delivery-acl-{account}-{region}",
                    DOC_VENDED_LOGS,
                    _service("delivery.logs.amazonaws.com", "s3:GetBucketAcl", f"arn:aws:s3:::{names.network_log_bucket(region)}", **src, **{"aws:SourceArn": f"arn:aws:logs:{region}:{account}:*"}),
                    ALLOWED,
                ),
                AccessPath(
                    f"log-delivery-kms-{account}-{region}",
                    DOC_VENDED_LOGS,
                    _service(
                        "delivery.logs.amazonaws.com",
                        "kms:GenerateDataKey",
                        archive_key if region == home else f"arn:aws:kms:{region}:{names.account}:{names.intake_key_alias}",
                        **src,
                        **{"aws:SourceArn": f"arn:aws:logs:{region}:{account}:*"},
                    ),
                    ALLOWED,
                ),
            ]
            # AWS Config without S3KmsKeyArn sends no encryption header (the defect this suite
            # was written for: the old deny refused it). Its service principal cannot be scoped
            # to an organization (DOC_CONFIG_S3), so in organization mode only the role path is.
            rows += (
                []
                if config.org_mode
                else [
                    AccessPath(
                        f"config-put-service-kms-{account}-{region}",
                        DOC_CONFIG_S3,
                        _service(
                            "config.amazonaws.com",
                            "s3:PutObject",
                            f"arn:aws:s3:::{staging}/config/AWSLogs/{account}/Config/{region}/2026/12/1/ConfigHistory/x.json.gz",
                            **src,
                            **{"s3:x-amz-acl": "bucket-owner-full-control", "s3:x-amz-server-side-encryption": "aws:kms"},
                        ),
                        ALLOWED,
                        "with S3KmsKeyArn set (the baseline sets it) Config asks for SSE-KMS",
                    ),
                    AccessPath(
                        f"config-put-service-{account}-{region}",
                        DOC_CONFIG_S3,
                        _service(
                            "config.amazonaws.com",
                            "s3:PutObject",
                            f"arn:aws:s3:::{staging}/config/AWSLogs/{account}/Config/{region}/2026/12/1/ConfigHistory/x.json.gz",
                            **src,
                            **{"s3:x-amz-acl": "bucket-owner-full-control"},
                        ),
                        ALLOWED,
                        "no x-amz-server-side-encryption header",
                    ),
                    AccessPath(f"config-acl-service-{account}-{region}", DOC_CONFIG_S3, _service("config.amazonaws.com", "s3:GetBucketAcl", f"arn:aws:s3:::{staging}", **src), ALLOWED),
                    AccessPath(f"config-list-service-{account}-{region}", DOC_CONFIG_S3, _service("config.amazonaws.com", "s3:ListBucket", f"arn:aws:s3:::{staging}", **src), ALLOWED),
                    *[
                        AccessPath(f"config-kms-{action.split(':')[1]}-{account}-{region}", DOC_CONFIG_KMS, _service("config.amazonaws.com", action, archive_key, **src), ALLOWED)
                        for action in ("kms:GenerateDataKey", "kms:Decrypt")
                    ],
                ]
            )
            if config.features.guardduty:
                detector = f"arn:aws:guardduty:{region}:{account}:detector/0123456789abcdef"
                gd = {"aws:SourceAccount": account, "aws:SourceArn": detector}
                rows += [
                    AccessPath(f"guardduty-location-{account}-{region}", DOC_GUARDDUTY_EXPORT, _service("guardduty.amazonaws.com", "s3:GetBucketLocation", f"arn:aws:s3:::{staging}", **gd), ALLOWED),
                    AccessPath(
                        f"guardduty-put-{account}-{region}",
                        DOC_GUARDDUTY_EXPORT,
                        _service(
                            "guardduty.amazonaws.com",
                            "s3:PutObject",
                            f"arn:aws:s3:::{staging}/guardduty/AWSLogs/{account}/GuardDuty/{region}/2026/12/01/x.jsonl.gz",
                            **gd,
                            **{"s3:x-amz-server-side-encryption": "aws:kms"},
                        ),
                        ALLOWED,
                    ),
                    AccessPath(f"guardduty-kms-{account}-{region}", DOC_GUARDDUTY_EXPORT, _service("guardduty.amazonaws.com", "kms:GenerateDataKey", archive_key, **gd), ALLOWED),
                ]
        # Config's own role (same account as the staging bucket, or cross-account).
        config_role = monitoring_names(config, account).config_recorder_role
        role_arn = f"arn:aws:iam::{account}:role/{config_role}"
        rows += config_role_paths(config, account, role_arn)
    # S3 server access logs of the archive and staging buckets.
    for source, prefix in ((archive, "log-archive"), (staging, "config-staging")):
        rows.append(
            AccessPath(
                f"access-logging-{prefix}",
                DOC_ACCESS_LOGGING,
                _service(
                    "logging.s3.amazonaws.com",
                    "s3:PutObject",
                    f"arn:aws:s3:::{access}/{prefix}/2026-12-01-00-00-00-ABCDEF",
                    **{"aws:SourceAccount": names.account, "aws:SourceArn": f"arn:aws:s3:::{source}"},
                ),
                ALLOWED,
            )
        )
    # Replication into the replica region (both buckets) and from staging into the archive.
    replication_role = names.role_arn(names.replication_role)
    via_home, via_replica = {"kms:ViaService": f"s3.{home}.amazonaws.com"}, {"kms:ViaService": f"s3.{replica_region}.amazonaws.com"}
    rows += [
        AccessPath("replication-read-archive", DOC_REPLICATION_KMS, Request(replication_role, "s3:GetObjectVersionForReplication", f"arn:aws:s3:::{archive}/cloudtrail/x"), ALLOWED),
        AccessPath("replication-read-staging", DOC_REPLICATION_KMS, Request(replication_role, "s3:GetObjectVersionForReplication", f"arn:aws:s3:::{staging}/config/x"), ALLOWED),
        AccessPath("replication-write-replica", DOC_REPLICATION_KMS, Request(replication_role, "s3:ReplicateObject", f"arn:aws:s3:::{names.replica_bucket}/cloudtrail/x"), ALLOWED),
        AccessPath("replication-write-archive", DOC_REPLICATION_KMS, Request(replication_role, "s3:ReplicateObject", f"arn:aws:s3:::{archive}/config/x"), ALLOWED),
        AccessPath("replication-decrypt-source", DOC_REPLICATION_KMS, Request(replication_role, "kms:Decrypt", archive_key, {**via_home, "kms:ResourceAliases": [names.archive_key_alias]}), ALLOWED),
        AccessPath(
            "replication-encrypt-replica", DOC_REPLICATION_KMS, Request(replication_role, "kms:Encrypt", replica_key, {**via_replica, "kms:ResourceAliases": [names.replica_key_alias]}), ALLOWED
        ),
        # Bucket Keys on the destination: Decrypt on the destination key (DOC_REPLICATION_KMS).
        AccessPath(
            "replication-decrypt-replica-key", DOC_REPLICATION_KMS, Request(replication_role, "kms:Decrypt", replica_key, {**via_replica, "kms:ResourceAliases": [names.replica_key_alias]}), ALLOWED
        ),
        AccessPath("replication-no-delete-markers", DOC_S3_ACTIONS, Request(replication_role, "s3:ReplicateDelete", f"arn:aws:s3:::{names.replica_bucket}/cloudtrail/x"), DENIED),
    ]
    # Each region's intake feeds both locked copies.
    for region in config.intake_regions:
        role = names.role_arn(names.intake_replication_role(region))
        intake_key = f"arn:aws:kms:{region}:{names.account}:{names.intake_key_alias}"
        rows += [
            AccessPath(
                f"intake-replication-read-{region}", DOC_REPLICATION_KMS, Request(role, "s3:GetObjectVersionForReplication", f"arn:aws:s3:::{names.intake_bucket(region)}/vpc-flow-logs/x"), ALLOWED
            ),
            AccessPath(f"intake-replication-write-archive-{region}", DOC_REPLICATION_KMS, Request(role, "s3:ReplicateObject", f"arn:aws:s3:::{archive}/vpc-flow-logs/x"), ALLOWED),
            AccessPath(f"intake-replication-write-replica-{region}", DOC_REPLICATION_KMS, Request(role, "s3:ReplicateObject", f"arn:aws:s3:::{names.replica_bucket}/vpc-flow-logs/x"), ALLOWED),
            AccessPath(f"intake-replication-decrypt-{region}", DOC_REPLICATION_KMS, Request(role, "kms:Decrypt", intake_key, {"kms:ViaService": f"s3.{region}.amazonaws.com"}), ALLOWED),
            AccessPath(
                f"intake-replication-encrypt-archive-{region}",
                DOC_REPLICATION_KMS,
                Request(role, "kms:Encrypt", archive_key, {"kms:ViaService": f"s3.{home}.amazonaws.com", "kms:ResourceAliases": [names.archive_key_alias]}),
                ALLOWED,
            ),
            AccessPath(
                f"intake-replication-encrypt-replica-{region}",
                DOC_REPLICATION_KMS,
                Request(role, "kms:Encrypt", replica_key, {"kms:ViaService": f"s3.{replica_region}.amazonaws.com", "kms:ResourceAliases": [names.replica_key_alias]}),
                ALLOWED,
            ),
            *[
                AccessPath(
                    f"intake-replication-decrypt-{label}-key-{region}",
                    DOC_REPLICATION_KMS,
                    Request(role, "kms:Decrypt", key_arn, {"kms:ViaService": f"s3.{key_region}.amazonaws.com", "kms:ResourceAliases": [alias]}),
                    ALLOWED,
                    "destination buckets use S3 Bucket Keys",
                )
                for label, key_arn, key_region, alias in (("archive", archive_key, home, names.archive_key_alias), ("replica", replica_key, replica_region, names.replica_key_alias))
            ],
            AccessPath(f"intake-replication-no-delete-{region}", DOC_S3_ACTIONS, Request(role, "s3:ReplicateDelete", f"arn:aws:s3:::{archive}/vpc-flow-logs/x"), DENIED),
        ]
    rows += alert_paths(config)
    return rows


def config_role_paths(config: BaselineConfig, account: str, role_arn: str, label: str = "") -> list[AccessPath]:
    """A recorder role delivering into the staging bucket with the archive key."""
    names = archive_names(config)
    home = config.home_region
    archive_key = f"arn:aws:kms:{home}:{names.account}:{names.archive_key_alias}"
    org = {"aws:PrincipalOrgID": config.organization.organization_id} if config.org_mode else {}
    return [
        AccessPath(
            f"config-put-role-{label or account}",
            DOC_CONFIG_S3,
            Request(
                role_arn, "s3:PutObject", f"arn:aws:s3:::{names.config_staging_bucket}/config/AWSLogs/{account}/Config/{home}/2026/12/1/x.json.gz", {"s3:x-amz-acl": "bucket-owner-full-control", **org}
            ),
            ALLOWED,
        ),
        *[
            AccessPath(
                f"config-role-kms-{action.split(':')[1]}-{label or account}",
                DOC_CONFIG_KMS,
                Request(role_arn, action, archive_key, {"kms:ViaService": f"s3.{home}.amazonaws.com", "kms:ResourceAliases": [names.archive_key_alias], **org}),
                ALLOWED,
            )
            for action in ("kms:GenerateDataKey", "kms:Decrypt")
        ],
    ]


MEMBER_ACCOUNT = "123456789012"  # any member of the organization: members are not listed


def member_paths(config: BaselineConfig) -> list[AccessPath]:
    """Organization mode: an unlisted member account's deliveries, through the StackSet's
    recorder role (evaluated with the member template's own policies) and the log-delivery
    service; an outsider's are refused."""
    names = archive_names(config)
    org = config.organization.organization_id
    rows = config_role_paths(config, MEMBER_ACCOUNT, f"arn:aws:iam::{MEMBER_ACCOUNT}:role/{monitoring_names(config, MEMBER_ACCOUNT).member_config_recorder_role(config.home_region)}", label="member")
    for region in config.regions:
        rows.append(
            AccessPath(
                f"member-flow-logs-put-{region}",
                DOC_FLOW_LOGS_S3,
                _service(
                    "delivery.logs.amazonaws.com",
                    "s3:PutObject",
                    f"arn:aws:s3:::{names.network_log_bucket(region)}/vpc-flow-logs/AWSLogs/{MEMBER_ACCOUNT}/vpcflowlogs/{region}/x.log.gz",
                    **{"aws:SourceAccount": MEMBER_ACCOUNT, "aws:SourceOrgID": org, "aws:SourceArn": f"arn:aws:logs:{region}:{MEMBER_ACCOUNT}:*", "s3:x-amz-acl": "bucket-owner-full-control"},
                ),
                ALLOWED,
                "unverified: AWS documents aws:SourceOrgID as a global key but no vended-logs example uses it",
            )
        )
        rows.append(
            AccessPath(
                f"member-resolver-lists-bucket-{region}",
                DOC_RESOLVER_S3,
                Request(
                    f"arn:aws:iam::{MEMBER_ACCOUNT}:role/stacksets-exec-0123456789abcdef0123456789abcdef",
                    "s3:ListBucket",
                    f"arn:aws:s3:::{names.network_log_bucket(region)}",
                    {"aws:PrincipalOrgID": org},
                    administrator=True,
                ),
                ALLOWED,
                "the query-logging configuration's owner must be allowed to list the destination bucket",
            )
        )
    member = monitoring_names(config, MEMBER_ACCOUNT)
    if config.workload.export_log_groups:
        home = config.home_region
        delivery = f"arn:aws:iam::{MEMBER_ACCOUNT}:role/{member.log_export_role(home)}"
        rows += [
            AccessPath(
                "member-firehose-put",
                DOC_FIREHOSE_CROSS_ACCOUNT,
                Request(delivery, "s3:PutObject", f"arn:aws:s3:::{names.config_staging_bucket}/cloudwatch-logs/{MEMBER_ACCOUNT}/{home}/2026/12/01/10/x.gz", {"aws:PrincipalOrgID": org}),
                ALLOWED,
                "a member's Firehose role, admitted by aws:PrincipalOrgID and its name",
            ),
            *[
                AccessPath(
                    f"member-firehose-kms-{action.split(':')[1]}",
                    DOC_FIREHOSE_KMS,
                    Request(
                        delivery,
                        action,
                        f"arn:aws:kms:{home}:{names.account}:{names.archive_key_alias}",
                        {"aws:PrincipalOrgID": org, "kms:ViaService": f"s3.{home}.amazonaws.com", "kms:ResourceAliases": [names.archive_key_alias]},
                    ),
                    ALLOWED,
                )
                for action in ("kms:GenerateDataKey", "kms:Decrypt")
            ],
            AccessPath(
                "member-logs-assumes-subscription-role",
                DOC_CWL_ACCOUNT_SUBSCRIPTION,
                _service(
                    "logs.amazonaws.com",
                    "sts:AssumeRole",
                    f"arn:aws:iam::{MEMBER_ACCOUNT}:role/{member.log_subscription_role(home)}",
                    **{"aws:SourceAccount": MEMBER_ACCOUNT, "aws:SourceArn": f"arn:aws:logs:{home}:{MEMBER_ACCOUNT}:log-group:x"},
                ),
                ALLOWED,
            ),
            AccessPath(
                "outsider-firehose-put",
                DOC_FIREHOSE_CROSS_ACCOUNT,
                Request(
                    f"arn:aws:iam::999999999999:role/{member.log_export_role(home)}",
                    "s3:PutObject",
                    f"arn:aws:s3:::{names.config_staging_bucket}/cloudwatch-logs/999999999999/x.gz",
                    {"aws:PrincipalOrgID": "o-otherorg999"},
                    administrator=True,
                ),
                DENIED,
            ),
        ]
    outsider = "999999999999"
    rows += [
        AccessPath(
            "outsider-config-role-put",
            DOC_CONFIG_S3,
            Request(
                f"arn:aws:iam::{outsider}:role/dpp-prod-config-recorder-eu-west-1",
                "s3:PutObject",
                f"arn:aws:s3:::{names.config_staging_bucket}/config/AWSLogs/{outsider}/x",
                {"aws:PrincipalOrgID": "o-otherorg999", "s3:x-amz-acl": "bucket-owner-full-control"},
                administrator=True,
            ),
            DENIED,
        ),
        AccessPath(
            "outsider-flow-logs-put",
            DOC_FLOW_LOGS_S3,
            _service(
                "delivery.logs.amazonaws.com",
                "s3:PutObject",
                f"arn:aws:s3:::{names.archive_bucket}/vpc-flow-logs/AWSLogs/{outsider}/x",
                **{"aws:SourceAccount": outsider, "aws:SourceOrgID": "o-otherorg999", "aws:SourceArn": f"arn:aws:logs:{config.home_region}:{outsider}:*"},
            ),
            DENIED,
        ),
    ]
    return rows


def alert_paths(config: BaselineConfig) -> list[AccessPath]:
    """CloudWatch Logs, alarms, EventBridge and SNS using each monitored region's key."""
    rows: list[AccessPath] = []
    prefix = config.resource_prefix
    for account in (a.account_id for a in config.monitored_accounts):
        names = monitoring_names(config, account)
        for region in config.regions:
            key = f"arn:aws:kms:{region}:{account}:{names.monitoring_key_alias}"
            topic = f"arn:aws:sns:{region}:{account}:{prefix}-alerts-critical"
            routes_dlq = f"arn:aws:sqs:{region}:{account}:{prefix}-alert-routing-dead-letters"
            rule = "<rule:FindingRoutesGuardDutyCritical>" if config.features.guardduty else "<rule:FindingRoutesRootSignIn>"
            rows += [
                AccessPath(
                    f"logs-kms-{account}-{region}",
                    DOC_LOGS_KMS,
                    _service(
                        f"logs.{region}.amazonaws.com", "kms:GenerateDataKey", key, **{"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{region}:{account}:log-group:{names.trail_log_group}"}
                    ),
                    ALLOWED,
                ),
                AccessPath(
                    f"alarm-kms-{account}-{region}",
                    DOC_SNS_KMS,
                    _service(
                        "cloudwatch.amazonaws.com",
                        "kms:GenerateDataKey",
                        key,
                        **{"aws:SourceAccount": account, "aws:SourceArn": f"arn:aws:cloudwatch:{region}:{account}:alarm:x", "kms:EncryptionContext:aws:sns:topicArn": topic},
                    ),
                    ALLOWED,
                ),
                AccessPath(
                    f"alarm-publish-{account}-{region}",
                    DOC_SNS_KMS,
                    _service("cloudwatch.amazonaws.com", "sns:Publish", topic, **{"aws:SourceAccount": account, "aws:SourceArn": f"arn:aws:cloudwatch:{region}:{account}:alarm:x"}),
                    ALLOWED,
                ),
                # EventBridge sends no aws:SourceAccount to KMS on this path (the SNS developer
                # guide); only the encryption context identifies the topic or queue.
                AccessPath(
                    f"events-kms-topic-{account}-{region}",
                    DOC_SNS_KMS,
                    _service("events.amazonaws.com", "kms:GenerateDataKey", key, **{"kms:EncryptionContext:aws:sns:topicArn": topic}),
                    ALLOWED,
                    "no aws:SourceAccount or aws:SourceArn",
                ),
                AccessPath(
                    f"events-kms-other-topic-{account}-{region}",
                    DOC_SNS_KMS,
                    _service("events.amazonaws.com", "kms:GenerateDataKey", key, **{"kms:EncryptionContext:aws:sns:topicArn": f"arn:aws:sns:{region}:999999999999:someone-else"}),
                    DENIED,
                    "another account's topic may not use the key",
                ),
                # EventBridge's documented topic policy scopes by aws:SourceArn (the rule) only;
                # whether it also sends aws:SourceAccount to SNS is undocumented, so the row
                # carries the rule ARN alone (DOC_EVENTS_SNS).
                AccessPath(f"events-publish-{account}-{region}", DOC_EVENTS_SNS, _service("events.amazonaws.com", "sns:Publish", topic, **{"aws:SourceArn": rule}), ALLOWED),
                AccessPath(
                    f"events-publish-other-account-{account}-{region}",
                    DOC_EVENTS_SNS,
                    _service("events.amazonaws.com", "sns:Publish", topic, **{"aws:SourceArn": f"arn:aws:events:{region}:999999999999:rule/x", "aws:SourceAccount": "999999999999"}),
                    DENIED,
                ),
                # The SQS guide lists EventBridge (CloudWatch Events) among the services that
                # send aws:SourceArn to an SSE queue's key (DOC_SQS_KMS).
                AccessPath(
                    f"events-kms-dlq-{account}-{region}",
                    DOC_SQS_KMS,
                    _service("events.amazonaws.com", "kms:GenerateDataKey", key, **{"aws:SourceArn": rule}),
                    ALLOWED,
                ),
                AccessPath(f"events-dlq-send-{account}-{region}", DOC_EVENTS_DLQ, _service("events.amazonaws.com", "sqs:SendMessage", routes_dlq, **{"aws:SourceArn": rule}), ALLOWED),
            ]
            if region == config.home_region:
                rows += cost_paths(config, account, key)
            if config.features.chat_relay and any(t.is_webhook for t in config.notification_targets):
                inbox = f"arn:aws:sqs:{region}:{account}:{prefix}-chat-relay-inbox"
                relay = f"<function:{account}/{region}/{prefix}-chat-relay>"
                # Every region's relay reads the one home-region secret of each target
                # (https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples.html).
                rows += [
                    AccessPath(
                        f"relay-reads-home-secret-{t.name}-{account}-{region}",
                        DOC_SECRETS,
                        Request(relay, "secretsmanager:GetSecretValue", f"arn:aws:secretsmanager:{config.home_region}:{account}:secret:{t.secret_name}-AbC123"),
                        ALLOWED,
                    )
                    for t in config.notification_targets
                    if t.is_webhook
                ]
                rows += [
                    AccessPath(
                        f"relay-reads-other-secret-{account}-{region}",
                        DOC_SECRETS,
                        Request(relay, "secretsmanager:GetSecretValue", f"arn:aws:secretsmanager:{config.home_region}:{account}:secret:prod/database-password-AbC123"),
                        DENIED,
                    ),
                    AccessPath(
                        f"relay-decrypts-inbox-{account}-{region}",
                        DOC_SQS_KMS,
                        Request(relay, "kms:Decrypt", key, {"kms:ViaService": f"sqs.{region}.amazonaws.com", "kms:ResourceAliases": [names.monitoring_key_alias]}),
                        ALLOWED,
                    ),
                ]
                rows += [
                    AccessPath(
                        f"sns-to-relay-{account}-{region}", DOC_SNS_SQS, _service("sns.amazonaws.com", "sqs:SendMessage", inbox, **{"aws:SourceArn": topic, "aws:SourceAccount": account}), ALLOWED
                    ),
                    AccessPath(
                        f"sns-kms-{account}-{region}", DOC_SNS_KMS, _service("sns.amazonaws.com", "kms:GenerateDataKey", key, **{"aws:SourceAccount": account, "aws:SourceArn": topic}), ALLOWED
                    ),
                ]
    return rows


def cost_paths(config: BaselineConfig, account: str, key: str) -> list[AccessPath]:
    """DPP-MON-3.h: Cost Anomaly Detection and AWS Budgets publish to their encrypted topic at
    home, for this account only (DOC_COST_ANOMALY_SNS, DOC_BUDGETS_SNS: the topic policies
    they document; DOC_SNS_KMS: a publishing service needs the topic's key, scoped here by
    the encryption context SNS sets, the source keys these services send to KMS being
    undocumented)."""
    rows: list[AccessPath] = []
    home = config.home_region
    for service, severity in config.cost_publishers.items():
        label = service.split(".")[0]
        topic = f"arn:aws:sns:{home}:{account}:{config.resource_prefix}-alerts-{severity.value}"
        other_topic = f"arn:aws:sns:{home}:{account}:{config.resource_prefix}-alerts-{'low' if severity.value != 'low' else 'critical'}"
        source = {"aws:SourceAccount": account}
        if service == "budgets.amazonaws.com":
            source["aws:SourceArn"] = f"arn:aws:budgets::{account}:budget/{config.resource_prefix}-monthly"
        doc = DOC_BUDGETS_SNS if label == "budgets" else DOC_COST_ANOMALY_SNS
        rows += [
            AccessPath(f"{label}-publish-{account}", doc, _service(service, "sns:Publish", topic, **source), ALLOWED),
            AccessPath(f"{label}-kms-{account}", DOC_SNS_KMS, _service(service, "kms:GenerateDataKey", key, **source, **{"kms:EncryptionContext:aws:sns:topicArn": topic}), ALLOWED),
            AccessPath(f"{label}-decrypt-{account}", DOC_SNS_KMS, _service(service, "kms:Decrypt", key, **source, **{"kms:EncryptionContext:aws:sns:topicArn": topic}), ALLOWED),
            AccessPath(f"{label}-publish-for-another-account-{account}", doc, _service(service, "sns:Publish", topic, **{**source, "aws:SourceAccount": "999999999999"}), DENIED),
            AccessPath(f"{label}-publish-other-topic-{account}", doc, _service(service, "sns:Publish", other_topic, **source), DENIED, "only the topic of its severity admits it"),
            AccessPath(f"{label}-kms-other-topic-{account}", DOC_SNS_KMS, _service(service, "kms:GenerateDataKey", key, **source, **{"kms:EncryptionContext:aws:sns:topicArn": other_topic}), DENIED),
        ]
    return rows


def people_paths(config: BaselineConfig) -> list[AccessPath]:
    """Administrators of the log-archive account tamper and read; only break-glass (and the
    deploying CloudFormation role) may change the archive, only the reader role may read."""
    names = archive_names(config)
    account = names.account
    admin = f"arn:aws:iam::{account}:role/Administrator"
    break_glass = names.role_arn(config.archive.break_glass_role_name)
    reader = names.role_arn(names.reader_role)
    deployer = names.deploy_role_arn(config.home_region)
    keys = {
        "archive": f"arn:aws:kms:{config.home_region}:{account}:{names.archive_key_alias}",
        "replica": f"arn:aws:kms:{config.replica_region}:{account}:{names.replica_key_alias}",
    }
    buckets = {"archive": names.archive_bucket, "staging": names.config_staging_bucket, "replica": names.replica_bucket, "access-logs": names.access_log_bucket}
    buckets |= {f"intake-{r}": names.intake_bucket(r) for r in config.intake_regions}
    rows: list[AccessPath] = []
    for label, bucket in buckets.items():
        for action in (
            "s3:DeleteBucket",
            "s3:PutBucketPolicy",
            "s3:DeleteBucketPolicy",
            "s3:PutLifecycleConfiguration",
            "s3:PutBucketObjectLockConfiguration",
            "s3:PutReplicationConfiguration",
            "s3:PutBucketVersioning",
        ):
            rows.append(AccessPath(f"admin-{action.split(':')[1]}-{label}", DOC_S3_ACTIONS, Request(admin, action, f"arn:aws:s3:::{bucket}", administrator=True), DENIED))
        rows += [
            AccessPath(f"admin-DeleteObjectVersion-{label}", DOC_S3_ACTIONS, Request(admin, "s3:DeleteObjectVersion", f"arn:aws:s3:::{bucket}/cloudtrail/x", administrator=True), DENIED),
            AccessPath(f"admin-read-{label}", DOC_S3_ACTIONS, Request(admin, "s3:GetObject", f"arn:aws:s3:::{bucket}/cloudtrail/x", administrator=True), DENIED),
            AccessPath(f"reader-read-{label}", DOC_S3_ACTIONS, Request(reader, "s3:GetObject", f"arn:aws:s3:::{bucket}/cloudtrail/x"), ALLOWED),
            AccessPath(f"break-glass-policy-{label}", DOC_S3_ACTIONS, Request(break_glass, "s3:PutBucketPolicy", f"arn:aws:s3:::{bucket}", administrator=True), ALLOWED),
        ]
    rows.append(AccessPath("deployer-policy-archive", DOC_S3_ACTIONS, Request(deployer, "s3:PutBucketPolicy", f"arn:aws:s3:::{names.archive_bucket}", administrator=True), ALLOWED))
    rows.append(
        AccessPath(
            "admin-weaker-encryption",
            DOC_CONDITION_OPERATORS,
            Request(admin, "s3:PutObject", f"arn:aws:s3:::{names.archive_bucket}/cloudtrail/x", {"s3:x-amz-server-side-encryption": "AES256"}, administrator=True),
            DENIED,
            "a present, weaker encryption header is refused",
        )
    )
    # The evidence register (evidence/register.py): the reader role records reviews under
    # evidence/ of the archive (the bucket's KMS default encrypts them through S3) and may
    # write nowhere else; nobody may shorten a record's Object Lock retention.
    archive_key_arn = keys["archive"]
    evidence = f"arn:aws:s3:::{names.archive_bucket}/evidence/review/2026/12/01/20261201T090000Z-0a1b2c3d4e5f.json"
    rows += [
        AccessPath("reader-records-evidence", DOC_S3_ACTIONS, Request(reader, "s3:PutObject", evidence), ALLOWED),
        AccessPath(
            "reader-encrypts-evidence",
            DOC_KEY_POLICY,
            Request(reader, "kms:GenerateDataKey", archive_key_arn, {"kms:ViaService": f"s3.{config.home_region}.amazonaws.com", "kms:ResourceAliases": [names.archive_key_alias]}),
            ALLOWED,
        ),
        AccessPath("reader-reads-evidence", DOC_S3_ACTIONS, Request(reader, "s3:GetObject", evidence), ALLOWED),
        AccessPath(
            "reader-writes-no-logs",
            DOC_S3_ACTIONS,
            Request(reader, "s3:PutObject", f"arn:aws:s3:::{names.archive_bucket}/cloudtrail/AWSLogs/{account}/x.json.gz"),
            DENIED,
            "only evidence/ is writable",
        ),
        AccessPath("reader-writes-no-replica", DOC_S3_ACTIONS, Request(reader, "s3:PutObject", f"arn:aws:s3:::{names.replica_bucket}/evidence/review/x.json"), DENIED),
        AccessPath("reader-cannot-shorten-evidence-retention", DOC_S3_ACTIONS, Request(reader, "s3:PutObjectRetention", evidence), DENIED),
        AccessPath("admin-cannot-delete-evidence-version", DOC_S3_ACTIONS, Request(admin, "s3:DeleteObjectVersion", evidence, administrator=True), DENIED),
        *evidence_boundary_rows(config, evidence),
    ]
    keys |= {f"intake-{r}": f"arn:aws:kms:{r}:{account}:{names.intake_key_alias}" for r in config.intake_regions}
    for label, key in keys.items():
        for action in ("kms:DisableKey", "kms:ScheduleKeyDeletion", "kms:PutKeyPolicy", "kms:DisableKeyRotation"):
            rows.append(AccessPath(f"admin-{action.split(':')[1]}-{label}-key", DOC_KMS_ACTIONS, Request(admin, action, key, administrator=True), DENIED))
            rows.append(AccessPath(f"break-glass-{action.split(':')[1]}-{label}-key", DOC_KEY_POLICY, Request(break_glass, action, key, administrator=True), ALLOWED, "the key stays manageable"))
        via = {"archive": config.home_region, "replica": config.replica_region}.get(label) or label.removeprefix("intake-")
        alias = {"archive": names.archive_key_alias, "replica": names.replica_key_alias}.get(label, names.intake_key_alias)
        rows.append(
            AccessPath(f"reader-decrypt-{label}-key", DOC_KEY_POLICY, Request(reader, "kms:Decrypt", key, {"kms:ViaService": f"s3.{via}.amazonaws.com", "kms:ResourceAliases": [alias]}), ALLOWED)
        )
    trusted = list(config.archive.reader_principals) or [break_glass]
    mfa = {"aws:MultiFactorAuthPresent": "true"}
    rows += [
        AccessPath("reader-assumed-by-trusted-with-mfa", DOC_MFA_KEY, Request(trusted[0], "sts:AssumeRole", reader, mfa, administrator=True), ALLOWED),
        AccessPath("reader-not-assumed-by-admin", DOC_MFA_KEY, Request(admin, "sts:AssumeRole", reader, mfa, administrator=True), DENIED, "the account is not trusted, only named principals"),
    ]
    if config.archive.reader_requires_mfa:
        rows.append(AccessPath("reader-not-assumed-without-mfa", DOC_MFA_KEY, Request(trusted[0], "sts:AssumeRole", reader, {"aws:MultiFactorAuthPresent": "false"}, administrator=True), DENIED))
        rows.append(AccessPath("reader-not-assumed-with-mfa-key-absent", DOC_MFA_KEY, Request(trusted[0], "sts:AssumeRole", reader, administrator=True), DENIED, "long-term keys send no MFA key"))
    return rows


def intruder_paths(config: BaselineConfig) -> list[AccessPath]:
    """Deliveries in another account's name, or with a weaker header, are refused."""
    names = archive_names(config)
    stranger = "999999999999"
    trail_owner = (config.management_account if config.org_mode else config.monitored_accounts[0]).account_id
    return [
        AccessPath(
            "stranger-cloudtrail-put",
            DOC_CLOUDTRAIL_S3,
            _service(
                "cloudtrail.amazonaws.com",
                "s3:PutObject",
                f"arn:aws:s3:::{names.archive_bucket}/cloudtrail/AWSLogs/{stranger}/CloudTrail/x.json.gz",
                **{"aws:SourceAccount": stranger, "aws:SourceArn": f"arn:aws:cloudtrail:{config.home_region}:{stranger}:trail/t", "s3:x-amz-acl": "bucket-owner-full-control"},
            ),
            DENIED,
        ),
        AccessPath(
            "stranger-flow-logs-put",
            DOC_FLOW_LOGS_S3,
            _service(
                "delivery.logs.amazonaws.com",
                "s3:PutObject",
                f"arn:aws:s3:::{names.archive_bucket}/vpc-flow-logs/AWSLogs/{stranger}/x",
                **{"aws:SourceAccount": stranger, "aws:SourceArn": f"arn:aws:logs:{config.home_region}:{stranger}:*"},
            ),
            DENIED,
        ),
        AccessPath(
            "cloudtrail-digest-sse-s3-admitted",
            DOC_CLOUDTRAIL_DIGESTS,
            _service(
                "cloudtrail.amazonaws.com",
                "s3:PutObject",
                f"arn:aws:s3:::{names.archive_bucket}/cloudtrail/AWSLogs/{config.monitored_accounts[0].account_id}/CloudTrail-Digest/{config.home_region}/2026/12/01/x.json.gz",
                **{
                    "aws:SourceAccount": trail_owner,
                    "aws:SourceArn": f"arn:aws:cloudtrail:{config.home_region}:{trail_owner}:trail/{config.resource_prefix}-trail",
                    "s3:x-amz-acl": "bucket-owner-full-control",
                    "s3:x-amz-server-side-encryption": "AES256",
                },
            ),
            ALLOWED,
            "digest files are SSE-S3 even for a KMS trail",
        ),
        AccessPath(
            "cloudtrail-sse-s3-refused",
            DOC_CONDITION_OPERATORS,
            _service(
                "cloudtrail.amazonaws.com",
                "s3:PutObject",
                f"arn:aws:s3:::{names.archive_bucket}/cloudtrail/AWSLogs/{config.monitored_accounts[0].account_id}/CloudTrail/x.json.gz",
                **{
                    "aws:SourceAccount": config.monitored_accounts[0].account_id,
                    "aws:SourceArn": f"arn:aws:cloudtrail:{config.home_region}:{config.monitored_accounts[0].account_id}:trail/t",
                    "s3:x-amz-server-side-encryption": "AES256",
                },
            ),
            DENIED,
        ),
    ]


def log_export_paths(config: BaselineConfig) -> list[AccessPath]:
    """The account-wide CloudWatch Logs export of each monitored account and region (DPP-LOG-8):
    CloudWatch Logs assumes its role (confused-deputy conditions) and puts records into the
    account's stream; Firehose assumes its role (external ID = account) and writes, with the
    destination bucket's default KMS key, under the account's own prefix of the log-archive
    account's staging bucket (home) or intake (elsewhere); nothing else."""
    if not config.workload.export_log_groups:
        return []
    names = archive_names(config)
    org = {"aws:PrincipalOrgID": config.organization.organization_id} if config.org_mode else {}
    stranger = "999999999999"
    rows: list[AccessPath] = []
    for account in (a.account_id for a in config.monitored_accounts):
        mon = monitoring_names(config, account)
        for region in config.regions:
            place = f"{account}-{region}"
            bucket = names.log_export_bucket(region)
            alias = names.log_export_key_alias(region)
            key = f"arn:aws:kms:{region}:{names.account}:{alias}"
            delivery = f"arn:aws:iam::{account}:role/{mon.log_export_role(region)}"
            subscription = f"arn:aws:iam::{account}:role/{mon.log_subscription_role(region)}"
            stream = f"arn:aws:firehose:{region}:{account}:deliverystream/{mon.log_export_stream}"
            source = {"aws:SourceAccount": account, "aws:SourceArn": f"arn:aws:logs:{region}:{account}:log-group:/aws/lambda/orders-api"}
            obj = f"arn:aws:s3:::{bucket}/cloudwatch-logs/{account}/{region}/2026/12/01/10/{mon.log_export_stream}-1-2026-12-01-10-00-00-x.gz"
            rows += [
                AccessPath(f"logs-assumes-subscription-role-{place}", DOC_CWL_ACCOUNT_SUBSCRIPTION, _service("logs.amazonaws.com", "sts:AssumeRole", subscription, **source), ALLOWED),
                AccessPath(
                    f"logs-of-stranger-refused-subscription-role-{place}",
                    DOC_CWL_ACCOUNT_SUBSCRIPTION,
                    _service("logs.amazonaws.com", "sts:AssumeRole", subscription, **{"aws:SourceAccount": stranger, "aws:SourceArn": f"arn:aws:logs:{region}:{stranger}:log-group:x"}),
                    DENIED,
                ),
                AccessPath(f"logs-puts-records-{place}", DOC_CWL_ACCOUNT_SUBSCRIPTION, Request(subscription, "firehose:PutRecordBatch", stream), ALLOWED),
                AccessPath(f"firehose-assumes-delivery-role-{place}", DOC_FIREHOSE_ROLE, _service("firehose.amazonaws.com", "sts:AssumeRole", delivery, **{"sts:ExternalId": account}), ALLOWED),
                AccessPath(
                    f"firehose-of-stranger-refused-delivery-role-{place}",
                    DOC_FIREHOSE_ROLE,
                    _service("firehose.amazonaws.com", "sts:AssumeRole", delivery, **{"sts:ExternalId": stranger}),
                    DENIED,
                ),
                AccessPath(f"firehose-locates-bucket-{place}", DOC_FIREHOSE_CROSS_ACCOUNT, Request(delivery, "s3:GetBucketLocation", f"arn:aws:s3:::{bucket}", org), ALLOWED),
                AccessPath(f"firehose-lists-uploads-{place}", DOC_FIREHOSE_CROSS_ACCOUNT, Request(delivery, "s3:ListBucketMultipartUploads", f"arn:aws:s3:::{bucket}", org), ALLOWED),
                AccessPath(
                    f"firehose-put-{place}",
                    DOC_FIREHOSE_CROSS_ACCOUNT,
                    Request(delivery, "s3:PutObject", obj, org),
                    ALLOWED,
                    "no x-amz-server-side-encryption header (NoEncryption): the bucket's KMS default applies",
                ),
                AccessPath(
                    f"firehose-put-error-records-{place}",
                    DOC_FIREHOSE_CROSS_ACCOUNT,
                    Request(delivery, "s3:PutObject", f"arn:aws:s3:::{bucket}/cloudwatch-logs-errors/{account}/{region}/processing-failed/2026/12/01/x.gz", org),
                    ALLOWED,
                ),
                *[
                    AccessPath(
                        f"firehose-kms-{action.split(':')[1]}-{place}",
                        DOC_FIREHOSE_KMS,
                        Request(delivery, action, key, {"kms:ViaService": f"s3.{region}.amazonaws.com", "kms:ResourceAliases": [alias], **org}),
                        ALLOWED,
                    )
                    for action in ("kms:GenerateDataKey", "kms:Decrypt")
                ],
                AccessPath(f"firehose-kms-not-directly-{place}", DOC_FIREHOSE_KMS, Request(delivery, "kms:Decrypt", key, {"kms:ResourceAliases": [alias], **org}), DENIED, "only through S3"),
                AccessPath(
                    f"firehose-not-into-another-account-prefix-{place}",
                    DOC_S3_ACTIONS,
                    Request(delivery, "s3:PutObject", f"arn:aws:s3:::{bucket}/cloudwatch-logs/{stranger}/{region}/2026/12/01/10/x.gz", org),
                    DENIED,
                ),
                AccessPath(f"firehose-not-into-config-prefix-{place}", DOC_S3_ACTIONS, Request(delivery, "s3:PutObject", f"arn:aws:s3:::{bucket}/config/AWSLogs/{account}/x", org), DENIED),
                AccessPath(f"firehose-cannot-read-{place}", DOC_S3_ACTIONS, Request(delivery, "s3:GetObject", obj, org), DENIED, "reads stay with the reader role"),
            ]
    rows.append(
        AccessPath(
            "stranger-role-refused-log-export-put",
            DOC_FIREHOSE_CROSS_ACCOUNT,
            Request(
                f"arn:aws:iam::{stranger}:role/{config.resource_prefix}-log-export-{config.home_region}",
                "s3:PutObject",
                f"arn:aws:s3:::{names.config_staging_bucket}/cloudwatch-logs/{stranger}/x.gz",
                {"aws:PrincipalOrgID": "o-otherorg999"} if config.org_mode else {},
                administrator=True,
            ),
            DENIED,
            "a role of the same name in an uncovered account",
        )
    )
    return rows


def workload_log_paths(config: BaselineConfig) -> list[AccessPath]:
    """The workload log bucket of each workload account and region (DPP-LOG-8): the region's
    Elastic Load Balancing account and the ELB log-delivery service write ALB access logs
    under alb/ (no encryption header: SSE-S3 default), the log-delivery service writes WAF logs
    under waf/ for this account's own log sources; no one else writes."""
    from capabilities.workload_logs.elb_accounts import ELB_LOG_DELIVERY_SERVICE, elb_account

    if not config.workload.log_buckets or config.org_mode:
        return []
    stranger = "999999999999"
    rows: list[AccessPath] = []
    for account in (a.account_id for a in config.workload_accounts):
        mon = monitoring_names(config, account)
        for region in config.regions:
            place = f"{account}-{region}"
            bucket = f"arn:aws:s3:::{mon.workload_log_bucket(region)}"
            alb = f"{bucket}/alb/AWSLogs/{account}/elasticloadbalancing/{region}/2026/12/01/{account}_elasticloadbalancing_{region}_app.orders.x.log.gz"
            waf = f"{bucket}/waf/AWSLogs/{account}/WAFLogs/{region}/orders-acl/2026/12/01/10/05/{account}_waflogs_{region}_orders-acl_x.log.gz"
            waf_source = {"aws:SourceAccount": account, "aws:SourceArn": f"arn:aws:logs:{region}:{account}:*"}
            acl = {"s3:x-amz-acl": "bucket-owner-full-control"}
            cloudfront = f"{bucket}/cloudfront/AWSLogs/{account}/CloudFront/E2EXAMPLE.2026-12-01-10.abcd1234.gz"
            cloudfront_source = {"aws:SourceAccount": account, "aws:SourceArn": f"arn:aws:logs:us-east-1:{account}:delivery-source:orders-distribution"}
            rows += [
                AccessPath(f"alb-service-put-{place}", DOC_ALB_ACCESS_LOGS, _service(ELB_LOG_DELIVERY_SERVICE, "s3:PutObject", alb), ALLOWED, "no encryption header: SSE-S3 default"),
                AccessPath(f"alb-service-not-outside-alb-{place}", DOC_ALB_ACCESS_LOGS, _service(ELB_LOG_DELIVERY_SERVICE, "s3:PutObject", f"{bucket}/waf/AWSLogs/{account}/x.log.gz"), DENIED),
                AccessPath(f"waf-put-{place}", DOC_WAF_S3, _service("delivery.logs.amazonaws.com", "s3:PutObject", waf, **waf_source, **acl), ALLOWED),
                AccessPath(f"waf-acl-check-{place}", DOC_WAF_S3, _service("delivery.logs.amazonaws.com", "s3:GetBucketAcl", bucket, **waf_source), ALLOWED),
                AccessPath(
                    f"waf-for-stranger-refused-{place}",
                    DOC_WAF_S3,
                    _service(
                        "delivery.logs.amazonaws.com",
                        "s3:PutObject",
                        waf.replace(f"AWSLogs/{account}", f"AWSLogs/{stranger}"),
                        **{"aws:SourceAccount": stranger, "aws:SourceArn": f"arn:aws:logs:{region}:{stranger}:*"},
                        **acl,
                    ),
                    DENIED,
                    "the confused-deputy conditions name this account only",
                ),
                AccessPath(f"cloudfront-put-{place}", DOC_VENDED_LOGS_V2_S3, _service("delivery.logs.amazonaws.com", "s3:PutObject", cloudfront, **cloudfront_source, **acl), ALLOWED),
                AccessPath(
                    f"cloudfront-without-acl-refused-{place}",
                    DOC_VENDED_LOGS_V2_S3,
                    _service("delivery.logs.amazonaws.com", "s3:PutObject", cloudfront, **cloudfront_source),
                    DENIED,
                    "the bucket-owner-full-control ACL is a condition",
                ),
                AccessPath(
                    f"cloudfront-from-a-log-group-refused-{place}",
                    DOC_VENDED_LOGS_V2_S3,
                    _service("delivery.logs.amazonaws.com", "s3:PutObject", cloudfront, **{"aws:SourceAccount": account, "aws:SourceArn": f"arn:aws:logs:{region}:{account}:log-group:x"}, **acl),
                    DENIED,
                    "only this account's us-east-1 delivery sources (CloudFront's) write under cloudfront/",
                ),
                AccessPath(
                    f"stranger-refused-workload-log-put-{place}",
                    DOC_S3_CROSS_ACCOUNT,
                    Request(f"arn:aws:iam::{stranger}:role/writer", "s3:PutObject", alb, administrator=True),
                    DENIED,
                ),
            ]
            elb = elb_account(region)
            if elb:
                # A bucket policy naming an account admits that account's principals
                # (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts).
                rows.append(AccessPath(f"alb-account-put-{place}", DOC_ALB_ACCESS_LOGS, Request(f"arn:aws:iam::{elb}:root", "s3:PutObject", alb, administrator=True), ALLOWED))
    return rows


def log_forwarder_paths(config: BaselineConfig) -> list[AccessPath]:
    """The log forwarder of each workload account and region (DPP-LOG-8): its role reads the
    workload log bucket's new objects and copies them, with the destination bucket's default
    KMS key (no encryption header), under workload-logs/<account>/<region>/ of the log-archive
    account's staging bucket (home) or intake (elsewhere); nowhere else, and no one else."""
    if not config.workload.log_buckets or config.org_mode:
        return []
    names = archive_names(config)
    stranger = "999999999999"
    rows: list[AccessPath] = []
    for account in (a.account_id for a in config.workload_accounts):
        mon = monitoring_names(config, account)
        for region in config.regions:
            place = f"{account}-{region}"
            role = f"arn:aws:iam::{account}:role/{mon.log_forwarder_role(region)}"
            source_key = f"alb/AWSLogs/{account}/elasticloadbalancing/{region}/2026/12/01/{account}_elasticloadbalancing_{region}_app.orders.x.log.gz"
            source = f"arn:aws:s3:::{mon.workload_log_bucket(region)}/{source_key}"
            bucket = names.log_export_bucket(region)
            copy = f"arn:aws:s3:::{bucket}/workload-logs/{account}/{region}/{source_key}"
            alias = names.log_export_key_alias(region)
            key = f"arn:aws:kms:{region}:{names.account}:{alias}"
            via_s3 = {"kms:ViaService": f"s3.{region}.amazonaws.com", "kms:ResourceAliases": [alias]}
            rows += [
                AccessPath(f"forwarder-reads-source-version-{place}", DOC_COPY_OBJECT, Request(role, "s3:GetObjectVersion", source), ALLOWED, "the copy source, in its own account"),
                AccessPath(f"forwarder-reads-source-{place}", DOC_COPY_OBJECT, Request(role, "s3:GetObject", source), ALLOWED),
                AccessPath(
                    f"forwarder-put-{place}", DOC_COPY_OBJECT, Request(role, "s3:PutObject", copy, {"s3:if-none-match": "*"}), ALLOWED, "no encryption header: the bucket's KMS default applies"
                ),
                AccessPath(f"forwarder-aborts-multipart-{place}", DOC_COPY_OBJECT, Request(role, "s3:AbortMultipartUpload", copy), ALLOWED),
                *[AccessPath(f"forwarder-kms-{action.split(':')[1]}-{place}", DOC_MULTIPART_KMS, Request(role, action, key, via_s3), ALLOWED) for action in ("kms:GenerateDataKey", "kms:Decrypt")],
                AccessPath(f"forwarder-kms-not-directly-{place}", DOC_KMS_CROSS_ACCOUNT, Request(role, "kms:Decrypt", key, {"kms:ResourceAliases": [alias]}), DENIED, "only through S3"),
                AccessPath(
                    f"forwarder-put-weaker-encryption-refused-{place}",
                    DOC_CONDITION_OPERATORS,
                    Request(role, "s3:PutObject", copy, {"s3:x-amz-server-side-encryption": "AES256"}),
                    DENIED,
                    "an SSE-S3 copy is what the archive refuses",
                ),
                AccessPath(
                    f"forwarder-not-into-another-account-prefix-{place}",
                    DOC_S3_ACTIONS,
                    Request(role, "s3:PutObject", f"arn:aws:s3:::{bucket}/workload-logs/{stranger}/{region}/x.log.gz"),
                    DENIED,
                ),
                AccessPath(f"forwarder-not-into-cloudtrail-prefix-{place}", DOC_S3_ACTIONS, Request(role, "s3:PutObject", f"arn:aws:s3:::{bucket}/cloudtrail/AWSLogs/{account}/x.json.gz"), DENIED),
                AccessPath(f"forwarder-cannot-read-copies-{place}", DOC_S3_ACTIONS, Request(role, "s3:GetObject", copy), DENIED, "reads stay with the reader role"),
                AccessPath(
                    f"stranger-forwarder-refused-{place}",
                    DOC_S3_CROSS_ACCOUNT,
                    Request(
                        f"arn:aws:iam::{stranger}:role/{mon.log_forwarder_role(region)}", "s3:PutObject", copy.replace(f"workload-logs/{account}/", f"workload-logs/{stranger}/"), administrator=True
                    ),
                    DENIED,
                    "the same role name in an account the archive does not cover",
                ),
                AccessPath(
                    f"stranger-forwarder-kms-refused-{place}",
                    DOC_KMS_CROSS_ACCOUNT,
                    Request(f"arn:aws:iam::{stranger}:role/{mon.log_forwarder_role(region)}", "kms:GenerateDataKey", key, via_s3, administrator=True),
                    DENIED,
                ),
            ]
    return rows


def member_forwarder_paths(config: BaselineConfig) -> list[AccessPath]:
    """Organization mode (DPP-LOG-8): a member's rule puts its bucket's events on the management
    account's bus; the management account's forwarder role reads the member's new log objects
    (the member template's bucket policy, evaluated on its instance in the home region) and
    copies them below workload-logs/<member>/<region>/ of the staging bucket or intake; nobody
    else reads the member's bucket, no outsider and no other event reaches the bus."""
    if not (config.org_mode and config.workload.log_buckets):
        return []
    names, org, home = archive_names(config), config.organization.organization_id, config.home_region
    management = monitoring_names(config, config.management_account.account_id)
    member = monitoring_names(config, MEMBER_ACCOUNT)
    other_member = "210987654321"
    in_org = {"aws:PrincipalOrgID": org, "aws:ResourceOrgID": org}
    forwarder = f"arn:aws:iam::{management.account}:role/{management.member_log_forwarder_role(home)}"
    source_key = f"alb/AWSLogs/{MEMBER_ACCOUNT}/elasticloadbalancing/{home}/2026/12/01/{MEMBER_ACCOUNT}_elasticloadbalancing_{home}_app.orders.x.log.gz"
    source = f"arn:aws:s3:::{member.workload_log_bucket(home)}/{source_key}"
    member_rule_role = f"<role:{MEMBER_ACCOUNT}/WorkloadLogEventsRole>"
    s3_event = {"events:source": ["aws.s3"], "events:detail-type": ["Object Created"]}
    rows = [
        AccessPath("member-forwarder-reads-member-object", DOC_COPY_OBJECT, Request(forwarder, "s3:GetObject", source, in_org), ALLOWED, "the copy source, across accounts: both policies"),
        AccessPath("member-forwarder-reads-member-object-version", DOC_COPY_OBJECT, Request(forwarder, "s3:GetObjectVersion", source, in_org), ALLOWED),
        AccessPath(
            "member-forwarder-not-other-member-objects",
            DOC_S3_CROSS_ACCOUNT,
            Request(forwarder, "s3:GetObject", f"arn:aws:s3:::{member.workload_log_bucket(home)}/exports/orders.csv", in_org),
            DENIED,
            "only the log delivery prefixes",
        ),
        AccessPath(
            "member-forwarder-not-outside-the-organization",
            DOC_RESOURCE_ORG_ID,
            Request(forwarder, "s3:GetObject", source, {"aws:PrincipalOrgID": org, "aws:ResourceOrgID": "o-otherorg999"}),
            DENIED,
            "a bucket of the same name outside the organization",
        ),
        AccessPath(
            "member-bucket-refuses-other-management-roles",
            DOC_S3_CROSS_ACCOUNT,
            Request(f"arn:aws:iam::{management.account}:role/Administrator", "s3:GetObject", source, in_org, administrator=True),
            DENIED,
            "the bucket policy names the forwarder's role alone",
        ),
        AccessPath(
            "member-bucket-refuses-another-members-forwarder-named-role",
            DOC_S3_CROSS_ACCOUNT,
            Request(f"arn:aws:iam::{other_member}:role/{management.member_log_forwarder_role(home)}", "s3:GetObject", source, in_org, administrator=True),
            DENIED,
            "the same role name in another account of the organization",
        ),
    ]
    for region in config.regions:
        bus = f"arn:aws:events:{region}:{management.account}:event-bus/{management.member_workload_log_bus}"
        forwarder = f"arn:aws:iam::{management.account}:role/{management.member_log_forwarder_role(region)}"
        bucket = names.log_export_bucket(region)
        copy = f"arn:aws:s3:::{bucket}/workload-logs/{MEMBER_ACCOUNT}/{region}/{source_key}"
        alias = names.log_export_key_alias(region)
        key = f"arn:aws:kms:{region}:{names.account}:{alias}"
        via_s3 = {"aws:PrincipalOrgID": org, "kms:ViaService": f"s3.{region}.amazonaws.com", "kms:ResourceAliases": [alias]}
        rows += [
            AccessPath(
                f"member-forwarder-put-{region}", DOC_COPY_OBJECT, Request(forwarder, "s3:PutObject", copy, {"aws:PrincipalOrgID": org, "s3:if-none-match": "*"}), ALLOWED, "below the member's prefix"
            ),
            AccessPath(f"member-forwarder-aborts-multipart-{region}", DOC_COPY_OBJECT, Request(forwarder, "s3:AbortMultipartUpload", copy, {"aws:PrincipalOrgID": org}), ALLOWED),
            *[AccessPath(f"member-forwarder-kms-{a.split(':')[1]}-{region}", DOC_MULTIPART_KMS, Request(forwarder, a, key, via_s3), ALLOWED) for a in ("kms:GenerateDataKey", "kms:Decrypt")],
            AccessPath(
                f"member-forwarder-not-into-cloudtrail-{region}",
                DOC_S3_ACTIONS,
                Request(forwarder, "s3:PutObject", f"arn:aws:s3:::{bucket}/cloudtrail/AWSLogs/{MEMBER_ACCOUNT}/x.json.gz", {"aws:PrincipalOrgID": org}),
                DENIED,
            ),
            AccessPath(
                f"outsider-forwarder-put-refused-{region}",
                DOC_S3_CROSS_ACCOUNT,
                Request(f"arn:aws:iam::999999999999:role/{management.member_log_forwarder_role(region)}", "s3:PutObject", copy, {"aws:PrincipalOrgID": "o-otherorg999"}, administrator=True),
                DENIED,
            ),
            AccessPath(
                f"member-other-events-refused-by-forwarder-bus-{region}",
                DOC_EVENTS_CROSS_ACCOUNT,
                Request(
                    f"arn:aws:iam::{other_member}:role/Administrator",
                    "events:PutEvents",
                    bus,
                    {"aws:PrincipalOrgID": org, "events:source": ["aws.s3", "com.example.orders"], "events:detail-type": ["Object Created"]},
                    administrator=True,
                ),
                DENIED,
                "S3's Object Created events only, every entry of the batch",
            ),
            AccessPath(
                f"member-s3-events-admitted-by-forwarder-bus-{region}",
                DOC_EVENTS_ORGANIZATION,
                Request(f"arn:aws:iam::{other_member}:role/Administrator", "events:PutEvents", bus, {"aws:PrincipalOrgID": org, **s3_event}, administrator=True),
                ALLOWED,
                "any member may send S3 events; the forwarder copies only the sender's own workload bucket",
            ),
            AccessPath(
                f"member-events-without-source-refused-{region}",
                DOC_EVENTS_CROSS_ACCOUNT,
                Request(f"arn:aws:iam::{other_member}:role/Administrator", "events:PutEvents", bus, {"aws:PrincipalOrgID": org}, administrator=True),
                DENIED,
                "ForAllValues alone would be true of absent keys",
            ),
            AccessPath(
                f"outsider-refused-by-forwarder-bus-{region}",
                DOC_EVENTS_ORGANIZATION,
                Request("arn:aws:iam::999999999999:role/Administrator", "events:PutEvents", bus, {"aws:PrincipalOrgID": "o-otherorg999", **s3_event}, administrator=True),
                DENIED,
            ),
        ]
    # The member's rule role (its instance in the home region) puts events on that region's bus
    # and no other bus (its own policy).
    home_bus = f"arn:aws:events:{home}:{management.account}:event-bus/{management.member_workload_log_bus}"
    rows.append(
        AccessPath("member-puts-s3-events-on-forwarder-bus", DOC_EVENTS_ORGANIZATION, Request(member_rule_role, "events:PutEvents", home_bus, {"aws:PrincipalOrgID": org, **s3_event}), ALLOWED)
    )
    rows.append(
        AccessPath(
            "member-rule-role-no-other-bus",
            DOC_EVENTS_ORGANIZATION,
            Request(member_rule_role, "events:PutEvents", f"arn:aws:events:{home}:{management.account}:event-bus/default", {"aws:PrincipalOrgID": org, **s3_event}),
            DENIED,
        )
    )
    return rows


def investigation_paths(config: BaselineConfig) -> list[AccessPath]:
    """The reader role runs a saved query end to end (workgroup, catalogue, archive objects
    through Athena, results bucket and key); an administrator of the account may start a query
    (IAM grants it) but can neither read the archive nor the results."""
    names = archive_names(config)
    account, region = names.account, config.home_region
    reader = names.role_arn(names.reader_role)
    admin = f"arn:aws:iam::{account}:role/Administrator"
    database = config.resource_prefix.replace("-", "_") + "_logs"
    workgroup = f"arn:aws:athena:{region}:{account}:workgroup/{config.resource_prefix}-investigation"
    results = f"arn:aws:s3:::{names.investigation_results_bucket}"
    results_key = f"arn:aws:kms:{region}:{account}:alias/{config.resource_prefix}/investigation-results"
    via_athena = {"aws:CalledVia": ["athena.amazonaws.com"]}
    via_s3 = {"kms:ViaService": f"s3.{region}.amazonaws.com", "kms:ResourceAliases": [f"alias/{config.resource_prefix}/investigation-results"]}
    return [
        AccessPath("reader-athena-start-query", DOC_ATHENA_WORKGROUP, Request(reader, "athena:StartQueryExecution", workgroup), ALLOWED),
        AccessPath("reader-athena-get-results", DOC_ATHENA_WORKGROUP, Request(reader, "athena:GetQueryResults", workgroup), ALLOWED),
        AccessPath("reader-athena-named-queries", DOC_ATHENA_WORKGROUP, Request(reader, "athena:GetNamedQuery", workgroup), ALLOWED),
        AccessPath(
            "reader-athena-other-workgroup",
            DOC_ATHENA_WORKGROUP,
            Request(reader, "athena:StartQueryExecution", f"arn:aws:athena:{region}:{account}:workgroup/primary"),
            DENIED,
            "only the enforced workgroup (its results location, key and scan limit)",
        ),
        AccessPath("reader-glue-get-table", DOC_ATHENA_GLUE, Request(reader, "glue:GetTable", f"arn:aws:glue:{region}:{account}:table/{database}/cloudtrail"), ALLOWED),
        AccessPath("reader-glue-get-database", DOC_ATHENA_GLUE, Request(reader, "glue:GetDatabase", f"arn:aws:glue:{region}:{account}:database/{database}"), ALLOWED),
        AccessPath("reader-glue-catalog", DOC_ATHENA_GLUE, Request(reader, "glue:GetTable", f"arn:aws:glue:{region}:{account}:catalog"), ALLOWED),
        AccessPath("reader-glue-other-database", DOC_ATHENA_GLUE, Request(reader, "glue:GetTable", f"arn:aws:glue:{region}:{account}:table/default/x"), DENIED),
        AccessPath(
            "reader-athena-reads-archive", DOC_CALLED_VIA, Request(reader, "s3:GetObject", f"arn:aws:s3:::{names.archive_bucket}/vpc-flow-logs/AWSLogs/{account}/x.parquet", via_athena), ALLOWED
        ),
        AccessPath("reader-athena-lists-archive", DOC_CALLED_VIA, Request(reader, "s3:ListBucket", f"arn:aws:s3:::{names.archive_bucket}", via_athena), ALLOWED),
        # The workload logs' copies (alb_access_logs, waf_logs, cloudfront_logs) are archive objects like any other.
        AccessPath(
            "reader-athena-reads-workload-logs",
            DOC_CALLED_VIA,
            Request(
                reader, "s3:GetObject", f"arn:aws:s3:::{names.archive_bucket}/workload-logs/{account}/{region}/alb/AWSLogs/{account}/elasticloadbalancing/{region}/2026/11/30/x.log.gz", via_athena
            ),
            ALLOWED,
        ),
        AccessPath("reader-glue-get-workload-table", DOC_ATHENA_GLUE, Request(reader, "glue:GetTable", f"arn:aws:glue:{region}:{account}:table/{database}/alb_access_logs"), ALLOWED),
        AccessPath(
            "admin-athena-reads-workload-logs",
            DOC_CALLED_VIA,
            Request(admin, "s3:GetObject", f"arn:aws:s3:::{names.archive_bucket}/workload-logs/{account}/{region}/waf/AWSLogs/{account}/x.log.gz", via_athena, administrator=True),
            DENIED,
            "the application's logs are need-to-know like the rest of the archive",
        ),
        AccessPath("reader-athena-reads-access-logs", DOC_CALLED_VIA, Request(reader, "s3:GetObject", f"arn:aws:s3:::{names.access_log_bucket}/log-archive/x", via_athena), ALLOWED),
        AccessPath("reader-results-bucket-location", DOC_ATHENA_WORKGROUP, Request(reader, "s3:GetBucketLocation", results, via_athena), ALLOWED),
        AccessPath("reader-results-write", DOC_ATHENA_WORKGROUP, Request(reader, "s3:PutObject", f"{results}/athena/q.csv", via_athena), ALLOWED),
        AccessPath("reader-results-read", DOC_ATHENA_WORKGROUP, Request(reader, "s3:GetObject", f"{results}/athena/q.csv"), ALLOWED),
        AccessPath("reader-results-encrypt", DOC_KEY_POLICY, Request(reader, "kms:GenerateDataKey", results_key, via_s3), ALLOWED),
        AccessPath("reader-results-decrypt", DOC_KEY_POLICY, Request(reader, "kms:Decrypt", results_key, via_s3), ALLOWED),
        AccessPath(
            "reader-results-key-outside-s3", DOC_KEY_POLICY, Request(reader, "kms:Decrypt", results_key, {"kms:ResourceAliases": via_s3["kms:ResourceAliases"]}), DENIED, "used through S3 only"
        ),
        AccessPath("admin-results-read", DOC_S3_ACTIONS, Request(admin, "s3:GetObject", f"{results}/athena/q.csv", administrator=True), DENIED, "results are log data: need-to-know"),
        AccessPath("admin-results-write", DOC_S3_ACTIONS, Request(admin, "s3:PutObject", f"{results}/athena/q.csv", via_athena, administrator=True), DENIED),
        AccessPath("admin-athena-reads-archive", DOC_CALLED_VIA, Request(admin, "s3:GetObject", f"arn:aws:s3:::{names.archive_bucket}/cloudtrail/x", via_athena, administrator=True), DENIED),
    ]


def drill_paths_rows(config: BaselineConfig) -> list[AccessPath]:
    """The alert drill (DPP-MON-8): each account's drill checker writes its records into the
    archive (across accounts where the archive lives elsewhere), and only there, and only it;
    only the drill's canary reader reads the canary."""

    names = archive_names(config)
    prefix = config.resource_prefix
    archive_key = f"arn:aws:kms:{config.home_region}:{names.account}:{names.archive_key_alias}"
    record = f"arn:aws:s3:::{names.archive_bucket}/evidence/drill/2026/12/02/drill-20261202T090000Z-3f9a1c-alarm-breach.json"
    via = {"kms:ViaService": f"s3.{config.home_region}.amazonaws.com", "kms:ResourceAliases": [names.archive_key_alias]}
    rows: list[AccessPath] = []
    for account, region in drill_places(config):
        checker = f"arn:aws:iam::{account}:role/{prefix}-drill-checker"
        runner_reader = f"arn:aws:iam::{account}:role/{prefix}-drill-canary-reader"
        canary = f"arn:aws:s3:::{config.canary.bucket_name(account, region)}/exports/customers/2026/customer-master-export.csv"
        monitoring_key = f"arn:aws:kms:{region}:{account}:{monitoring_names(config, account).monitoring_key_alias}"
        rows += [
            AccessPath(f"drill-checker-put-evidence-{account}", DOC_S3_CROSS_ACCOUNT, Request(checker, "s3:PutObject", record), ALLOWED),
            AccessPath(f"drill-checker-kms-evidence-{account}", DOC_KMS_CROSS_ACCOUNT, Request(checker, "kms:GenerateDataKey", archive_key, via), ALLOWED),
            AccessPath(
                f"drill-checker-no-put-logs-{account}",
                DOC_S3_ACTIONS,
                Request(checker, "s3:PutObject", f"arn:aws:s3:::{names.archive_bucket}/cloudtrail/AWSLogs/{account}/x.json.gz"),
                DENIED,
                "evidence/drill/ only",
            ),
            AccessPath(f"drill-checker-no-read-{account}", DOC_S3_ACTIONS, Request(checker, "s3:GetObject", record), DENIED, "reads stay with the reader role"),
            AccessPath(f"drill-checker-no-retention-change-{account}", DOC_S3_ACTIONS, Request(checker, "s3:PutObjectRetention", record), DENIED, "a record's lock cannot be shortened"),
            AccessPath(f"drill-checker-no-kms-decrypt-{account}", DOC_S3_KMS, Request(checker, "kms:Decrypt", archive_key, via), DENIED, "writes only"),
            AccessPath(f"drill-reader-reads-canary-{account}", DOC_S3_ACTIONS, Request(runner_reader, "s3:GetObject", canary), ALLOWED),
            AccessPath(
                f"drill-reader-decrypts-canary-{account}",
                DOC_S3_KMS,
                Request(
                    runner_reader, "kms:Decrypt", monitoring_key, {"kms:ViaService": f"s3.{region}.amazonaws.com", "kms:ResourceAliases": [monitoring_names(config, account).monitoring_key_alias]}
                ),
                ALLOWED,
            ),
            *drill_control_rows(config, account, region),
            AccessPath(
                f"drill-reader-reads-nothing-else-{account}",
                DOC_S3_ACTIONS,
                Request(runner_reader, "s3:GetObject", f"arn:aws:s3:::{config.canary.bucket_name(account, region)}/exports/other.csv"),
                DENIED,
            ),
        ]
        if account != names.account:
            # Another role of the checker's account is not admitted by the archive's policies.
            rows.append(
                AccessPath(
                    f"drill-other-role-no-put-evidence-{account}",
                    DOC_S3_CROSS_ACCOUNT,
                    Request(f"arn:aws:iam::{account}:role/Administrator", "s3:PutObject", record, administrator=True),
                    DENIED,
                    "the bucket policy admits the checker role only",
                )
            )
    return rows


def evidence_boundary_rows(config: BaselineConfig, evidence: str) -> list[AccessPath]:
    """The evidence write boundary (capabilities/archive/tamper.py): under evidence/ of the
    archive only the drill checkers, the reader role and break-glass write; an administrator
    of the log-archive account with s3:* cannot forge or hide a record, a stranger cannot, and
    a copy replicated from staging (where an evidence/ object could be planted) is refused,
    while the archive's own records still replicate into the replica."""
    names = archive_names(config)
    admin = f"arn:aws:iam::{names.account}:role/Administrator"
    replication = names.role_arn(names.replication_role)
    forged = f"arn:aws:s3:::{names.archive_bucket}/evidence/drill/2026/12/02/drill-20261202T090000Z-f0f0f0-alarm-breach.json"
    return [
        AccessPath("evidence-admin-with-s3-star-cannot-write", DOC_S3_ACTIONS, Request(admin, "s3:PutObject", forged, administrator=True), DENIED, "only the evidence writers write evidence/"),
        AccessPath("evidence-admin-cannot-hide-a-record", DOC_S3_ACTIONS, Request(admin, "s3:DeleteObject", evidence, administrator=True), DENIED, "a delete marker would hide the record"),
        AccessPath("evidence-break-glass-writes", DOC_CONDITION_OPERATORS, Request(names.role_arn(config.archive.break_glass_role_name), "s3:PutObject", evidence, administrator=True), ALLOWED),
        AccessPath("evidence-stranger-cannot-write", DOC_S3_CROSS_ACCOUNT, Request("arn:aws:iam::999999999999:role/Administrator", "s3:PutObject", forged, administrator=True), DENIED),
        AccessPath(
            "evidence-not-replicated-from-staging",
            DOC_REPLICATION_KMS,
            Request(replication, "s3:ReplicateObject", forged),
            DENIED,
            "staging is replicated into the archive: a planted evidence/ object must not land",
        ),
        AccessPath("evidence-replicates-into-replica", DOC_REPLICATION_KMS, Request(replication, "s3:ReplicateObject", f"arn:aws:s3:::{names.replica_bucket}/evidence/review/x.json"), ALLOWED),
    ]


def drill_control_rows(config: BaselineConfig, account: str, region: str) -> list[AccessPath]:
    """The control-change drill: its changer sets the drill group's retention and nothing else;
    nobody but the drill runner becomes it (an administrator is refused by its trust)."""
    changer = f"arn:aws:iam::{account}:role/{config.resource_prefix}-drill-control-changer"
    group = f"arn:aws:logs:{region}:{account}:log-group:/dpp/{config.stage}/drill-control-change"
    trail_group = f"arn:aws:logs:{region}:{account}:log-group:{monitoring_names(config, account).trail_log_group}"
    return [
        AccessPath(f"drill-control-changer-sets-retention-{account}", DOC_LOGS_ACTIONS, Request(changer, "logs:PutRetentionPolicy", group), ALLOWED),
        AccessPath(f"drill-control-changer-no-other-group-{account}", DOC_LOGS_ACTIONS, Request(changer, "logs:PutRetentionPolicy", trail_group), DENIED, "the drill's own group only"),
        AccessPath(f"drill-control-changer-no-delete-{account}", DOC_LOGS_ACTIONS, Request(changer, "logs:DeleteLogGroup", group), DENIED, "retention only"),
        AccessPath(
            f"drill-control-changer-not-assumed-by-admin-{account}",
            DOC_ROLE_TRUST,
            Request(f"arn:aws:iam::{account}:role/Administrator", "sts:AssumeRole", changer, administrator=True),
            DENIED,
            "only the drill runner's role is trusted: a change by this role is a drill by construction",
        ),
    ]


DOC_EVENTS_CROSS_ACCOUNT = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html"
DOC_EVENTS_BUS_POLICY = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-perms.html"


def archive_watch_rows(config: BaselineConfig) -> list[AccessPath]:
    """Organization mode: the log-archive account's forwarders put its archive events on the
    security account's home bus (the rule's role, admitted by the bus policy by role ARN and
    organization), and nothing else does (capabilities.alerting.archive_watch)."""
    archive = config.log_archive_account.account_id
    org = config.organization.organization_id
    bus = security_bus_arn(config)
    management_bus = f"arn:aws:events:{config.home_region}:{config.management_account.account_id}:event-bus/default"
    rows = []
    for region in archive_watch_regions(config):
        role = f"arn:aws:iam::{archive}:role/{forwarder_role_name(config.resource_prefix, region)}"
        rows += [
            AccessPath(f"archive-watch-{region}-puts-on-security-bus", DOC_EVENTS_CROSS_ACCOUNT, Request(role, "events:PutEvents", bus, {"aws:PrincipalOrgID": org}), ALLOWED),
            AccessPath(
                f"archive-watch-{region}-not-on-management-bus",
                DOC_EVENTS_CROSS_ACCOUNT,
                Request(role, "events:PutEvents", management_bus, {"aws:PrincipalOrgID": org}),
                DENIED,
                "its policy names the security bus only",
            ),
        ]
    rows += [
        AccessPath(
            "archive-watch-other-role-refused",
            DOC_EVENTS_BUS_POLICY,
            Request(f"arn:aws:iam::{archive}:role/some-admin", "events:PutEvents", bus, {"aws:PrincipalOrgID": org}, administrator=True),
            DENIED,
            "the bus admits the forwarding roles by ARN only, even an administrator of the log-archive account",
        ),
        AccessPath(
            "archive-watch-outside-org-refused",
            DOC_EVENTS_BUS_POLICY,
            Request(f"arn:aws:iam::{archive}:role/{forwarder_role_name(config.resource_prefix, config.home_region)}", "events:PutEvents", bus, {"aws:PrincipalOrgID": "o-someoneelse"}),
            DENIED,
            "aws:PrincipalOrgID must be the organization's",
        ),
        AccessPath(
            "archive-watch-member-refused",
            DOC_EVENTS_BUS_POLICY,
            Request(f"arn:aws:iam::{MEMBER_ACCOUNT}:role/{forwarder_role_name(config.resource_prefix, config.home_region)}", "events:PutEvents", bus, {"aws:PrincipalOrgID": org}, administrator=True),
            DENIED,
            "a member account's role of the same name is not the log-archive account's",
        ),
    ]
    return rows


def all_paths(config: BaselineConfig) -> list[AccessPath]:
    rows = (
        delivery_paths(config)
        + people_paths(config)
        + intruder_paths(config)
        + log_export_paths(config)
        + workload_log_paths(config)
        + log_forwarder_paths(config)
        + investigation_paths(config)
        + drill_paths_rows(config)
    )
    return rows + member_paths(config) + member_forwarder_paths(config) + archive_watch_rows(config) if config.org_mode else rows
