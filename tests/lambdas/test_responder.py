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

from respond.credentials import revocation_document, revoked_principals  # noqa: E402
from respond.settings import Settings  # noqa: E402

REVOKE_POLICY = "dpp-prod-revoke-older-sessions"

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
        dynamodb.create_table(
            TableName="ledger", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST"
        )
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
        self.ip_set_arn = ip_set["ARN"]
        self.vpc = vpc
        visibility = {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "shop"}
        web_acl = self.wafv2.create_web_acl(Name="shop-frontend", Scope="REGIONAL", DefaultAction={"Allow": {}}, VisibilityConfig=visibility, Rules=[])["Summary"]
        self.web_acl = {"Name": "shop-frontend", "Id": web_acl["Id"], "Scope": "REGIONAL", "ARN": web_acl["ARN"]}
        self.revoke_policy_arn = self.iam.create_policy(PolicyName=REVOKE_POLICY, PolicyDocument=revocation_document({}))["Policy"]["Arn"]
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
                "IP_SET": json.dumps({**self.ip_set, "ARN": self.ip_set_arn}),
                "REVOKE_POLICY_ARN": self.revoke_policy_arn,
                "WEB_ACLS": json.dumps([self.web_acl] if env.get("web_acls", True) else []),
                "NETWORK_ACL_VPCS": json.dumps([self.vpc] if env.get("network_acls") else []),
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

    def revoked(self) -> dict[str, str]:
        policy = self.iam.get_policy(PolicyArn=self.revoke_policy_arn)["Policy"]
        document = self.iam.get_policy_version(PolicyArn=self.revoke_policy_arn, VersionId=policy["DefaultVersionId"])["PolicyVersion"]["Document"]
        return revoked_principals(document)

    def attached(self, kind: str, name: str) -> list[str]:
        if kind == "user":
            return [p["PolicyArn"] for p in self.iam.list_attached_user_policies(UserName=name)["AttachedPolicies"]]
        return [p["PolicyArn"] for p in self.iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]]

    def inline(self, kind: str, name: str) -> list[str]:
        if kind == "user":
            return self.iam.list_user_policies(UserName=name)["PolicyNames"]
        return self.iam.list_role_policies(RoleName=name)["PolicyNames"]

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
    assert world.attached("user", "reporting-bot") == [world.revoke_policy_arn] and world.inline("user", "reporting-bot") == []
    (user_arn,) = world.revoked()
    assert user_arn.endswith(":user/reporting-bot")
    (message,) = world.posted()
    assert message["kind"] == "dpp-response" and message["dryRun"] is False
    key_outcome = message["outcomes"][0]
    assert key_outcome["status"] == "done" and world.key_id in key_outcome["target"]
    assert key_outcome["undo"].startswith("aws lambda invoke --function-name dpp-prod-responder") and key_outcome["recordId"] in key_outcome["undo"]


def test_a_misused_role_gets_its_sessions_revoked(world):
    responder.process(event("guardduty-finding-high.json"), world.context(enabled=["disableCredentials"]))
    assert world.attached("role", "OrdersWorkerRole") == [world.revoke_policy_arn] and world.inline("role", "OrdersWorkerRole") == []
    assert list(world.revoked()) == [world.iam.get_role(RoleName="OrdersWorkerRole")["Role"]["Arn"]]


def test_break_glass_role_and_excluded_users_are_never_touched(world):
    finding = event("guardduty-finding-high.json")
    finding["detail"]["resource"]["accessKeyDetails"]["userName"] = "DppBreakGlass"
    result = responder.process(finding, world.context(enabled=["disableCredentials"]))
    assert result["outcomes"] == ["excluded"]
    assert world.inline("role", "DppBreakGlass") == [] and world.attached("role", "DppBreakGlass") == []
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


MASKED = "*" * 8  # what FilterLogEvents returns for masked data without unmask


def put_trail_events(world: World, now: float, records: list[dict]) -> None:
    world.logs.put_log_events(
        logGroupName="/dpp/prod/cloudtrail", logStreamName="trail",
        logEvents=[{"timestamp": int(now * 1000) - 1000, "message": json.dumps(r)} for r in records],
    )  # fmt: skip


def test_failed_sign_ins_are_counted_by_principal_without_personal_data(world):
    """The trail log group masks names and addresses (data protection policy), and the report
    goes to chat: it names principals by IAM's unique ID and type, never by name or address,
    and hands investigators a Logs Insights query to run with logs:Unmask (DPP-PII-1.b)."""
    now = time.time()
    # As FilterLogEvents returns them from the masked log group.
    failure = {
        "eventName": "ConsoleLogin",
        "errorMessage": "Failed authentication",
        "userIdentity": {"type": "IAMUser", "principalId": "AIDACKCEVSQ6C2EXAMPLE", "userName": MASKED},
        "sourceIPAddress": MASKED,
    }
    success = {"eventName": "ConsoleLogin", "responseElements": {"ConsoleLogin": "Success"}, "userIdentity": {"type": "IAMUser", "principalId": "AIDAOTHER000000000000"}, "sourceIPAddress": MASKED}
    put_trail_events(world, now, [failure] * 11 + [success])
    ctx = world.context(enabled=["notifyFailedSignIns"], clock=lambda: now)
    assert responder.process(event("alarm-failed-sign-ins.json"), ctx)["handled"] == "sign-ins"
    (message,) = world.posted()
    facts = dict(message["outcomes"][0]["facts"])
    assert facts["Failed sign-ins"] == "11" and facts["Principal IDs"] == "AIDACKCEVSQ6C2EXAMPLE x11", "only failures are counted"
    assert facts["Principal types"] == "IAMUser x11"
    assert "unmask(@message)" in facts["Query"] and facts["Logs Insights"].startswith("https://eu-west-1.console.aws.amazon.com/cloudwatch/")
    assert "*" not in json.dumps(message["outcomes"][0]["what"]) and MASKED not in json.dumps(facts), "no masked values dressed up as data"
    assert "identity provider" in message["outcomes"][0]["what"]
    responder.process(event("alarm-failed-sign-ins.json"), ctx)
    assert world.posted() == [], "the same alarm transition is reported once"


def test_a_throttled_log_query_is_retried_not_marked_reported(world, monkeypatch):
    now = time.time()
    put_trail_events(world, now, [{"eventName": "ConsoleLogin", "errorMessage": "Failed authentication", "userIdentity": {"type": "IAMUser", "principalId": "AIDACKCEVSQ6C2EXAMPLE"}}])
    ctx = world.context(enabled=["notifyFailedSignIns"], clock=lambda: now)
    real = ctx.logs.filter_log_events
    from botocore.exceptions import ClientError

    def throttled(**kwargs):
        raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}, "FilterLogEvents")

    monkeypatch.setattr(ctx.logs, "filter_log_events", throttled)
    with pytest.raises(ClientError):
        responder.process(event("alarm-failed-sign-ins.json"), ctx)  # Lambda retries the async event
    assert world.posted() == []
    monkeypatch.setattr(ctx.logs, "filter_log_events", real)
    responder.process(event("alarm-failed-sign-ins.json"), ctx)
    (message,) = world.posted()
    assert dict(message["outcomes"][0]["facts"])["Failed sign-ins"] == "1", "the retry reports; nothing is lost"


# --- dry run, ignoring, idempotency, undo ---------------------------------------------------


def test_dry_run_changes_nothing_and_says_what_it_would_do(world):
    ctx = world.context(dry_run=True)
    for finding in (user_key_finding(world), instance_finding(world), instance_finding(world, "guardduty-ssh-brute-force.json")):
        responder.process(finding, ctx)
    assert world.key_status() == "Active"
    assert world.attached("user", "reporting-bot") == [] and world.revoked() == {}
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
    assert world.attached("user", "reporting-bot") == [] and world.revoked() == {}
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
    record = world.context().ledger.get(f"{finding['detail']['id']}#disableCredentials#user:no-such-user")
    assert record["status"] == "failed", "the intent is recorded first, and marked failed: never an unrecorded change"
    again = responder.process(finding, world.context(enabled=["disableCredentials"]))
    assert "failed" in again["outcomes"], "the next occurrence tries again instead of reporting 'already done'"


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


# --- issue 16: no grants, blocks that block, IPv6 isolation, ledger ordering -----------------


def test_revoking_attaches_the_one_managed_policy_and_keeps_each_principals_time(world):
    """Item 7: no inline policy is written; one project-managed deny policy is attached, with
    one statement per principal, so revoking a second principal leaves the first one's time."""
    early, late = time.time(), time.time() + 3600
    responder.process(event("guardduty-finding-high.json"), world.context(enabled=["disableCredentials"], clock=lambda: early))
    role_arn = world.iam.get_role(RoleName="OrdersWorkerRole")["Role"]["Arn"]
    first = world.revoked()[role_arn]
    responder.process(user_key_finding(world), world.context(enabled=["disableCredentials"], clock=lambda: late))
    revoked = world.revoked()
    assert revoked[role_arn] == first and len(revoked) == 2
    assert world.inline("role", "OrdersWorkerRole") == [] and world.inline("user", "reporting-bot") == []
    policy = world.iam.get_policy(PolicyArn=world.revoke_policy_arn)["Policy"]
    document = world.iam.get_policy_version(PolicyArn=world.revoke_policy_arn, VersionId=policy["DefaultVersionId"])["PolicyVersion"]["Document"]
    document = json.loads(document) if isinstance(document, str) else document
    assert {s["Effect"] for s in document["Statement"]} == {"Deny"}, "the policy the responder writes only ever denies"


def test_many_revocations_stay_within_iams_five_policy_versions(world):
    for n in range(7):
        finding = event("guardduty-finding-high.json")
        finding["detail"]["id"] = f"finding-{n}"
        responder.process(finding, world.context(enabled=["disableCredentials"], clock=lambda n=n: time.time() + n))
    assert len(world.iam.list_policy_versions(PolicyArn=world.revoke_policy_arn)["Versions"]) <= 5


def test_a_blocked_address_is_blocked_in_the_web_acl_and_the_network_acls(world):
    """Item 8: the IP set is referenced by a Block rule in the configured web ACL, and the
    configured VPC's network ACLs get a deny entry ahead of their allow rules."""
    now = time.time()
    ctx = world.context(enabled=["blockHostileIps"], network_acls=True, clock=lambda: now)
    result = responder.process(instance_finding(world, "guardduty-ssh-brute-force.json"), ctx)
    assert result["outcomes"] == ["done"]
    acl = world.wafv2.get_web_acl(**{k: world.web_acl[k] for k in ("Name", "Id", "Scope")})["WebACL"]
    (rule,) = acl["Rules"]
    assert rule["Statement"]["IPSetReferenceStatement"]["ARN"] == world.ip_set_arn and "Block" in rule["Action"]
    (nacl,) = world.ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [world.vpc]}])["NetworkAcls"]
    deny = [e for e in nacl["Entries"] if e.get("CidrBlock") == f"{PUBLIC_IP}/32" and not e["Egress"]]
    assert [(e["RuleAction"], e["Protocol"]) for e in deny] == [("deny", "-1")]
    allows = [e["RuleNumber"] for e in nacl["Entries"] if e["RuleAction"] == "allow" and not e["Egress"]]
    assert deny[0]["RuleNumber"] < min(allows), "evaluated before the allow rules"
    (message,) = world.posted()
    what = message["outcomes"][0]["what"]
    assert "web ACL shop-frontend" in what and nacl["NetworkAclId"] in what, "the report says where the block took effect"
    # a second finding does not add a second rule or entry
    second = instance_finding(world, "guardduty-ssh-brute-force.json")
    second["detail"]["id"] = "another-finding"
    responder.process(second, ctx)
    assert len(world.wafv2.get_web_acl(**{k: world.web_acl[k] for k in ("Name", "Id", "Scope")})["WebACL"]["Rules"]) == 1
    # expiry lifts both
    later = world.context(enabled=["blockHostileIps"], network_acls=True, clock=lambda: now + 24 * 3600 + 1)
    responder.process({"detail-type": "Scheduled Event", "source": "aws.events"}, later)
    (nacl,) = world.ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [world.vpc]}])["NetworkAcls"]
    assert not [e for e in nacl["Entries"] if e.get("CidrBlock") == f"{PUBLIC_IP}/32"] and world.addresses() == []


def test_with_nowhere_to_enforce_the_block_is_reported_as_ineffective(world):
    result = responder.process(instance_finding(world, "guardduty-ssh-brute-force.json"), world.context(enabled=["blockHostileIps"], web_acls=False))
    assert result["outcomes"] == ["failed"]
    (message,) = world.posted()
    assert "blocked nowhere" in message["outcomes"][0]["what"]


def test_isolation_revokes_ipv6_egress_too(world):
    """Item 9: in a VPC with an IPv6 CIDR the outbound defaults also allow all IPv6 traffic
    (https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html); moto gives
    new groups the same ::/0 egress rule."""
    vpc = world.ec2.create_vpc(CidrBlock="10.9.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]["VpcId"]
    subnet = world.ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24")["Subnet"]["SubnetId"]
    group = world.ec2.create_security_group(GroupName="v6-app", Description="app", VpcId=vpc)["GroupId"]
    instance_id = world.ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, SubnetId=subnet, SecurityGroupIds=[group])["Instances"][0]["InstanceId"]
    assert responder.process(instance_finding(world, instance_id=instance_id), world.context(enabled=["isolateInstances"]))["outcomes"] == ["done"]
    (isolation,) = world.groups(instance_id)
    described = world.ec2.describe_security_groups(GroupIds=[isolation])["SecurityGroups"][0]
    assert described["IpPermissionsEgress"] == [] and described["IpPermissions"] == []


def test_an_instance_that_no_longer_exists_is_reported_not_raised(world):
    result = responder.process(instance_finding(world, instance_id="i-0123456789abcdef0"), world.context(enabled=["isolateInstances"]))
    assert result["outcomes"] == ["not possible"]
    (message,) = world.posted()
    assert "no longer exists" in message["outcomes"][0]["what"]


def test_a_failed_snapshot_leaves_a_recorded_undoable_isolation_that_the_next_occurrence_completes(world, monkeypatch):
    """Item 10: the record with the original groups is written before the first change."""
    ctx = world.context(enabled=["isolateInstances"])
    real = ctx.ec2.create_snapshot

    def broken(**kwargs):
        raise RuntimeError("SnapshotLimitExceeded")

    monkeypatch.setattr(ctx.ec2, "create_snapshot", broken)
    assert responder.process(instance_finding(world), ctx)["outcomes"] == ["failed"]
    record_id = f"9e8d7c6b5a4938271605f4e3d2c1b0a9#isolateInstances#instance:{world.instance_id}"
    record = ctx.ledger.get(record_id)
    assert record["status"] == "failed" and list(record["originalGroups"].values()) == [[world.app_group]]
    (message,) = world.posted()
    assert message["outcomes"][0]["undo"], "people can undo what was done"
    monkeypatch.setattr(ctx.ec2, "create_snapshot", real)
    assert responder.process(instance_finding(world), ctx)["outcomes"] == ["done"], "resumed, not 'already isolated'"
    assert world.snapshots() and ctx.ledger.get(record_id)["status"] == "done"
    assert responder.process({"undo": record_id}, ctx)["status"] == "done"
    assert world.groups(world.instance_id) == [world.app_group], "the original groups, not the isolation group"


def test_a_response_that_raises_does_not_drop_what_the_others_did(world, monkeypatch):
    """Item 10: the credentials were disabled; the instance lookup throttles; the report of
    the disabled key is still published, then the event is retried."""
    finding = user_key_finding(world)
    finding["detail"]["resource"]["instanceDetails"] = {"instanceId": world.instance_id}
    ctx = world.context(enabled=["disableCredentials", "isolateInstances"])
    monkeypatch.setattr(responder.instances, "applies", lambda f: True)

    def throttled(**kwargs):
        raise RuntimeError("RequestLimitExceeded")

    monkeypatch.setattr(ctx.ec2, "describe_instances", throttled)
    with pytest.raises(responder.ResponseIncomplete):
        responder.process(finding, ctx)
    assert world.key_status() == "Inactive"
    (message,) = world.posted()
    assert [o["status"] for o in message["outcomes"]] == ["done", "done", "failed"]


def test_a_report_that_could_not_be_published_is_published_by_the_retry(world, monkeypatch):
    """Item 10: the action is done and recorded, the publish fails (SNS throttles); Lambda's
    retry must report it, not answer 'already done' and say nothing."""
    ctx = world.context(enabled=["isolateInstances"])
    real = ctx.sns.publish
    calls = {"n": 0}

    def flaky(**kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("Throttling")
        return real(**kwargs)

    monkeypatch.setattr(ctx.sns, "publish", flaky)
    with pytest.raises(RuntimeError, match="Throttling"):
        responder.process(instance_finding(world), ctx)
    assert world.posted() == []
    assert responder.process(instance_finding(world), ctx)["outcomes"] == ["done"]
    (message,) = world.posted()
    assert message["outcomes"][0]["status"] == "done" and len(world.snapshots()) == 1, "reported, not done twice"
    assert responder.process(instance_finding(world), ctx)["outcomes"] == ["already done"] and world.posted() == []


# --- alert drills (DPP-MON-8): never a response ------------------------------------------------


def drill_event(name: str) -> dict:
    return json.loads((EVENTS / "drills" / name).read_text())


@pytest.mark.parametrize("name", ["guardduty-sample-finding.json", "guardduty-sample-finding-legacy.json"])
def test_a_guardduty_sample_finding_of_a_drill_triggers_no_response(world, name):
    finding = drill_event(name)
    finding["detail"]["resource"]["instanceDetails"]["instanceId"] = world.instance_id  # even naming a real instance
    result = responder.process(finding, world.context(enabled=ALL))  # every response on, acting
    assert result == {"ignored": "alert drill"}
    assert world.groups(world.instance_id) == [world.app_group] and world.snapshots() == [] and world.posted() == []


def test_the_same_finding_without_the_sample_flag_is_answered(world):
    """The near miss: the drill's finding type, not a sample, is isolated as usual."""
    finding = drill_event("guardduty-sample-finding.json")
    finding["detail"]["resource"]["instanceDetails"]["instanceId"] = world.instance_id
    del finding["detail"]["service"]["additionalInfo"]
    assert responder.process(finding, world.context(enabled=["isolateInstances"]))["outcomes"] == ["done"]


@pytest.mark.parametrize(
    "drill",
    [
        drill_event("securityhub-drill-finding.json"),
        {"source": "aws.cloudwatch", "detail-type": "CloudWatch Alarm State Change", "detail": {"alarmName": "dpp-prod-DrillCanaryRead", "state": {"value": "ALARM"}}},
        {"source": "aws.s3", "detail-type": "AWS API Call via CloudTrail", "detail": drill_event("s3-get-canary-by-drill-role.json")},
        drill_event("logs-put-retention-by-drill-role.json"),  # the control-change drill
    ],
)
def test_other_drill_events_trigger_no_response(world, drill):
    assert responder.process(drill, world.context(enabled=ALL)) == {"ignored": "alert drill"}
    assert world.posted() == []


def test_a_control_change_by_another_role_is_no_drill():
    """The near miss: the same retention change by anyone but the drill role is not ignored."""
    from respond.drills import is_drill

    change = drill_event("logs-put-retention-by-drill-role.json")
    assert is_drill(change)
    for arn in (
        "arn:aws:sts::111122223333:assumed-role/PlatformAdmin/drill-20261202T090000Z-3f9a1c",
        "arn:aws:sts::111122223333:assumed-role/dpp-prod-drill-control-changer-x/drill-20261202T090000Z-3f9a1c",
    ):
        change["detail"]["userIdentity"]["arn"] = arn
        assert not is_drill(change), arn


# --- exposed credentials from AWS Health (the CredentialsExposed route) ------------------------


def health_exposure(world: World) -> dict:
    exposure = json.loads((EVENTS / "detection" / "health-risk-credentials-exposed.json").read_text())
    exposure["detail"]["affectedEntities"] = [{"entityValue": world.key_id}]
    exposure["detail"]["eventDescription"][0]["latestDescription"] = f"Your AWS Access Key {world.key_id} is publicly available."
    return exposure


def test_a_key_aws_health_reports_exposed_is_deactivated_and_its_user_revoked(world):
    """DPP-MON-4, DPP-IR-3: the event names the key only; the responder finds its user."""
    result = responder.process(health_exposure(world), world.context(enabled=["disableCredentials"]))
    assert result == {"handled": "exposed credentials", "outcomes": ["done", "done"]}
    assert world.key_status() == "Inactive"
    assert world.attached("user", "reporting-bot") == [world.revoke_policy_arn]
    (message,) = world.posted()
    assert message["dryRun"] is False and world.key_id in message["outcomes"][0]["target"]


def test_an_exposed_key_in_a_dry_run_or_with_the_response_off_changes_nothing(world):
    dry = responder.process(health_exposure(world), world.context(dry_run=True, enabled=["disableCredentials"]))
    assert world.key_status() == "Active" and world.attached("user", "reporting-bot") == []
    assert dry["handled"] == "exposed credentials" and world.posted()[0]["dryRun"] is True
    assert responder.process(health_exposure(world), world.context(enabled=["blockHostileIps"])) == {"ignored": "disableCredentials is off"}
    # another Health event is not an exposure
    other = health_exposure(world)
    other["detail"].update(service="EC2", eventTypeCode="AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED")
    assert "ignored" in responder.process(other, world.context(enabled=["disableCredentials"]))
    assert world.key_status() == "Active"
