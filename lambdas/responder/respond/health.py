"""AWS Health's exposed-credential events as findings for the credentials response (DPP-MON-4,
DPP-IR-3): AWS found an access key of the account in a public place (code repositories, paste
sites) and names it in ``affectedEntities``
(https://docs.aws.amazon.com/health/latest/ug/cloudwatch-events-health.html, the
AWS_RISK_CREDENTIALS_EXPOSED sample). The event names the key only; its user is found with
IAM GetAccessKeyLastUsed, which returns the owning ``UserName``
(https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccessKeyLastUsed.html).
"""

from __future__ import annotations

import re
from typing import Any

from respond.context import Context
from respond.findings import AccessKey, Finding

TYPE = "CredentialAccess:IAMUser/AwsHealthCredentialsExposed"
_KEY_ID = re.compile(r"(AKIA|ASIA)[A-Z0-9]{16}")


def is_exposure(event: Any) -> bool:
    if not isinstance(event, dict) or event.get("source") != "aws.health" or event.get("detail-type") != "AWS Health Event":
        return False
    detail = event.get("detail")
    return isinstance(detail, dict) and detail.get("service") == "RISK" and str(detail.get("eventTypeCode", "")).startswith("AWS_RISK_CREDENTIALS")


def findings(event: dict, ctx: Context) -> list[Finding]:
    """One critical finding per exposed access key the event names; a key IAM does not know
    (already deleted) is named with an unknown owner, so people still hear of it."""
    detail = event["detail"]
    keys = []
    for entity in detail.get("affectedEntities") or []:
        value = entity.get("entityValue") if isinstance(entity, dict) else None
        if isinstance(value, str) and _KEY_ID.fullmatch(value) and value not in keys:
            keys.append(value)
    found = []
    for key_id in keys:
        try:
            user = ctx.iam.get_access_key_last_used(AccessKeyId=key_id).get("UserName") or ""
        except Exception as error:  # the key is gone, or IAM refused: reported, not guessed
            ctx.errors.append(type(error).__name__)
            user = ""
        user_type = "Root" if user in ("root", "<root_account>") else "IAMUser" if user else "Unknown"
        found.append(
            Finding(
                id=f"health-{event.get('id', 'event')}-{key_id}",
                type=TYPE,
                title=f"AWS Health: access key {key_id} exposed publicly",
                severity=10.0,
                account=str(event.get("account", "")),
                region=str(event.get("region", "")),
                resource_type="AccessKey",
                access_key=AccessKey(access_key_id=key_id, user_type=user_type, user_name=user or "unknown"),
                instance_id=None,
                remote_ips=(),
            )
        )
    return found
