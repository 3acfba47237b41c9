"""Rules for the buckets that hold logs (DPP-PRT-2..5, DPP-RET-1).

In a logging baseline every bucket holds evidence, so bucket rules apply to all buckets; the
WORM rules apply to buckets with Object Lock enabled (the archive and its replica).
"""

from __future__ import annotations

from aws_cdk import CfnResource

from dpp_nag.framework import DppRule, Props, RuleContext, as_list, statements

BUCKET = "AWS::S3::Bucket"
TAMPER_ACTIONS_REQUIRED = (
    "s3:DeleteBucket",
    "s3:DeleteObjectVersion",
    "s3:PutBucketPolicy",
    "s3:PutLifecycleConfiguration",
    "s3:PutBucketObjectLockConfiguration",
    "s3:PutBucketVersioning",
)


def _is_locked(props: Props) -> bool:
    return props.get("objectLockEnabled") is True


def _policy_statements(ctx: RuleContext) -> list[Props]:
    """Statements of every bucket policy in the stack that targets the rule's bucket."""
    me = {"Ref": ctx.logical_id()}
    found: list[Props] = []
    for policy in ctx.stack_resources("AWS::S3::BucketPolicy"):
        props = ctx.props(policy)
        if props.get("bucket") == me:
            found.extend(statements(props.get("policyDocument")))
    return found


def _is_access_log_target(ctx: RuleContext) -> bool:
    me = {"Ref": ctx.logical_id()}
    for bucket in ctx.stack_resources(BUCKET):
        logging = ctx.props(bucket).get("loggingConfiguration") or {}
        if logging.get("destinationBucketName") == me:
            return True
    return False


def _days(retention: Props) -> int:
    return int(retention.get("days") or 0) + 365 * int(retention.get("years") or 0)


def _object_lock(node: CfnResource, props: Props, ctx: RuleContext) -> bool | None:
    if not _is_locked(props):
        return None
    rule = (props.get("objectLockConfiguration") or {}).get("rule") or {}
    retention = rule.get("defaultRetention") or {}
    return retention.get("mode") == "COMPLIANCE" and _days(retention) >= ctx.settings.retention_days


def _versioning(node: CfnResource, props: Props, ctx: RuleContext) -> bool:
    return (props.get("versioningConfiguration") or {}).get("status") == "Enabled"


def _encryption(node: CfnResource, props: Props, ctx: RuleContext) -> bool:
    rules = (props.get("bucketEncryption") or {}).get("serverSideEncryptionConfiguration") or []
    defaults = [r.get("serverSideEncryptionByDefault") or {} for r in rules]
    if any(d.get("sseAlgorithm") in ("aws:kms", "aws:kms:dsse") and d.get("kmsMasterKeyId") for d in defaults):
        return True
    # S3 server access logging can only deliver to SSE-S3 buckets.
    return _is_access_log_target(ctx) and any(d.get("sseAlgorithm") == "AES256" for d in defaults)


def _public_access(node: CfnResource, props: Props, ctx: RuleContext) -> bool:
    block = props.get("publicAccessBlockConfiguration") or {}
    return all(block.get(k) is True for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))


def _tls_only(node: CfnResource, props: Props, ctx: RuleContext) -> bool:
    for statement in _policy_statements(ctx):
        condition = (statement.get("Condition") or {}).get("Bool") or {}
        if statement.get("Effect") == "Deny" and str(condition.get("aws:SecureTransport")).lower() == "false":
            actions = as_list(statement.get("Action"))
            if "s3:*" in actions and statement.get("Principal") in ({"AWS": "*"}, "*"):
                return True
    return False


_EXEMPTION_OPERATORS = ("ArnNotLike", "ArnNotEquals", "StringNotLike", "StringNotEquals")


def _only_exempts_principals(condition: Props | None) -> bool:
    """A deny that applies to everyone except named principals (not, say, only without TLS)."""
    for operator, keys in (condition or {}).items():
        if operator not in _EXEMPTION_OPERATORS or set(keys) - {"aws:PrincipalArn"}:
            return False
    return True


def _tamper_denied(node: CfnResource, props: Props, ctx: RuleContext) -> bool | None:
    if not _is_locked(props):
        return None
    denied: set[str] = set()
    for statement in _policy_statements(ctx):
        if statement.get("Effect") == "Deny" and statement.get("Principal") in ({"AWS": "*"}, "*") and _only_exempts_principals(statement.get("Condition")):
            denied.update(as_list(statement.get("Action")))
    return "s3:*" in denied or all(action in denied for action in TAMPER_ACTIONS_REQUIRED)


def _replicated(node: CfnResource, props: Props, ctx: RuleContext) -> bool | None:
    if not _is_locked(props):
        return None
    if (props.get("replicationConfiguration") or {}).get("rules"):
        return True
    name = props.get("bucketName")
    for bucket in ctx.app_resources(BUCKET):
        for rule in (ctx.props(bucket).get("replicationConfiguration") or {}).get("rules") or []:
            if name and (rule.get("destination") or {}).get("bucket") == f"arn:aws:s3:::{name}":
                return True  # this bucket is itself the replica
    return False


def _lifecycle(node: CfnResource, props: Props, ctx: RuleContext) -> bool:
    minimum = ctx.settings.retention_days
    for rule in (props.get("lifecycleConfiguration") or {}).get("rules") or []:
        if rule.get("status") != "Enabled":
            continue
        if rule.get("expirationDate"):
            return False
        for key in ("expirationInDays",):
            if rule.get(key) is not None and int(rule[key]) < minimum:
                return False
        noncurrent = rule.get("noncurrentVersionExpiration") or {}
        days = noncurrent.get("noncurrentDays", rule.get("noncurrentVersionExpirationInDays"))
        if days is not None and int(days) < minimum:
            return False
    return True


RULES = (
    DppRule(
        suffix="S3ObjectLockCompliance",
        requirements=("DPP-PRT-2", "DPP-RET-1"),
        info="The locked log bucket's default retention is not COMPLIANCE mode for at least the retention period",
        explanation="Governance mode or a short retention lets privileged users delete evidence. Use ObjectLockRetention.compliance(Duration.days(retention)).",
        resource_types=(BUCKET,),
        check=_object_lock,
    ),
    DppRule(
        suffix="S3Versioning",
        requirements=("DPP-PRT-2",),
        info="The log bucket does not have versioning enabled",
        explanation="Without versioning an overwrite or delete destroys the only copy of a log. Set versioned=True.",
        resource_types=(BUCKET,),
        check=_versioning,
    ),
    DppRule(
        suffix="S3KmsEncryption",
        requirements=("DPP-PRT-3",),
        info="The log bucket is not encrypted by default with a customer-managed KMS key",
        explanation="Use encryption=KMS with your own key (SSE-S3 is accepted only for server access log buckets, which S3 requires).",
        resource_types=(BUCKET,),
        check=_encryption,
    ),
    DppRule(
        suffix="S3PublicAccessBlocked",
        requirements=("DPP-PRT-3",),
        info="The log bucket does not block all public access",
        explanation="Set block_public_access=BlockPublicAccess.BLOCK_ALL.",
        resource_types=(BUCKET,),
        check=_public_access,
    ),
    DppRule(
        suffix="S3TlsOnly",
        requirements=("DPP-PRT-3",),
        info="The log bucket's policy does not deny requests without TLS",
        explanation="Add a Deny for s3:* when aws:SecureTransport is false (enforce_ssl=True).",
        resource_types=(BUCKET,),
        check=_tls_only,
    ),
    DppRule(
        suffix="S3TamperDenied",
        requirements=("DPP-PRT-4",),
        info="The WORM log bucket's policy does not deny deletes and policy, lock, lifecycle and versioning changes",
        explanation="Deny " + ", ".join(TAMPER_ACTIONS_REQUIRED) + " to every principal except a named break-glass role.",
        resource_types=(BUCKET,),
        check=_tamper_denied,
    ),
    DppRule(
        suffix="S3CrossRegionReplica",
        requirements=("DPP-PRT-5",),
        info="The WORM log bucket neither replicates to a replica nor is one",
        explanation="Replicate the archive to an equally protected Object Lock bucket in another region.",
        resource_types=(BUCKET,),
        check=_replicated,
    ),
    DppRule(
        suffix="S3LifecycleKeepsRetention",
        requirements=("DPP-RET-1",),
        info="A lifecycle rule of the log bucket expires objects or versions before the retention period ends",
        explanation="Expiration and noncurrent-version expiration must be at least the retention period (365 days or the configured value).",
        resource_types=(BUCKET,),
        check=_lifecycle,
    ),
)
