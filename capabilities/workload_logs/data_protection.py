"""An account-wide CloudWatch Logs data protection policy: every log group of the account and
region, the application's included, audits and masks the PII of the marketplaces the seller
sells in (DPP-PII-1.a, DPP-PII-2, DPP-LOG-8).

Which identifiers exist, and in which countries, is CloudWatch Logs' list of managed data
identifiers (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL-managed-data-identifiers.html;
country-specific ones are the identifier, a hyphen and an ISO 3166-1 alpha-2 code). The CDK's
``DataIdentifier`` constants carry the same list offline, so an identifier AWS does not offer
for a country is never written (CloudFormation would refuse the policy).
"""

from __future__ import annotations

import json
from functools import cache

from aws_cdk import aws_logs as logs
from constructs import Construct

# Region- and language-independent identifiers of the Personal, Financial and Credentials
# categories (same page). IpAddress is masked as the project's own log groups mask it
# (capabilities.foundation.log_group): investigators with logs:Unmask still read it.
GLOBAL_IDENTIFIERS = (
    "Name",
    "Address",
    "EmailAddress",
    "IpAddress",
    "LatLong",
    "CreditCardNumber",
    "CreditCardExpiration",
    "CreditCardSecurityCode",
    "AwsSecretKey",
    "OpenSshPrivateKey",
    "PgpPrivateKey",
    "PkcsPrivateKey",
    "PuttyPrivateKey",
)
# Country-specific identifiers of a buyer's or seller's identity, contact and payment data
# (the DPP's PII and tax data). The health identifiers (NhsNumber, HealthInsurance*, Medicare*)
# are left out: SP-API Information carries no health data.
COUNTRY_IDENTIFIERS = (
    "BankAccountNumber",
    "CepCode",
    "Cnpj",
    "CpfCode",
    "DriversLicense",
    "ElectoralRollNumber",
    "IndividualTaxIdentificationNumber",
    "InseeCode",
    "NationalIdentificationNumber",
    "NationalInsuranceNumber",
    "NieNumber",
    "NifNumber",
    "PassportNumber",
    "PermanentResidenceNumber",
    "PhoneNumber",
    "PostalCode",
    "RgNumber",
    "SocialInsuranceNumber",
    "Ssn",
    "TaxId",
    "ZipCode",
)
# Amazon writes the United Kingdom's marketplace as UK; ISO 3166-1 (and CloudWatch Logs) as GB.
_ISO_CODE = {"UK": "GB"}


@cache
def _offered() -> frozenset[str]:
    """Every managed identifier the CDK knows (the AWS list above); read once per process, as
    each name read is a call into jsii (about a hundred per region)."""
    return frozenset(getattr(logs.DataIdentifier, n).name for n in dir(logs.DataIdentifier) if n.isupper())


def marketplace_identifiers(marketplaces: tuple[str, ...]) -> tuple[str, ...]:
    """The managed identifiers for ``marketplaces`` (Amazon country codes): the global ones and,
    per marketplace, each country-specific one CloudWatch Logs offers for that country. A
    marketplace without any (JP, SG, AE, ...) is covered by the global identifiers only."""
    offered = _offered()
    found = [i for i in GLOBAL_IDENTIFIERS if i in offered]
    for marketplace in marketplaces:
        country = _ISO_CODE.get(marketplace, marketplace)
        found += [f"{base}-{country}" for base in COUNTRY_IDENTIFIERS if f"{base}-{country}" in offered and f"{base}-{country}" not in found]
    return tuple(found)


def identifier_arn(name: str) -> str:
    # The managed identifiers' ARN form, as CloudWatch Logs documents it in its policy examples
    # (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/mask-sensitive-log-data-start.html).
    return f"arn:aws:dataprotection::aws:data-identifier/{name}"


def data_protection_document(*, name: str, identifiers: tuple[str, ...], findings_log_group: str) -> dict:
    """The two statements PutAccountPolicy requires: an Audit with a findings destination and
    a Deidentify with an empty MaskConfig, over exactly the same identifiers
    (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutAccountPolicy.html)."""
    arns = [identifier_arn(i) for i in identifiers]
    return {
        "Name": name,
        "Description": "Masks the PII of the configured marketplaces in every log group (DPP-PII-1.a, DPP-PII-2)",
        "Version": "2021-06-01",
        "Statement": [
            {"Sid": "audit", "DataIdentifier": arns, "Operation": {"Audit": {"FindingsDestination": {"CloudWatchLogs": {"LogGroup": findings_log_group}}}}},
            {"Sid": "redact", "DataIdentifier": arns, "Operation": {"Deidentify": {"MaskConfig": {}}}},
        ],
    }


class AccountDataProtection(Construct):
    """The account's one account-level data protection policy in this region, scope ALL: it
    applies to existing log groups and to every one created later (same API page). Audit
    findings (which log group, which identifier, where in the event; never the value,
    https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/mask-sensitive-log-data-audit-findings.html)
    go to ``findings_log_group``, a KMS-encrypted group kept for the retention period."""

    def __init__(self, scope: Construct, id: str, *, policy_name: str, marketplaces: tuple[str, ...], findings_log_group: str) -> None:
        super().__init__(scope, id)
        self.identifiers = marketplace_identifiers(marketplaces)
        self.document = data_protection_document(name=policy_name, identifiers=self.identifiers, findings_log_group=findings_log_group)
        self.policy = logs.CfnAccountPolicy(
            self,
            "Policy",
            policy_name=policy_name,
            policy_type="DATA_PROTECTION_POLICY",
            scope="ALL",
            policy_document=json.dumps(self.document, separators=(",", ":")),
        )
