"""Stateless, once per workload account (home region), or once for the organization in its
management account: the trail and account-wide IAM roles."""

from __future__ import annotations

from aws_cdk import Stack
from constructs import Construct

from capabilities.config_recorder import recorder_role
from capabilities.contacts import SecurityContact
from capabilities.investigation import SavedInsightsQueries
from capabilities.investigation.queries import investigations
from capabilities.trail import AccountTrail
from configuration.model import BaselineConfig
from capabilities.organization.service_access import OrganizationServiceAccess
from configuration.naming import archive_names, lambda_log_group, monitoring_names, organization_access_function_name, security_contact_function_name


class AccountBaselineStack(Stack):
    """The multi-region trail where the account has one (DPP-LOG-1, DPP-PRT-2, DPP-MON-1; in
    organization mode only the management account's organization trail), the Config role that
    the recorders of every region use (IAM is global, so it is created once), and the IMPOC as
    the account's security contact (DPP-IR-1)."""

    def __init__(self, scope: Construct, id: str, *, config: BaselineConfig, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        archive = archive_names(config)
        names = monitoring_names(config, self.account)
        self.trail = None
        if config.trail_home(self.account, self.region):
            self._trail(config, archive, names)
            # Logs Insights versions of the saved investigations, on the trail's group (DPP-ANA-2).
            SavedInsightsQueries(self, "SavedInsightsQueries", prefix=config.resource_prefix, log_group_name=names.trail_log_group, investigations=investigations(config))
        if config.features.config_recorder:
            recorder_role(
                self,
                "ConfigRecorderRole",
                role_name=names.config_recorder_role,
                staging_bucket=archive.config_staging_bucket,
                account=self.account,
                archive_region=archive.home_region,
                archive_key_alias=archive.archive_key_alias,
            )
        SecurityContact(
            self,
            "SecurityContact",
            impoc=config.impoc,
            function_name=security_contact_function_name(config),
            log_group_name=lambda_log_group(security_contact_function_name(config)),
            account=self.account,
            region=self.region,
        )

    def _trail(self, config: BaselineConfig, archive, names) -> None:
        """The account's multi-region trail, or the organization trail in the management
        account (after trusted access for CloudTrail is enabled)."""
        self.trail = AccountTrail(
            self,
            "AccountTrail",
            settings=config.trail,
            archive_bucket=archive.archive_bucket,
            archive_key_alias_arn=f"arn:aws:kms:{archive.home_region}:{archive.account}:{archive.archive_key_alias}",
            log_group_arn=names.log_group_arn(self.region, names.trail_log_group),
            archive_buckets_to_watch=[archive.archive_bucket, archive.config_staging_bucket, archive.replica_bucket],
            canary_buckets=[config.canary.bucket_name(self.account, self.region)] if config.canary.enabled else [],
            organization=config.org_mode,
        )
        if config.org_mode:
            access = OrganizationServiceAccess(
                self,
                "OrganizationServiceAccess",
                function_name=organization_access_function_name(config),
                log_group_name=lambda_log_group(organization_access_function_name(config)),
                account=self.account,
                region=self.region,
            )
            self.trail.trail.node.add_dependency(access.resource)
