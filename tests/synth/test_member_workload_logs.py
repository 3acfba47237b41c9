"""The workload log bucket in organization members (DPP-LOG-8): the member StackSet's template
gives every member account and covered region the bucket a directly monitored workload account
gets (ALB access logs under ``alb/``, WAF logs under ``waf/``), its SSM parameter and an
ELB_LOGGING_ENABLED rule naming it, and stays deployable by a StackSet (no bootstrap, no
assets, under the TemplateBody limit). cfn-lint checks the same body (tests/synth/test_cfn_lint.py).

ALB delivery follows "Enable access logs for your Application Load Balancer"
(https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html):
the region's Elastic Load Balancing account in Regions available before August 2022, the
service principal ``logdelivery.elasticloadbalancing.amazonaws.com`` in newer ones."""

from __future__ import annotations

import json

import pytest
from aws_cdk.assertions import Template

from capabilities.workload_logs.elb_accounts import ELB_ACCOUNTS, ELB_LOG_DELIVERY_SERVICE
from checks.member_template import member_template, without_construct_paths
from configuration import load_config
from tests.eventbridge_matcher import matches
from tests.support import ROOT
from tests.synth.test_organization import org_context

BUCKET = {"Fn::Join": ["", ["aws-waf-logs-dpp-prod-workload-", {"Ref": "AWS::AccountId"}, "-", {"Ref": "AWS::Region"}]]}
ACCESS_LOGS = {"Fn::Join": ["", ["dpp-prod-workload-access-logs-", {"Ref": "AWS::AccountId"}, "-", {"Ref": "AWS::Region"}]]}


@pytest.fixture(scope="module")
def body(organization_synthesized) -> str:
    (org_admin,) = [s for n, s in organization_synthesized.built.stacks.items() if "-org-admin-" in n]
    template = organization_synthesized.assembly.get_stack_by_name(org_admin.stack_name).template
    (stack_set,) = [r for r in template["Resources"].values() if r["Type"] == "AWS::CloudFormation::StackSet"]
    return stack_set["Properties"]["TemplateBody"]


def _bucket(template: Template, name: dict) -> tuple[str, dict]:
    ((logical_id, bucket),) = [(i, b) for i, b in template.find_resources("AWS::S3::Bucket").items() if b["Properties"].get("BucketName") == name]
    return logical_id, bucket


def _statements(template: Template, bucket_id: str) -> dict[str, dict]:
    (policy,) = [p for p in template.find_resources("AWS::S3::BucketPolicy").values() if p["Properties"]["Bucket"] == {"Ref": bucket_id}]
    return {s.get("Sid", f"#{i}"): s for i, s in enumerate(policy["Properties"]["PolicyDocument"]["Statement"])}


def test_every_member_gets_the_workload_log_bucket(body):
    """The same bucket as the foundation's: SSE-S3 (what ALB accepts), versioned, its access
    logs in a bucket of its own, kept past the retention, retained, skipped where the account is
    monitored directly."""
    template = Template.from_json(json.loads(body))
    bucket_id, bucket = _bucket(template, BUCKET)
    _, access_logs = _bucket(template, ACCESS_LOGS)
    props = bucket["Properties"]
    assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    assert props["VersioningConfiguration"] == {"Status": "Enabled"}
    assert props["LoggingConfiguration"]["DestinationBucketName"]["Ref"] in json.loads(body)["Resources"]
    expiry = {r["ExpirationInDays"] for r in props["LifecycleConfiguration"]["Rules"] if "ExpirationInDays" in r}
    retention = load_config(org_context()).retention_days
    assert expiry == {retention + 30}
    for resource in (bucket, access_logs):
        assert resource["DeletionPolicy"] == "Retain" and resource["Condition"] == "NotMonitoredDirectly"
    (parameter,) = template.find_resources("AWS::SSM::Parameter").values()
    assert parameter["Properties"]["Name"] == "/dpp/prod/workload-logs-bucket" and parameter["Properties"]["Value"] == {"Ref": bucket_id}


def test_load_balancers_and_waf_may_write_their_prefixes_only(body):
    document = json.loads(body)
    template = Template.from_json(document)
    bucket_id, _ = _bucket(template, BUCKET)
    statements = _statements(template, bucket_id)
    own = lambda prefix: {"Fn::Join": ["", [{"Fn::GetAtt": [bucket_id, "Arn"]}, f"/{prefix}/AWSLogs/", {"Ref": "AWS::AccountId"}, "/*"]]}  # noqa: E731
    service = statements["AlbAccessLogsByLogDeliveryService"]
    assert service["Principal"] == {"Service": ELB_LOG_DELIVERY_SERVICE} and service["Resource"] == own("alb")
    regional = statements["AlbAccessLogsByRegionalElbAccount"]
    assert regional["Action"] == "s3:PutObject" and regional["Resource"] == own("alb")
    assert json.dumps(regional["Principal"]).count('"Fn::FindInMap": ["ElbLogDelivery", {"Ref": "AWS::Region"}, "Account"]') == 1
    # The mapping holds each covered region's ELB account, as the page lists them.
    assert document["Mappings"]["ElbLogDelivery"] == {"eu-west-1": {"Account": ELB_ACCOUNTS["eu-west-1"]}, "eu-central-1": {"Account": ELB_ACCOUNTS["eu-central-1"]}}
    waf = statements["WafLogsDelivery"]
    assert waf["Principal"] == {"Service": "delivery.logs.amazonaws.com"} and waf["Resource"] == own("waf")
    assert waf["Condition"]["StringEquals"]["aws:SourceAccount"] == {"Ref": "AWS::AccountId"}
    tamper = next(s for s in statements.values() if s["Effect"] == "Deny" and "s3:PutBucketPolicy" in s["Action"])
    exempt = [part["Fn::Join"][1][-1] for part in tamper["Condition"]["ArnNotLike"]["aws:PrincipalArn"]]
    assert exempt == [":role/DppBreakGlass", ":role/stacksets-exec-*"], "only break-glass and the StackSet's execution role may change it"


def test_elb_logging_is_checked_against_this_bucket(body):
    template = Template.from_json(json.loads(body))
    bucket_id, _ = _bucket(template, BUCKET)
    rules = [r for r in template.find_resources("AWS::Config::ConfigRule").values() if r["Properties"]["Source"]["SourceIdentifier"] == "ELB_LOGGING_ENABLED"]
    (rule,) = rules
    assert rule["Properties"]["InputParameters"] == {"s3BucketNames": {"Ref": bucket_id}}
    (recorder_id,) = template.find_resources("AWS::Config::ConfigurationRecorder")
    assert recorder_id in rule["DependsOn"], "Config refuses rules before the recorder exists"


def test_the_member_template_stays_deployable_by_a_stackset(body):
    assert len(body) < 51_200, "StackSet TemplateBody limit"
    assert "BootstrapVersion" not in body and "cdk-hnb659fds-assets" not in body, "members are not CDK-bootstrapped: no assets"


def test_a_region_without_an_elb_account_relies_on_the_service_principal():
    """In Regions opened since August 2022 only the service principal writes; the mapped
    statement names the member's own account there instead of an ELB account."""
    config = load_config(org_context(regions=["eu-west-1", "ap-south-2"]))
    document = member_template(config)
    assert document["Mappings"]["ElbLogDelivery"] == {"eu-west-1": {"Account": ELB_ACCOUNTS["eu-west-1"]}, "ap-south-2": {"Account": "none"}}
    assert document["Conditions"]["NoRegionalElbAccount"] == {"Fn::Equals": [{"Fn::FindInMap": ["ElbLogDelivery", {"Ref": "AWS::Region"}, "Account"]}, "none"]}
    template = Template.from_json(document)
    bucket_id, _ = _bucket(template, BUCKET)
    principal = json.dumps(_statements(template, bucket_id)["AlbAccessLogsByRegionalElbAccount"]["Principal"])
    assert '"Fn::If": ["NoRegionalElbAccount", {"Ref": "AWS::AccountId"}' in principal


def test_switched_off_no_member_bucket():
    document = member_template(load_config(org_context(workload__logBuckets=False)))
    assert not [r for r in document["Resources"].values() if r["Type"] == "AWS::S3::Bucket"]
    assert "ElbLogDelivery" not in document.get("Mappings", {})
    assert "member-workload-logs" not in json.dumps(document), "no rule to the management account's bus either"


# --- into the archive: the management account's forwarder (capabilities.workload_logs.log_forwarder) ---

MANAGEMENT = "444455556666"
MEMBER_EVENT = json.loads((ROOT / "tests" / "events" / "s3" / "object-created-alb-member.json").read_text())
BUS = {"Fn::Join": ["", ["arn:aws:events:", {"Ref": "AWS::Region"}, f":{MANAGEMENT}:event-bus/dpp-prod-member-workload-logs"]]}


def _with_bucket(pattern, bucket_id: str, name: str):
    """The pattern as CloudFormation resolves it: the bucket's Ref is its name."""
    return json.loads(json.dumps(pattern).replace(json.dumps({"Ref": bucket_id}), json.dumps(name)))


def test_new_objects_are_sent_to_the_management_accounts_bus_of_the_region(body):
    """A rule on the member's default bus sends the bucket's new ALB, WAF and CloudFront objects
    to the management account's bus in the same region, with a role, as a rule targeting
    another account's bus admitted through the organization must
    (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutPermission.html)."""
    template = Template.from_json(json.loads(body))
    bucket_id, bucket = _bucket(template, BUCKET)
    # S3 sends its events to EventBridge only when the bucket says so (ev-events.html).
    assert bucket["Properties"]["NotificationConfiguration"] == {"EventBridgeConfiguration": {"EventBridgeEnabled": True}}
    (rule,) = [r["Properties"] for r in template.find_resources("AWS::Events::Rule").values() if r["Properties"].get("Targets", [{}])[0].get("Arn") == BUS]
    assert "EventBusName" not in rule, "the member's default bus, where S3 sends its events"
    # The member's real event (account 123456789012, eu-west-1) and near misses.
    pattern = _with_bucket(rule["EventPattern"], bucket_id, MEMBER_EVENT["detail"]["bucket"]["name"])
    assert matches(pattern, MEMBER_EVENT)
    other = json.loads(json.dumps(MEMBER_EVENT).replace("aws-waf-logs-dpp-prod-workload-", "aws-waf-logs-other-"))
    assert not matches(pattern, other), "another bucket of the member"
    assert not matches(pattern, {**MEMBER_EVENT, "detail-type": "Object Deleted"})
    deeper = json.loads(json.dumps(MEMBER_EVENT))
    deeper["detail"]["object"]["key"] = "exports/orders.csv"
    assert not matches(pattern, deeper), "only the log delivery prefixes"
    ((target),) = rule["Targets"]
    role_id = target["RoleArn"]["Fn::GetAtt"][0]
    role = template.find_resources("AWS::IAM::Role")[role_id]["Properties"]
    assert role["AssumeRolePolicyDocument"]["Statement"] == [{"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}}]
    (policy,) = [p["Properties"] for p in template.find_resources("AWS::IAM::ManagedPolicy").values() if p["Properties"]["Roles"] == [{"Ref": role_id}]]
    assert policy["PolicyDocument"]["Statement"] == [{"Action": "events:PutEvents", "Effect": "Allow", "Resource": BUS}], "that one bus, nothing else"


def test_the_bucket_admits_exactly_the_forwarders_role_of_the_region_to_read_new_logs(body):
    template = Template.from_json(json.loads(body))
    bucket_id, _ = _bucket(template, BUCKET)
    read = _statements(template, bucket_id)["ForwarderReadsNewLogs"]
    assert read["Action"] == ["s3:GetObject", "s3:GetObjectVersion"], "CopyObject's source read, the version the event names"
    assert read["Condition"] == {"ArnEquals": {"aws:PrincipalArn": {"Fn::Join": ["", [f"arn:aws:iam::{MANAGEMENT}:role/dpp-prod-log-forwarder-members-", {"Ref": "AWS::Region"}]]}}}
    assert read["Resource"] == [{"Fn::Join": ["", [{"Fn::GetAtt": [bucket_id, "Arn"]}, f"/{p}/*"]]} for p in ("alb", "waf", "cloudfront")]
    # The access-path rows (tests/access/paths.py, member-forwarder-*) evaluate the same policy.


def test_the_body_drops_cdk_path_metadata_and_keeps_other_metadata(body):
    """The StackSet, not the CDK toolkit, deploys the body: construct paths are dead weight
    against the TemplateBody limit; any other metadata is the template's own."""
    assert "aws:cdk:path" not in body
    document = {"Resources": {"A": {"Type": "T", "Metadata": {"aws:cdk:path": "x/A", "cfn-lint": {"config": {}}}}, "B": {"Type": "T", "Metadata": {"aws:cdk:path": "x/B"}}}}
    assert without_construct_paths(document) == {"Resources": {"A": {"Type": "T", "Metadata": {"cfn-lint": {"config": {}}}}, "B": {"Type": "T"}}}
