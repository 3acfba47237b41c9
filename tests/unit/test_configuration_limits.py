"""Configuration keeps to the services' own grammars and limits, and refuses settings that would
silently weaken the baseline (issue: invalid input accepted, failing at deploy or weaker).

Each case is a mutation of the cdk.json example that the loader accepted before its check
existed; each names the key and says why. AWS pages are cited where the rule is encoded
(configuration/aws_rules.py, configuration/schedule.py)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import botocore
import pytest

from configuration import ConfigError, load_config
from configuration import aws_rules
from configuration.schedule import ScheduleError, parse_schedule
from configuration.zones import iana_zones, zone_info
from tests.support import cdk_json_context


def load(mutate) -> object:
    context = cdk_json_context()
    mutate(context["dpp"])
    return load_config(context)


def refused(mutate) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load(mutate)
    assert "\n" not in str(caught.value)
    return caught.value


def custom_alarm(**changes) -> dict:
    alarm = {"id": "BucketDeleted", "title": "Bucket deleted", "severity": "high", "filterPattern": '{ $.eventName = "DeleteBucket" }', "meaning": "m", "investigate": "i"}
    return {**alarm, **changes}


def review(**values):
    return lambda d: d.setdefault("review", {}).update(values)


def targets(d) -> list:
    return d["notifications"]["targets"]


# --- EventBridge schedule expressions ------------------------------------------------------
# https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html


@pytest.mark.parametrize(
    "expression, per_week, gap_hours",
    [
        ("cron(0 8 ? * MON,THU *)", 2, 96),
        ("cron(0 8 ? * 2,5 *)", 2, 96),
        ("cron(30 6 ? * MON-FRI *)", 5, 72),
        ("cron(0/30 8-10 ? * 2-6 *)", 30, 69.5),
        ("cron(0 */12 * * ? *)", 14, 12),
        ("cron(0 12 */3 * ? *)", 2, 72),
        ("cron(0 8 ? JAN-DEC TUE,FRI *)", 2, 96),
        ("rate(3 days)", 2, 72),
        ("rate(84 hours)", 2, 84),
        ("rate(1 day)", 7, 24),
        ("rate(1 minute)", 10080, 1 / 60),
    ],
)
def test_valid_schedules_and_how_often_they_run(expression, per_week, gap_hours):
    schedule = parse_schedule(expression)
    assert (schedule.min_firings_per_week, schedule.max_gap_minutes / 60) == (per_week, gap_hours)


@pytest.mark.parametrize(
    "expression, words",
    [
        ("cron(0 25 ? * MON,THU *)", "hours field's 25 is outside 0-23"),
        ("cron(60 8 ? * MON *)", "minutes field's 60"),
        ("cron(banana)", "six fields"),
        ("cron(0 8 ? * MON,THU)", "six fields"),
        ("cron(0 8 * * MON *)", "exactly one of day-of-month and day-of-week"),
        ("cron(0 8 ? * ? *)", "exactly one of day-of-month and day-of-week"),
        ("cron(0 8 32 * ? *)", "outside 1-31"),
        ("cron(0 8 ? 13 MON *)", "outside 1-12"),
        ("cron(0 8 ? * FUN *)", "SUN,MON"),
        ("cron(0 8 ? * 8 *)", "outside 1-7"),
        ("cron(0 8 ? * FRI-MON *)", "runs backwards"),
        ("cron(0 8 ? * 2#6 *)", "#1 to #5"),
        ("cron(0 8 ? * 2#1,5#2 *)", "not a value"),
        ("cron(0/0 8 ? * MON *)", "step must be 1 or more"),
        ("cron(0 8 ? * MON 1969)", "outside 1970-2199"),
        ("rate(0 minutes)", "1 or more"),
        ("rate(1 hours)", "singular unit for 1"),
        ("rate(5 hour)", "plural"),
        ("rate(5 weeks)", "minute(s), hour(s) or day(s)"),
        ("rate(-1 days)", "rate(<value> <unit>)"),
        ("every monday", "neither rate"),
    ],
)
def test_schedules_eventbridge_refuses_are_refused(expression, words):
    with pytest.raises(ScheduleError, match=None) as caught:
        parse_schedule(expression)
    assert words in str(caught.value)


def test_special_day_fields_fire_on_the_days_eventbridge_documents():
    """L (last day of month), nW (nearest weekday), n#k (k-th weekday of the month)."""
    from datetime import date

    from configuration.schedule import _day_of_month, _day_of_week

    assert _day_of_month("L")(date(2032, 2, 29)) and not _day_of_month("L")(date(2032, 2, 28))
    assert _day_of_month("15W")(date(2029, 9, 14))  # the 15th is a Saturday: Friday the 14th
    assert _day_of_month("1W")(date(2029, 9, 3))  # the 1st is a Saturday: Monday the 3rd, same month
    assert _day_of_week("3#2")(date(2029, 1, 9)) and not _day_of_week("3#2")(date(2029, 1, 2))  # 2nd Tuesday
    assert _day_of_week("L")(date(2029, 1, 6))  # Saturday, the week's last day (1 = Sunday)


def test_the_configuration_refuses_an_invalid_schedule_with_the_key():
    error = refused(review(schedule="cron(0 25 ? * MON,THU *)"))
    assert error.key == "dpp.review.schedule" and "hours field" in error.problem and "eb-scheduled-rule-pattern" in error.fix


@pytest.mark.parametrize("schedule", ["cron(0 8 ? * MON *)", "rate(7 days)", "rate(4 days)", "cron(0 8 1,15 * ? *)", "cron(0 8 ? * 2#1 *)"])
def test_a_review_rarer_than_twice_a_week_is_refused(schedule):
    error = refused(review(schedule=schedule, periodHours=800))
    assert error.key == "dpp.review.schedule" and "twice a week" in error.problem


def test_a_review_schedule_that_ends_is_refused():
    error = refused(review(schedule="cron(0 8 ? * MON,THU 2027-2030)"))
    assert error.key == "dpp.review.schedule" and "stop" in error.problem


def test_the_review_period_must_cover_the_gap_between_runs():
    error = refused(review(periodHours=84))  # MON and THU at 08:00: Thursday to Monday is 96 hours
    assert error.key == "dpp.review.periodHours" and "96 hours" in error.problem and error.fix == "set 96 or more"
    assert load(review(schedule="rate(3 days)", periodHours=72)).review.period_hours == 72


# --- CloudWatch: filter patterns and alarm periods ----------------------------------------


@pytest.mark.parametrize(
    "pattern, words",
    [
        ("{ $.eventName = }", "found the end"),
        ("{ $.eventName DeleteBucket }", "operator"),
        ('{ ($.eventName = "A" }', "rparen"),
        ('{ $.eventName = "A" && }', "the end"),
        ("{ " + " || ".join(f'$.eventName = "Event{i:04d}"' for i in range(60)) + " }", "at most 1024"),
    ],
)
def test_custom_alarm_filter_patterns_must_parse(pattern, words):
    error = refused(lambda d: d.setdefault("alarms", {}).update(custom=[custom_alarm(filterPattern=pattern)]))
    assert error.key == "dpp.alarms.custom[0].filterPattern" and words in str(error)


def test_a_custom_alarm_with_a_regular_expression_is_accepted():
    config = load(lambda d: d.setdefault("alarms", {}).update(custom=[custom_alarm(filterPattern="{ $.eventName = %^Delete.*Policy$% }")]))
    assert config.alarms.custom[0].filter_pattern == "{ $.eventName = %^Delete.*Policy$% }"


def test_a_valid_custom_alarm_is_accepted():
    config = load(lambda d: d.setdefault("alarms", {}).update(custom=[custom_alarm(periodMinutes=aws_rules.MAX_ALARM_PERIOD_MINUTES)]))
    assert config.alarms.custom[0].period_minutes == 10080


def test_a_custom_alarm_period_beyond_cloudwatchs_limit_is_refused():
    error = refused(lambda d: d.setdefault("alarms", {}).update(custom=[custom_alarm(periodMinutes=10081)]))
    assert error.key == "dpp.alarms.custom[0].periodMinutes" and "7 days" in str(error)


# --- S3 bucket names ----------------------------------------------------------------------
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html


@pytest.mark.parametrize(
    "name, words",
    [
        ("192.168.1.1", "IP address"),
        ("xn--bcher-kva", "xn--"),
        ("sthree-orders", "sthree-"),
        ("amzn-s3-demo-orders", "amzn-s3-demo-"),
        ("orders-s3alias", "-s3alias"),
        ("orders--ol-s3", "--ol-s3"),
        ("orders.mrap", ".mrap"),
        ("orders--x-s3", "--x-s3"),
        ("orders--table-s3", "--table-s3"),
        ("orders..eu", "adjacent periods"),
        ("Orders", "lower-case"),
        ("ab", "3-63"),
        ("arn:aws:s3:::orders", "lower-case"),
    ],
)
def test_bucket_names_s3_refuses_are_refused(name, words):
    error = refused(lambda d: d["trail"].update(sensitiveBuckets=[name]))
    assert error.key == "dpp.trail.sensitiveBuckets[0]" and words in str(error)


def test_bucket_names_s3_allows_pass():
    for name in ("orders-111122223333", "a.b-c", "192.168.1.1x", "my-s3alias-bucket"):
        assert aws_rules.bucket_name_problem(name) is None, name


# --- IAM names, tags, contacts, zones, prefixes --------------------------------------------


@pytest.mark.parametrize("key", ["excludedRoleNames", "excludedUserNames"])
def test_iam_names_are_ascii(key):
    error = refused(lambda d: d["responses"].update({key: ["Rôle"]}))
    assert error.key == f"dpp.responses.{key}[0]" and "ASCII" in error.fix


def test_the_break_glass_role_name_is_ascii():
    error = refused(lambda d: d.setdefault("archive", {}).update(breakGlassRoleName="Brеak"))  # Cyrillic е
    assert error.key == "dpp.archive.breakGlassRoleName"


@pytest.mark.parametrize("tag", ["aws:protected", "AWS:Protected"])
def test_a_protected_instance_tag_with_the_reserved_aws_prefix_is_refused(tag):
    error = refused(lambda d: d["responses"].update(protectedInstanceTag=tag))
    assert error.key == "dpp.responses.protectedInstanceTag" and "reserves" in error.problem


def service_model(service: str) -> dict:
    """botocore's model of an AWS API: the SDK's own record of its limits, independent of us."""
    path = sorted(Path(botocore.__file__).parent.joinpath("data", service).glob("*/service-2.json*"))[-1]
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt") as handle:
        return json.load(handle)


def alternate_contact_shapes() -> dict:
    """PutAlternateContact's member shapes from botocore's model of the account service."""
    model = service_model("account")
    members = model["shapes"]["PutAlternateContactRequest"]["members"]
    return {name: model["shapes"][members[name]["shape"]] for name in ("Name", "Title", "EmailAddress", "PhoneNumber")}


def test_the_impoc_limits_are_the_alternate_contact_limits_of_the_account_api():
    """An independent source: botocore's service model, not our reading of the page."""
    shapes = alternate_contact_shapes()
    assert (shapes["Name"]["max"], shapes["Title"]["max"], shapes["EmailAddress"]["max"], shapes["PhoneNumber"]["max"]) == (
        aws_rules.CONTACT_NAME_MAX,
        aws_rules.CONTACT_TITLE_MAX,
        aws_rules.CONTACT_EMAIL_MAX,
        aws_rules.CONTACT_PHONE_MAX,
    )
    import re

    for address in ("secops@example.com", "a.b+c@mail.example.co.uk", "o'brien@example.com", "secops@exämple.com"):
        ours = re.fullmatch(aws_rules.CONTACT_EMAIL, address, flags=re.ASCII) is not None
        theirs = re.fullmatch(shapes["EmailAddress"]["pattern"], address, flags=re.ASCII) is not None
        assert ours == theirs, address
    # The IMPOC's phone format is a subset of what the API allows.
    assert re.fullmatch(shapes["PhoneNumber"]["pattern"], "+44 20 7946 0000")


@pytest.mark.parametrize(
    "field, value",
    [("name", "x" * 65), ("title", "x" * 51), ("title", " "), ("name", ""), ("email", "o'brien@example.com")],
)
def test_impoc_fields_beyond_alternate_contact_limits_are_refused(field, value):
    error = refused(lambda d: d["impoc"].update({field: value}))
    assert error.key == f"dpp.impoc.{field}"


def test_impoc_fields_at_the_limits_are_accepted():
    config = load(lambda d: d["impoc"].update(name="n" * 64, title="t" * 50))
    assert (len(config.impoc.name), len(config.impoc.title)) == (64, 50)


@pytest.mark.parametrize("zone", ["localtime", "Factory", "Mars/Olympus", "../../etc/passwd", "europe/berlin", ""])
def test_time_zones_must_be_iana_places_from_tzdata(zone):
    error = refused(lambda d: d.setdefault("businessHours", {}).update(timeZone=zone))
    assert error.key == "dpp.businessHours.timeZone" and "tzdata" in error.problem


def test_zones_come_from_the_tzdata_package():
    assert {"UTC", "Europe/Berlin", "America/Los_Angeles"} <= iana_zones() and not {"localtime", "Factory"} & iana_zones()
    assert str(zone_info("Asia/Tokyo")) == "Asia/Tokyo"
    assert load(lambda d: d.setdefault("businessHours", {}).update(timeZone="Asia/Kolkata")).business_hours.time_zone == "Asia/Kolkata"


@pytest.mark.parametrize("prefix, words", [("", "is empty"), ("a" * 1025, "1024 bytes"), ("é" * 513, "1026 bytes")])
def test_malware_scan_prefixes_are_non_empty_and_fit_an_s3_key(prefix, words):
    error = refused(lambda d: d["detection"]["malwareScannedBuckets"][0].update(prefixes=[prefix]))
    assert error.key == "dpp.detection.malwareScannedBuckets[0].prefixes[0]" and words in str(error)


# --- silently weaker ------------------------------------------------------------------------


@pytest.mark.parametrize("cidr", ["0.0.0.0/0", "10.0.0.0/8", "203.0.0.0/15", "::/0", "2001:db8::/32", "2001:db8::/47"])
def test_trusted_ranges_wider_than_one_organisation_are_refused(cidr):
    error = refused(lambda d: d["responses"].update(trustedCidrs=[cidr]))
    assert error.key == "dpp.responses.trustedCidrs[0]" and "never be blocked" in error.problem


def test_trusted_ranges_of_organisation_size_are_accepted():
    config = load(lambda d: d["responses"].update(trustedCidrs=["203.0.0.0/16", "198.51.100.7/32", "2001:db8:1::/48"]))
    assert len(config.responses.trusted_cidrs) == 3


def test_chat_targets_without_the_chat_relay_are_refused():
    error = refused(lambda d: d.setdefault("features", {}).update(chatRelay=False))
    assert error.key == "dpp.features.chatRelay" and "targets[0]" in error.problem


def test_the_chat_relay_may_be_off_with_e_mail_targets_only():
    def email_only(d):
        d.setdefault("features", {})["chatRelay"] = False
        d["notifications"]["targets"] = [t for t in targets(d) if t["kind"] == "email"]

    assert not load(email_only).features.chat_relay


@pytest.mark.parametrize("secret", ["alerts.example.org/hooks/T000/B000", "hooks.slack.com/services/T000", "example.com/x", "www.example.org"])
def test_secret_names_that_are_urls_without_a_scheme_are_refused(secret):
    error = refused(lambda d: targets(d)[0].update(secretName=secret))
    assert error.key == "dpp.notifications.targets[0].secretName" and "URL" in error.problem
    assert secret not in str(error), "the error must not echo the credential"


def test_secret_names_with_dots_are_still_names():
    for name in ("dpp/slack/secops", "prod.slack", "team/prod.v2/slack"):
        assert not aws_rules.looks_like_url(name), name


def test_the_schema_key_is_accepted():
    assert load(lambda d: d.update({"$schema": "../config.schema.json"})).stage == "prod"


# --- the limits, compared with botocore's models ---------------------------------------------


def test_limits_agree_with_the_service_models():
    import re

    from configuration.loader import MAX_RETENTION_DAYS

    logs = service_model("logs")
    days = [int(d) for d in re.findall(r"\b\d+\b", logs["shapes"]["Days"]["documentation"].split("Possible values are:")[1].split(".")[0])]
    assert max(days) == MAX_RETENTION_DAYS  # PutRetentionPolicy's longest fixed retention
    assert logs["shapes"]["FilterPattern"]["max"] == aws_rules.MAX_FILTER_PATTERN
    iam = service_model("iam")
    for shape in ("roleNameType", "userNameType"):
        assert iam["shapes"][shape]["max"] == 64 and iam["shapes"][shape]["pattern"] == r"[\w+=,.@-]+"
    assert aws_rules.IAM_NAME == r"[A-Za-z0-9+=,.@_-]{1,64}"  # the model's \w, ASCII as Java reads it
    assert service_model("guardduty")["shapes"]["MalwareProtectionPlanObjectPrefixesList"]["max"] == 5
    period = service_model("cloudwatch")["shapes"]["PutMetricAlarmInput"]["members"]["Period"]["documentation"]
    assert "can't be more than 604,800 seconds" in period and aws_rules.MAX_ALARM_PERIOD_MINUTES * 60 == 604_800


def test_the_canary_name_pattern_takes_only_its_two_placeholders():
    for pattern in ("x-{account.real}-{region}", "x-{account!r}-{region}", "x-{0}-{account}-{region}", "x-{account}-{region}-{stage}"):
        error = refused(lambda d, p=pattern: d.setdefault("canary", {}).update(bucketNamePattern=p))
        assert error.key == "dpp.canary.bucketNamePattern", pattern
