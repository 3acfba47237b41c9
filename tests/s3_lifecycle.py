"""A small evaluator of S3 lifecycle rules as CloudFormation writes them (AWS::S3::Bucket
Rule): which rules apply to an object, and after how many days its current and noncurrent
versions expire.

Semantics, from the documentation rather than our templates:
- a rule acts only when ``Status`` is ``Enabled``; its filters combine with a logical AND
  (https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-filters.html);
- ``Prefix`` matches the start of the key; ``TagFilters`` need every key and value on the object;
- ``ObjectSizeGreaterThan`` / ``ObjectSizeLessThan`` are non-inclusive bounds in bytes, written
  as strings of digits: "Objects must be larger than this value in bytes" / "smaller than"
  (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-s3-bucket-rule.html;
  the S3 Control API says "non-inclusive" outright:
  https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_LifecycleRuleAndOperator.html).

Any filter element it does not know fails the evaluation rather than being ignored."""

from __future__ import annotations

from collections.abc import Mapping

FILTERS = {"Prefix", "TagFilters", "ObjectSizeGreaterThan", "ObjectSizeLessThan"}
ACTIONS = {
    "Id",
    "Status",
    "ExpirationInDays",
    "ExpirationDate",
    "ExpiredObjectDeleteMarker",
    "NoncurrentVersionExpiration",
    "NoncurrentVersionExpirationInDays",
    "NoncurrentVersionTransitions",
    "Transitions",
    "AbortIncompleteMultipartUpload",
}


def _size_bound(rule: Mapping, name: str) -> int | None:
    value = rule.get(name)
    if value is None:
        return None
    if not (isinstance(value, str) and value.isdigit()):
        raise ValueError(f"rule {rule.get('Id')}: {name} must be a string of digits, got {value!r}")
    return int(value)


def applies(rule: Mapping, key: str, size: int, tags: Mapping[str, str] | None = None) -> bool:
    """Whether ``rule`` acts on the object ``key`` of ``size`` bytes carrying ``tags``."""
    unknown = set(rule) - FILTERS - ACTIONS
    if unknown:
        raise ValueError(f"rule {rule.get('Id')}: unknown elements {sorted(unknown)}")
    if rule.get("Status") != "Enabled":
        return False
    if not key.startswith(rule.get("Prefix", "")):
        return False
    held = tags or {}
    if any(held.get(t["Key"]) != t["Value"] for t in rule.get("TagFilters") or []):
        return False
    above = _size_bound(rule, "ObjectSizeGreaterThan")
    below = _size_bound(rule, "ObjectSizeLessThan")
    return (above is None or size > above) and (below is None or size < below)


def expiry_days(rules: list[Mapping], key: str, size: int, tags: Mapping[str, str] | None = None) -> int | None:
    """Days after creation when the object's current version expires (the soonest rule), or None."""
    days = [int(r["ExpirationInDays"]) for r in rules if "ExpirationInDays" in r and applies(r, key, size, tags)]
    return min(days, default=None)


def noncurrent_expiry_days(rules: list[Mapping], key: str, size: int, tags: Mapping[str, str] | None = None) -> int | None:
    """Days after becoming noncurrent when a version of the object expires, or None."""
    days = [int(r["NoncurrentVersionExpiration"]["NoncurrentDays"]) for r in rules if "NoncurrentVersionExpiration" in r and applies(r, key, size, tags)]
    return min(days, default=None)
