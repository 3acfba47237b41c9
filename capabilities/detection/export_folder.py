"""The folder GuardDuty's findings export writes into, created before any detector names it
(DPP-LOG-6).

GuardDuty's CreatePublishingDestination checks that a destination prefix exists as a folder
object (the zero-byte ``guardduty/`` key) and refuses the destination otherwise: "the folder
location must exist already"
(https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_exportfindings.html; reported with
the API's refusal in https://github.com/hashicorp/terraform-provider-aws/issues/16750 and
https://github.com/aws/aws-cli/issues/10483). CloudFormation has no resource for an S3 object,
so a deploy action of the log-archive stack puts it; every detection stack deploys after that
stack (stacks/topology.py), in whichever account it runs.

The action's function writes that one key and nothing else, with the archive key named (the
staging bucket denies weaker encryption) and a checksum; its log group is encrypted with the
archive key too (the log-archive account of an organization has no monitoring key), which
admits CloudWatch Logs for that one group by its encryption context
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html)."""

from __future__ import annotations

from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct

from capabilities.foundation import protected_log_group
from capabilities.foundation.building_blocks import deploy_action


class ExportFolder(Construct):
    """Puts ``folder`` (one name ending in ``/``) into ``bucket_name`` at every create and update."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        bucket_name: str,
        folder: str,
        key: kms.IKey,
        function_name: str,
        log_group_name: str,
        retention_days: int,
        account: str,
        region: str,
    ) -> None:
        super().__init__(scope, id)
        key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudWatchLogsEncryptsTheExportFolderActionsLogGroup",
                principals=[iam.ServicePrincipal(f"logs.{region}.amazonaws.com")],
                actions=["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                resources=["*"],
                conditions={"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{region}:{account}:log-group:{log_group_name}"}},
            )
        )
        log_group = protected_log_group(self, "LogGroup", name=log_group_name, key=key, retention_days=retention_days)
        self.marker = deploy_action(
            self,
            resource_id="Folder",
            action="PutFolderMarker",
            properties={"Bucket": bucket_name, "Key": folder, "KmsKeyArn": key.key_arn},
            statements=[
                iam.PolicyStatement(actions=["s3:PutObject"], resources=[f"arn:aws:s3:::{bucket_name}/{folder}"]),
                iam.PolicyStatement(
                    actions=["kms:GenerateDataKey"],
                    resources=[key.key_arn],
                    conditions={"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}},
                ),
            ],
            function_name=function_name,
            log_group_name=log_group_name,
            descriptions=(
                "Creates the folder GuardDuty exports findings into",
                "Put the one zero-byte folder object with the archive key, nothing else",
                "Creates guardduty/ in the staging bucket before detectors export there (DPP-LOG-6)",
            ),
            account=account,
            region=region,
        )
        self.node.find_child("Function").node.add_dependency(log_group)
