"""The automated responder (DPP-IR-3) against moto: each action really happens, a dry run
changes nothing, exclusions are never touched, malformed and low findings are ignored,
repeated findings are answered once, and every action can be undone."""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "lambdas" / "responder"
EVENTS = ROOT / "tests" / "events"
if str(SOURCE) not in sys.path:
    sys.path.append(str(SOURCE))  # appended: the relay's tests import their own "handler" by path order

import importlib.util  # noqa: E402

# Loaded under its own name: the chat relay's tests import a module called "handler" too.
_spec = importlib.util.spec_from_file_location("responder_handler", SOURCE / "handler.py")
responder = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = responder
_spec.loader.exec_module(responder)

from respond.credentials import REVOKE_POLICY  # noqa: E402
from respond.settings import Settings  # noqa: E402

REGION = "eu-west-1"
PUBLIC_IP = "93.184.216.34"
ALL = ["disableCredentials", "blockHostileIps", "isolateInstances", "notifyFailedSignIns"]


def event(name: str) -> dict:
    folder = "detection" if name.startswith("guardduty-finding") else "responses"
    return json.loads((EVENTS / folder / name).read_text())


class World:
    """An account in moto with the things responses act on, and a queue that reads the topics."""

    def __init__(self) -> None:
        self.iam = boto3.client("iam")
        self.ec2 = boto3.client("ec2", region_name=REGION)
        self.wafv2 = boto3.client("wafv2", region_name=REGION)
        self.sqs = boto3.client("sqs", region_name=REGION)
        self.logs = boto3.client("logs", region_name=REGION)
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        dynamodb.create_table(TableName="ledger", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
        self.iam.create_user(UserName="reporting-bot")
        self.key_id = self.iam.create_access_key(UserName="reporting-bot")["AccessKey"]["AccessKeyId"]
        for role in ("OrdersWorkerRole", "DppBreakGlass"):
            self.iam.create_role(RoleName=role, AssumeRolePolicyDocument="{}")
        vpc = self.ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnet = self.ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
        self.app_group = self.ec2.create_security_group(GroupName="orders-app", Description="app", VpcId=vpc)["GroupId"]
        self.instance_id = self.run_instance(subnet, [])
        self.protected_id = self.run_instance(subnet, [{"Key": "dpp:protected", "Value": "payments"}])
        ip_set = self.wafv2.create_ip_set(Name="dpp-prod-hostile-ips", Scope="REGIONAL", IPAddressVersion="IPV4", Addresses=[])["Summary"]
        self.ip_set = {"Name": "dpp-prod-hostile-ips", "Id": ip_set["Id"], "Scope": "REGIONAL"}
        sns = boto3.client("sns", region_name=REGION)
        self.queue = self.sqs.create_queue(QueueName="posted")["QueueUrl"]
        queue_arn = self.sqs.get_queue_attributes(QueueUrl=self.queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        self.topics = {}
        for severity in ("critical", "high", "medium", "low"):
            arn = sns.create_topic(Name=f"dpp-prod-alerts-{severity}")["TopicArn"]
            sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=queue_arn, Attributes={"RawMessageDelivery": "true"})
            self.topics[severity] = arn
        self.logs.create_log_group(logGroupName="/dpp/prod/cloudtrail")
        self.logs.create_log_stream(logGroupName="/dpp/prod/cloudtrail", logStreamName="trail")

    def run_instance(self, subnet: str, tags: list) -> str:
        spec = [{"ResourceType": "instance", "Tags": tags}] if tags else []
        return self.ec2.run_instances(
            ImageId="ami-12c6146b", MinCount=1, MaxCount=1, SubnetId=subnet, SecurityGroupIds=[self.app_group], TagSpecifications=spec,
            BlockDeviceMappings=[{"DeviceName": "/dev/sda1", "Ebs": {"VolumeSize": 8}}],
        )["Instances"][0]["InstanceId"]  # fmt: skip

    def context(self, dry_run: bool = False, enabled=ALL, **env):
        settings = Settings.from_environment(
            {
                "RESPONSES": json.dumps(enabled),
                "DRY_RUN": "true" if dry_run else "false",
                "MIN_SEVERITY": "7",
                "EXCLUDED_ROLES": json.dumps(["DppBreakGlass"]),
                "EXCLUDED_USERS": json.dumps(["ci-deployer"]),
                "PROTECTED_TAG": "dpp:protected",
                "TRUSTED_CIDRS": json.dumps(["93.184.216.0/24"]) if env.get("trusted") else "[]",
                "IP_BLOCK_HOURS": "24",
                "PREFIX": "dpp-prod",
                "AWS_LAMBDA_FUNCTION_NAME": "dpp-prod-responder",
                "TOPICS": json.dumps(self.topics),
                "LEDGER_TABLE": "ledger",
                "IP_SET": json.dumps(self.ip_set),
                "TRAIL_LOG_GROUP": "/dpp/prod/cloudtrail",
                "FAILED_SIGN_IN_ALARM": "dpp-prod-FailedConsoleSignInsBurst",
            }
        )
        ctx = responder.build_context(settings)
        if "clock" in env:
            ctx.clock = env["clock"]
        return ctx

    def posted(self) -> list[dict]:
        messages = []
        while True:
            batch = self.sqs.receive_message(QueueUrl=self.queue, MaxNumberOfMessages=10).get("Messages", [])
            if not batch:
                return messages
            for m in batch:
                messages.append(json.loads(m["Body"]))
                self.sqs.delete_message(QueueUrl=self.queue, ReceiptHandle=m["ReceiptHandle"])

    def key_status(self) -> str:
        return self.iam.list_access_keys(UserName="reporting-bot")["AccessKeyMetadata"][0]["Status"]

    def addresses(self) -> list[str]:
        return self.wafv2.get_ip_set(**self.ip_set)["IPSet"]["Addresses"]

    def groups(self, instance_id: str) -> list[str]:
        instance = self.ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]
        return sorted(g["GroupId"] for eni in instance["NetworkInterfaces"] for g in eni["Groups"])

    def instance(self, instance_id: str) -> dict:
        return self.ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]

    def snapshots(self) -> list[dict]:
        snapshots = self.ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]
        return [s for s in snapshots if any(t["Key"] == "dpp:forensics" for t in s.get("Tags", []))]


@pytest.fixture
def world(monkeypatch):
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": REGION}.items():
        monkeypatch.setenv(key, value)
    # moto reports an interface's groups merged with the groups the instance was launched with,
    # so a replacement looks like an addition; in EC2 an instance's groups are its interfaces'.
    from moto.ec2.models.elastic_network_interfaces import NetworkInterface

    monkeypatch.setattr(NetworkInterface, "group_set", property(lambda eni: eni._group_set))
    with mock_aws():
        yield World()


def user_key_finding(world: World) -> dict:
    finding = event("guardduty-iam-user-access-key.json")
    finding["detail"]["resource"]["accessKeyDetails"]["accessKeyId"] = world.key_id
    return finding


def instance_finding(world: World, name: str = "guardduty-ec2-command-and-control.json", instance_id: str | None = None) -> dict:
    finding = event(name)
    finding["detail"]["resource"]["instanceDetails"]["instanceId"] = instance_id or world.instance_id
    return finding


# --- credentials ------------------------------------------------------------------------------


def test_an_exposed_user_key_is_deactivated_and_older_sessions_revoked(world):
    result = responder.process(user_key_finding(world), world.context(enabled=["disableCredentials"]))
    assert result["outcomes"] == ["done", "done"]
    assert world.key_status() == "Inactive"
    policy = world.iam.get_user_policy(UserName="reporting-bot", PolicyName=REVOKE_POLICY)["PolicyDocument"]
    policy = json.loads(policy) if isinstance(policy, str) else policy
    (statement,) = policy["Statement"]
    assert statement["Effect"] == "Deny" and statement["Action"] == "*" and "aws:TokenIssueTime" in statement["Condition"]["DateLessThan"]
    (message,) = world.posted()
    assert message["kind"] == "dpp-response" and message["dryRun"] is False
    key_outcome = message["outcomes"][0]
    assert key_outcome["status"] == "done" and world.key_id in key_outcome["target"]
    assert key_outcome["undo"].startswith("aws lambda invoke --function-name dpp-prod-responder") and key_outcome["recordId"] in key_outcome["undo"]


def test_a_misused_role_gets_its_sessions_revoked(world):
    responder.process(event("guardduty-finding-high.json"), world.context(enabled=["disableCredentials"]))
    assert world.iam.get_role_policy(RoleName="OrdersWorkerRole", PolicyName=REVOKE_POLICY)


def test_break_glass_role_and_excluded_users_are_never_touched(world):
    finding = event("guardduty-finding-high.json")
    finding["detail"]["resource"]["accessKeyDetails"]["userName"] = "DppBreakGlass"
    result = responder.process(finding, world.context(enabled=["disableCredentials"]))
    assert result["outcomes"] == ["excluded"]
    assert world.iam.list_role_policies(RoleName="DppBreakGlass")["PolicyNames"] == []
    assert world.posted()[0]["outcomes"][0]["status"] == "excluded", "people hear that nothing was done"


def test_root_credentials_are_reported_as_beyond_automation(world):
    finding = event("guardduty-finding-high.json")
    finding["detail"]["resource"]["accessKeyDetails"].update(userType="Root", userName="Root")
    assert responder.process(finding, world.context(enabled=["disableCredentials"]))["outcomes"] == ["not possible"]


# --- hostile IPs ------------------------------------------------------------------------------


def test_an_inbound_attacker_is_blocked_with_an_expiry(world):
    now = time.time()
    responder.process(instance_finding(world, "guardduty-ssh-brute-force.json"), world.context(enabled=["blockHostileIps"], clock=lambda: now))
    assert world.addresses() == [f"{PUBLIC_IP}/32"]
    block = world.context().ledger.get(f"block#{PUBLIC_IP}")
    assert block["status"] == "active" and int(block["expiresAt"]) == int(now) + 24 * 3600
    # a day later the schedule lifts it
    later = world.context(clock=lambda: now + 24 * 3600 + 1)
    assert responder.process({"detail-type": "Scheduled Event", "source": "aws.events"}, later)["outcomes"] == 1
    assert world.addresses() == []


def test_outbound_destinations_reserved_and_trusted_addresses_are_not_blocked(world):
    responder.process(instance_finding(world), world.context(enabled=["blockHostileIps"]))  # C&C: outbound
    documentation = event("guardduty-finding-high.json")  # 203.0.113.77: a reserved documentation address
    assert responder.process(documentation, world.context(enabled=["blockHostileIps"]))["outcomes"] == ["not possible"]
    trusted = responder.process(instance_finding(world, "guardduty-ssh-brute-force.json"), world.context(enabled=["blockHostileIps"], trusted=True))
    assert trusted["outcomes"] == ["excluded"]
    assert world.addresses() == []


# --- instances --------------------------------------------------------------------------------


def test_a_compromised_instance_is_isolated_tagged_and_snapshotted_never_stopped(world):
    result = responder.process(instance_finding(world), world.context(enabled=["isolateInstances"]))
    assert result["outcomes"] == ["done"]
    (group,) = world.groups(world.instance_id)
    isolation = world.ec2.describe_security_groups(GroupIds=[group])["SecurityGroups"][0]
    assert isolation["GroupName"] == "dpp-prod-isolation"
    assert isolation["IpPermissions"] == [] and isolation["IpPermissionsEgress"] == [], "no rules either way"
    instance = world.instance(world.instance_id)
    assert instance["State"]["Name"] == "running"
    assert {t["Key"]: t["Value"] for t in instance["Tags"]}["dpp:isolated"] == "9e8d7c6b5a4938271605f4e3d2c1b0a9"
    volumes = {m["Ebs"]["VolumeId"] for m in instance["BlockDeviceMappings"]}
    snapshots = world.snapshots()
    assert {s["VolumeId"] for s in snapshots} == volumes, "one snapshot per volume"
    assert all({t["Key"]: t["Value"] for t in s["Tags"]}["dpp:instance"] == world.instance_id for s in snapshots)


def test_a_protected_instance_is_never_touched(world):
    result = responder.process(instance_finding(world, instance_id=world.protected_id), world.context(enabled=["isolateInstances"]))
    assert result["outcomes"] == ["excluded"]
    assert world.groups(world.protected_id) == [world.app_group] and world.snapshots() == []


# --- failed sign-ins --------------------------------------------------------------------------


def test_failed_sign_ins_are_reported_with_principals_and_sources(world):
    now = time.time()
    failures = [{"eventName": "ConsoleLogin", "errorMessage": "Failed authentication", "userIdentity": {"type": "IAMUser", "userName": "alice"}, "sourceIPAddress": PUBLIC_IP}] * 11
    success = {"eventName": "ConsoleLogin", "responseElements": {"ConsoleLogin": "Success"}, "userIdentity": {"userName": "bob"}, "sourceIPAddress": "192.0.2.1"}
    world.logs.put_log_events(
        logGroupName="/dpp/prod/cloudtrail", logStreamName="trail",
        logEvents=[{"timestamp": int(now * 1000) - 1000, "message": json.dumps(r)} for r in [*failures, success]],
    )  # fmt: skip
    ctx = world.context(enabled=["notifyFailedSignIns"], clock=lambda: now)
    assert responder.process(event("alarm-failed-sign-ins.json"), ctx)["handled"] == "sign-ins"
    (message,) = world.posted()
    facts = dict(message["outcomes"][0]["facts"])
    assert facts["Principals"] == "alice x11" and facts["Sources"] == f"{PUBLIC_IP} x11", "only failures are counted"
    assert "identity provider" in message["outcomes"][0]["what"]
    responder.process(event("alarm-failed-sign-ins.json"), ctx)
    assert world.posted() == [], "the same alarm transition is reported once"


# --- dry run, ignoring, idempotency, undo ---------------------------------------------------


def test_dry_run_changes_nothing_and_says_what_it_would_do(world):
    ctx = world.context(dry_run=True)
    for finding in (user_key_finding(world), instance_finding(world), instance_finding(world, "guardduty-ssh-brute-force.json")):
        responder.process(finding, ctx)
    assert world.key_status() == "Active"
    assert world.iam.list_user_policies(UserName="reporting-bot")["PolicyNames"] == []
    assert world.addresses() == [] and world.groups(world.instance_id) == [world.app_group] and world.snapshots() == []
    messages = world.posted()
    assert len(messages) == 3 and all(m["dryRun"] for m in messages)
    assert {o["status"] for m in messages for o in m["outcomes"]} == {"would do (dry run)"}
    responder.process(user_key_finding(world), ctx)
    assert world.posted() == [], "a dry-run report is not repeated every 15 minutes"


@pytest.mark.parametrize(
    "bad",
    [
        {"source": "aws.guardduty", "detail-type": "GuardDuty Finding", "detail": {"type": "x"}},
        {"source": "aws.guardduty", "detail-type": "GuardDuty Finding", "detail": "not an object"},
        {"source": "aws.securityhub", "detail-type": "Security Hub Findings - Imported", "detail": {}},
        "plain text",
        {},
    ],
)
def test_malformed_or_foreign_events_are_ignored(world, bad):
    assert "ignored" in responder.process(bad, world.context())
    assert world.posted() == []


def test_findings_below_the_minimum_severity_are_ignored(world):
    finding = user_key_finding(world)
    finding["detail"]["severity"] = 5.0
    assert responder.process(finding, world.context()) == {"ignored": "below minimum severity"}
    assert world.key_status() == "Active"


def test_a_repeated_finding_is_answered_once(world):
    ctx = world.context()
    responder.process(instance_finding(world), ctx)
    world.posted()
    again = responder.process(instance_finding(world), ctx)
    assert again["outcomes"] == ["already done"]
    assert len(world.snapshots()) == len(world.instance(world.instance_id)["BlockDeviceMappings"]) and world.posted() == []


def test_every_action_is_undone_by_its_documented_command(world):
    ctx = world.context()
    responder.process(user_key_finding(world), ctx)
    responder.process(instance_finding(world, "guardduty-ssh-brute-force.json"), ctx)
    responder.process(instance_finding(world), ctx)
    records = [o["recordId"] for m in world.posted() for o in m["outcomes"] if o["recordId"]]
    # key, user sessions, the IP (twice: two findings), the isolation; the C&C finding finds it isolated
    assert len(records) == 5
    for record_id in records:
        assert responder.process({"undo": record_id}, ctx)["status"] == "done"
    assert world.key_status() == "Active"
    assert world.iam.list_user_policies(UserName="reporting-bot")["PolicyNames"] == []
    assert world.addresses() == [] and world.groups(world.instance_id) == [world.app_group]
    assert "dpp:isolated" not in {t["Key"] for t in world.instance(world.instance_id).get("Tags", [])}
    assert world.snapshots(), "forensic snapshots are evidence and stay"
    assert responder.process({"undo": records[0]}, ctx)["status"] == "already done"
    with pytest.raises(ValueError, match="no reversible action"):
        responder.process({"undo": "nonsense"}, ctx)


def test_a_failed_action_is_reported_as_critical_and_retried_next_time(world):
    finding = user_key_finding(world)
    finding["detail"]["resource"]["accessKeyDetails"]["userName"] = "no-such-user"
    result = responder.process(finding, world.context(enabled=["disableCredentials"]))
    assert "failed" in result["outcomes"]
    (message,) = world.posted()
    assert any(o["status"] == "failed" and "by hand" in o["what"] for o in message["outcomes"])
    assert world.context().ledger.get(f"{finding['detail']['id']}#disableCredentials#user:no-such-user") is None


def test_logs_name_no_user_address_or_payload(world, monkeypatch):
    import io

    stream = io.StringIO()
    monkeypatch.setattr(responder.logger.registered_handler, "stream", stream)
    responder.process(user_key_finding(world), world.context())
    responder.process(instance_finding(world, "guardduty-ssh-brute-force.json"), world.context())
    logged = stream.getvalue()
    assert '"message":"response"' in logged and '"findingId":"a1b2c3d4e5f60718293a4b5c6d7e8f90"' in logged
    for secret in ("reporting-bot", PUBLIC_IP, world.key_id, "secretsmanager"):
        assert secret not in logged
