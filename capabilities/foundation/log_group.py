"""Log groups that hold evidence: KMS, 12-month retention, PII masked, never deleted."""

from __future__ import annotations

from functools import cache

from aws_cdk import RemovalPolicy
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from constructs import Construct

# What DPP-PII-1 names: names, addresses, e-mail, phone, IP address, geo-location, device IDs.
PII_IDENTIFIERS = (
    logs.DataIdentifier.NAME,
    logs.DataIdentifier.ADDRESS,
    logs.DataIdentifier.EMAILADDRESS,
    logs.DataIdentifier.IPADDRESS,
    logs.DataIdentifier.LATLONG,
    logs.DataIdentifier.PHONENUMBER_US,
    logs.DataIdentifier.PHONENUMBER_GB,
    logs.DataIdentifier.PHONENUMBER_DE,
    logs.DataIdentifier.PHONENUMBER_FR,
    logs.DataIdentifier.PHONENUMBER_ES,
    logs.DataIdentifier.PHONENUMBER_BR,
)

# The retention values CloudWatch Logs accepts, in days.
CLOUDWATCH_RETENTIONS = (365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)


def cloudwatch_retention_days(minimum: int) -> int:
    """The shortest retention CloudWatch Logs offers that is at least ``minimum`` days."""
    for days in CLOUDWATCH_RETENTIONS:
        if days >= minimum:
            return days
    return CLOUDWATCH_RETENTIONS[-1]


@cache
def _pii_masking() -> logs.DataProtectionPolicy:
    """One policy object for every group: it only describes the policy (each group renders its
    own from it), and building it per group was a jsii round trip with its type checks each."""
    return logs.DataProtectionPolicy(
        name="dpp-pii-masking",
        description="Masks personal data in logs (DPP-PII-1)",
        identifiers=list(PII_IDENTIFIERS),
    )


def protected_log_group(scope: Construct, id: str, *, name: str | None, key: kms.IKey, retention_days: int) -> logs.LogGroup:
    """A log group encrypted with ``key``, kept at least ``retention_days`` (DPP-RET-1), with a
    data protection policy that masks PII (DPP-PII-1), deletion protection on, and retained
    when its stack goes. Readers with logs:Unmask still see originals when an investigation
    needs them; the S3 archive keeps the unmasked record."""
    group = logs.LogGroup(
        scope,
        id,
        log_group_name=name,
        encryption_key=key,
        data_protection_policy=_pii_masking(),
        deletion_protection_enabled=True,
        removal_policy=RemovalPolicy.RETAIN,
    )
    cfn: logs.CfnLogGroup = group.node.default_child  # type: ignore[assignment]
    cfn.retention_in_days = cloudwatch_retention_days(retention_days)
    return group
