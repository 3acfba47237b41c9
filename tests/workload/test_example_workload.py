"""The example SP-API workload (examples/workload) passes the DPP workload pack through the
three lines a user adds (Validations.of(app).add_plugins), and the same app with its logging
removed fails with the rules a user would look up in the README."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from examples.workload.app import build_app


def synthesize(tmp: Path, logged: bool) -> tuple[bool, dict]:
    app = build_app(logged=logged, outdir=str(tmp))
    try:
        app.synth()
        failed = False
    except RuntimeError as error:
        assert "ValidationFailed" in str(error)
        failed = True
    report = tmp / "validation-report.json"
    return failed, json.loads(report.read_text()) if report.exists() else {}


@pytest.fixture(scope="module")
def logged(tmp_path_factory):
    return synthesize(tmp_path_factory.mktemp("logged"), logged=True), None


@pytest.fixture(scope="module")
def stripped(tmp_path_factory):
    failed, report = synthesize(tmp_path_factory.mktemp("stripped"), logged=False)
    findings = {}
    for plugin in report.get("pluginReports", []):
        for violation in plugin["violations"]:
            findings[violation["ruleName"]] = {c["constructPath"] for c in violation["violatingConstructs"]}
    return failed, findings


def test_the_example_passes_the_workload_pack(logged):
    (failed, report), _ = logged
    assert not failed
    assert all(p["conclusion"] == "success" for p in report.get("pluginReports", []))


def test_the_example_without_logging_fails_with_the_rules_a_user_looks_up(stripped):
    failed, findings = stripped
    assert failed
    assert set(findings) == {
        "DPPWorkload-ApiAccessLogs",
        "DPPWorkload-ApiExecutionLogs",
        "DPPWorkload-WafLogging",
        "DPPWorkload-LoadBalancerAccessLogs",
        "DPPWorkload-LambdaLogGroupManaged",
        "DPPWorkload-DataEventsLogged",
    }
    assert findings["DPPWorkload-ApiAccessLogs"] == {"SpApiWorkload/Api/DeploymentStage.prod/Resource"}
    assert findings["DPPWorkload-LoadBalancerAccessLogs"] == {"SpApiWorkloadAlb/Alb/Resource"}
    assert findings["DPPWorkload-WafLogging"] == {"SpApiWorkload/WebAcl", "SpApiWorkloadAlb/WebAcl"}
    assert findings["DPPWorkload-DataEventsLogged"] == {
        "SpApiWorkload/Orders/Resource",
        "SpApiWorkload/OrdersFunction/Resource",
        "SpApiWorkload/AdminFunction/Resource",
        "SpApiWorkloadAlb/Orders/Resource",
        "SpApiWorkloadAlb/OrdersFunction/Resource",
    }


def test_the_readme_names_every_rule_the_stripped_example_fails(stripped):
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("## Your application")[1].split("\n## ")[0]
    for rule in stripped[1]:
        assert f"`{rule}`" in section, rule


class FakeTable:
    def get_item(self, Key):
        return {"Item": {"pk": Key["pk"], "buyerEmail": "erika@example.com"}}


def test_the_example_function_logs_a_security_event_and_its_sp_api_call(monkeypatch):
    monkeypatch.setenv("TABLE_NAME", "orders")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    from dpp_logging import get_logger
    from examples.workload.functions import orders

    stream = io.StringIO()
    monkeypatch.setattr(orders, "logger", get_logger("orders-test", stream=stream))
    monkeypatch.setattr(orders, "TABLE", FakeTable())
    event = {
        "resource": "/orders/{id}",
        "httpMethod": "GET",
        "pathParameters": {"id": "902-3159896-1390916"},
        "requestContext": {"requestId": "req-1", "identity": {"userArn": "arn:aws:sts::111122223333:assumed-role/Seller/s", "sourceIp": "203.0.113.9"}},
    }
    assert orders.handler(event, None)["statusCode"] == 200
    (record,) = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert (record["event_type"], record["who"], record["source"], record["outcome"], record["resource"], record["correlation_id"]) == (
        "security_event",
        "arn:aws:sts::111122223333:assumed-role/Seller/s",
        "203.0.113.9",
        "success",
        "order/902-3159896-1390916",
        "req-1",
    )
    orders.fetch_order("902-1")
    assert json.loads(stream.getvalue().splitlines()[-1])["event_type"] == "sp_api_call"
