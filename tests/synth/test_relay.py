"""The chat relay's infrastructure (DPP-MON-5, DPP-MON-6, DPP-PII-1, DPP-PII-2)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.support import build_app, cdk_json_context

ACCOUNT = "111122223333"


@pytest.fixture(scope="module")
def relay(synthesized):
    return synthesized.template("relay", "eu-west-1")


ROOT_DIR = Path(__file__).resolve().parents[2]


def only(template, cfn_type):
    (item,) = template.find_resources(cfn_type).values()
    return item


def test_queues_are_encrypted_and_the_inbox_redrives_to_the_dead_letter_queue(relay):
    queues = {q["Properties"]["QueueName"]: q["Properties"] for q in relay.find_resources("AWS::SQS::Queue").values()}
    inbox, dead = queues["dpp-prod-chat-relay-inbox"], queues["dpp-prod-chat-relay-dead-letters"]
    for queue in (inbox, dead):
        assert queue["KmsMasterKeyId"] == f"arn:aws:kms:eu-west-1:{ACCOUNT}:alias/dpp-prod/monitoring"
    assert inbox["RedrivePolicy"]["maxReceiveCount"] == 5
    assert inbox["VisibilityTimeout"] == 1800  # six times the function's 300 s


def test_the_topics_wanted_by_a_webhook_target_feed_the_inbox(relay):
    topics = sorted(s["Properties"]["TopicArn"] for s in relay.find_resources("AWS::SNS::Subscription").values())
    # secops-slack wants high and above, secops-teams critical: low and medium are not relayed
    assert topics == [
        f"arn:aws:sns:eu-west-1:{ACCOUNT}:dpp-prod-alerts-critical",
        f"arn:aws:sns:eu-west-1:{ACCOUNT}:dpp-prod-alerts-high",
        f"arn:aws:sns:eu-west-1:{ACCOUNT}:dpp-prod-review",  # the review digest goes to every target
    ]
    for subscription in relay.find_resources("AWS::SNS::Subscription").values():
        assert subscription["Properties"]["Protocol"] == "sqs"


def test_the_function_is_paced_traced_logged_at_info_and_holds_no_secret(relay):
    props = only(relay, "AWS::Lambda::Function")["Properties"]
    assert props["FunctionName"] == "dpp-prod-chat-relay"
    assert "ReservedConcurrentExecutions" not in props  # paced by the mapping's maximum concurrency
    assert props["TracingConfig"] == {"Mode": "Active"}
    assert props["LoggingConfig"]["ApplicationLogLevel"] == "INFO" and props["LoggingConfig"]["LogGroup"] == "/aws/lambda/dpp-prod-chat-relay"
    env = props["Environment"]["Variables"]
    assert env["LOG_LEVEL"] == "INFO"
    targets = json.loads(env["TARGETS"])
    assert [(t["name"], t["kind"], t["secretName"], t["minSeverity"]) for t in targets] == [
        ("secops-slack", "slack", "dpp/slack/secops", "high"),
        ("secops-teams", "teams", "dpp/teams/secops", "critical"),
    ]
    assert not re.search(r"https?://|hooks\.|webhook\.office|outlook\.office", json.dumps(env)), "no URL in the environment"
    mapping = only(relay, "AWS::Lambda::EventSourceMapping")["Properties"]
    assert (mapping["BatchSize"], mapping["MaximumBatchingWindowInSeconds"], mapping["FunctionResponseTypes"]) == (100, 20, ["ReportBatchItemFailures"])
    assert mapping["ScalingConfig"] == {"MaximumConcurrency": 2}


@pytest.mark.parametrize("region", ["eu-west-1", "eu-central-1"])
def test_every_regions_relay_reads_only_its_targets_secrets_in_the_home_region(synthesized, region):
    """Issue 15.11: the secrets exist once, in the home region (eu-west-1), so one place rotates
    them; the relay of every other region reads them there."""
    template = synthesized.template("relay", region)
    policy = only(template, "AWS::IAM::ManagedPolicy")["Properties"]["PolicyDocument"]["Statement"]
    by_action = {a: s for s in policy for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])}
    assert by_action["secretsmanager:GetSecretValue"]["Resource"] == [
        f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:dpp/slack/secops-??????",
        f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:dpp/teams/secops-??????",
    ]
    assert only(template, "AWS::Lambda::Function")["Properties"]["Environment"]["Variables"]["HOME_REGION"] == "eu-west-1"
    assert not [a for a in by_action if a.endswith("*") or a.startswith("iam:") or "Delete" in a and a != "sqs:DeleteMessage"]
    assert "Policies" not in only(template, "AWS::IAM::Role")["Properties"]


def test_the_code_is_bundled_alone_with_no_compiled_files(synthesized):
    """The relay uses the standard library only (issue 16.6): nothing else is bundled."""
    function = only(synthesized.template("relay", "eu-west-1"), "AWS::Lambda::Function")
    asset_hash = function["Properties"]["Code"]["S3Key"].removesuffix(".zip")
    root = synthesized.outdir / f"asset.{asset_hash}"
    assert (root / "handler.py").exists() and (root / "relay" / "batch.py").exists()
    assert sorted(p.name for p in root.iterdir()) == ["drill_marks.py", "handler.py", "relay"]
    assert not list(root.rglob("*.so")) and not list(root.rglob("__pycache__"))


def _asset_root(synthesized, kind: str, region: str) -> Path:
    function = only(synthesized.template(kind, region), "AWS::Lambda::Function")
    return synthesized.outdir / f"asset.{function['Properties']['Code']['S3Key'].removesuffix('.zip')}"


def test_the_relay_and_the_responder_carry_the_same_drill_marks(synthesized):
    """One module decides what a drill is (DPP-MON-8): the relay marks drills by it and the
    responder ignores them by it, so both bundles carry the very bytes of lambdas/shared's copy,
    and neither keeps a drill test of its own."""
    shared = (ROOT_DIR / "lambdas" / "shared" / "drill_marks.py").read_bytes()
    relay_root, responder_root = _asset_root(synthesized, "relay", "eu-west-1"), _asset_root(synthesized, "responses", "eu-west-1")
    assert (relay_root / "drill_marks.py").read_bytes() == shared == (responder_root / "drill_marks.py").read_bytes()
    for own in (relay_root / "relay" / "drills.py", responder_root / "respond" / "drills.py"):
        text = own.read_text()
        assert "from drill_marks import" in text and "def sample_finding" not in text and "-drill-canary-reader" not in text, own


def test_monitors_watch_the_relay(synthesized):
    alarms = {a["Properties"]["AlarmName"]: a["Properties"] for a in synthesized.template("alarms", "eu-central-1").find_resources("AWS::CloudWatch::Alarm").values()}
    assert alarms["dpp-prod-ChatRelayDeadLetters"]["Dimensions"] == [{"Name": "QueueName", "Value": "dpp-prod-chat-relay-dead-letters"}]
    assert alarms["dpp-prod-ChatRelayBacklog"]["Threshold"] == 900
    assert alarms["dpp-prod-ChatRelayErrors"]["Dimensions"] == [{"Name": "FunctionName", "Value": "dpp-prod-chat-relay"}]


@pytest.mark.parametrize("region", ["eu-west-1", "eu-central-1"])
def test_each_chat_target_has_an_alarm_naming_it_on_the_metric_the_relay_emits(synthesized, region):
    """Issue 16.5: the relay emits TargetFailures per target (dimensions service and Target, in
    its METRICS_NAMESPACE); one alarm per configured target watches it."""
    env = only(synthesized.template("relay", region), "AWS::Lambda::Function")["Properties"]["Environment"]["Variables"]
    alarms = {a["Properties"]["AlarmName"]: a["Properties"] for a in synthesized.template("alarms", region).find_resources("AWS::CloudWatch::Alarm").values()}
    for target in ("secops-slack", "secops-teams"):
        alarm = alarms[f"dpp-prod-ChatRelayTarget_{target.replace('-', '_')}"]
        assert target in alarm["AlarmDescription"]
        (query,) = [m for m in alarm["Metrics"] if "MetricStat" in m] if "Metrics" in alarm else [None]
        metric = query["MetricStat"]["Metric"] if query else alarm
        assert (metric["Namespace"], metric["MetricName"]) == (env["METRICS_NAMESPACE"], "TargetFailures")
        assert sorted((d["Name"], d["Value"]) for d in metric["Dimensions"]) == [("Target", target), ("service", "dpp-chat-relay")]


def test_no_relay_without_webhook_targets():
    context = cdk_json_context()
    context["dpp"]["notifications"]["targets"] = [{"name": "mail", "kind": "email", "address": "secops@example.com"}]
    built = build_app(context)
    assert not [n for n in built.stacks if "-relay-" in n]


def test_every_aws_call_the_relay_makes_is_granted_to_its_role(relay):
    """The relay calls AWS through ``Client.call("<Operation>", ...)``: every operation in its
    code is allowed by its role, and the table below must grow with any new call."""
    from pathlib import Path

    services = {"GetSecretValue": "secretsmanager", "BatchGetItem": "dynamodb", "BatchWriteItem": "dynamodb", "SendMessage": "sqs"}
    source = "\n".join(p.read_text() for p in (Path(__file__).resolve().parents[2] / "lambdas" / "chat_relay").rglob("*.py"))
    called = set(re.findall(r"\.call\(\s*\"(\w+)\"", source))
    assert called == set(services)
    policy = only(relay, "AWS::IAM::ManagedPolicy")["Properties"]["PolicyDocument"]["Statement"]
    granted = {a for s in policy for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])}
    assert {f"{service}:{operation}" for operation, service in services.items()} <= granted
