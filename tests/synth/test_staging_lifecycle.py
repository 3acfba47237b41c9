"""The staging bucket's lifecycle keeps GuardDuty's folder marker for good while every log
in it still expires after retention (DPP-LOG-6, DPP-RET-1).

GuardDuty re-checks that the destination's folder object exists when a destination is
created or updated ("the folder location must exist already",
https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_exportfindings.html;
https://github.com/aws/aws-cli/issues/10483), and the marker is the zero-byte ``guardduty/``
object the log-archive stack puts (lambdas/deploy_actions). Exported findings are gzipped JSON
lines, never empty, under ``guardduty/AWSLogs/<account>/GuardDuty/<region>/<yyyy>/<MM>/<dd>/``
(same page; capabilities/archive/key_layout.py). The rules are decided by tests/s3_lifecycle.py."""

from __future__ import annotations

import pytest

from tests.s3_lifecycle import applies, expiry_days, noncurrent_expiry_days

ACCOUNT = "111122223333"
STAGING = f"dpp-prod-config-staging-{ACCOUNT}-eu-west-1"
MARKER = ("guardduty/", 0)
# a real export's key and a typical size (one finding, gzipped JSON lines)
EXPORT = (f"guardduty/AWSLogs/{ACCOUNT}/GuardDuty/eu-west-1/2026/12/01/5f1c2b3a-0d4e-4f6a-9b8c-7d6e5f4a3b2c.jsonl.gz", 1843)
CONFIG_SNAPSHOT = (f"AWSLogs/{ACCOUNT}/Config/eu-west-1/2026/12/1/ConfigSnapshot/{ACCOUNT}_Config_eu-west-1_ConfigSnapshot_20261201T000000Z_x.json.gz", 20_480)


def staging_rules(synthesized, name: str = STAGING) -> list[dict]:
    buckets = synthesized.template("log-archive").find_resources("AWS::S3::Bucket").values()
    (bucket,) = [b for b in buckets if b["Properties"].get("BucketName") == name]
    return bucket["Properties"]["LifecycleConfiguration"]["Rules"]


def test_the_guardduty_folder_marker_never_expires(synthesized):
    rules = staging_rules(synthesized)
    assert expiry_days(rules, *MARKER) is None
    assert noncurrent_expiry_days(rules, *MARKER) is None


@pytest.mark.parametrize("obj", [EXPORT, CONFIG_SNAPSHOT, ("guardduty/", 1)], ids=["guardduty-export", "config-snapshot", "marker-with-a-byte"])
def test_every_log_in_staging_still_expires_after_retention_and_not_before(synthesized, obj):
    rules = staging_rules(synthesized)
    retention = synthesized.built.config.retention_days
    assert expiry_days(rules, *obj) == retention
    assert noncurrent_expiry_days(rules, *obj) == retention


def test_incomplete_uploads_are_still_aborted_for_every_object_and_no_rule_s3_refuses(synthesized):
    rules = staging_rules(synthesized)
    aborting = [r for r in rules if "AbortIncompleteMultipartUpload" in r]
    assert aborting and all(applies(r, key, size) for r in aborting for key, size in (MARKER, EXPORT))
    # S3 refuses a size filter next to AbortIncompleteMultipartUpload
    # (https://github.com/aws-cloudformation/cfn-lint/issues/3554) or ExpiredObjectDeleteMarker
    # (https://github.com/aws/aws-cli/issues/8239).
    sized = [r for r in rules if "ObjectSizeGreaterThan" in r or "ObjectSizeLessThan" in r]
    assert sized and not any("AbortIncompleteMultipartUpload" in r or "ExpiredObjectDeleteMarker" in r for r in sized)


def test_the_organization_s_staging_bucket_keeps_its_marker_too(organization_synthesized):
    config = organization_synthesized.built.config
    (archive,) = [a for a in config.accounts if "log-archive" in a.roles]
    rules = staging_rules(organization_synthesized, f"dpp-{config.stage}-config-staging-{archive.account_id}-{config.home_region}")
    assert expiry_days(rules, *MARKER) is None and expiry_days(rules, *EXPORT) == config.retention_days


def test_other_archive_buckets_are_unchanged_zero_byte_objects_expire_there(synthesized):
    """Only the staging bucket holds a marker a service checks for; elsewhere nothing is spared."""
    template = synthesized.template("log-archive")
    for bucket in template.find_resources("AWS::S3::Bucket").values():
        name = bucket["Properties"].get("BucketName", "")
        if name == STAGING or "investigation" in name:
            continue
        assert expiry_days(bucket["Properties"]["LifecycleConfiguration"]["Rules"], "guardduty/", 0) is not None, name


# --- the evaluator itself, on the documentation's own examples -------------------------------


def test_size_bounds_are_non_inclusive_and_filters_combine_with_and():
    rule = {"Id": "r", "Status": "Enabled", "Prefix": "logs/", "ObjectSizeGreaterThan": "500", "ObjectSizeLessThan": "64000", "ExpirationInDays": 30}
    assert applies(rule, "logs/a.txt", 501) and not applies(rule, "logs/a.txt", 500) and not applies(rule, "logs/a.txt", 64000)
    assert not applies(rule, "other/a.txt", 1000)
    assert not applies({**rule, "Status": "Disabled"}, "logs/a.txt", 1000)
    tagged = {"Id": "t", "Status": "Enabled", "TagFilters": [{"Key": "keep", "Value": "no"}], "ExpirationInDays": 1}
    assert applies(tagged, "x", 1, {"keep": "no", "other": "1"}) and not applies(tagged, "x", 1, {"keep": "yes"})


def test_the_evaluator_refuses_what_it_does_not_understand():
    with pytest.raises(ValueError, match="unknown"):
        applies({"Id": "r", "Status": "Enabled", "Filter": {"Prefix": "x"}}, "x", 1)
    with pytest.raises(ValueError, match="digits"):
        applies({"Id": "r", "Status": "Enabled", "ObjectSizeGreaterThan": 0}, "x", 1)
