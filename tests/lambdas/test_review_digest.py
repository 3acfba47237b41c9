"""The review digest (DPP-MON-7) against moto (Security Hub, SNS) and botocore stubs for the
CloudWatch and Config calls moto does not implement."""

from __future__ import annotations

import importlib.util
import json
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import boto3
import pytest
from botocore.stub import ANY, Stubber
from moto import mock_aws

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("review_digest", ROOT / "lambdas" / "review_digest" / "handler.py")
digest = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = digest
spec.loader.exec_module(digest)

END = datetime(2026, 11, 19, 8, 0, tzinfo=timezone.utc)
START = END - timedelta(hours=84)


def history(name: str, state: str) -> dict:
    return {"AlarmName": name, "HistoryItemType": "StateUpdate", "HistoryData": json.dumps({"newState": {"stateValue": state}}), "Timestamp": END}


@pytest.fixture
def aws(monkeypatch):
    for key, value in {"AWS_ACCESS_KEY_ID": "t", "AWS_SECRET_ACCESS_KEY": "t", "AWS_DEFAULT_REGION": "eu-west-1"}.items():
        monkeypatch.setenv(key, value)
    with mock_aws():
        hub = boto3.client("securityhub")
        hub.enable_security_hub()
        yield hub


def stubbed(cloudwatch_items, config_rules):
    cloudwatch = boto3.client("cloudwatch", region_name="eu-west-1")
    config = boto3.client("config", region_name="eu-west-1")
    cw_stub, cfg_stub = Stubber(cloudwatch), Stubber(config)
    cw_stub.add_response("describe_alarm_history", {"AlarmHistoryItems": cloudwatch_items}, {"HistoryItemType": "StateUpdate", "StartDate": ANY, "EndDate": ANY})
    cfg_stub.add_response(
        "describe_compliance_by_config_rule",
        {"ComplianceByConfigRules": [{"ConfigRuleName": r, "Compliance": {"ComplianceType": "NON_COMPLIANT"}} for r in config_rules]},
        {"ComplianceTypes": ["NON_COMPLIANT"]},
    )
    cw_stub.activate()
    cfg_stub.activate()
    return cloudwatch, config


def finding(identifier: str, label: str) -> dict:
    return {
        "SchemaVersion": "2018-10-08",
        "Id": identifier,
        "ProductArn": "arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default",
        "GeneratorId": "test",
        "AwsAccountId": "111122223333",
        "Types": ["Software and Configuration Checks"],
        "CreatedAt": END.isoformat(),
        "UpdatedAt": (END - timedelta(hours=1)).isoformat(),
        "Severity": {"Label": label},
        "Title": "t",
        "Description": "d",
        "Resources": [{"Type": "Other", "Id": "r"}],
        "RecordState": "ACTIVE",
        "Workflow": {"Status": "NEW"},
    }


def test_the_digest_counts_alarms_canary_findings_and_non_compliance(aws):
    aws.batch_import_findings(Findings=[finding("f1", "HIGH"), finding("f2", "HIGH"), finding("f3", "CRITICAL")])
    cloudwatch, config = stubbed(
        [history("dpp-prod-RootUsage", "ALARM"), history("dpp-prod-RootUsage", "OK"), history("dpp-prod-CanaryAccessed", "ALARM"), history("someone-else", "ALARM")],
        ["dpp-prod-collection-BaselineRulesRootMfa", "orders-encryption"],
    )
    summary = digest.summarise(cloudwatch, aws, config, prefix="dpp-prod", start=START, end=END, account="111122223333", region="eu-west-1")
    assert summary["alarmsFired"] == {"RootUsage": 1, "CanaryAccessed": 1}
    assert summary["canaryHits"] == 1
    assert summary["nonCompliantRules"] == ["dpp-prod-collection-BaselineRulesRootMfa", "orders-encryption"]
    assert (summary["start"], summary["end"]) == ("2026-11-15 20:00 UTC", "2026-11-19 08:00 UTC")
    assert summary["kind"] == "dpp-review"


def test_the_handler_publishes_to_the_review_topic(aws, monkeypatch):
    topic = boto3.client("sns").create_topic(Name="dpp-prod-review")["TopicArn"]
    queue = boto3.client("sqs").create_queue(QueueName="inbox")["QueueUrl"]
    queue_arn = boto3.client("sqs").get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    boto3.client("sns").subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    monkeypatch.setenv("RESOURCE_PREFIX", "dpp-prod")
    monkeypatch.setenv("REVIEW_TOPIC_ARN", topic)
    cloudwatch, config = stubbed([], [])
    clients = {"cloudwatch": cloudwatch, "config": config}
    real_client = boto3.client
    monkeypatch.setattr(digest.boto3, "client", lambda name, *a, **k: clients.get(name) or real_client(name, *a, **k))
    assert digest.handler({}, None) == {"published": True}
    (message,) = boto3.client("sqs").receive_message(QueueUrl=queue)["Messages"]
    body = json.loads(json.loads(message["Body"])["Message"])
    assert body["kind"] == "dpp-review" and body["alarmsFired"] == {}


def test_the_relay_shows_the_digest_to_every_target():
    sys.path.insert(0, str(ROOT / "lambdas" / "chat_relay"))
    from relay.alerts import parse
    from relay.batch import Target

    summary = {"kind": "dpp-review", "start": "a", "end": "b", "alarmsFired": {"RootUsage": 2}, "canaryHits": 0, "findings": {"HIGH": 3}, "nonCompliantRules": ["r1"], "region": "eu-west-1"}
    alert = parse(json.dumps(summary), "", "arn:aws:sns:eu-west-1:111122223333:dpp-prod-review", "m")
    assert alert.title == "Twice-weekly review: a to b" and alert.source == "Review digest"
    assert "Alarms that fired: 2 (RootUsage x2)" in alert.what and "3 high" in alert.what and "Non-compliant Config rules: 1 (r1)" in alert.what
    assert Target("teams", "teams", "s", "critical").wants(alert)
    canary = parse(json.dumps({**summary, "canaryHits": 1}), "", "arn:aws:sns:eu-west-1:1:dpp-prod-review", "m")
    assert canary.severity == "critical"


def test_every_covered_region_is_counted_not_only_the_home_region(aws):
    """Alarms and Config rules are regional (issue 16 item 13): a per-region alarm that fired in
    eu-central-1 and a rule non-compliant there are in the digest, named with their region."""
    home_cw, home_cfg = stubbed([history("dpp-prod-RootUsage", "ALARM")], ["dpp-prod-collection-BaselineRulesRootMfa"])
    other_cw = boto3.client("cloudwatch", region_name="eu-central-1")
    other_cfg = boto3.client("config", region_name="eu-central-1")
    cw_stub, cfg_stub = Stubber(other_cw), Stubber(other_cfg)
    cw_stub.add_response(
        "describe_alarm_history",
        {"AlarmHistoryItems": [history("dpp-prod-FlowLogEnforcerErrors", "ALARM"), history("dpp-prod-RootUsage", "ALARM")]},
        {"HistoryItemType": "StateUpdate", "StartDate": ANY, "EndDate": ANY},
    )
    cfg_stub.add_response(
        "describe_compliance_by_config_rule",
        {"ComplianceByConfigRules": [{"ConfigRuleName": "dpp-prod-collection-BaselineRulesRootMfa", "Compliance": {"ComplianceType": "NON_COMPLIANT"}}]},
        {"ComplianceTypes": ["NON_COMPLIANT"]},
    )
    cw_stub.activate()
    cfg_stub.activate()
    summary = digest.summarise(home_cw, aws, home_cfg, prefix="dpp-prod", start=START, end=END, account="111122223333", region="eu-west-1", others={"eu-central-1": (other_cw, other_cfg)})
    assert summary["alarmsFired"] == {"RootUsage": 2, "FlowLogEnforcerErrors": 1}
    assert summary["alarmsFiredByRegion"] == {"eu-central-1": {"FlowLogEnforcerErrors": 1, "RootUsage": 1}, "eu-west-1": {"RootUsage": 1}}
    assert summary["nonCompliantRules"] == ["dpp-prod-collection-BaselineRulesRootMfa (eu-central-1)", "dpp-prod-collection-BaselineRulesRootMfa (eu-west-1)"]
    assert summary["regions"] == ["eu-central-1", "eu-west-1"]
    cw_stub.assert_no_pending_responses()
    cfg_stub.assert_no_pending_responses()


def test_the_handler_reads_every_configured_region(aws, monkeypatch):
    topic = boto3.client("sns").create_topic(Name="dpp-prod-review")["TopicArn"]
    monkeypatch.setenv("RESOURCE_PREFIX", "dpp-prod")
    monkeypatch.setenv("REVIEW_TOPIC_ARN", topic)
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    monkeypatch.setenv("REGIONS", json.dumps(["eu-central-1", "eu-west-1"]))
    asked: list[tuple[str, str | None]] = []
    real_client = boto3.client
    pairs = [stubbed([], []) for _ in range(2)]  # home, eu-central-1

    def client(name, *args, **kwargs):
        if name in ("cloudwatch", "config"):
            asked.append((name, kwargs.get("region_name")))
            pair = pairs[0] if kwargs.get("region_name") in (None, "eu-west-1") else pairs[1]
            return pair[0] if name == "cloudwatch" else pair[1]
        return real_client(name, *args, **kwargs)

    monkeypatch.setattr(digest.boto3, "client", client)
    assert digest.handler({}, None) == {"published": True}
    assert ("cloudwatch", "eu-central-1") in asked and ("config", "eu-central-1") in asked


def test_the_digest_function_is_told_every_covered_region(synthesized):
    functions = synthesized.template("alarms", "eu-west-1").find_resources("AWS::Lambda::Function")
    (env,) = [f["Properties"]["Environment"]["Variables"] for f in functions.values() if "REVIEW_TOPIC_ARN" in f["Properties"].get("Environment", {}).get("Variables", {})]
    assert json.loads(env["REGIONS"]) == sorted(synthesized.built.config.regions) and len(synthesized.built.config.regions) > 1


def test_a_region_that_cannot_be_read_is_named_and_the_others_still_counted(aws):
    home_cw, home_cfg = stubbed([history("dpp-prod-RootUsage", "ALARM")], [])
    other_cw = boto3.client("cloudwatch", region_name="eu-central-1")
    other_cfg = boto3.client("config", region_name="eu-central-1")
    cw_stub = Stubber(other_cw)
    cw_stub.add_client_error("describe_alarm_history", "AccessDenied")
    cw_stub.activate()
    summary = digest.summarise(home_cw, aws, home_cfg, prefix="dpp-prod", start=START, end=END, account="111122223333", region="eu-west-1", others={"eu-central-1": (other_cw, other_cfg)})
    assert summary["alarmsFired"] == {"RootUsage": 1} and summary["unreadRegions"] == {"eu-central-1": "AccessDenied"}
