"""The chat relay end to end: queue records in, posts to a real local HTTP server out, with
moto standing in for Secrets Manager, DynamoDB and SQS."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import boto3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.lambdas.relay_harness import CHIME, RELAY_SOURCE, SLACK, TEAMS, ChatServer, FakeContext, Reply, dead_letters, moto_send, run, sample, sns_record

# --- what is posted --------------------------------------------------------------------------


def test_alarm_reaches_every_target_in_its_own_format(relay, server):
    assert run(relay, sns_record(sample("relay/cloudwatch-alarm.json"))) == {"batchItemFailures": []}
    (slack,) = server.posts[SLACK]
    assert slack["text"] == "[CRITICAL] Alarm: dpp-prod-RootUsage"
    blocks = slack["attachments"][0]["blocks"]
    assert blocks[0] == {"type": "header", "text": {"type": "plain_text", "text": "CRITICAL: Alarm: dpp-prod-RootUsage"}}
    text = json.dumps(blocks)
    assert "Confirm with the root credential's custodian immediately" in text  # the runbook line
    assert "111122223333" in text and "eu-west-1" in text
    assert "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/dpp-prod-RootUsage" in text
    (card,) = server.posts[TEAMS]
    content = card["attachments"][0]["content"]
    assert card["type"] == "message" and content["type"] == "AdaptiveCard"
    assert content["body"][0]["text"] == "CRITICAL: Alarm: dpp-prod-RootUsage"
    assert content["actions"][0]["type"] == "Action.OpenUrl"
    (chime,) = server.posts[CHIME]
    assert chime["Content"].startswith("/md [CRITICAL] Alarm: dpp-prod-RootUsage")


def test_targets_only_get_their_severities(relay, server):
    run(relay, sns_record(sample("detection/cloudtrail-insight.json"), severity="high"))
    assert len(server.posts[SLACK]) == 1
    assert TEAMS not in server.posts and CHIME not in server.posts


def test_a_clear_reaches_every_target_that_saw_the_alarm(relay, server):
    """Issue 16.3: an OK transition arrives on the alarm's own topic (its OK action) and goes
    wherever the ALARM went, not only to low-severity targets."""
    alarm = sample("relay/cloudwatch-alarm-composite-ok.json") | {"NewStateValue": "ALARM", "OldStateValue": "OK"}
    run(relay, sns_record(alarm, severity="critical", message_id="alarm"))
    run(relay, sns_record(sample("relay/cloudwatch-alarm-composite-ok.json"), severity="critical", message_id="clear"))
    for path in (SLACK, TEAMS, CHIME):
        alarmed, cleared = server.posts[path]
        assert "Resolved: dpp-prod-MonitoringHealth" in json.dumps(cleared) and "Resolved" not in json.dumps(alarmed)
    assert server.posts[SLACK][1]["text"] == "[RESOLVED] Resolved: dpp-prod-MonitoringHealth"


def test_a_notification_twice_in_one_batch_is_posted_once(relay, server):
    """Issue 16.4: SNS and SQS deliver at least once, so one batch can hold two copies (same
    SNS MessageId, different SQS message IDs)."""
    first = sns_record(sample("relay/cloudwatch-alarm.json"), message_id="same")
    second = first | {"messageId": "sqs-copy"}
    assert run(relay, first, second) == {"batchItemFailures": []}
    assert len(server.posts[SLACK]) == 1 and len(server.posts[TEAMS]) == 1 and len(server.posts[CHIME]) == 1


# --- delivery guarantees ---------------------------------------------------------------------


def test_429_is_retried_after_retry_after(relay, server):
    server.scripts[SLACK] = [Reply(429, "rate_limited", {"Retry-After": "1"})]
    assert run(relay, sns_record(sample("relay/cloudwatch-alarm.json"))) == {"batchItemFailures": []}
    assert len(server.posts[SLACK]) == 2
    assert server.times[SLACK][1] - server.times[SLACK][0] >= 0.95


def test_server_errors_are_retried_with_backoff(relay, server):
    server.scripts[SLACK] = [Reply(500, "oops"), Reply(503, "busy")]
    assert run(relay, sns_record(sample("relay/cloudwatch-alarm.json"))) == {"batchItemFailures": []}
    assert len(server.posts[SLACK]) == 3


def test_timeouts_until_time_runs_out_requeue_the_record(relay, server):
    server.scripts[SLACK] = [Reply(200, delay=1.0)] * 10
    result = run(relay, sns_record(sample("relay/cloudwatch-alarm.json")), seconds=2.0)
    assert result == {"batchItemFailures": [{"itemIdentifier": "sqs-msg-1"}]}
    assert dead_letters() == []


def test_a_rotated_secret_is_picked_up_after_404(relay, server):
    run(relay, sns_record(sample("relay/cloudwatch-alarm.json"), message_id="before"))  # URL now cached
    boto3.client("secretsmanager").put_secret_value(SecretId="dpp/slack/secops", SecretString=server.url("/slack/T000/B001"))
    server.scripts[SLACK] = [Reply(404, "no_service")]  # the old webhook was revoked
    assert run(relay, sns_record(sample("relay/cloudwatch-alarm.json"), message_id="after")) == {"batchItemFailures": []}
    assert len(server.posts[SLACK]) == 2  # the first delivery, then the 404
    assert len(server.posts["/slack/T000/B001"]) == 1
    assert dead_letters() == []


def test_a_dead_webhook_sends_the_event_to_the_dead_letter_queue(relay, server):
    server.scripts[SLACK] = [Reply(404, "no_service"), Reply(404, "no_service")]
    assert run(relay, sns_record(sample("relay/cloudwatch-alarm.json"))) == {"batchItemFailures": []}
    (letter,) = dead_letters()
    assert letter["MessageAttributes"]["target"]["StringValue"] == "secops-slack"
    assert "404" in letter["MessageAttributes"]["reason"]["StringValue"]
    assert json.loads(letter["Body"])["MessageId"] == "msg-1"
    assert len(server.posts[TEAMS]) == 1  # the other targets still got it


def with_targets(monkeypatch, relay, *extra):
    monkeypatch.setenv("TARGETS", json.dumps(json.loads(os.environ["TARGETS"]) + list(extra)))
    relay.reset()


def emf_metrics(stdout: str) -> list[dict]:
    """The CloudWatch embedded metric format documents the function printed."""
    return [json.loads(line) for line in stdout.splitlines() if line.startswith("{") and '"_aws"' in line]


@pytest.mark.parametrize("broken_secret", ["missing", "not-a-url"])
def test_a_target_whose_secret_is_unreadable_fails_only_its_own_deliveries(relay, server, monkeypatch, capsys, broken_secret):
    """Issue 16.5: one broken target dead-letters its own deliveries (naming itself and why),
    every other target still gets the alert, and the per-target metric its alarm watches says
    which target is broken."""
    if broken_secret == "not-a-url":
        boto3.client("secretsmanager").create_secret(Name="dpp/teams/broken", SecretString=json.dumps({"uri": "oops"}))
    with_targets(monkeypatch, relay, {"name": "ops-teams", "kind": "teams", "secretName": "dpp/teams/broken", "minSeverity": "low"})
    capsys.readouterr()
    assert run(relay, sns_record(sample("relay/cloudwatch-alarm.json"))) == {"batchItemFailures": []}
    assert len(server.posts[SLACK]) == 1 and len(server.posts[TEAMS]) == 1 and len(server.posts[CHIME]) == 1
    (letter,) = dead_letters()
    assert letter["MessageAttributes"]["target"]["StringValue"] == "ops-teams"
    assert "secret" in letter["MessageAttributes"]["reason"]["StringValue"]
    failures = {d["Target"]: d["TargetFailures"] for d in emf_metrics(capsys.readouterr().out) if "TargetFailures" in d and ["service", "Target"] in d["_aws"]["CloudWatchMetrics"][0]["Dimensions"]}
    assert failures == {"ops-teams": 1, "secops-slack": 0, "secops-teams": 0, "legacy-chime": 0}


def test_a_throttled_secret_read_requeues_only_that_targets_records(relay, server, monkeypatch):
    """Throttling is transient: the record goes back to the queue (the ledger keeps the other
    targets from getting it twice) instead of being dead-lettered."""
    from relay import aws as relay_aws

    def throttle_teams(url, headers, body, timeout):
        if headers["X-Amz-Target"] == "secretsmanager.GetSecretValue" and b"dpp/teams/secops" in body:
            return 400, b'{"__type":"com.amazonaws.secretsmanager#ThrottlingException","message":"Rate exceeded"}'
        return moto_send(url, headers, body, timeout)

    monkeypatch.setattr(relay_aws, "send", throttle_teams)
    monkeypatch.setattr(relay_aws.time, "sleep", lambda seconds: None)
    assert run(relay, sns_record(sample("relay/cloudwatch-alarm.json"))) == {"batchItemFailures": [{"itemIdentifier": "sqs-msg-1"}]}
    assert len(server.posts[SLACK]) == 1 and len(server.posts[CHIME]) == 1 and TEAMS not in server.posts
    assert dead_letters() == []
    monkeypatch.setattr(relay_aws, "send", moto_send)  # the redelivery, once Secrets Manager answers
    assert run(relay, sns_record(sample("relay/cloudwatch-alarm.json"))) == {"batchItemFailures": []}
    assert len(server.posts[SLACK]) == 1 and len(server.posts[CHIME]) == 1 and len(server.posts[TEAMS]) == 1


def test_a_rejected_payload_is_dead_lettered_not_retried(relay, server):
    server.scripts[SLACK] = [Reply(400, "invalid_payload")]
    assert run(relay, sns_record(sample("relay/cloudwatch-alarm.json"))) == {"batchItemFailures": []}
    assert len(server.posts[SLACK]) == 1 and len(dead_letters()) == 1


def test_an_oversize_rejection_is_dead_lettered(relay, server):
    server.scripts[TEAMS] = [Reply(413, "Payload Too Large")]
    assert run(relay, sns_record(sample("relay/cloudwatch-alarm.json"))) == {"batchItemFailures": []}
    (letter,) = dead_letters()
    assert letter["MessageAttributes"]["target"]["StringValue"] == "secops-teams"
    assert "413" in letter["MessageAttributes"]["reason"]["StringValue"]


def test_the_same_notification_is_never_posted_twice(relay, server):
    record = sns_record(sample("relay/cloudwatch-alarm.json"))
    run(relay, record)
    run(relay, record)
    assert len(server.posts[SLACK]) == 1 and len(server.posts[TEAMS]) == 1


def test_a_burst_is_folded_into_digests_and_paced(relay, server):
    records = [sns_record(sample("relay/cloudwatch-alarm.json"), message_id=f"m{i}") for i in range(30)]
    assert run(relay, *records) == {"batchItemFailures": []}
    assert len(server.posts[SLACK]) == 2  # 25 + 5
    assert server.posts[SLACK][0]["text"].startswith("[CRITICAL] 25 alerts: 25 critical")
    assert "... and" not in json.dumps(server.posts[SLACK][0])
    gaps = [b - a for a, b in zip(server.times[SLACK], server.times[SLACK][1:], strict=False)]
    assert all(gap >= 0.045 for gap in gaps)


# --- PII and secrets ---------------------------------------------------------------------------


def test_pii_is_redacted_unless_the_target_opts_out(relay, server):
    finding = sample("detection/guardduty-finding-high.json")
    finding["detail"]["severity"] = 9.5
    finding["detail"]["description"] = "Credentials used from 203.0.113.77 by jordan@example.com, call +44 20 7946 0000."
    run(relay, sns_record(finding))
    slack = json.dumps(server.posts[SLACK])
    assert "203.0.113.77" not in slack and "jordan@example.com" not in slack and "7946" not in slack
    assert "[ip redacted]" in slack and "[email redacted]" in slack and "[phone redacted]" in slack
    assert "203.0.113.77" in json.dumps(server.posts[CHIME])  # redactPii: false


def test_logs_carry_no_payload_secret_or_pii(relay, server, capsys, caplog):
    finding = sample("detection/guardduty-finding-high.json")
    finding["detail"]["description"] = "Seen from 203.0.113.77, owner jordan@example.com"
    with caplog.at_level("DEBUG"):
        run(relay, sns_record(finding, severity="critical"))
    output = capsys.readouterr()
    # every field of every log record (what the JSON formatter writes), plus stdout (metrics)
    logged = output.out + output.err + "".join(json.dumps(r.__dict__, default=str) for r in caplog.records)
    assert "batch relayed" in logged
    for secret_or_pii in (server.url(SLACK), "T000/B000", "203.0.113.77", "jordan@example.com", "InstanceCredentialExfiltration"):
        assert secret_or_pii not in logged


# --- robustness ---------------------------------------------------------------------------------

sqs_bodies = st.one_of(
    st.text(max_size=300),
    st.binary(max_size=100).map(lambda b: b.decode("latin-1")),
    st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=40)),
        lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(st.text(max_size=12), children, max_size=5)),
        max_leaves=20,
    ).map(json.dumps),
    st.builds(
        lambda message, subject: json.dumps({"Type": "Notification", "MessageId": "h", "TopicArn": "arn:aws:sns:eu-west-1:1:dpp-prod-alerts-critical", "Subject": subject, "Message": message}),
        st.text(max_size=200),
        st.one_of(st.none(), st.text(max_size=40)),
    ),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=sqs_bodies)
def test_any_message_ends_posted_dead_lettered_or_requeued(relay, server, body):
    receipt = uuid.uuid4()  # fresh every run: a replayed ID would rightly count as a duplicate
    body = body.replace('"MessageId": "h"', f'"MessageId": "{receipt}"')
    before = sum(len(p) for p in server.posts.values())
    letters_before = len(dead_letters())
    result = relay.handler({"Records": [{"messageId": str(receipt), "body": body}]}, FakeContext(10))
    posted = sum(len(p) for p in server.posts.values()) > before
    requeued = result["batchItemFailures"] == [{"itemIdentifier": str(receipt)}]
    dead_lettered = len(dead_letters()) > letters_before
    assert posted or requeued or dead_lettered


# --- cost (issue 16.6): measured in `make bench`; here only what makes it cheap ----------------------


def test_the_handler_imports_no_sdk_and_nothing_heavy():
    """Cold import is dominated by what the handler imports: boto3/botocore, Powertools and
    the X-Ray SDK cost more than the whole 150 ms budget, so none of them is imported."""
    code = "import sys, handler; print(sorted(m for m in sys.modules if m.split('.')[0] in {'boto3', 'botocore', 'aws_lambda_powertools', 'aws_xray_sdk', 'urllib3', 'wrapt', 'requests'}))"
    # The bundle carries lambdas/shared beside the relay's own package (capabilities.relay.bundling).
    env = {
        "PATH": os.environ.get("PATH", ""),
        "AWS_DEFAULT_REGION": "eu-west-1",
        "PYTHONPATH": os.pathsep.join([str(RELAY_SOURCE), str(RELAY_SOURCE.parent / "shared")]),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_clients_are_built_once_per_container(relay, server, monkeypatch):
    from relay import aws as relay_aws

    built = []
    original = relay_aws.Client.__init__

    def counting(self, service, region, *args, **kwargs):
        built.append(service)
        original(self, service, region, *args, **kwargs)

    monkeypatch.setattr(relay_aws.Client, "__init__", counting)
    for message_id in ("one", "two", "three"):
        run(relay, sns_record(sample("relay/cloudwatch-alarm.json"), message_id=message_id))
    assert sorted(built) == ["dynamodb", "secretsmanager", "sqs"]
    assert len(server.posts[SLACK]) == 3


def test_the_secret_is_read_once_per_cache_period(relay, server, monkeypatch):
    from relay import aws as relay_aws

    calls = []
    monkeypatch.setattr(relay_aws, "send", lambda url, headers, body, timeout: calls.append(headers["X-Amz-Target"]) or moto_send(url, headers, body, timeout))
    for message_id in ("one", "two"):
        run(relay, sns_record(sample("relay/cloudwatch-alarm.json"), message_id=message_id))
    assert calls.count("secretsmanager.GetSecretValue") == 3  # one per target, not per invocation


# --- the relay's own AWS client ------------------------------------------------------------------


def test_requests_are_signed_as_botocore_signs_them(monkeypatch):
    """Signature Version 4 (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html),
    checked against botocore's signer for the same request."""
    from datetime import datetime, timezone

    import botocore.auth
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    from relay.aws import sign

    now = datetime(2026, 11, 21, 0, 0, 41, tzinfo=timezone.utc)
    url, body = "https://dynamodb.eu-west-1.amazonaws.com/", b'{"TableName":"ledger"}'
    headers = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "DynamoDB_20120810.GetItem"}
    ours = sign("dynamodb", "eu-west-1", url, headers, body, now, ("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "session-token"))
    request = AWSRequest("POST", url, data=body, headers=dict(headers))
    signer = SigV4Auth(Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "session-token"), "dynamodb", "eu-west-1")
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda *args, **kwargs: now.replace(tzinfo=None))
    signer.add_auth(request)
    assert ours["Authorization"] == request.headers["Authorization"]
    assert ours["X-Amz-Security-Token"] == "session-token"


@pytest.mark.parametrize("service", ["secretsmanager", "dynamodb", "sqs"])
def test_each_services_protocol_matches_its_service_model(service):
    """Target prefix, JSON version and signing name as botocore's service models define them."""
    import botocore.session

    from relay.aws import SERVICES

    metadata = botocore.session.get_session().get_service_model(service).metadata
    assert SERVICES[service] == (metadata["endpointPrefix"], metadata["targetPrefix"], metadata["jsonVersion"])
    assert metadata.get("signingName", metadata["endpointPrefix"]) == SERVICES[service][0]


def test_throttling_is_retried_and_a_missing_resource_is_not(monkeypatch):
    import relay.aws

    answers = [(400, b'{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"slow down"}'), (200, b'{"Item":{}}')]
    monkeypatch.setattr(relay.aws, "send", lambda *args: answers.pop(0))
    monkeypatch.setattr(relay.aws.time, "sleep", lambda seconds: None)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "a")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "b")
    client = relay.aws.Client("dynamodb", "eu-west-1")
    assert client.call("GetItem", {}) == {"Item": {}} and answers == []
    monkeypatch.setattr(relay.aws, "send", lambda *args: (400, b'{"__type":"com.amazonaws.secretsmanager#ResourceNotFoundException","Message":"gone"}'))
    with pytest.raises(relay.aws.AwsError) as raised:
        client.call("GetItem", {})
    assert raised.value.code == "ResourceNotFoundException" and not raised.value.retryable


def test_connections_are_kept_open_between_posts():
    """One TCP connection serves consecutive posts to a server that keeps it alive, and a
    connection the server dropped while idle is replaced without losing the post."""
    from relay import wire

    with ChatServer() as chat:
        chat.httpd.RequestHandlerClass.protocol_version = "HTTP/1.1"  # keep-alive
        chat.scripts["/keep"] = [Reply(), Reply(), Reply(drop=True)]
        for _ in range(3):
            assert wire.post(chat.url("/keep"), {"Content-Type": "application/json"}, b"{}", 2.0)[0] == 200
        assert len(chat.ports) == 1
        assert wire.post(chat.url("/keep"), {"Content-Type": "application/json"}, b"{}", 2.0)[0] == 200
        assert len(chat.posts["/keep"]) == 4 and len(chat.ports) == 2
