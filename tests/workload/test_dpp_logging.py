"""The application logging helper (dpp_logging): the JSON it writes, read back line by line."""

from __future__ import annotations

import io
import json
import uuid

import pytest

from dpp_logging import (
    REDACTED,
    bind_correlation_id,
    correlation_id,
    get_logger,
    redact,
    security_event,
    sp_api_call,
)

# Event shapes: REST proxy and WebSocket events carry requestContext.requestId
# (https://docs.aws.amazon.com/lambda/latest/dg/services-apigateway.html), HTTP API payload 2.0
# too (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html);
# ALB events carry the X-Amzn-Trace-Id header (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html).
REST_EVENT = {
    "resource": "/orders/{id}",
    "httpMethod": "GET",
    "headers": {"X-Amzn-Trace-Id": "Root=1-5e1b4151-5ac6c58f5bc7a1e2b3c4d5e6"},
    "requestContext": {"requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef", "identity": {"sourceIp": "203.0.113.7"}},
}
HTTP_EVENT = {"version": "2.0", "routeKey": "GET /orders", "requestContext": {"requestId": "JKJaXmPLvHcESHA=", "http": {"method": "GET", "sourceIp": "203.0.113.8"}}}
WEBSOCKET_EVENT = {"requestContext": {"routeKey": "$connect", "eventType": "CONNECT", "connectionId": "L0SM9cOFvHcCIhw=", "requestId": "L0SM9F5xvHcF7Kg="}}
ALB_EVENT = {
    "requestContext": {"elb": {"targetGroupArn": "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/t/1"}},
    "httpMethod": "GET",
    "path": "/admin",
    "headers": {"x-amzn-trace-id": "Root=1-58337364-23a8c76965a2ef7629b185e3"},
}
ALB_MULTI_VALUE_EVENT = {"requestContext": {"elb": {}}, "multiValueHeaders": {"x-amzn-trace-id": ["Root=1-58337364-aaaaaaaaaaaaaaaaaaaaaaaa"]}}


def logger_and_lines(**kwargs):
    stream = io.StringIO()
    logger = get_logger(f"test-{uuid.uuid4().hex[:8]}", stream=stream, **kwargs)
    return logger, lambda: [json.loads(line) for line in stream.getvalue().splitlines()]


@pytest.mark.parametrize(
    "event, expected",
    [
        (REST_EVENT, "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"),  # the request ID wins over the trace header
        (HTTP_EVENT, "JKJaXmPLvHcESHA="),
        (WEBSOCKET_EVENT, "L0SM9F5xvHcF7Kg="),
        (ALB_EVENT, "Root=1-58337364-23a8c76965a2ef7629b185e3"),
        (ALB_MULTI_VALUE_EVENT, "Root=1-58337364-aaaaaaaaaaaaaaaaaaaaaaaa"),
        ({"Records": []}, None),
        ("not an event", None),
    ],
)
def test_correlation_ids_come_from_the_request(event, expected):
    assert correlation_id(event) == expected


def test_a_security_event_carries_every_dpp_log_2_field_and_the_correlation_id():
    logger, lines = logger_and_lines()
    bind_correlation_id(logger, REST_EVENT)
    security_event(
        logger, who="seller:A2EUQ1WTGCTBG2", what="orders:read", outcome="denied", resource="order/902-3159896-1390916", source="203.0.113.7", where="orders-api@eu-west-1", rule="seller-owns-order"
    )
    (record,) = lines()
    assert record["level"] == "WARNING"
    assert {k: record[k] for k in ("event_type", "who", "what", "where", "source", "outcome", "resource", "rule", "correlation_id")} == {
        "event_type": "security_event",
        "who": "seller:A2EUQ1WTGCTBG2",
        "what": "orders:read",
        "where": "orders-api@eu-west-1",
        "source": "203.0.113.7",  # DPP-LOG-2's source: an IP is kept, not mistaken for a phone number
        "outcome": "denied",
        "resource": "order/902-3159896-1390916",  # an Amazon order ID is not a phone number either
        "rule": "seller-owns-order",
        "correlation_id": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
    }
    assert record["timestamp"]  # when


def test_a_security_event_defaults_where_to_the_function_and_refuses_unknown_outcomes(monkeypatch):
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "orders-api")
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    logger, lines = logger_and_lines()
    security_event(logger, who="u-1", what="admin:login", outcome="success")
    assert lines()[0]["where"] == "orders-api@eu-west-1" and lines()[0]["level"] == "INFO"
    with pytest.raises(ValueError, match="outcome must be one of"):
        security_event(logger, who="u-1", what="admin:login", outcome="ok")
    with pytest.raises(ValueError, match="needs who"):
        security_event(logger, who="", what="admin:login", outcome="success")


ORDER = {
    "AmazonOrderId": "902-3159896-1390916",
    "MarketplaceId": "A1PA6795UKMFR9",
    "PurchaseDate": "2026-11-30T10:15:00Z",
    "BuyerInfo": {"BuyerEmail": "abc123@marketplace.amazon.de", "BuyerName": "Erika Mustermann"},
    "ShippingAddress": {"Name": "Erika Mustermann", "AddressLine1": "Heidestrasse 17", "City": "Koeln", "PostalCode": "51147", "CountryCode": "DE", "Phone": "+49 221 1234567"},
    "OrderItems": [{"ASIN": "B00EXAMPLE", "GiftMessageText": "Alles Gute, Max!", "Quantity": 1}],
}


def test_personal_data_is_redacted_in_nested_dicts_and_lists():
    logger, lines = logger_and_lines()
    logger.info("order received", extra={"order": ORDER, "batch": [ORDER, {"contact_phone": "555-010-4477"}]})
    (record,) = lines()
    for order in (record["order"], record["batch"][0]):
        assert order["BuyerInfo"] == REDACTED and order["ShippingAddress"] == REDACTED
        assert order["OrderItems"][0]["GiftMessageText"] == REDACTED
        assert order["AmazonOrderId"] == "902-3159896-1390916" and order["MarketplaceId"] == "A1PA6795UKMFR9"
        assert order["PurchaseDate"] == "2026-11-30T10:15:00Z"
    assert record["batch"][1]["contact_phone"] == REDACTED
    text = json.dumps(record)
    for personal in ("Erika", "Mustermann", "Heidestrasse", "abc123@", "1234567", "Alles Gute", "010-4477"):
        assert personal not in text


def test_values_are_redacted_whatever_their_key_and_in_the_message_and_exception():
    logger, lines = logger_and_lines()
    logger.info("reply to erika@example.com", extra={"note": "call (555) 010-4477 or +44 20 7946 0958", "trace": "Root=1-58337364-23a8c76965a2ef7629b185e3"})
    try:
        raise RuntimeError("no such buyer: erika@example.com")
    except RuntimeError:
        logger.exception("lookup failed")
    first, second = lines()
    assert first["message"] == "reply to [REDACTED:email]"
    assert first["note"] == "call [REDACTED:phone] or [REDACTED:phone]"
    assert first["trace"] == "Root=1-58337364-23a8c76965a2ef7629b185e3"
    assert "erika@example.com" not in json.dumps(second) and "[REDACTED:email]" in second["exception"]


@pytest.mark.parametrize(
    "text",
    ["203.0.113.7", "2001:db8::1", "2026-12-01T17:30:00Z", "c6af9ac6-7b61-11e6-9a41-93e8deadbeef", "902-3159896-1390916", "A1PA6795UKMFR9", "latency 1234 ms", "v1.2.3"],
)
def test_identifiers_the_log_needs_are_not_mistaken_for_personal_data(text):
    assert redact({"value": text}) == {"value": text}


def test_one_record_per_sp_api_call_without_the_payload():
    logger, lines = logger_and_lines()
    bind_correlation_id(logger, HTTP_EVENT)
    with sp_api_call(logger, "getOrder", "A1PA6795UKMFR9") as call:
        body = {"payload": ORDER}  # what the application received; never handed to the recorder
        call.response(200, {"x-amzn-RequestId": "b0b1c2d3-aaaa-bbbb-cccc-0123456789ab", "x-amzn-RateLimit-Limit": "0.0167", "Content-Type": "application/json"})
    (record,) = lines()
    assert set(record) - {"level", "location", "message", "timestamp", "service"} == {
        "event_type",
        "operation",
        "marketplace",
        "status",
        "request_id",
        "latency_ms",
        "outcome",
        "correlation_id",
        "rate_limit",
    }
    assert (record["operation"], record["marketplace"], record["status"], record["outcome"]) == ("getOrder", "A1PA6795UKMFR9", 200, "success")
    assert record["request_id"] == "b0b1c2d3-aaaa-bbbb-cccc-0123456789ab" and record["correlation_id"] == "JKJaXmPLvHcESHA="
    assert record["latency_ms"] >= 0 and "Erika" not in json.dumps(record) and body


def test_a_throttled_or_failed_call_is_recorded_as_a_failure():
    logger, lines = logger_and_lines()
    with sp_api_call(logger, "getOrders", "ATVPDKIKX0DER") as call:
        call.response(429, {"X-Amzn-RequestId": "r-429"})
    with pytest.raises(ConnectionError):
        with sp_api_call(logger, "getOrders", "ATVPDKIKX0DER"):
            raise ConnectionError("reset while sending buyer erika@example.com")
    throttled, failed = lines()
    assert (throttled["level"], throttled["status"], throttled["outcome"], throttled["request_id"]) == ("WARNING", 429, "failure", "r-429")
    assert (failed["outcome"], failed["error_type"], failed.get("status")) == ("failure", "ConnectionError", None)
    assert "erika" not in json.dumps(failed)  # the exception's message is not written


def test_debug_is_refused(monkeypatch):
    with pytest.raises(ValueError, match="DPP-PII-2"):
        get_logger("dbg-explicit", level="DEBUG")
    monkeypatch.setenv("POWERTOOLS_LOG_LEVEL", "DEBUG")
    with pytest.raises(ValueError, match="refuses DEBUG"):
        get_logger("dbg-env")
