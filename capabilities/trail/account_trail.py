"""The account's CloudTrail trail (DPP-LOG-1, DPP-LOG-2, DPP-LOG-7, DPP-PRT-2, DPP-MON-1)."""

from __future__ import annotations

from aws_cdk import aws_cloudtrail as cloudtrail
from aws_cdk import aws_iam as iam
from constructs import Construct

from capabilities.archive.prefixes import LogPrefix
from configuration.model import TrailSettings


Field = cloudtrail.CfnTrail.AdvancedFieldSelectorProperty


def _selector(name: str, *fields: Field) -> cloudtrail.CfnTrail.AdvancedEventSelectorProperty:
    # Typed properties, not dicts: a misspelt operator (it is ``equal_to``) fails here
    # instead of silently dropping the condition and logging far more than intended.
    return cloudtrail.CfnTrail.AdvancedEventSelectorProperty(name=name, field_selectors=list(fields))


def event_selectors(settings: TrailSettings, archive_buckets: list[str], canary_buckets: list[str] = ()) -> list[cloudtrail.CfnTrail.AdvancedEventSelectorProperty]:
    """Management events (read and write, all services, global ones included), S3 object
    events for the buckets that hold Information, item-level calls on the DynamoDB tables and
    invocations of the Lambda functions that hold or serve it (DPP-LOG-1.b), reads of the log
    archive itself (who looked at the evidence) and every object call on the canary's decoy
    bucket.

    Data event resource types and the resources.ARN field are CloudTrail's
    (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html);
    a trail allows at most 500 values across all its advanced selectors (same guide), which the
    configuration loader keeps the configured lists well under."""
    selectors = [_selector("Management events", Field(field="eventCategory", equal_to=["Management"]))]
    s3_objects = Field(field="resources.type", equal_to=["AWS::S3::Object"])
    data = Field(field="eventCategory", equal_to=["Data"])
    if settings.data_events and settings.sensitive_buckets:
        selectors.append(
            _selector(
                "Objects of buckets holding Information",
                data,
                s3_objects,
                Field(field="resources.ARN", starts_with=[f"arn:aws:s3:::{b}/" for b in settings.sensitive_buckets]),
            )
        )
    if settings.data_event_tables:
        # Reads and writes of items (GetItem, Query, PutItem, ...): who touched which orders.
        selectors.append(
            _selector(
                "Items of DynamoDB tables holding Information",
                data,
                Field(field="resources.type", equal_to=["AWS::DynamoDB::Table"]),
                Field(field="resources.ARN", equal_to=list(settings.data_event_tables)),
            )
        )
    if settings.data_event_functions:
        # An invocation names the function's ARN, with a version or alias when one was called,
        # so both the bare ARN and "<arn>:" prefixes (a prefix of the bare ARN alone would
        # also take in orders-export for orders).
        lambdas = Field(field="resources.type", equal_to=["AWS::Lambda::Function"])
        selectors.append(_selector("Invocations of Lambda functions serving Information", data, lambdas, Field(field="resources.ARN", equal_to=list(settings.data_event_functions))))
        selectors.append(
            _selector(
                "Invocations of versions and aliases of those functions",
                data,
                lambdas,
                Field(field="resources.ARN", starts_with=[f"{arn}:" for arn in settings.data_event_functions]),
            )
        )
    if settings.data_events:
        # Reads only: the archive's writes are the trail's own deliveries and would loop.
        selectors.append(
            _selector(
                "Reads of the log archive",
                data,
                Field(field="readOnly", equal_to=["true"]),
                s3_objects,
                Field(field="resources.ARN", starts_with=[f"arn:aws:s3:::{b}/" for b in archive_buckets]),
            )
        )
    if canary_buckets:
        # Independent of data_events: the canary only works if its access is logged.
        selectors.append(
            _selector(
                "Canary records",
                data,
                s3_objects,
                Field(field="resources.ARN", starts_with=[f"arn:aws:s3:::{b}/" for b in canary_buckets]),
            )
        )
    return selectors


class AccountTrail(Construct):
    """A multi-region trail with global service events and log file validation, encrypted with
    the archive key and delivered to the archive's ``cloudtrail/`` prefix, streamed to a
    CloudWatch Logs group for real-time alarms, with data events and Insights as configured.

    The archive key is named by alias ARN (CloudTrail accepts it), so no cross-stack or
    cross-account reference is needed.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        settings: TrailSettings,
        archive_bucket: str,
        archive_key_alias_arn: str,
        log_group_arn: str,
        archive_buckets_to_watch: list[str],
        canary_buckets: list[str] = (),
        organization: bool = False,
    ) -> None:
        super().__init__(scope, id)
        delivery_role = iam.Role(
            self,
            "CloudWatchDeliveryRole",
            description="Lets CloudTrail stream this account's trail to its CloudWatch Logs group (DPP-MON-1)",
            assumed_by=iam.ServicePrincipal("cloudtrail.amazonaws.com"),
        )
        iam.ManagedPolicy(
            self,
            "CloudWatchDeliveryPolicy",
            description="Write to the trail's log group only",
            roles=[delivery_role],
            statements=[
                iam.PolicyStatement(actions=["logs:CreateLogStream", "logs:PutLogEvents"], resources=[f"{log_group_arn}:log-stream:*"]),
            ],
        )
        self.trail = cloudtrail.CfnTrail(
            self,
            "Trail",
            is_logging=True,
            is_multi_region_trail=True,
            # Organization mode: one trail in the management account logs every member account,
            # which cannot stop or change it (DPP-LOG-1, DPP-PRT-4).
            is_organization_trail=True if organization else None,
            include_global_service_events=True,
            enable_log_file_validation=settings.log_file_validation,
            s3_bucket_name=archive_bucket,
            s3_key_prefix=LogPrefix.CLOUDTRAIL.value,
            kms_key_id=archive_key_alias_arn,
            cloud_watch_logs_log_group_arn=f"{log_group_arn}:*",
            cloud_watch_logs_role_arn=delivery_role.role_arn,
            advanced_event_selectors=event_selectors(settings, archive_buckets_to_watch, list(canary_buckets)),
            insight_selectors=([cloudtrail.CfnTrail.InsightSelectorProperty(insight_type=t) for t in ("ApiCallRateInsight", "ApiErrorRateInsight")] if settings.insights else None),
        )
        # The role's policy must exist before CloudTrail checks it can deliver.
        self.trail.node.add_dependency(self.node.find_child("CloudWatchDeliveryPolicy"))
