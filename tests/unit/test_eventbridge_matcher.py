"""The test matcher follows EventBridge's documented pattern semantics."""

from tests.eventbridge_matcher import matches

EVENT = {
    "source": "aws.ec2",
    "detail-type": "EC2 Instance State-change Notification",
    "detail": {"state": "running", "instance-id": "i-1234567890abcdef0", "c-count": 5, "tags": ["prod", "web"], "d-count": 3.5},
}


def test_exact_values_are_or_within_a_field_and_and_across_fields():
    assert matches({"source": ["aws.ec2", "aws.s3"], "detail": {"state": ["running"]}}, EVENT)
    assert not matches({"source": ["aws.ec2"], "detail": {"state": ["stopped"]}}, EVENT)


def test_types_are_not_coerced():
    assert not matches({"detail": {"c-count": ["5"]}}, EVENT)
    assert matches({"detail": {"c-count": [5]}}, EVENT)


def test_list_fields_match_any_element():
    assert matches({"detail": {"tags": ["web"]}}, EVENT)


def test_missing_field_never_matches_a_value():
    assert not matches({"detail": {"nope": ["x"]}}, EVENT)
    assert not matches({"missing": {"inner": ["x"]}}, EVENT)


def test_content_filters():
    assert matches({"detail": {"instance-id": [{"prefix": "i-123"}]}}, EVENT)
    assert matches({"detail": {"instance-id": [{"suffix": "def0"}]}}, EVENT)
    assert matches({"detail": {"state": [{"equals-ignore-case": "RUNNING"}]}}, EVENT)
    assert matches({"detail": {"instance-id": [{"wildcard": "i-*def0"}]}}, EVENT)
    assert matches({"detail": {"state": [{"anything-but": ["stopped", "terminated"]}]}}, EVENT)
    assert not matches({"detail": {"state": [{"anything-but": "running"}]}}, EVENT)
    assert not matches({"detail": {"state": [{"anything-but": {"prefix": "run"}}]}}, EVENT)
    assert matches({"detail": {"c-count": [{"numeric": [">", 0, "<=", 5]}]}}, EVENT)
    assert not matches({"detail": {"d-count": [{"numeric": ["<", 3]}]}}, EVENT)


def test_exists():
    assert matches({"detail": {"state": [{"exists": True}]}}, EVENT)
    assert matches({"detail": {"nope": [{"exists": False}]}}, EVENT)
    assert not matches({"detail": {"state": [{"exists": False}]}}, EVENT)


def test_arrays_of_objects_are_flattened_as_in_the_security_hub_example():
    event = {"detail": {"findings": [{"Severity": {"Label": "LOW"}}, {"Severity": {"Label": "CRITICAL"}, "RecordState": "ACTIVE"}]}}
    assert matches({"detail": {"findings": {"Severity": {"Label": ["CRITICAL"]}}}}, event)
    assert not matches({"detail": {"findings": {"Severity": {"Label": ["HIGH"]}}}}, event)
    assert matches({"detail": {"findings": {"RecordState": [{"exists": True}]}}}, event)


def test_anything_but_does_not_match_a_missing_field():
    assert not matches({"detail": {"nope": [{"anything-but": "x"}]}}, EVENT)
