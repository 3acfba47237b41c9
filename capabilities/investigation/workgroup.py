"""The Athena workgroup investigators use, and the bucket its results land in (DPP-ANA-1,
DPP-PRT-4.a).

The workgroup's settings are enforced (a query cannot send its results elsewhere, unencrypted,
or scan more than ``dpp.investigation.maxBytesScannedPerQuery``,
https://docs.aws.amazon.com/athena/latest/ug/workgroups-settings-override.html). Results hold
log data, so they get their own key and bucket (not the archive: results are working copies
that expire), TLS only, readable and writable by the reader and break-glass roles only."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_athena as athena
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from capabilities.archive import tamper
from capabilities.archive.secure_bucket import secure_bucket

RESULT_EXPIRY_DAYS = 30
RESULTS_PREFIX = "athena/"
RESULT_OBJECT_ACTIONS = ("s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts")
# What running and reading a query needs (https://docs.aws.amazon.com/athena/latest/ug/workgroups-iam-policy.html).
ATHENA_ACTIONS = (
    "athena:StartQueryExecution",
    "athena:StopQueryExecution",
    "athena:GetQueryExecution",
    "athena:GetQueryResults",
    "athena:GetQueryResultsStream",
    "athena:ListQueryExecutions",
    "athena:BatchGetQueryExecution",
    "athena:GetWorkGroup",
    "athena:ListNamedQueries",
    "athena:GetNamedQuery",
    "athena:BatchGetNamedQuery",
)
GLUE_ACTIONS = ("glue:GetDatabase", "glue:GetDatabases", "glue:GetTable", "glue:GetTables", "glue:GetPartition", "glue:GetPartitions")


def workgroup_name(prefix: str) -> str:
    return f"{prefix}-investigation"


class InvestigationWorkgroup(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        prefix: str,
        bucket_name: str,
        access_logs: s3.IBucket,
        max_bytes_scanned: int,
        allowed_role_arns: list[str],
        tamper_exempt_role_arns: list[str],
    ) -> None:
        super().__init__(scope, id)
        self.bucket_arn = f"arn:aws:s3:::{bucket_name}"
        self.key = kms.Key(
            self,
            "ResultsKey",
            alias=f"alias/{prefix}/investigation-results",
            description="Encrypts Athena results of investigations over the DPP log archive",
            enable_key_rotation=True,
            pending_window=Duration.days(30),
            removal_policy=RemovalPolicy.RETAIN,
        )
        self.bucket = secure_bucket(
            self,
            "ResultsBucket",
            bucket_name=bucket_name,
            encryption_key=self.key,
            access_logs=(access_logs, "investigation-results/"),
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="ResultsExpire",
                    enabled=True,
                    expiration=Duration.days(RESULT_EXPIRY_DAYS),
                    noncurrent_version_expiration=Duration.days(1),
                    abort_incomplete_multipart_upload_after=Duration.days(1),
                ),
                s3.LifecycleRule(id="RemoveExpiredDeleteMarkers", enabled=True, expired_object_delete_marker=True),
            ],
        )
        tamper.deny_tampering(self.bucket, exempt_role_arns=tamper_exempt_role_arns)
        # Need-to-know: results are log data; only the reader and break-glass roles touch them.
        self.bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="DenyResultsExceptReaderRole",
                effect=iam.Effect.DENY,
                principals=[iam.AnyPrincipal()],
                actions=[*RESULT_OBJECT_ACTIONS, "s3:GetObjectVersion", "s3:DeleteObject", "s3:DeleteObjectVersion"],
                resources=[self.bucket.arn_for_objects("*")],
                conditions={"ArnNotLike": {"aws:PrincipalArn": allowed_role_arns}},
            )
        )
        self.workgroup = athena.CfnWorkGroup(
            self,
            "WorkGroup",
            name=workgroup_name(prefix),
            description="Investigations over the DPP log archive (reader role): enforced results location, encryption and scan limit",
            state="ENABLED",
            recursive_delete_option=False,
            work_group_configuration=athena.CfnWorkGroup.WorkGroupConfigurationProperty(
                enforce_work_group_configuration=True,
                publish_cloud_watch_metrics_enabled=True,
                bytes_scanned_cutoff_per_query=max_bytes_scanned,
                engine_version=athena.CfnWorkGroup.EngineVersionProperty(selected_engine_version="Athena engine version 3"),
                result_configuration=athena.CfnWorkGroup.ResultConfigurationProperty(
                    output_location=f"s3://{bucket_name}/{RESULTS_PREFIX}",
                    encryption_configuration=athena.CfnWorkGroup.EncryptionConfigurationProperty(encryption_option="SSE_KMS", kms_key=self.key.key_arn),
                    acl_configuration=athena.CfnWorkGroup.AclConfigurationProperty(s3_acl_option="BUCKET_OWNER_FULL_CONTROL"),
                ),
            ),
        )

    def grant_investigation(self, policy: iam.ManagedPolicy, *, account: str, region: str, database: str) -> None:
        """The reader role may run queries in this workgroup only, read the catalogue, and read
        and write results (its archive reads are granted with the role)."""
        workgroup_arn = f"arn:aws:athena:{region}:{account}:workgroup/{workgroup_name_of(self.workgroup)}"
        glue_arns = [f"arn:aws:glue:{region}:{account}:catalog", f"arn:aws:glue:{region}:{account}:database/{database}", f"arn:aws:glue:{region}:{account}:table/{database}/*"]
        policy.add_statements(
            iam.PolicyStatement(sid="RunInvestigations", actions=list(ATHENA_ACTIONS), resources=[workgroup_arn]),
            iam.PolicyStatement(sid="ReadCatalogue", actions=list(GLUE_ACTIONS), resources=glue_arns),
            iam.PolicyStatement(sid="ResultsBucket", actions=["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"], resources=[self.bucket_arn]),
            iam.PolicyStatement(sid="ResultsObjects", actions=list(RESULT_OBJECT_ACTIONS), resources=[f"{self.bucket_arn}/{RESULTS_PREFIX}*"]),
            iam.PolicyStatement(
                sid="ResultsKey",
                actions=["kms:GenerateDataKey", "kms:Decrypt"],
                resources=[self.key.key_arn],
                conditions={"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}},
            ),
        )


def workgroup_name_of(workgroup: athena.CfnWorkGroup) -> str:
    return workgroup.name
