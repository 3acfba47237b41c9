"""What the responder needs from a GuardDuty finding event; anything else is not a finding.

GuardDuty's finding format: https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings-format.html
(``detail.resource.accessKeyDetails``, ``detail.resource.instanceDetails``,
``detail.service.action.*.remoteIpDetails``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class AccessKey:
    access_key_id: str
    user_type: str  # IAMUser, AssumedRole, Root, Federated...
    user_name: str  # the user's name, or for AssumedRole the role's name


@dataclass(frozen=True)
class Finding:
    id: str
    type: str
    title: str
    severity: float
    account: str
    region: str
    resource_type: str
    access_key: AccessKey | None
    instance_id: str | None
    remote_ips: tuple[str, ...]

    @property
    def band(self) -> str:
        return band(self.severity)


def band(severity: float) -> str:
    """GuardDuty's bands: Critical 9.0-10.0, High 7.0-8.9, Medium 4.0-6.9, Low 1.0-3.9."""
    if severity >= 9:
        return "critical"
    if severity >= 7:
        return "high"
    if severity >= 4:
        return "medium"
    return "low"


def _remote_ips(action: dict) -> tuple[str, ...]:
    found: list[str] = []

    def add(details: Any) -> None:
        if isinstance(details, dict) and isinstance(details.get("ipAddressV4"), str) and details["ipAddressV4"] not in found:
            found.append(details["ipAddressV4"])

    network = action.get("networkConnectionAction") or {}
    # Outbound connections go to the address, not from it: blocking it inbound would not help.
    if network.get("connectionDirection") in ("INBOUND", "UNKNOWN"):
        add(network.get("remoteIpDetails"))
    for probe in (action.get("portProbeAction") or {}).get("portProbeDetails") or []:
        add(probe.get("remoteIpDetails"))
    for kind in ("awsApiCallAction", "kubernetesApiCallAction", "rdsLoginAttemptAction"):
        add((action.get(kind) or {}).get("remoteIpDetails"))
    return tuple(found)


def parse_finding(event: Any) -> Finding | None:
    """The finding in an EventBridge event, or None when the event is not a well-formed
    GuardDuty finding (it is then ignored, never guessed at)."""
    if not isinstance(event, dict) or event.get("source") != "aws.guardduty" or event.get("detail-type") != "GuardDuty Finding":
        return None
    detail = event.get("detail")
    if not isinstance(detail, dict):
        return None
    finding_id, finding_type, severity = detail.get("id"), detail.get("type"), detail.get("severity")
    if not isinstance(finding_id, str) or not isinstance(finding_type, str) or not isinstance(severity, (int, float)) or isinstance(severity, bool):
        return None
    resource = detail.get("resource") if isinstance(detail.get("resource"), dict) else {}
    key = resource.get("accessKeyDetails") or {}
    access_key = None
    if isinstance(key, dict) and key.get("userType"):
        access_key = AccessKey(access_key_id=str(key.get("accessKeyId") or ""), user_type=str(key["userType"]), user_name=str(key.get("userName") or ""))
    instance = resource.get("instanceDetails") or {}
    service = detail.get("service") if isinstance(detail.get("service"), dict) else {}
    action = service.get("action") if isinstance(service.get("action"), dict) else {}
    return Finding(
        id=finding_id,
        type=finding_type,
        title=str(detail.get("title") or finding_type),
        severity=float(severity),
        account=str(detail.get("accountId") or event.get("account") or ""),
        region=str(detail.get("region") or event.get("region") or ""),
        resource_type=str(resource.get("resourceType") or ""),
        access_key=access_key,
        instance_id=instance.get("instanceId") if isinstance(instance, dict) and isinstance(instance.get("instanceId"), str) else None,
        remote_ips=_remote_ips(action),
    )
