"""Judges one alert drill after its deadline and keeps the outcome as evidence (DPP-MON-8,
DPP-VER-4): for each path, whether the event was raised, routed (reached the relay through its
topic) and delivered to each chat target, and how long that took; one dated JSON record per
path under ``evidence/drill/<yyyy>/<MM>/<dd>/<drill-id>-<path>.json`` in the WORM archive
(the bucket's default Object Lock retention applies); and ``AlertPathBroken`` (1 or 0) per path,
on which an alarm per path fires when a hop did not happen within 15 minutes.

Raises only when a record could not be written (after the metrics are published), so the
``DrillCheckFailed`` alarm says no evidence was kept.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any, Callable

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from drill_common import SECURITY_HUB_GENERATOR, Settings, iso, log, now, parse_iso, security_hub_finding

Clients = Callable[..., Any]


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _is_sample(finding: dict) -> bool:
    """GetFindings gives ``Service.AdditionalInfo`` as {"Value": <JSON text>, "Type": ...} (the
    botocore model's shape); a sample finding's value holds ``"sample": true``, as the event's
    ``service.additionalInfo.sample`` does."""
    info = (finding.get("Service") or {}).get("AdditionalInfo") or {}
    try:
        value = json.loads(info.get("Value") or "{}")
    except ValueError:
        return False
    return isinstance(value, dict) and value.get("sample") is True


def judge(path: str, started_at: datetime, raised: datetime | None, routed: datetime | None, delivered: dict[str, datetime | None], deadline_seconds: int) -> dict:
    """Hops in order raised, routed, delivered:<target>; a hop is ok when it happened within
    the deadline of the drill's start. ``brokenHop`` is the first hop not ok."""
    limit = started_at + timedelta(seconds=deadline_seconds)

    def hop(name: str, at: datetime | None) -> dict:
        return {"hop": name, "at": iso(at) if at else None, "ok": at is not None and at <= limit}

    hops = [hop("raised", raised), hop("routed", routed), *[hop(f"delivered:{target}", at) for target, at in delivered.items()]]
    broken = next((h["hop"] for h in hops if not h["ok"]), None)
    last = max((at for at in delivered.values() if at is not None), default=None)
    latency = round((last - started_at).total_seconds(), 3) if broken is None and last is not None else None
    return {"path": path, "hops": hops, "brokenHop": broken, "latencySeconds": latency}


class Checker:
    def __init__(self, settings: Settings, client: Clients = boto3.client, clock: Callable[[], datetime] = now) -> None:
        self.settings = settings
        self.client = client
        self.clock = clock

    # Observations -----------------------------------------------------------------------

    def _guardduty_raised(self, path: dict, since: datetime) -> datetime | None:
        detector = (path.get("ref") or {}).get("detectorId")
        if not detector:
            return None
        guardduty = self.client("guardduty", region_name=self.settings.region)
        criteria = {"Criterion": {"type": {"Eq": [self.settings.guardduty_type]}, "updatedAt": {"GreaterThanOrEqual": _ms(since)}}}
        ids = guardduty.list_findings(DetectorId=detector, FindingCriteria=criteria, MaxResults=50).get("FindingIds") or []
        if not ids:
            return None
        findings = guardduty.get_findings(DetectorId=detector, FindingIds=ids).get("Findings") or []
        times = [parse_iso(f["UpdatedAt"]) for f in findings if _is_sample(f)]
        return min(times, default=None)

    def _securityhub_raised(self, drill_id: str) -> datetime | None:
        hub = self.client("securityhub", region_name=self.settings.region)
        found = hub.get_findings(Filters={"Id": [{"Value": f"{SECURITY_HUB_GENERATOR}/{drill_id}", "Comparison": "EQUALS"}]}, MaxResults=1).get("Findings") or []
        return parse_iso(found[0]["CreatedAt"]) if found else None

    def _alarm_raised(self, alarm: str, since: datetime, until: datetime) -> datetime | None:
        cloudwatch = self.client("cloudwatch", region_name=self.settings.region)
        items = (
            cloudwatch.describe_alarm_history(AlarmName=alarm, HistoryItemType="StateUpdate", StartDate=since, EndDate=until, ScanBy="TimestampAscending", MaxRecords=100).get("AlarmHistoryItems")
            or []
        )
        for item in items:
            try:
                state = json.loads(item.get("HistoryData") or "{}").get("newState", {}).get("stateValue")
            except ValueError:
                state = None
            if state == "ALARM" or str(item.get("HistorySummary", "")).endswith("to ALARM"):
                stamp = item["Timestamp"]
                return stamp if isinstance(stamp, datetime) else parse_iso(str(stamp))
        return None

    def _control_change_raised(self, drill_id: str, since: datetime, until: datetime) -> datetime | None:
        """The drill role's PutRetentionPolicy on the drill's group in CloudTrail's event history
        (LookupEvents: one lookup attribute per request, two requests a second per account and
        region, https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html).
        The session name is the drill ID, so another drill's or anyone else's call does not count."""
        cloudtrail = self.client("cloudtrail", region_name=self.settings.region)
        request: dict[str, Any] = {
            "LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": "PutRetentionPolicy"}],
            "StartTime": since - timedelta(minutes=1),
            "EndTime": until,
            "MaxResults": 50,
        }
        times = []
        while True:
            answer = cloudtrail.lookup_events(**request)
            for event in answer.get("Events") or []:
                try:
                    record = json.loads(event.get("CloudTrailEvent") or "{}")
                except ValueError:
                    continue
                arn = str((record.get("userIdentity") or {}).get("arn", ""))
                group = (record.get("requestParameters") or {}).get("logGroupName")
                if arn.endswith(f"-drill-control-changer/{drill_id}") and ":assumed-role/" in arn and group == self.settings.control_log_group and not record.get("errorCode"):
                    stamp = event.get("EventTime")
                    times.append(stamp if isinstance(stamp, datetime) else parse_iso(str(record.get("eventTime"))))
            token = answer.get("NextToken")
            if not token:
                return min(times, default=None)
            request["NextToken"] = token

    def relay_lines(self, since: datetime, until: datetime) -> list[dict]:
        """The relay's "drill received" and "drill delivered" lines in the window."""
        logs = self.client("logs", region_name=self.settings.region)
        lines, token = [], None
        while True:
            request = {"logGroupName": self.settings.relay_log_group, "startTime": _ms(since), "endTime": _ms(until), "filterPattern": '{ $.drillPath = "*" }'}
            if token:
                request["nextToken"] = token
            answer = logs.filter_log_events(**request)
            for event in answer.get("events") or []:
                try:
                    line = json.loads(event.get("message", ""))
                except ValueError:
                    continue
                if isinstance(line, dict) and line.get("drillPath"):
                    lines.append(line)
            token = answer.get("nextToken")
            if not token:
                return lines

    # Judgement ----------------------------------------------------------------------------

    def check(self, drill: dict) -> list[dict]:
        drill_id = str(drill["drillId"])
        started = parse_iso(drill["startedAt"])
        checked = self.clock()
        notes: dict[str, list[str]] = {}
        try:
            lines = self.relay_lines(started, checked)
        except (ClientError, BotoCoreError) as failure:
            lines = []
            for path in drill.get("paths") or []:
                notes.setdefault(path["path"], []).append(f"relay log unreadable: {type(failure).__name__}")
        records = []
        for path in drill.get("paths") or []:
            name = path["path"]
            path_notes = notes.setdefault(name, [])
            raised = None
            if not path.get("started"):
                path_notes.append(f"not started: {path.get('error')}")
            else:
                try:
                    raised = self._raised(name, path, drill_id, started, checked)
                except (ClientError, BotoCoreError) as failure:
                    path_notes.append(f"raised hop unreadable: {type(failure).__name__}")
            mine = [line for line in lines if line.get("drillPath") == name and line.get("drillId") in (drill_id, "", None) and parse_iso(str(line.get("at"))) >= started]

            def first(kind: str, target: str | None = None, mine: list[dict] = mine) -> datetime | None:
                times = [parse_iso(str(line["at"])) for line in mine if line.get("message") == kind and (target is None or line.get("target") == target)]
                return min(times, default=None)

            targets = self.settings.expected_targets.get(name, [])
            outcome = judge(name, started, raised, first("drill received"), {t: first("drill delivered", t) for t in targets}, self.settings.deadline_seconds)
            records.append(
                {
                    "kind": "drill",
                    "id": f"{drill_id}-{name}",
                    "recordedAt": iso(checked),
                    "person": "drill-runner",
                    "outcome": "pass" if outcome["brokenHop"] is None else "fail",
                    "notes": "; ".join(path_notes)
                    or (f"delivered to {len(targets)} chat target(s) within {self.settings.deadline_seconds // 60} minutes" if outcome["brokenHop"] is None else f"broken at {outcome['brokenHop']}"),
                    "drillId": drill_id,
                    "path": name,
                    # each account drills its own paths: the report grades per account and path
                    "account": self.settings.account,
                    "region": self.settings.region,
                    "startedAt": path.get("startedAt") or drill["startedAt"],
                    "hops": outcome["hops"],
                    "brokenHop": outcome["brokenHop"],
                    "latencySeconds": outcome["latencySeconds"],
                }
            )
        return records

    def _raised(self, name: str, path: dict, drill_id: str, started: datetime, checked: datetime) -> datetime | None:
        if name == "guardduty-finding":
            return self._guardduty_raised(path, started)
        if name == "securityhub-finding":
            return self._securityhub_raised(drill_id)
        if name == "canary-read":
            return self._alarm_raised(self.settings.drill_canary_alarm, started, checked)
        if name == "alarm-breach":
            return self._alarm_raised(self.settings.drill_alarm, started, checked)
        if name == "control-change":
            return self._control_change_raised(drill_id, started, checked)
        return None

    # Evidence and metrics -----------------------------------------------------------------

    def publish(self, records: list[dict]) -> None:
        data = []
        for record in records:
            dimensions = [{"Name": "Path", "Value": record["path"]}]
            data.append({"MetricName": "AlertPathBroken", "Dimensions": dimensions, "Value": 0.0 if record["brokenHop"] is None else 1.0, "Unit": "Count"})
            if record["latencySeconds"] is not None:
                data.append({"MetricName": "DrillLatency", "Dimensions": dimensions, "Value": float(record["latencySeconds"]), "Unit": "Seconds"})
        if data:
            self.client("cloudwatch", region_name=self.settings.region).put_metric_data(Namespace=self.settings.namespace, MetricData=data)

    @staticmethod
    def key(record: dict) -> str:
        day = parse_iso(record["startedAt"])
        return f"evidence/drill/{day:%Y}/{day:%m}/{day:%d}/{record['id']}.json"

    def write(self, records: list[dict]) -> None:
        """Into the archive, encrypted by the bucket's default key (no encryption header: a
        bare ``aws:kms`` header would pick the AWS-managed key instead) and locked by its
        default retention."""
        s3 = self.client("s3", region_name=self.settings.region)
        for record in records:
            s3.put_object(
                Bucket=self.settings.archive_bucket,
                Key=self.key(record),
                Body=json.dumps(record, indent=1, sort_keys=True).encode(),
                ContentType="application/json",
                # Object Lock buckets refuse a PutObject without an integrity checksum
                # (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-managing.html).
                ChecksumAlgorithm="SHA256",
            )

    def archive_test_finding(self, drill: dict) -> None:
        """The drill's Security Hub finding is archived once judged, so it does not linger as a
        critical active finding (an ARCHIVED record state matches no route)."""
        if not any(p["path"] == "securityhub-finding" and p.get("started") for p in drill.get("paths") or []):
            return
        stamp = iso(self.clock())
        finding = security_hub_finding(str(drill["drillId"]), self.settings.account, self.settings.region, drill["startedAt"], stamp, record_state="ARCHIVED")
        self.client("securityhub", region_name=self.settings.region).batch_import_findings(Findings=[finding])

    def run(self, drill: dict) -> dict:
        records = self.check(drill)
        self.publish(records)
        self.write(records)
        try:
            self.archive_test_finding(drill)
        except (ClientError, BotoCoreError) as failure:
            log("drill finding not archived", drillId=drill.get("drillId"), error=type(failure).__name__)
        for record in records:
            log("drill checked", drillId=record["drillId"], drillPath=record["path"], outcome=record["outcome"], brokenHop=record["brokenHop"], latencySeconds=record["latencySeconds"])
        return {"drillId": drill["drillId"], "records": [self.key(r) for r in records], "broken": {r["path"]: r["brokenHop"] for r in records if r["brokenHop"]}}


def handler(event: dict, context: Any) -> dict:
    return Checker(Settings.from_environment()).run(event)
