"""What the drill runner and checker share: the drill's ID, the Security Hub test finding, and
the settings both read from the environment (DPP-MON-8, DPP-VER-4). Logs carry drill IDs,
path names and error codes only: never a finding, a payload or the canary's content."""

from __future__ import annotations

import json
import os
import sys
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

# Security Hub's own-product ARN for findings an account imports itself
# (https://docs.aws.amazon.com/securityhub/latest/userguide/finding-update-batchimportfindings.html:
# "arn:aws:securityhub:<region>:<account-id>:product/<account-id>/default").
SECURITY_HUB_GENERATOR = "dpp-alert-drill"
DRILL_ID_FIELD = "dpp/drillId"


def now() -> datetime:
    return datetime.now(timezone.utc)


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)


def new_drill_id(moment: datetime) -> str:
    """Sortable, unique, and valid as an STS session name ([\\w+=,.@-], 2-64 characters)."""
    return f"drill-{moment.strftime('%Y%m%dT%H%M%SZ')}-{uuid.uuid4().hex[:6]}"


def log(message: str, **fields: object) -> None:
    sys.stdout.write(json.dumps({"level": "INFO", "message": message, "service": "dpp-alert-drill", **fields}, default=str) + "\n")


@dataclass(frozen=True)
class Settings:
    account: str
    region: str
    paths: tuple[str, ...]
    namespace: str
    guardduty_type: str
    canary_bucket: str
    canary_key: str
    drill_role_arn: str
    drill_alarm: str
    drill_canary_alarm: str
    relay_log_group: str
    expected_targets: dict[str, list[str]]
    archive_bucket: str
    deadline_seconds: int
    control_role_arn: str = ""
    control_log_group: str = ""
    control_retention_days: tuple[int, int] = (0, 0)  # the drill group's own, the drill's

    @staticmethod
    def from_environment(env: dict[str, str] | None = None) -> "Settings":
        env = dict(os.environ if env is None else env)
        return Settings(
            account=env["ACCOUNT_ID"],
            region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION", ""),
            paths=tuple(json.loads(env["DRILL_PATHS"])),
            namespace=env["DRILL_NAMESPACE"],
            guardduty_type=env.get("GUARDDUTY_SAMPLE_TYPE", ""),
            canary_bucket=env.get("CANARY_BUCKET", ""),
            canary_key=env.get("CANARY_KEY", ""),
            drill_role_arn=env.get("DRILL_ROLE_ARN", ""),
            drill_alarm=env.get("DRILL_ALARM", ""),
            drill_canary_alarm=env.get("DRILL_CANARY_ALARM", ""),
            relay_log_group=env.get("RELAY_LOG_GROUP", ""),
            expected_targets=json.loads(env.get("EXPECTED_TARGETS", "{}")),
            archive_bucket=env.get("ARCHIVE_BUCKET", ""),
            deadline_seconds=int(env.get("DEADLINE_SECONDS", "900")),
            control_role_arn=env.get("CONTROL_ROLE_ARN", ""),
            control_log_group=env.get("CONTROL_LOG_GROUP", ""),
            control_retention_days=tuple(json.loads(env.get("CONTROL_RETENTION_DAYS", "[0, 0]"))),
        )


def security_hub_finding(drill_id: str, account: str, region: str, created_at: str, updated_at: str, record_state: str = "ACTIVE") -> dict:
    """A drill-marked ASFF finding in the account's own product: the drill ID is in its Id,
    title, generator and ProductFields, so the relay and the responder know it for a drill.
    Severity CRITICAL, so it takes the critical route to every chat target; re-imported with
    RecordState ARCHIVED by the checker, which no route matches."""
    return {
        "SchemaVersion": "2018-10-08",
        "Id": f"{SECURITY_HUB_GENERATOR}/{drill_id}",
        "ProductArn": f"arn:aws:securityhub:{region}:{account}:product/{account}/default",
        "GeneratorId": SECURITY_HUB_GENERATOR,
        "AwsAccountId": account,
        "Types": ["Software and Configuration Checks/DPP alert drill"],
        "CreatedAt": created_at,
        "UpdatedAt": updated_at,
        "Severity": {"Label": "CRITICAL"},
        "Title": f"[DRILL {drill_id}] DPP alert-path drill",
        "Description": "A drill of the Security Hub alert path (DPP-MON-8). No action needed: the drill checker records whether it reached every chat target.",
        "ProductFields": {DRILL_ID_FIELD: drill_id},
        "Resources": [{"Type": "Other", "Id": f"dpp-alert-drill/{drill_id}", "Region": region}],
        "RecordState": record_state,
    }
