"""Paging the IMPOC through the relay (issue 21, DPP-IR-1): what PagerDuty's Events API v2 and
Opsgenie's Alert API receive for an alarm, its clear and a finding, against local servers
standing in for both, with moto for Secrets Manager, DynamoDB and SQS.

PagerDuty: https://developer.pagerduty.com/docs/events-api-v2/trigger-events/ and
.../resolve-events/ (routing_key, event_action, dedup_key, payload.summary <= 1024 characters,
source, severity critical|error|warning|info, timestamp, custom_details).
Opsgenie: https://docs.opsgenie.com/docs/alert-api (POST /v2/alerts, Authorization: GenieKey,
message <= 130, alias <= 512, description <= 15000, priority P1..P5; close with
POST /v2/alerts/{alias}/close?identifierType=alias).
"""

from __future__ import annotations

import json
import os
from urllib.parse import quote

import boto3
import pytest

from tests.lambdas.relay_harness import Reply, dead_letters, run, sample, sns_record, wired_relay

from relay import paging  # noqa: E402  (path set up by the harness import)
from relay.alerts import parse

PD, OG = "/v2/enqueue", "/v2/alerts"
ROUTING_KEY = "R0123456789abcdef0123456789abcde"
GENIE_KEY = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
ALARM_ARN = "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:dpp-prod-RootUsage"


@pytest.fixture
def relay(server, monkeypatch):
    """The relay wired to the paging services only (overrides tests/lambdas/conftest.py's chat relay)."""
    secrets = {
        "dpp/pagerduty/impoc": json.dumps({"url": server.url(PD), "routingKey": ROUTING_KEY}),
        "dpp/opsgenie/impoc": json.dumps({"url": server.url(""), "apiKey": GENIE_KEY}),
    }
    targets = [
        {"name": "impoc-pagerduty", "kind": "pagerduty", "secretName": "dpp/pagerduty/impoc", "minSeverity": "high"},
        {"name": "impoc-opsgenie", "kind": "opsgenie", "secretName": "dpp/opsgenie/impoc", "minSeverity": "high"},
    ]
    with wired_relay(monkeypatch, secrets, targets, pace_seconds="0.01") as handler:
        yield handler


def header(server, path: str, name: str, index: int = 0) -> str | None:
    return {k.lower(): v for k, v in server.headers[path][index].items()}.get(name.lower())


def test_an_alarm_triggers_a_pagerduty_event_and_creates_an_opsgenie_alert(relay, server):
    assert run(relay, sns_record(sample("relay/cloudwatch-alarm.json"), severity="critical")) == {"batchItemFailures": []}
    (event,) = server.posts[PD]
    assert header(server, PD, "Content-Type") == "application/json" and header(server, PD, "Authorization") is None
    assert (event["routing_key"], event["event_action"], event["dedup_key"]) == (ROUTING_KEY, "trigger", ALARM_ARN)
    payload = event["payload"]
    assert payload["summary"] == "[CRITICAL] Alarm: dpp-prod-RootUsage"
    assert (payload["severity"], payload["source"], payload["timestamp"]) == ("critical", "aws:111122223333:eu-west-1", "2026-11-21T00:00:41.600Z")
    assert "Confirm with the root credential's custodian immediately" in payload["custom_details"]["firstSteps"]
    assert event["links"][0]["href"].startswith("https://eu-west-1.console.aws.amazon.com/cloudwatch/")
    (alert,) = server.posts[OG]
    assert header(server, OG, "Authorization") == f"GenieKey {GENIE_KEY}" and header(server, OG, "Content-Type") == "application/json"
    assert (alert["message"], alert["alias"], alert["priority"], alert["source"]) == ("Alarm: dpp-prod-RootUsage", ALARM_ARN, "P1", "CloudWatch alarm")
    assert "First steps: Confirm with the root credential's custodian immediately" in alert["description"]
    assert alert["details"]["account"] == "111122223333" and all(isinstance(v, str) for v in alert["details"].values())
    assert dead_letters() == []


def test_a_clear_resolves_and_closes_what_its_alarm_opened(relay, server):
    clear = sample("relay/cloudwatch-alarm-composite-ok.json")
    alarm = clear | {"NewStateValue": "ALARM", "OldStateValue": "OK"}
    run(relay, sns_record(alarm, severity="critical", message_id="alarm"))
    run(relay, sns_record(clear, severity="critical", message_id="clear"))
    triggered, resolved = server.posts[PD]
    assert triggered["event_action"] == "trigger"
    assert resolved == {"routing_key": ROUTING_KEY, "event_action": "resolve", "dedup_key": triggered["dedup_key"]}
    assert triggered["dedup_key"] == clear["AlarmArn"]
    (created,) = server.posts[OG]
    close_path = f"/v2/alerts/{quote(clear['AlarmArn'], safe='')}/close?identifierType=alias"
    (closed,) = server.posts[close_path]
    assert created["alias"] == clear["AlarmArn"] and closed["source"] == "DPP logging and monitoring"
    assert header(server, close_path, "Authorization") == f"GenieKey {GENIE_KEY}"


def test_a_finding_pages_under_its_id_with_pii_redacted(relay, server):
    finding = sample("detection/guardduty-finding-high.json")
    finding["detail"]["description"] = "Credentials used from 203.0.113.77 by jordan@example.com."
    run(relay, sns_record(finding, severity="high"))
    (event,) = server.posts[PD]
    (alert,) = server.posts[OG]
    assert event["dedup_key"] == alert["alias"] == "16afba5c5c43e07c9e3e5e2e544e95df"
    assert (event["payload"]["severity"], alert["priority"]) == ("error", "P2")  # GuardDuty 8.0: high
    for received in (event, alert):
        text = json.dumps(received)
        assert "203.0.113.77" not in text and "jordan@example.com" not in text and "[ip redacted]" in text


@pytest.mark.parametrize(("severity", "pagerduty", "opsgenie"), [("critical", "critical", "P1"), ("high", "error", "P2"), ("medium", "warning", "P3"), ("low", "info", "P4")])
def test_severities_map_to_each_services_levels(severity, pagerduty, opsgenie):
    alert = parse(json.dumps(sample("detection/cloudtrail-insight.json")), "", f"arn:aws:sns:eu-west-1:111122223333:dpp-prod-alerts-{severity}", "m-1")
    assert paging.pagerduty(alert)["payload"]["severity"] == pagerduty
    assert paging.opsgenie(alert)["body"]["priority"] == opsgenie


def test_a_drill_pages_at_the_lowest_urgency():
    drill = sample("relay/cloudwatch-alarm.json") | {"AlarmName": "dpp-prod-DrillAlarmBreach", "AlarmArn": "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:dpp-prod-DrillAlarmBreach"}
    alert = parse(json.dumps(drill), "", "arn:aws:sns:eu-west-1:111122223333:dpp-prod-alerts-critical", "m-1")
    assert alert.drill is not None
    assert paging.pagerduty(alert)["payload"]["severity"] == "info" and paging.opsgenie(alert)["body"]["priority"] == "P5"


def test_each_services_length_limits_are_kept():
    long = sample("relay/cloudwatch-alarm.json")
    name = "dpp-prod-" + "x" * 600
    long |= {"AlarmName": name, "AlarmArn": f"arn:aws:cloudwatch:eu-west-1:111122223333:alarm:{name}", "NewStateReason": "y" * 20000}
    other = long | {"AlarmArn": long["AlarmArn"] + "z"}
    alert, twin = (parse(json.dumps(m), "", "arn:aws:sns:eu-west-1:1:dpp-prod-alerts-high", "m") for m in (long, other))
    event, created = paging.pagerduty(alert), paging.opsgenie(alert)["body"]
    assert len(event["payload"]["summary"]) <= 1024 and len(event["dedup_key"]) <= 255
    assert len(created["message"]) <= 130 and len(created["alias"]) <= 512 and len(created["description"]) <= 15000
    assert sum(len(k) + len(v) for k, v in created["details"].items()) <= 8000
    assert paging.pagerduty(twin)["dedup_key"] != event["dedup_key"]  # shortened keys stay distinct
    assert paging.opsgenie(twin)["alias"] != created["alias"]


def test_429_with_retry_after_is_retried(relay, server):
    server.scripts[PD] = [Reply(429, '{"status":"throttle event"}', {"Retry-After": "1"})]
    server.scripts[OG] = [Reply(429, '{"message":"rate limited"}', {"Retry-After": "1"})]
    assert run(relay, sns_record(sample("relay/cloudwatch-alarm.json"), severity="critical")) == {"batchItemFailures": []}
    for path in (PD, OG):
        first, second = server.posts[path]
        assert first == second and server.times[path][1] - server.times[path][0] >= 0.95
    assert dead_letters() == []


def test_a_burst_is_paged_one_event_each_never_as_a_digest(relay, server):
    records = [sns_record(sample("relay/cloudwatch-alarm.json") | {"AlarmArn": f"{ALARM_ARN}-{i}"}, severity="critical", message_id=f"m-{i}") for i in range(7)]
    assert run(relay, *records) == {"batchItemFailures": []}
    assert sorted(e["dedup_key"] for e in server.posts[PD]) == sorted(f"{ALARM_ARN}-{i}" for i in range(7))
    assert len(server.posts[OG]) == 7


def test_a_secret_without_its_key_dead_letters_only_that_target(relay, server, monkeypatch):
    boto3.client("secretsmanager").create_secret(Name="dpp/pagerduty/broken", SecretString=json.dumps({"url": server.url(PD)}))
    targets = json.loads(os.environ["TARGETS"]) + [{"name": "broken-pager", "kind": "pagerduty", "secretName": "dpp/pagerduty/broken", "minSeverity": "low"}]
    monkeypatch.setenv("TARGETS", json.dumps(targets))
    relay.reset()
    run(relay, sns_record(sample("relay/cloudwatch-alarm.json"), severity="critical"))
    (letter,) = dead_letters()
    assert letter["MessageAttributes"]["target"]["StringValue"] == "broken-pager"
    assert "routingKey" in letter["MessageAttributes"]["reason"]["StringValue"]
    assert len(server.posts[PD]) == 1 and len(server.posts[OG]) == 1  # the working targets still paged


def test_a_rejected_event_is_dead_lettered_and_no_log_or_letter_carries_a_key(relay, server, capsys, caplog):
    server.scripts[OG] = [Reply(422, '{"message":"Request body is not processable"}')]
    with caplog.at_level("DEBUG"):
        run(relay, sns_record(sample("relay/cloudwatch-alarm.json"), severity="critical"))
    (letter,) = dead_letters()
    assert "422" in letter["MessageAttributes"]["reason"]["StringValue"]
    output = capsys.readouterr()
    logged = output.out + output.err + "".join(json.dumps(r.__dict__, default=str) for r in caplog.records) + json.dumps(letter["MessageAttributes"])
    assert "batch relayed" in logged
    for secret in (ROUTING_KEY, GENIE_KEY, "GenieKey"):
        assert secret not in logged


@pytest.mark.parametrize(
    ("kind", "secret", "expected"),
    [
        ("pagerduty", ROUTING_KEY, ("https://events.pagerduty.com/v2/enqueue", {})),
        ("pagerduty", json.dumps({"routingKey": ROUTING_KEY, "url": "https://events.eu.pagerduty.com/v2/enqueue"}), ("https://events.eu.pagerduty.com/v2/enqueue", {})),
        ("opsgenie", GENIE_KEY, ("https://api.opsgenie.com/v2/alerts", {"Authorization": f"GenieKey {GENIE_KEY}"})),
        ("opsgenie", json.dumps({"apiKey": GENIE_KEY, "url": "https://api.eu.opsgenie.com/"}), ("https://api.eu.opsgenie.com/v2/alerts", {"Authorization": f"GenieKey {GENIE_KEY}"})),
    ],
)
def test_secret_shapes(kind, secret, expected):
    alert = parse(json.dumps(sample("relay/cloudwatch-alarm.json")), "", "arn:aws:sns:eu-west-1:1:dpp-prod-alerts-critical", "m")
    request = paging.request(kind, secret, paging.RENDERERS[kind](alert))
    assert (request.url, request.headers) == expected
    assert (request.payload.get("routing_key") == ROUTING_KEY) == (kind == "pagerduty")


@pytest.mark.parametrize("secret", ["", "two words", json.dumps({"apiKey": GENIE_KEY, "url": "ftp://x"}), json.dumps(["not", "an", "object"])])
def test_malformed_secrets_are_permanent_failures(secret):
    from relay.webhooks import SecretUnavailable

    with pytest.raises(SecretUnavailable) as caught:
        paging.request("opsgenie", secret, {"action": "create", "alias": "a", "body": {}})
    assert caught.value.permanent and GENIE_KEY not in caught.value.reason


def test_the_review_pages_only_when_it_is_urgent(relay, server):
    """The review goes to every chat target whatever its minimum; a pager only takes it at its
    own severity (a canary hit makes the review critical)."""
    quiet = {"kind": "dpp-review", "start": "2026-11-16", "end": "2026-11-19", "canaryHits": 0, "account": "111122223333", "region": "eu-west-1"}
    run(relay, sns_record(quiet, severity="low", message_id="quiet"))
    assert PD not in server.posts and OG not in server.posts
    run(relay, sns_record(quiet | {"canaryHits": 1}, severity="low", message_id="urgent"))
    assert server.posts[PD][0]["payload"]["severity"] == "critical" and server.posts[OG][0]["priority"] == "P1"
