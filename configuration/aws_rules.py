"""Names and limits as the AWS services define them, each with the page it comes from.

The configuration refuses what a service would refuse at deploy time (or accept and silently
ignore), so the error names the ``dpp.`` key instead of a CloudFormation resource.
"""

from __future__ import annotations

import ipaddress
import re

# --- S3 -----------------------------------------------------------------------------------
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html (general
# purpose buckets): 3-63 characters of a-z 0-9 . -, beginning and ending with a letter or
# digit, no two adjacent periods, not an IP address, reserved prefixes and suffixes.
BUCKET_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
BUCKET_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
BUCKET_NAME = r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]"
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html: an object key is
# up to 1,024 bytes of UTF-8; a key prefix can be no longer.
MAX_KEY_BYTES = 1024


def bucket_name_problem(name: str) -> str | None:
    """Why S3 would refuse ``name`` as a general purpose bucket's name, or None."""
    if not re.fullmatch(BUCKET_NAME, name, flags=re.ASCII):
        return "is not 3-63 lower-case letters, digits, dots or hyphens starting and ending with a letter or digit"
    if ".." in name:
        return "has two adjacent periods"
    if re.fullmatch(r"[0-9]{1,3}(\.[0-9]{1,3}){3}", name):
        return "is formatted as an IP address"
    for prefix in BUCKET_RESERVED_PREFIXES:
        if name.startswith(prefix):
            return f"starts with {prefix}, which S3 reserves"
    for suffix in BUCKET_RESERVED_SUFFIXES:
        if name.endswith(suffix):
            return f"ends with {suffix}, which S3 reserves for access point and other aliases"
    return None


# --- IAM ----------------------------------------------------------------------------------
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html: role and user
# names are up to 64 characters of ASCII letters, digits and + = , . @ _ - (IAM does not
# accept other scripts' letters; Python's \w would).
IAM_NAME = r"[A-Za-z0-9+=,.@_-]{1,64}"


def is_iam_name(value: str) -> bool:
    return re.fullmatch(IAM_NAME, value, flags=re.ASCII) is not None


# --- EC2 tags -----------------------------------------------------------------------------
# https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html#tag-restrictions: keys
# of up to 128 characters; the aws: prefix (any case) is reserved for AWS, so no instance can
# carry a key a user writes with it.
TAG_KEY = r"[A-Za-z0-9_.:/=+@ -]{1,128}"
RESERVED_TAG_PREFIX = "aws:"


# --- Account alternate contacts -----------------------------------------------------------
# PutAlternateContact (https://docs.aws.amazon.com/accounts/latest/reference/API_PutAlternateContact.html;
# the same limits are in botocore's model of the account service, which a test compares):
# Name 1-64, Title 1-50, EmailAddress 1-254 matching the pattern below, PhoneNumber 1-25.
CONTACT_NAME_MAX = 64
CONTACT_TITLE_MAX = 50
CONTACT_EMAIL_MAX = 254
CONTACT_PHONE_MAX = 25
CONTACT_EMAIL = r"[A-Za-z0-9_+=.#|!&-]+@[A-Za-z0-9_.-]+\.[A-Za-z0-9_]+"

# --- CloudWatch ---------------------------------------------------------------------------
# https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html:
# Period x EvaluationPeriods is at most 7 days (604,800 s), and at most one day for periods
# under an hour; custom alarms evaluate one period, in whole minutes.
MAX_ALARM_PERIOD_MINUTES = 7 * 24 * 60
# https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutMetricFilter.html:
# a filter pattern is at most 1,024 characters.
MAX_FILTER_PATTERN = 1024

# --- Responses ----------------------------------------------------------------------------
# Trusted ranges are never blocked. A range wider than one organisation's network trusts
# addresses the team does not control (and 0.0.0.0/0 or ::/0 switches blocking off without
# saying so). /16 is the largest IPv4 block commonly assigned to a single organisation;
# /48 is the standard IPv6 end-site assignment (RFC 6177). Larger networks list several ranges.
MIN_TRUSTED_PREFIX = {4: 16, 6: 48}


def trusted_cidr_problem(value: str) -> str | None:
    try:
        network = ipaddress.ip_network(value, strict=True)
    except ValueError:
        return "is not a network in CIDR notation"
    shortest = MIN_TRUSTED_PREFIX[network.version]
    if network.prefixlen < shortest:
        return f"trusts {network.num_addresses:,} addresses (wider than /{shortest}), more than any one organisation's network, so hostile addresses in it would never be blocked"
    return None


# --- Secrets Manager ----------------------------------------------------------------------
# A webhook URL is a credential (DPP-PRT-3); configuration holds only a secret's name. A
# value with a scheme, or whose first segment is a host name (alerts.example.org/hooks/...),
# is a URL however it is written.
_URL_LIKE = re.compile(r"(?i)^[a-z][a-z0-9+.-]*:|^(www\.|hooks\.)|^[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,63}/")


def looks_like_url(value: str) -> bool:
    return _URL_LIKE.search(value) is not None
