"""Organization mode (DPP-PRT-4, DPP-LOG-1/5/6 at organization scale), from
examples/organization.json synthesized once with every nag pack: what runs where, the
organization-scoped archive, the organization trail, the delegated administrators, the
member StackSet and its template, and the configuration errors."""

from __future__ import annotations

import json

import pytest
from aws_cdk.assertions import Template

from configuration import ConfigError, load_config
from tests.support import ROOT, cdk_json_context

ORG = "o-exampleorgid"
ARCHIVE, MANAGEMENT, SECURITY = "111122223333", "444455556666", "777788889999"
OUS = ["ou-exam-11111111", "ou-exam-22222222", "ou-exam-33333333"]


def org_context(**changes) -> dict:
    context = cdk_json_context()
    document = json.loads((ROOT / "examples" / "organization.json").read_text())
    for key, value in changes.items():
        node = document
        *parents, leaf = key.split("__")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    context["dpp"] = document
    return context


@pytest.fixture(scope="module")
def org(organization_synthesized):
    built, assembly = organization_synthesized.built, organization_synthesized.assembly  # every pack passed

    class Org:
        stacks = built.stacks

        @staticmethod
        def template(kind: str, account: str, region: str = "eu-west-1") -> Template:
            return Template.from_json(assembly.get_stack_by_name(f"dpp-prod-{kind}-{account}-{region}").template)

    return Org


# --- what runs where --------------------------------------------------------------------------


def test_each_account_gets_its_part_and_members_get_no_stacks_of_their_own(org):
    placed = {name.rsplit("-", 4)[0].removeprefix("dpp-prod-") + "@" + name.split("-")[-4] for name in org.stacks}
    by_account: dict[str, set[str]] = {}
    for item in placed:
        kind, account = item.split("@")
        by_account.setdefault(account, set()).add(kind)
    assert by_account == {
        # The archive watch: its replication alarms and archive events, forwarded to the security account.
        ARCHIVE: {"log-archive", "log-replica", "log-intake", "archive-watch"},
        MANAGEMENT: {"monitoring-foundation", "account-baseline", "collection", "detection", "global-events", "alarms", "relay", "org-admin"},
        # The security account's own collection: the member StackSet skips it (its key alias and
        # log groups would collide with these stacks' if it sits in a member OU).
        SECURITY: {"monitoring-foundation", "account-baseline", "collection", "detection", "global-events", "alarms", "relay", "org-security"},
    }


def test_deployment_order_puts_the_archive_and_delegation_first(org):
    names = lambda stack: sorted(s.stack_name for s in stack.dependencies)  # noqa: E731
    admin = org.stacks[f"dpp-prod-org-admin-{MANAGEMENT}-eu-west-1"]
    assert f"dpp-prod-log-archive-{ARCHIVE}-eu-west-1" in names(admin)
    # Security Hub and GuardDuty are on in both accounts, every region, before delegation
    assert {n for n in names(admin) if "-detection-" in n} == {f"dpp-prod-detection-{a}-{r}" for a in (MANAGEMENT, SECURITY) for r in ("eu-west-1", "eu-central-1")}
    security = org.stacks[f"dpp-prod-org-security-{SECURITY}-eu-central-1"]
    assert names(security) == [f"dpp-prod-detection-{SECURITY}-eu-central-1", f"dpp-prod-org-admin-{MANAGEMENT}-eu-west-1"]


# --- the archive admits the organization and nobody else -------------------------------------


def archive_statements(org) -> dict[str, dict]:
    template = org.template("log-archive", ARCHIVE)
    found = {}
    for policy in template.find_resources("AWS::S3::BucketPolicy").values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            if statement.get("Sid"):
                found.setdefault(statement["Sid"], statement)
    for key in template.find_resources("AWS::KMS::Key").values():
        for statement in key["Properties"]["KeyPolicy"]["Statement"]:
            if statement.get("Sid"):
                found[f"key:{statement['Sid']}"] = statement
    return found


def test_member_deliveries_are_admitted_by_organization_id(org):
    statements = archive_statements(org)
    for sid in ("LogDeliveryWritesFlowLogs", "ConfigWritesOwnPrefix", "key:LogDeliveryEncryptsCoveredAccountsLogs", "key:ConfigEncryptsCoveredAccountsDeliveries"):
        assert statements[sid]["Condition"]["StringEquals"] == {"aws:SourceOrgID": ORG}, sid
    # Config's service principal cannot be scoped to an organization: members' recorder roles are.
    assert statements["MemberConfigRolesWriteOwnPrefix"]["Condition"]["StringEquals"] == {"aws:PrincipalOrgID": ORG}
    # GuardDuty exports from the monitored accounts (the delegated administrator exports members'
    # findings), pinned by aws:SourceAccount, which GuardDuty documents.
    assert statements["GuardDutyWritesOwnPrefix"]["Condition"]["StringEquals"] == {"aws:SourceAccount": [MANAGEMENT, SECURITY]}
    flow = statements["LogDeliveryWritesFlowLogs"]["Resource"]
    assert flow["Fn::Join"][1][1] == "/vpc-flow-logs/AWSLogs/*", "each member writes below AWSLogs/<its account>/"


def test_only_the_organization_trail_of_the_management_account_writes_cloudtrail(org):
    statements = archive_statements(org)
    trail = statements["CloudTrailWritesOwnPrefix"]
    assert trail["Condition"] == {
        "StringEquals": {"aws:SourceAccount": [MANAGEMENT]},
        "ArnLike": {"aws:SourceArn": [f"arn:aws:cloudtrail:*:{MANAGEMENT}:trail/*"]},
    }
    assert [r["Fn::Join"][1][1] for r in trail["Resource"]] == [f"/cloudtrail/AWSLogs/{MANAGEMENT}/*", f"/cloudtrail/AWSLogs/{ORG}/*"]
    lookup = statements["key:CoveredAccountsLookUpKeyArn"]
    assert lookup["Action"] == "kms:DescribeKey" and lookup["Condition"] == {"StringEquals": {"aws:PrincipalOrgID": ORG}}


# --- the organization trail --------------------------------------------------------------------


def test_one_organization_trail_in_the_management_account(org):
    (trail,) = org.template("account-baseline", MANAGEMENT).find_resources("AWS::CloudTrail::Trail").values()
    props = trail["Properties"]
    assert props["IsOrganizationTrail"] is True and props["IsMultiRegionTrail"] is True and props["EnableLogFileValidation"] is True
    assert props["KMSKeyId"] == f"arn:aws:kms:eu-west-1:{ARCHIVE}:alias/dpp-prod/log-archive"
    assert props["S3BucketName"] == f"dpp-prod-log-archive-{ARCHIVE}-eu-west-1" and "CloudWatchLogsLogGroupArn" in props
    # the trail's alarms run where its log group is: the management account's home region
    assert org.template("alarms", MANAGEMENT).find_resources("AWS::Logs::MetricFilter")
    assert not org.template("alarms", SECURITY).find_resources("AWS::Logs::MetricFilter")


# --- delegated administrators ------------------------------------------------------------------


def test_management_delegates_guardduty_security_hub_and_config_to_the_security_account(org):
    template = org.template("org-admin", MANAGEMENT)
    (hub,) = template.find_resources("AWS::SecurityHub::DelegatedAdmin").values()
    assert hub["Properties"]["AdminAccountId"] == SECURITY
    (delegation,) = template.find_resources("AWS::CloudFormation::CustomResource").values()
    assert delegation["Properties"]["Action"] == "EnableOrganizationAdmins"
    assert delegation["Properties"]["Regions"] == ["eu-west-1", "eu-central-1"]
    assert delegation["Properties"]["DelegatedServices"] == ["config.amazonaws.com", "config-multiaccountsetup.amazonaws.com"]


@pytest.mark.parametrize("region", ["eu-west-1", "eu-central-1"])
def test_guardduty_is_auto_enabled_for_all_members_with_every_plan(org, region):
    (auto,) = org.template("org-security", SECURITY, region).find_resources("AWS::CloudFormation::CustomResource").values()
    assert auto["Properties"]["AutoEnable"] == "ALL"
    features = json.loads(auto["Properties"]["Features"])
    assert {f["Name"] for f in features} >= {"S3_DATA_EVENTS", "RUNTIME_MONITORING", "EBS_MALWARE_PROTECTION"}
    assert {f["AutoEnable"] for f in features} == {"ALL"}


def test_security_hub_central_configuration_covers_every_member_ou(org):
    template = org.template("org-security", SECURITY)
    (organization,) = template.find_resources("AWS::SecurityHub::OrganizationConfiguration").values()
    assert organization["Properties"] == {"AutoEnable": False, "AutoEnableStandards": "NONE", "ConfigurationType": "CENTRAL"}
    (policy,) = template.find_resources("AWS::SecurityHub::ConfigurationPolicy").values()
    hub = policy["Properties"]["ConfigurationPolicy"]["SecurityHub"]
    assert hub["ServiceEnabled"] is True and len(hub["EnabledStandardIdentifiers"]) == 3
    assert all(s.startswith("arn:aws:securityhub:eu-west-1::standards/") for s in hub["EnabledStandardIdentifiers"])
    associations = template.find_resources("AWS::SecurityHub::PolicyAssociation").values()
    assert sorted((a["Properties"]["TargetId"], a["Properties"]["TargetType"]) for a in associations) == [(ou, "ORGANIZATIONAL_UNIT") for ou in OUS]
    assert not org.template("org-security", SECURITY, "eu-central-1").find_resources("AWS::SecurityHub::ConfigurationPolicy"), "home region only"


def test_config_aggregates_the_organization_and_checks_every_member(org):
    home = org.template("org-security", SECURITY)
    (aggregator,) = home.find_resources("AWS::Config::ConfigurationAggregator").values()
    assert aggregator["Properties"]["OrganizationAggregationSource"]["AwsRegions"] == ["eu-west-1", "eu-central-1"]
    home_rules = {r["Properties"]["OrganizationManagedRuleMetadata"]["RuleIdentifier"] for r in home.find_resources("AWS::Config::OrganizationConfigRule").values()}
    other = org.template("org-security", SECURITY, "eu-central-1")
    other_rules = {r["Properties"]["OrganizationManagedRuleMetadata"]["RuleIdentifier"] for r in other.find_resources("AWS::Config::OrganizationConfigRule").values()}
    assert {"MULTI_REGION_CLOUD_TRAIL_ENABLED", "VPC_FLOW_LOGS_ENABLED", "GUARDDUTY_ENABLED_CENTRALIZED"} <= home_rules
    assert "VPC_FLOW_LOGS_ENABLED" in other_rules and "MULTI_REGION_CLOUD_TRAIL_ENABLED" not in other_rules
    assert not other.find_resources("AWS::Config::ConfigurationAggregator")
    # The workload's channels are checked in every member too (DPP-LOG-8).
    workload = {"ELB_LOGGING_ENABLED", "API_GW_EXECUTION_LOGGING_ENABLED", "APIGATEWAY_STAGE_ACCESS_LOGS_ENABLED", "API_GWV2_ACCESS_LOGS_ENABLED", "WAFV2_LOGGING_ENABLED", "RDS_LOGGING_ENABLED"}
    assert workload <= home_rules and workload <= other_rules


# --- the member StackSet -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def stack_set(org) -> dict:
    (found,) = org.template("org-admin", MANAGEMENT).find_resources("AWS::CloudFormation::StackSet").values()
    return found["Properties"]


def test_member_baseline_is_a_service_managed_auto_deployed_stackset(stack_set):
    assert stack_set["PermissionModel"] == "SERVICE_MANAGED"
    assert stack_set["AutoDeployment"] == {"Enabled": True, "RetainStacksOnAccountRemoval": True}
    (instances,) = stack_set["StackInstancesGroup"]
    assert instances["DeploymentTargets"] == {"OrganizationalUnitIds": OUS}
    assert instances["Regions"] == ["eu-west-1", "eu-central-1"]
    assert stack_set["Capabilities"] == ["CAPABILITY_IAM"] and stack_set["ManagedExecution"] == {"Active": True}


def test_member_template_records_config_and_logs_every_vpc_into_the_archive(stack_set):
    body = stack_set["TemplateBody"]
    assert len(body) < 51_200, "StackSet TemplateBody limit"
    template = Template.from_json(json.loads(body))
    (channel,) = template.find_resources("AWS::Config::DeliveryChannel").values()
    assert channel["Properties"]["S3BucketName"] == f"dpp-prod-config-staging-{ARCHIVE}-eu-west-1"
    (recorder,) = template.find_resources("AWS::Config::ConfigurationRecorder").values()
    assert recorder["Properties"]["RecordingGroup"]["IncludeGlobalResourceTypes"] == {"Fn::If": ["HomeRegion", True, False]}
    (dns,) = template.find_resources("AWS::Route53Resolver::ResolverQueryLoggingConfig").values()
    # The archive at home, the region's intake elsewhere.
    destination = dns["Properties"]["DestinationArn"]["Fn::Join"][1]
    assert destination[1]["Fn::If"][:2] == ["HomeRegion", f"dpp-prod-log-archive-{ARCHIVE}-eu-west-1"] and destination[2] == "/dns-query-logs"
    assert "BootstrapVersion" not in body, "members are not CDK-bootstrapped"
    assert set(json.loads(body)["Conditions"]) >= {"NotMonitoredDirectly"} and all(r.get("Condition") for k, r in json.loads(body)["Resources"].items() if k != "Placeholder"), (
        "the member baseline skips the accounts this app monitors directly"
    )
    (function,) = template.find_resources("AWS::Lambda::Function").values()
    assert function["Properties"]["Handler"] == "index.handler"
    assert function["Properties"]["Code"]["ZipFile"] == (ROOT / "lambdas" / "flow_log_enforcer" / "handler.py").read_text(), "the same reviewed code, inline"
    for kind in ("AWS::KMS::Key", "AWS::Logs::LogGroup"):
        for resource in template.find_resources(kind).values():
            assert resource["DeletionPolicy"] == "Retain", kind
    assert not template.find_resources("AWS::CloudTrail::Trail"), "members are logged by the organization trail"
    # Every member's log groups are masked for the configured marketplaces, findings kept.
    policies = {p["Properties"]["PolicyType"]: p for p in template.find_resources("AWS::Logs::AccountPolicy").values()}
    policy = policies["DATA_PROTECTION_POLICY"]
    assert "PhoneNumber-GB" in policy["Properties"]["PolicyDocument"]
    findings = json.loads(policy["Properties"]["PolicyDocument"])["Statement"][0]["Operation"]["Audit"]["FindingsDestination"]["CloudWatchLogs"]["LogGroup"]
    (group_id,) = [k for k, g in template.find_resources("AWS::Logs::LogGroup").items() if g["Properties"].get("LogGroupName") == findings]
    assert group_id in policy["DependsOn"]
    # ... and streamed into the archive: the staging bucket at home, the region's intake elsewhere.
    assert "SelectionCriteria" not in policies["SUBSCRIPTION_FILTER_POLICY"]["Properties"], "members have no group archived another way"
    (stream,) = template.find_resources("AWS::KinesisFirehose::DeliveryStream").values()
    bucket = stream["Properties"]["ExtendedS3DestinationConfiguration"]["BucketARN"]["Fn::Join"][1][1]["Fn::If"]
    assert bucket[:2] == ["HomeRegion", f"dpp-prod-config-staging-{ARCHIVE}-eu-west-1"]


# --- single-account mode and configuration errors --------------------------------------------


def test_single_account_mode_has_no_organization_resources(synthesized):
    assert not [n for n in synthesized.built.stacks if "-org-" in n]
    (trail,) = synthesized.template("account-baseline").find_resources("AWS::CloudTrail::Trail").values()
    assert "IsOrganizationTrail" not in trail["Properties"]


@pytest.mark.parametrize(
    "changes, key, words",
    [
        ({"organization__id": "o-short"}, "dpp.organization.id", "organization ID"),
        ({"organization__memberOrganizationalUnits": ["Production"]}, "dpp.organization.memberOrganizationalUnits[0]", "not an OU"),
        ({"organization__memberOrganizationalUnits": []}, "dpp.organization.memberOrganizationalUnits", ""),
        ({"accounts": [{"id": ARCHIVE, "roles": ["log-archive"]}, {"id": MANAGEMENT, "roles": ["management"]}]}, "dpp.accounts", "role security"),
        ({"accounts": [{"id": ARCHIVE, "roles": ["log-archive", "management"]}, {"id": SECURITY, "roles": ["security"]}]}, "dpp.accounts[0].roles", "its own account"),
        (
            {"accounts": [{"id": ARCHIVE, "roles": ["log-archive"]}, {"id": MANAGEMENT, "roles": ["management"]}, {"id": SECURITY, "roles": ["security", "workload"]}]},
            "dpp.accounts[2].roles",
            "members of dpp.organization.memberOrganizationalUnits",
        ),
        ({"features__automatedResponses": True, "responses__isolateInstances": True}, "dpp.features.automatedResponses", "organization members"),
        ({"detection__malwareScannedBuckets": [{"name": "orders", "region": "eu-west-1"}]}, "dpp.detection.malwareScannedBuckets[0]", "member accounts"),
    ],
)
def test_inconsistent_organizations_are_refused_naming_the_key(changes, key, words):
    with pytest.raises(ConfigError) as error:
        load_config(org_context(**changes))
    assert error.value.key == key and words in str(error.value), str(error.value)
    assert "\n" not in str(error.value)


def test_organization_roles_need_organization_mode():
    context = cdk_json_context()
    context["dpp"]["accounts"].append({"id": MANAGEMENT, "roles": ["management"]})
    with pytest.raises(ConfigError) as error:
        load_config(context)
    assert error.value.key == "dpp.accounts[1].roles" and "organization mode" in str(error.value)


# --- members' workload log buckets into the archive (DPP-LOG-8) --------------------------------


@pytest.mark.parametrize("region", ["eu-west-1", "eu-central-1"])
def test_the_management_account_forwards_the_members_workload_logs(org, region):
    """The management account's collection stack of each covered region: a bus for members'
    events, open to the organization's principals for S3's Object Created events only
    (eb-event-bus-example-policy-cross-account-custom-bus-source.html, API_PutPermission.html),
    a rule on it invoking the forwarder, whose role reads members' buckets by name inside the
    organization and writes below workload-logs/."""
    from tests.eventbridge_matcher import matches

    template = org.template("collection", MANAGEMENT, region)
    (bus_id, bus), *_ = template.find_resources("AWS::Events::EventBus").items()
    assert bus["Properties"]["Name"] == "dpp-prod-member-workload-logs"
    (policy,) = template.find_resources("AWS::Events::EventBusPolicy").values()
    statement = policy["Properties"]["Statement"]
    assert statement["Principal"] == "*" and statement["Action"] == "events:PutEvents"
    assert statement["Resource"] == f"arn:aws:events:{region}:{MANAGEMENT}:event-bus/dpp-prod-member-workload-logs"
    assert statement["Condition"] == {
        "StringEquals": {"aws:PrincipalOrgID": ORG},
        "ForAllValues:StringEquals": {"events:source": ["aws.s3"], "events:detail-type": ["Object Created"]},
        "Null": {"events:source": "false", "events:detail-type": "false"},
    }
    (rule,) = [r["Properties"] for r in template.find_resources("AWS::Events::Rule").values() if r["Properties"].get("EventBusName") == {"Ref": bus_id}]
    event = json.loads((ROOT / "tests" / "events" / "s3" / "object-created-alb-member.json").read_text())
    event = json.loads(json.dumps(event).replace("eu-west-1", region))
    assert matches(rule["EventPattern"], event), "a member's real event, as the member's rule forwards it"
    assert not matches(rule["EventPattern"], json.loads(json.dumps(event).replace("aws-waf-logs-dpp-prod-workload-", "orders-"))), "not a workload log bucket"
    (function,) = [f["Properties"] for k, f in template.find_resources("AWS::Lambda::Function").items() if k.startswith("LogForwarder")]
    assert function["FunctionName"] == "dpp-prod-log-forwarder" and rule["Targets"][0]["Arn"]["Fn::GetAtt"][0].startswith("LogForwarderFunction")
    environment = function["Environment"]["Variables"]
    assert environment["SOURCE_BUCKET_PATTERN"] == "aws-waf-logs-dpp-prod-workload-{account}-{region}"
    assert environment["DESTINATION_PREFIX"] == "workload-logs/{account}/{region}"
    assert environment["DESTINATION_BUCKET"] == (f"dpp-prod-config-staging-{ARCHIVE}-eu-west-1" if region == "eu-west-1" else f"dpp-prod-log-intake-{ARCHIVE}-{region}")
    (role,) = [r["Properties"] for k, r in template.find_resources("AWS::IAM::Role").items() if k.startswith("LogForwarder")]
    assert role["RoleName"] == f"dpp-prod-log-forwarder-members-{region}", "members' bucket policies name this role"
    (grants,) = [p["Properties"]["PolicyDocument"]["Statement"] for k, p in template.find_resources("AWS::IAM::ManagedPolicy").items() if k.startswith("LogForwarder")]
    (read,) = [s for s in grants if s["Action"] == ["s3:GetObject", "s3:GetObjectVersion"]]
    assert sorted(read["Resource"]) == [f"arn:aws:s3:::aws-waf-logs-dpp-prod-workload-*-*/{p}/*" for p in ("alb", "cloudfront", "waf")]
    assert read["Condition"] == {"StringEquals": {"aws:ResourceOrgID": ORG}}


def test_the_forwarders_alarms_watch_the_management_accounts_forwarder(org):
    names = {a["Properties"]["AlarmName"] for a in org.template("alarms", MANAGEMENT, "eu-central-1").find_resources("AWS::CloudWatch::Alarm").values()}
    assert {"dpp-prod-LogForwarderErrors", "dpp-prod-LogForwarderDeadLetters"} <= names
    assert not {"dpp-prod-LogForwarderErrors"} & {a["Properties"]["AlarmName"] for a in org.template("alarms", SECURITY).find_resources("AWS::CloudWatch::Alarm").values()}


def test_the_member_baseline_deploys_after_the_management_accounts_buses(org):
    admin = org.stacks[f"dpp-prod-org-admin-{MANAGEMENT}-eu-west-1"]
    assert {f"dpp-prod-collection-{MANAGEMENT}-{r}" for r in ("eu-west-1", "eu-central-1")} <= {s.stack_name for s in admin.dependencies}
