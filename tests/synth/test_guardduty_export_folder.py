"""GuardDuty's export folder (DPP-LOG-6): CreatePublishingDestination refuses a destination
prefix whose folder object does not exist ("the folder location must exist already",
https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_exportfindings.html), so the
log-archive stack puts ``guardduty/`` into the staging bucket before any detection stack names
it; the folder is the very prefix every publishing destination uses, and the action's role
writes that key and nothing else (decided by the independent IAM evaluator of tests/access)."""

from __future__ import annotations

import pytest

from tests.access.paths import ALLOWED, DENIED, DOC_KEY_POLICY, DOC_LOGS_KMS, DOC_S3_ACTIONS, DOC_S3_KMS, AccessPath
from tests.access.policies import build_estate, read_assembly
from tests.access.simulator import Request, Simulator

ACCOUNT = "111122223333"
STAGING = "dpp-prod-config-staging-111122223333-eu-west-1"
FUNCTION = "dpp-prod-export-folder"
GROUP = f"/aws/lambda/{FUNCTION}"


def _folder(synthesized) -> tuple[str, dict]:
    resources = synthesized.template("log-archive", "eu-west-1").to_json()["Resources"]
    ((logical_id, marker),) = [(i, r) for i, r in resources.items() if r["Type"] == "AWS::CloudFormation::CustomResource" and r["Properties"].get("Action") == "PutFolderMarker"]
    return logical_id, marker


def test_the_folder_is_the_prefix_every_destination_names(synthesized):
    _, marker = _folder(synthesized)
    props = marker["Properties"]
    assert (props["Bucket"], props["Key"]) == (STAGING, "guardduty/")
    assert props["KmsKeyArn"]["Fn::GetAtt"][1] == "Arn"  # the archive key itself, the staging bucket's default
    for region in synthesized.built.config.regions:
        (destination,) = synthesized.template("detection", region).find_resources("AWS::GuardDuty::PublishingDestination").values()
        arn = destination["Properties"]["DestinationProperties"]["DestinationArn"]
        assert arn == f"arn:aws:s3:::{STAGING}/guardduty", region
        assert arn.removeprefix(f"arn:aws:s3:::{STAGING}/") + "/" == props["Key"]


def test_the_folder_exists_before_any_detection_stack_deploys(synthesized):
    """CloudFormation deploys a stack after the stacks it depends on; every detection stack
    (every account and region) depends on the log-archive stack."""
    archive = synthesized.built.stack("log-archive")
    detection = [s for name, s in synthesized.built.stacks.items() if "-detection-" in name]
    assert detection and all(archive in s.dependencies for s in detection)


def test_its_function_logs_into_a_retained_group_the_archive_key_encrypts(synthesized):
    template = synthesized.template("log-archive", "eu-west-1").to_json()["Resources"]
    (group_id,) = [i for i, r in template.items() if r["Type"] == "AWS::Logs::LogGroup" and r["Properties"].get("LogGroupName") == GROUP]
    group = template[group_id]
    assert group["DeletionPolicy"] == "Retain" and group["Properties"]["KmsKeyId"]["Fn::GetAtt"][1] == "Arn"
    (function,) = [r for r in template.values() if r["Type"] == "AWS::Lambda::Function" and r["Properties"].get("FunctionName") == FUNCTION]
    assert group_id in function["DependsOn"]
    assert function["Properties"]["LoggingConfig"]["LogGroup"] == GROUP


@pytest.fixture(scope="module")
def decided(synthesized) -> list[tuple[AccessPath, str]]:
    config = synthesized.built.config
    estate = build_estate(read_assembly(synthesized.outdir))
    role = estate.function_roles[f"{ACCOUNT}/eu-west-1/{FUNCTION}"]
    key = estate.key_for_alias(f"arn:aws:kms:eu-west-1:{ACCOUNT}:alias/dpp-prod/log-archive")
    via = {"kms:ViaService": "s3.eu-west-1.amazonaws.com", "kms:ResourceAliases": ["alias/dpp-prod/log-archive"]}
    kms_header = {"s3:x-amz-server-side-encryption": "aws:kms", "s3:x-amz-server-side-encryption-aws-kms-key-id": key}
    logs = f"logs.{config.home_region}.amazonaws.com"
    rows = [
        AccessPath("folder-put", DOC_S3_ACTIONS, Request(role, "s3:PutObject", f"arn:aws:s3:::{STAGING}/guardduty/", kms_header), ALLOWED),
        AccessPath("folder-encrypts", DOC_S3_KMS, Request(role, "kms:GenerateDataKey", key, via), ALLOWED),
        AccessPath("folder-no-findings", DOC_S3_ACTIONS, Request(role, "s3:PutObject", f"arn:aws:s3:::{STAGING}/guardduty/AWSLogs/{ACCOUNT}/x.jsonl.gz", kms_header), DENIED, "the marker only"),
        AccessPath("folder-no-other-prefix", DOC_S3_ACTIONS, Request(role, "s3:PutObject", f"arn:aws:s3:::{STAGING}/config/x", kms_header), DENIED),
        AccessPath("folder-no-read", DOC_S3_ACTIONS, Request(role, "s3:GetObject", f"arn:aws:s3:::{STAGING}/guardduty/"), DENIED, "reads stay with the reader role"),
        AccessPath("folder-no-decrypt", DOC_S3_KMS, Request(role, "kms:Decrypt", key, via), DENIED, "writes only"),
        AccessPath("folder-sse-s3-refused", DOC_S3_ACTIONS, Request(role, "s3:PutObject", f"arn:aws:s3:::{STAGING}/guardduty/", {"s3:x-amz-server-side-encryption": "AES256"}), DENIED),
        AccessPath(
            "folder-log-group-encrypted",
            DOC_LOGS_KMS,
            Request(logs, "kms:GenerateDataKey", key, {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:{GROUP}"}),
            ALLOWED,
        ),
        AccessPath(
            "folder-key-no-other-log-group",
            DOC_KEY_POLICY,
            Request(logs, "kms:GenerateDataKey", key, {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:/aws/lambda/other"}),
            DENIED,
            "the archive key admits CloudWatch Logs for this one group",
        ),
    ]
    return list(zip(rows, Simulator(estate).evaluate([r.request for r in rows]), strict=True))


def test_the_action_writes_the_folder_and_nothing_else(decided):
    wrong = [f"{p.id}: expected {p.expect}, evaluator said {result} ({p.doc}) {p.why}" for p, result in decided if (result == "Allowed") != (p.expect == ALLOWED)]
    assert wrong == []
