"""make preflight against moto's AWS: every check turns red on the condition it exists for, with
the fix, and the run exits non-zero; a ready estate is all green. Lambda's GetAccountSettings,
which moto does not implement, is answered by botocore's Stubber."""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from configuration import load_config
from preflight.__main__ import main
from preflight.access import Sessions
from preflight.checks import run
from preflight.rows import RED
from tests.support import cdk_json_context, context_with

ACCOUNT = "111122223333"
REGIONS = ("eu-west-1", "eu-central-1", "us-east-1")


@pytest.fixture
def aws(monkeypatch):
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "eu-west-1"}.items():
        monkeypatch.setenv(key, value)
    with mock_aws():
        yield


def in_account(account: str, service: str, region: str):
    """A client acting in ``account`` (moto maps assumed-role credentials to the role's account)."""
    credentials = boto3.client("sts").assume_role(RoleArn=f"arn:aws:iam::{account}:role/setup", RoleSessionName="setup")["Credentials"]
    return boto3.client(service, region_name=region, aws_access_key_id=credentials["AccessKeyId"], aws_secret_access_key=credentials["SecretAccessKey"], aws_session_token=credentials["SessionToken"])


def ready(account: str = ACCOUNT) -> None:
    """An estate `cdk deploy` would succeed in: bootstrapped, break-glass role, relay secrets."""
    for region in REGIONS:
        in_account(account, "ssm", region).put_parameter(Name="/cdk-bootstrap/hnb659fds/version", Value="28", Type="String")
    in_account(account, "iam", "eu-west-1").create_role(RoleName="DppBreakGlass", AssumeRolePolicyDocument="{}")
    for secret in ("dpp/slack/secops", "dpp/teams/secops"):
        in_account(account, "secretsmanager", "eu-west-1").create_secret(Name=secret, SecretString="https://hooks.example.invalid/x")


def checks(context: dict | None = None, *, quota: int = 1000):
    config = load_config(context or cdk_json_context())
    sessions = Sessions()
    stubs = []

    def clients(service, account, region):
        client = sessions.client(service, account, region)
        if service == "lambda":
            stub = Stubber(client)
            stub.add_response("get_account_settings", {"AccountLimit": {"ConcurrentExecutions": quota, "UnreservedConcurrentExecutions": quota}})
            stub.activate()
            stubs.append(stub)
        return client

    return run(config, clients)


def red(rows) -> list[tuple[str, str]]:
    return [(r.check, r.detail) for r in rows if r.status == RED]


def test_a_ready_estate_is_all_green(aws):
    ready()
    rows = checks()
    assert red(rows) == []
    assert {r.check for r in rows} >= {"CDK bootstrap", "Lambda concurrency", "GuardDuty detector", "Security Hub", "AWS Config", "Region enabled", "Principal exists", "Relay secret"}


def test_an_unbootstrapped_region_is_red_with_the_command(aws):
    ready()
    in_account(ACCOUNT, "ssm", "us-east-1").delete_parameter(Name="/cdk-bootstrap/hnb659fds/version")
    (row,) = [r for r in checks() if r.status == RED]
    assert (row.check, row.region) == ("CDK bootstrap", "us-east-1")
    assert f"cdk bootstrap aws://{ACCOUNT}/us-east-1" in row.fix


def test_services_cloudformation_cannot_create_twice_are_red(aws):
    ready()
    in_account(ACCOUNT, "guardduty", "eu-central-1").create_detector(Enable=True)
    config_service = in_account(ACCOUNT, "config", "eu-west-1")
    config_service.put_configuration_recorder(ConfigurationRecorder={"name": "default", "roleARN": f"arn:aws:iam::{ACCOUNT}:role/config"})
    found = red(checks())
    assert ("GuardDuty detector", found[0][1]) in found and "already exists" in found[0][1]
    assert any(check == "AWS Config" and "recorder default" in detail for check, detail in found)


def test_missing_break_glass_role_and_relay_secret_are_red(aws):
    ready()
    in_account(ACCOUNT, "iam", "eu-west-1").delete_role(RoleName="DppBreakGlass")
    in_account(ACCOUNT, "secretsmanager", "eu-west-1").delete_secret(SecretId="dpp/teams/secops", ForceDeleteWithoutRecovery=True)
    found = red(checks())
    assert any(c == "Principal exists" and "DppBreakGlass" in d for c, d in found)
    assert any(c == "Relay secret" and "dpp/teams/secops" in d for c, d in found)


def test_a_reservation_in_a_small_quota_is_red_and_none_is_fine(aws):
    ready()
    assert red(checks(quota=10)) == []  # the default reserves nothing
    found = red(checks(context_with(functions__reservedConcurrency=5), quota=10))
    assert found and all(c == "Lambda concurrency" for c, _ in found)


def test_an_account_without_a_trusting_lookup_role_is_red_not_a_traceback(aws, monkeypatch):
    ready()
    from preflight import access

    def refuse(self, account, region):
        raise access.AccountUnreachable("AccessDenied")

    monkeypatch.setattr(access.Sessions, "session", refuse)
    found = red(checks())
    assert found and found[0][0] == "Account reachable"


def test_the_command_exits_non_zero_on_red_and_prints_one_row_per_check(aws, capsys, monkeypatch):
    from preflight import checks as checks_module

    monkeypatch.setattr(checks_module, "PER_PLACE", (checks_module.bootstrap,))
    assert main([]) == 1  # nothing is bootstrapped
    out = capsys.readouterr().out
    assert "RED" in out and "cdk bootstrap aws://" in out and "checks," in out


def test_without_credentials_it_says_so_in_one_line(monkeypatch, capsys):
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    assert main([]) == 3
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "credentials" in err[0]


def test_a_bad_configuration_names_the_key(capsys):
    assert main(["-c", "dpp:retentionDays=30"]) == 2
    assert "dpp.retentionDays" in capsys.readouterr().err
