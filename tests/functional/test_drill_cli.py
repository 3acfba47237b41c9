"""`make drill` (DPP-MON-8): starts the same state machine execution the weekly schedule does,
with the caller's credentials; without credentials, or in an account that runs no drills, it
says so in one line (no traceback)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import boto3
from moto import mock_aws

from drill.__main__ import main

ROOT = Path(__file__).resolve().parents[2]


def test_without_credentials_one_line_and_exit_3(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env |= {"AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": str(tmp_path / "none"), "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none")}
    result = subprocess.run([sys.executable, "-m", "drill"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 3
    assert result.stdout == "" and len(result.stderr.strip().splitlines()) == 1
    assert "no usable AWS credentials" in result.stderr and "Traceback" not in result.stderr


def test_starts_the_drill_state_machine_in_the_callers_account(monkeypatch, capsys):
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "111122223333")  # the example configuration's account
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "eu-west-1"}.items():
        monkeypatch.setenv(key, value)
    with mock_aws():
        stepfunctions = boto3.client("stepfunctions", region_name="eu-west-1")
        machine = stepfunctions.create_state_machine(
            name="dpp-prod-alert-drill", definition=json.dumps({"StartAt": "S", "States": {"S": {"Type": "Pass", "End": True}}}), roleArn="arn:aws:iam::111122223333:role/x"
        )["stateMachineArn"]
        assert main([]) == 0
        (execution,) = stepfunctions.list_executions(stateMachineArn=machine)["executions"]
        started = json.loads(stepfunctions.describe_execution(executionArn=execution["executionArn"])["input"])
        assert started["drillId"] == execution["name"] and execution["name"].startswith("drill-")
    out = capsys.readouterr().out
    assert f"Drill {execution['name']} started in 111122223333/eu-west-1" in out
    assert "s3://dpp-prod-log-archive-111122223333-eu-west-1/evidence/drill/" in out and f"{execution['name']}-<path>.json" in out


def test_an_account_without_drills_is_named_in_one_line(monkeypatch, capsys):
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "eu-west-1"}.items():
        monkeypatch.setenv(key, value)
    with mock_aws():  # moto's own account, 123456789012, is not in the configuration
        assert main([]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "account 123456789012 runs no alert drills" in err and "111122223333" in err
