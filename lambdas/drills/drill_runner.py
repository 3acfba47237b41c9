"""Starts one alert drill: every configured path is exercised for real, each event marked with
the drill's ID where the event can carry one (DPP-MON-8, DPP-VER-4).

- guardduty-finding: GuardDuty ``CreateSampleFindings`` (sample findings carry
  ``service.additionalInfo.sample = true``);
- securityhub-finding: ``BatchImportFindings`` of a drill-marked finding in the account's own product;
- canary-read: the drill role (session name = drill ID) reads the canary record;
- alarm-breach: ``PutMetricData`` breaches the drill alarm;
- control-change: the drill's control changer (session name = drill ID) sets the retention of
  the drill's own log group to another accepted value and back: a real control change the
  LogGroupTampering route watches, on a group that holds nothing.

Never raises: a path that cannot start is reported as such, so the checker marks it broken at
its first hop and the alert-path-broken alarm fires.
"""

from __future__ import annotations

from typing import Any, Callable

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from drill_common import Settings, iso, log, new_drill_id, now, security_hub_finding

Clients = Callable[..., Any]


def _error(error: Exception) -> str:
    if isinstance(error, ClientError):
        return f"{error.operation_name}: {error.response.get('Error', {}).get('Code', 'error')}"
    return type(error).__name__


class Runner:
    def __init__(self, settings: Settings, client: Clients = boto3.client) -> None:
        self.settings = settings
        self.client = client

    def guardduty_finding(self, drill_id: str) -> dict:
        guardduty = self.client("guardduty", region_name=self.settings.region)
        detectors = guardduty.list_detectors().get("DetectorIds") or []
        if not detectors:
            raise RuntimeError("no GuardDuty detector in this region")
        guardduty.create_sample_findings(DetectorId=detectors[0], FindingTypes=[self.settings.guardduty_type])
        return {"detectorId": detectors[0]}

    def securityhub_finding(self, drill_id: str) -> dict:
        stamp = iso(now())
        answer = self.client("securityhub", region_name=self.settings.region).batch_import_findings(
            Findings=[security_hub_finding(drill_id, self.settings.account, self.settings.region, stamp, stamp)]
        )
        if answer.get("FailedCount"):
            failed = (answer.get("FailedFindings") or [{}])[0]
            raise RuntimeError(f"BatchImportFindings refused the finding: {failed.get('ErrorCode', 'error')}")
        return {"findingId": f"dpp-alert-drill/{drill_id}"}

    def _as_drill_role(self, service: str, role_arn: str, drill_id: str) -> Any:
        """A client with the drill role's credentials, its session named after the drill: the
        drill ID is what CloudTrail's userIdentity.arn then carries."""
        sts = self.client("sts", region_name=self.settings.region)
        credentials = sts.assume_role(RoleArn=role_arn, RoleSessionName=drill_id, DurationSeconds=900)["Credentials"]
        return self.client(
            service,
            region_name=self.settings.region,
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
        )

    def canary_read(self, drill_id: str) -> dict:
        s3 = self._as_drill_role("s3", self.settings.drill_role_arn, drill_id)
        body = s3.get_object(Bucket=self.settings.canary_bucket, Key=self.settings.canary_key)["Body"]
        body.read()  # read and dropped: the read is the drill, the content is bait
        body.close()
        return {"session": drill_id}

    def alarm_breach(self, drill_id: str) -> dict:
        self.client("cloudwatch", region_name=self.settings.region).put_metric_data(Namespace=self.settings.namespace, MetricData=[{"MetricName": "DrillSignal", "Value": 1.0, "Unit": "Count"}])
        return {"alarm": self.settings.drill_alarm}

    def control_change(self, drill_id: str) -> dict:
        """Change, then revert at once: the change is the drill (both calls are marked by the
        session); the revert leaves the group as deployed even when the checker never runs."""
        own, changed = self.settings.control_retention_days
        if not (self.settings.control_role_arn and self.settings.control_log_group and own and changed and own != changed):
            raise RuntimeError("the control-change drill is not configured")
        logs = self._as_drill_role("logs", self.settings.control_role_arn, drill_id)
        group = self.settings.control_log_group
        logs.put_retention_policy(logGroupName=group, retentionInDays=changed)
        try:
            logs.put_retention_policy(logGroupName=group, retentionInDays=own)
        except (ClientError, BotoCoreError) as failure:
            # The change happened (the path still runs); say the group was left changed.
            log("drill change not reverted", drillId=drill_id, drillPath="control-change", error=_error(failure))
            return {"session": drill_id, "logGroup": group, "retentionInDays": changed, "reverted": False}
        return {"session": drill_id, "logGroup": group, "retentionInDays": changed, "reverted": True}

    def run(self, event: dict | None = None) -> dict:
        started = now()
        drill_id = str((event or {}).get("drillId") or new_drill_id(started))
        steps = {
            "guardduty-finding": self.guardduty_finding,
            "securityhub-finding": self.securityhub_finding,
            "canary-read": self.canary_read,
            "alarm-breach": self.alarm_breach,
            "control-change": self.control_change,
        }
        paths = []
        for path in self.settings.paths:
            at = iso(now())
            try:
                ref, error = steps[path](drill_id), None
            except (ClientError, BotoCoreError, RuntimeError, KeyError) as failure:
                ref, error = {}, _error(failure) if not isinstance(failure, RuntimeError) else str(failure)
            log("drill path started" if error is None else "drill path not started", drillId=drill_id, drillPath=path, error=error)
            paths.append({"path": path, "startedAt": at, "started": error is None, "error": error, "ref": ref})
        return {"drillId": drill_id, "startedAt": iso(started), "paths": paths}


def handler(event: dict, context: Any) -> dict:
    return Runner(Settings.from_environment()).run(event if isinstance(event, dict) else {})
