"""GuardDuty findings exported to the log archive, kept as long as every other log (DPP-LOG-6,
DPP-RET-1): GuardDuty itself keeps findings for 90 days only."""

from __future__ import annotations

from aws_cdk import aws_guardduty as guardduty
from aws_cdk import aws_iam as iam
from constructs import Construct

from capabilities.archive.prefixes import LogPrefix
from capabilities.foundation.building_blocks import deploy_action
from configuration.naming import ArchiveNames


class FindingsExport(Construct):
    """Publishes the detector's findings, KMS-encrypted with the archive key, into the archive's
    staging bucket under ``guardduty/``; S3 replication then locks them in the archive and its
    replica. GuardDuty accepts only a key ARN, and this stack knows the key by alias (it lives
    in the log-archive account's home region), so a deploy action looks the ARN up with
    ``kms:DescribeKey`` on that one alias and nothing else."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        detector: guardduty.CfnDetector,
        archive: ArchiveNames,
        function_name: str,
        log_group_name: str,
        account: str,
        region: str,
    ) -> None:
        super().__init__(scope, id)
        alias_arn = f"arn:aws:kms:{archive.home_region}:{archive.account}:{archive.archive_key_alias}"
        self.archive_key = deploy_action(
            self,
            resource_id="ArchiveKey",
            action="DescribeKey",
            properties={"KeyId": alias_arn},
            statements=[
                iam.PolicyStatement(
                    actions=["kms:DescribeKey"],
                    resources=[f"arn:aws:kms:{archive.home_region}:{archive.account}:key/*"],
                    conditions={"ForAnyValue:StringEquals": {"kms:ResourceAliases": [archive.archive_key_alias]}},
                )
            ],
            function_name=function_name,
            log_group_name=log_group_name,
            descriptions=(
                "Looks up the log archive key's ARN behind its alias",
                "Describe the log archive key (metadata only), nothing else",
                "Finds the archive key ARN for GuardDuty's findings export (DPP-LOG-6)",
            ),
            account=account,
            region=region,
        )
        self.destination = guardduty.CfnPublishingDestination(
            self,
            "Destination",
            detector_id=detector.ref,
            destination_type="S3",
            destination_properties=guardduty.CfnPublishingDestination.CFNDestinationPropertiesProperty(
                destination_arn=f"{archive.bucket_arn(archive.config_staging_bucket)}/{LogPrefix.GUARDDUTY.value}",
                kms_key_arn=self.archive_key.get_att("Arn").to_string(),
            ),
        )
