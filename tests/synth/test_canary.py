"""Canary records (DPP-MON-2, DPP-MON-4): bait that looks real and is not, logged and alarmed."""

from __future__ import annotations

import csv
import io
import re

from capabilities.canary import CANARY_KEY, canary_csv
from tests.support import build_app, context_with

ACCOUNT = "111122223333"
DECOY = f"customer-data-exports-{ACCOUNT}-eu-west-1"


def test_canary_content_looks_like_an_export_and_is_not_real_data():
    rows = list(csv.DictReader(io.StringIO(canary_csv())))
    assert len(rows) >= 5 and set(rows[0]) == {"customer_id", "first_name", "last_name", "email", "phone", "street", "town", "last_order_date"}
    for row in rows:
        # reserved documentation domains (RFC 2606) and the fictional 555-01xx range only
        assert re.fullmatch(r"[a-z.]+@example\.(com|net|org)", row["email"]), row["email"]
        assert re.fullmatch(r"\+1 \d{3} 555 01\d\d", row["phone"]), row["phone"]
    assert CANARY_KEY.endswith(".csv") and "canary" not in CANARY_KEY.lower() and "canary" not in DECOY


def test_decoy_bucket_is_private_encrypted_and_retained(synthesized):
    template = synthesized.template("monitoring-foundation", "eu-west-1")
    (bucket,) = [b for b in template.find_resources("AWS::S3::Bucket").values() if b["Properties"]["BucketName"] == DECOY]  # beside the workload log buckets
    props = bucket["Properties"]
    assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "aws:kms",
        "KMSMasterKeyID": f"arn:aws:kms:eu-west-1:{ACCOUNT}:alias/dpp-prod/monitoring",
    }
    assert props["VersioningConfiguration"] == {"Status": "Enabled"}
    assert all(props["PublicAccessBlockConfiguration"].values())
    assert bucket["DeletionPolicy"] == "Retain"
    elsewhere = synthesized.template("monitoring-foundation", "eu-central-1").find_resources("AWS::S3::Bucket").values()
    assert all(not b["Properties"]["BucketName"].startswith("customer-data-exports-") for b in elsewhere), "one decoy, in the home region"


def test_the_canary_object_is_written_at_deployment(synthesized):
    template = synthesized.template("alarms", "eu-west-1")
    (resource,) = template.find_resources("AWS::CloudFormation::CustomResource").values()
    props = resource["Properties"]
    assert (props["Bucket"], props["Key"], props["Body"]) == (DECOY, CANARY_KEY, canary_csv())
    (function_id,) = [k for k, f in template.find_resources("AWS::Lambda::Function").items() if f["Properties"]["FunctionName"] == "dpp-prod-canary-writer"]
    assert props["ServiceToken"] == {"Fn::GetAtt": [function_id, "Arn"]}
    policy = [p for k, p in template.find_resources("AWS::IAM::ManagedPolicy").items() if k.startswith("CanaryPolicy")][0]
    put = [s for s in policy["Properties"]["PolicyDocument"]["Statement"] if s["Action"] == "s3:PutObject"][0]
    assert put["Resource"] == f"arn:aws:s3:::{DECOY}/{CANARY_KEY}"


def test_every_object_call_on_the_decoy_is_a_trail_data_event(synthesized):
    (trail,) = synthesized.template("account-baseline").find_resources("AWS::CloudTrail::Trail").values()
    selectors = {s["Name"]: s["FieldSelectors"] for s in trail["Properties"]["AdvancedEventSelectors"]}
    assert selectors["Canary records"] == [
        {"Field": "eventCategory", "Equals": ["Data"]},
        {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
        {"Field": "resources.ARN", "StartsWith": [f"arn:aws:s3:::{DECOY}/"]},
    ]


def test_canary_can_be_switched_off():
    built = build_app(context_with(canary__enabled="false"))
    buckets = built.template("monitoring-foundation", "eu-west-1").find_resources("AWS::S3::Bucket").values()
    assert DECOY not in {b["Properties"]["BucketName"] for b in buckets}
    alarms = built.template("alarms", "eu-west-1").find_resources("AWS::CloudWatch::Alarm")
    assert "dpp-prod-CanaryAccessed" not in {a["Properties"]["AlarmName"] for a in alarms.values()}
