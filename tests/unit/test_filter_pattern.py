"""The test evaluator follows CloudWatch Logs' documented JSON filter-pattern examples."""

import pytest

from tests.filter_pattern import PatternError, compile_pattern, matches

# The example event of AWS's "Using filter patterns to match terms in JSON log events" page.
EVENT = {
    "eventType": "UpdateTrail",
    "sourceIPAddress": "111.111.111.111",
    "arrayKey": ["value", "another value"],
    "objectList": [{"name": "a", "id": 1}, {"name": "b", "id": 2}],
    "SomeObject": None,
    "cluster.name": "c",
    "ThisFlag": True,
    "latency": 1200,
}


@pytest.mark.parametrize(
    "pattern, expected",
    [
        ('{ $.eventType = "UpdateTrail" }', True),
        ("{ $.eventType = UpdateTrail }", True),
        ('{ $.eventType = "Update*" }', True),
        ('{ $.eventType = "*Trail" }', True),
        ('{ $.eventType = "CreateTrail" }', False),
        ("{ $.sourceIPAddress != 123.123.* }", True),
        ("{ $.sourceIPAddress != 111.111.* }", False),
        ('{ $.arrayKey[0] = "value" }', True),
        ('{ $.arrayKey[1] = "value" }', False),
        ("{ $.objectList[1].id = 2 }", True),
        ("{ $.objectList[5].id = 2 }", False),
        ("{ $.SomeObject IS NULL }", True),
        ("{ $.SomeOtherObject NOT EXISTS }", True),
        ("{ $.SomeObject EXISTS }", True),
        ("{ $.ThisFlag IS TRUE }", True),
        ("{ $.ThisFlag IS FALSE }", False),
        ("{ $.['cluster.name'] = \"c\" }", True),
        ("{ $.latency > 1000 }", True),
        ("{ $.latency <= 1000 }", False),
        ('{ ($.eventType = "UpdateTrail") && ($.sourceIPAddress = "111.111.111.111") }', True),
        ('{ ($.eventType = "UpdateTrail") && ($.sourceIPAddress = "1.1.1.1") }', False),
        ('{ ($.eventType = "CreateTrail") || ($.sourceIPAddress = "111.111.111.111") }', True),
        ('{ (($.eventType = "CreateTrail") || ($.eventType = "UpdateTrail")) && ($.latency > 1000) }', True),
    ],
)
def test_documented_examples(pattern, expected):
    assert matches(pattern, EVENT) is expected


def test_comparisons_on_missing_fields_are_false_both_ways():
    assert not matches('{ $.nope = "x" }', EVENT)
    assert not matches('{ $.nope != "x" }', EVENT)


def test_and_binds_tighter_than_or():
    assert matches('{ $.eventType = "UpdateTrail" || $.eventType = "X" && $.latency < 0 }', EVENT)
    assert not matches('{ ($.eventType = "UpdateTrail" || $.eventType = "X") && $.latency < 0 }', EVENT)


@pytest.mark.parametrize("bad", ['$.eventType = "x"', '{ $.eventType "x" }', "{ ($.a = 1 }", "{ $.a = }"])
def test_malformed_patterns_are_errors(bad):
    with pytest.raises(PatternError):
        compile_pattern(bad)


# Regular expressions between % signs
# (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/regex-expressions.html).


@pytest.mark.parametrize(
    "pattern, expected",
    [
        ("{ $.eventName = %Delete.*Policy% }", True),
        ("{ $.eventName = %^Put% }", False),
        ("{ $.eventName != %^Put% }", True),
        ('{ $.eventName = %Bucket|Role% && $.errorCode = "AccessDenied" }', True),
        ("{ $.missing = %.*% }", False),
    ],
)
def test_regular_expressions_match_anywhere_in_the_value(pattern, expected):
    assert matches(pattern, {"eventName": "DeleteBucketPolicy", "errorCode": "AccessDenied"}) is expected


@pytest.mark.parametrize(
    "pattern",
    ["{ $.a = %(x)% }", "{ $.a = %a% || $.b = %b% || $.c = %c% }", "{ $.a > %1% }", "{ $.a = %[% }", "{ $.a = %é% }"],
)
def test_regular_expressions_cloudwatch_refuses_are_refused(pattern):
    with pytest.raises(PatternError):
        compile_pattern(pattern)
