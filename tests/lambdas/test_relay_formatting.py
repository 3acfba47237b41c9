"""Every source the relay understands becomes a readable alert; rendering respects each
service's limits; PII redaction leaves AWS identifiers alone."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.lambdas.relay_harness import TOPIC, sample

from relay import render  # noqa: E402  (path set up by the harness import)
from relay.alerts import parse, severity_from_topic
from relay.redact import redact


def alert_of(event, severity="high", subject=""):
    return parse(json.dumps(event) if not isinstance(event, str) else event, subject, TOPIC.format(severity), "id-1")


def test_severity_comes_from_the_topic():
    assert severity_from_topic(TOPIC.format("critical")) == "critical"
    assert severity_from_topic("arn:aws:sns:eu-west-1:1:someone-elses-topic") == "high"


def test_metric_alarm():
    alert = alert_of(sample("relay/cloudwatch-alarm.json"), "critical")
    assert (alert.title, alert.severity, alert.source, alert.account, alert.region) == ("Alarm: dpp-prod-RootUsage", "critical", "CloudWatch alarm", "111122223333", "eu-west-1")
    assert alert.runbook.startswith("Confirm with the root credential's custodian")
    assert ("Metric", "DPP/prod/RootUsage SUM GreaterThanOrEqualToThreshold 1.0") in alert.facts


def test_metric_math_alarm_shows_its_expression():
    alert = alert_of(sample("relay/cloudwatch-alarm-metric-math.json"))
    assert any(k == "Metric math" and "HOUR(m1)" in v for k, v in alert.facts)


def test_composite_alarm_back_to_ok_is_a_resolution_with_the_alarms_severity():
    alert = alert_of(sample("relay/cloudwatch-alarm-composite-ok.json"), "critical")
    assert alert.title == "Resolved: dpp-prod-MonitoringHealth" and alert.severity == "critical" and alert.state == "OK"
    assert any(k == "Composite rule" for k, _ in alert.facts)


@pytest.mark.parametrize("score, band", [(9.5, "critical"), (8, "high"), (5, "medium"), (2, "low")])
def test_guardduty_bands_including_critical(score, band):
    finding = sample("detection/guardduty-finding-high.json")
    finding["detail"]["severity"] = score
    alert = alert_of(finding)
    assert alert.severity == band
    assert alert.title == "GuardDuty: Credentials for instance role OrdersWorkerRole used from external IP address."
    assert "AccessKey" in alert.resource and "OrdersWorkerRole" in alert.resource
    assert "guardduty/home?region=eu-west-1#/findings?fId=16afba5c5c43e07c9e3e5e2e544e95df" in alert.link


def test_security_hub_asff():
    alert = alert_of(sample("detection/securityhub-asff-high.json"))
    assert alert.title == "Security Hub: S3 general purpose buckets should require requests to use SSL"
    assert alert.severity == "high" and alert.resource == "AwsS3Bucket arn:aws:s3:::orders-exports"
    assert ("Control", "S3.5") in alert.facts and alert.runbook.startswith("For information on how to correct")


def test_security_hub_ocsf():
    alert = alert_of(sample("detection/securityhub-ocsf-high.json"))
    assert alert.title == "Security Hub: EC2 instance has a critical software vulnerability"
    assert alert.severity == "high" and alert.source == "Security Hub OCSF (Inspector)"


def test_config_change_via_eventbridge_and_via_config_sns():
    via_events = alert_of(sample("detection/config-compliance-change.json"))
    assert via_events.title == "Config: AWS::EC2::VPC is NON_COMPLIANT" and "vpc-0a1b2c3d4e5f60718" in via_events.resource
    via_sns = alert_of(sample("relay/config-sns-compliance-change.json"))
    assert via_sns.title == "Config: AWS::::Account is NON_COMPLIANT" and via_sns.source == "AWS Config"


def test_cloudtrail_insight():
    alert = alert_of(sample("detection/cloudtrail-insight.json"))
    assert alert.title == "CloudTrail Insights: unusual ApiCallRateInsight for GetObject"
    assert "412.7 per minute against a baseline of 2.1" in alert.what


def test_control_change_and_root_sign_in():
    change = alert_of(sample("detection/cloudtrail-api-call.json"), "critical")
    assert change.title == "StopLogging by AssumedRole"
    assert "cloudtrail.amazonaws.com StopLogging succeeded, called by arn:aws:sts::111122223333:assumed-role/PlatformAdmin/operator" in change.what
    root = alert_of(sample("detection/console-sign-in-root.json"), "critical")
    assert root.title == "Console sign-in by Root" and root.region == "us-east-1"


@pytest.mark.parametrize("message", ["plain text from a script", '{"unexpected": ["json"]}', "{not json", '{"source": "aws.guardduty", "detail-type": "GuardDuty Finding", "detail": "broken"}', ""])
def test_unknown_and_malformed_messages_become_generic_alerts(message):
    alert = parse(message, "Subject line", TOPIC.format("medium"), "id")
    assert alert.severity == "medium" and alert.title
    if message:
        assert message.strip("{}")[:10] in alert.what or alert.source != "Other"


# --- limits ---------------------------------------------------------------------------------------


def huge_alert():
    alert = alert_of(sample("relay/cloudwatch-alarm.json"), "critical")
    alert.what = "x" * 100_000
    return alert


def test_chime_is_truncated_visibly_to_4096():
    content = render.chime(huge_alert())["Content"]
    assert len(content) == 4096 and content.endswith("more characters in the console")


def test_teams_card_fits_28_kb():
    payload = render.teams(huge_alert())
    assert len(json.dumps(payload).encode()) <= render.TEAMS_CARD_LIMIT
    assert "more characters in the console" in json.dumps(payload)


def test_slack_sections_fit_and_keep_a_text_fallback():
    payload = render.slack(huge_alert())
    assert payload["text"] == "[CRITICAL] Alarm: dpp-prod-RootUsage"
    for block in payload["attachments"][0]["blocks"]:
        if block["type"] == "section" and "text" in block:
            assert len(block["text"]["text"]) <= render.SLACK_TEXT_LIMIT
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150


def test_digest_lists_most_severe_first_and_counts_the_rest():
    alerts = [alert_of(sample("relay/cloudwatch-alarm.json"), s) for s in ["low"] * 20 + ["critical"] * 10]
    digest = render.digest(alerts, max_lines=25)
    assert digest.severity == "critical" and digest.title == "30 alerts: 10 critical, 20 low"
    lines = digest.what.splitlines()
    assert lines[0].startswith("- [critical]") and lines[-1] == "- ... and 5 more"


# --- redaction ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("mail jordan.p@example.com now", "mail [email redacted] now"),
        ("from 203.0.113.77:443", "from [ip redacted]:443"),
        ("v6 2001:db8::8a2e:370:7334 seen", "v6 [ip redacted] seen"),
        ("call +44 20 7946 0000 or (202) 555-0143", "call [phone redacted] or [phone redacted]"),
        ("account 111122223333 role arn:aws:iam::111122223333:role/x at 2026-11-21T00:00:41Z", "account 111122223333 role arn:aws:iam::111122223333:role/x at 2026-11-21T00:00:41Z"),
        ("vpc-0a1b2c3d4e5f60718 i-0abcdef1234567890", "vpc-0a1b2c3d4e5f60718 i-0abcdef1234567890"),
        ("at 12:30:45 UTC", "at 12:30:45 UTC"),
        ("loopback ::1 and fe80::1ff:fe23:4567:890a", "loopback [ip redacted] and [ip redacted]"),
    ],
)
def test_redaction(text, expected):
    assert redact(text) == expected


def test_automated_response_report_says_what_to_what_and_how_to_undo():
    report = {
        "kind": "dpp-response",
        "dryRun": False,
        "title": "Automated response to UnauthorizedAccess:EC2/SSHBruteForce",
        "account": "111122223333",
        "region": "eu-west-1",
        "finding": {"id": "0f1e", "type": "UnauthorizedAccess:EC2/SSHBruteForce", "title": "t", "severity": 8.0},
        "outcomes": [
            {
                "action": "blockHostileIps",
                "target": "address 93.184.216.34",
                "status": "done",
                "what": "Blocked 93.184.216.34 in WAF IP set dpp-prod-hostile-ips for 24 hours.",
                "undo": 'aws lambda invoke --function-name dpp-prod-responder --payload \'{"undo": "x"}\' undo.json',
                "recordId": "x",
                "facts": [],
            },
            {
                "action": "isolateInstances",
                "target": "instance i-0abc",
                "status": "excluded",
                "what": "Instance i-0abc carries the tag dpp:protected and is never touched.",
                "undo": "",
                "recordId": "",
                "facts": [["Volumes", "1"]],
            },
        ],
    }
    alert = alert_of(report, "high")
    assert (alert.source, alert.title, alert.severity) == ("Automated response", report["title"], "high")
    assert "[done] Blocked 93.184.216.34" in alert.what and "Undo: aws lambda invoke" in alert.what and "[excluded]" in alert.what
    assert alert.resource == "address 93.184.216.34, instance i-0abc"
    assert ("Finding", "UnauthorizedAccess:EC2/SSHBruteForce (severity 8.0)") in alert.facts and ("Volumes", "1") in alert.facts
    dry = alert_of({**report, "dryRun": True}, "high")
    assert dry.title.startswith("[DRY RUN]") and "nothing was changed" in dry.runbook


# --- redaction: the spellings that leaked (issue 16.1) and generated spellings ---------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Login from 198.51.100.23.", "Login from [ip redacted]."),
        ("mapped ::ffff:198.51.100.23 and ::FFFF:c633:6417.", "mapped [ip redacted] and [ip redacted]."),
        ("call +49 30 901820 today", "call [phone redacted] today"),
        ("by arn:aws:iam::111122223333:user/staff/jordan.smith today", "by arn:aws:iam::111122223333:user/staff/[name redacted] today"),
        ("version 1.2.3.4.5 stays", "version 1.2.3.4.5 stays"),
    ],
)
def test_redaction_of_the_spellings_that_leaked(text, expected):
    assert redact(text) == expected


def test_names_and_postal_addresses_in_identity_fields_are_redacted():
    event = sample("detection/cloudtrail-api-call.json")
    event["detail"]["eventSource"], event["detail"]["eventName"] = "identitystore.amazonaws.com", "CreateUser"
    event["detail"]["userIdentity"]["arn"] = "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Admin_0a1b/Jordan Smith"
    event["detail"]["userIdentity"]["principalId"] = "AROAEXAMPLEID:Jordan Smith"
    event["detail"]["requestParameters"] = {
        "userName": "mrivera",
        "displayName": "Maria Rivera",
        "name": {"givenName": "Maria", "familyName": "Rivera"},
        "addresses": [{"streetAddress": "12 Quay Street", "locality": "Dublin", "postalCode": "D02 X285", "country": "IE"}],
    }
    alert = render.prepare(alert_of(event, "critical"), True)
    text = json.dumps([render.slack(alert), render.teams(alert), render.chime(alert)])
    for personal in ("Jordan Smith", "mrivera", "Maria", "Rivera", "12 Quay Street", "Dublin", "D02 X285"):
        assert personal not in text
    assert "[name redacted]" in text and "AWSReservedSSO_Admin_0a1b" in text and "111122223333" in text  # the role and account stay


def test_a_role_name_is_not_a_person():
    alert = render.prepare(alert_of(sample("detection/guardduty-finding-high.json")), True)
    assert "OrdersWorkerRole" in alert.resource and "OrdersWorkerRole" in json.dumps(render.slack(alert))


_words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)
_after = st.sampled_from(["", ".", ",", ";", ")", "!", "\n", ". Next"])
_ipv4 = st.ip_addresses(v=4).map(str)
_ipv6 = st.one_of(
    st.ip_addresses(v=6).flatmap(lambda a: st.sampled_from([a.compressed, a.exploded, a.compressed.upper()])),
    _ipv4.flatmap(lambda v4: st.sampled_from([f"::ffff:{v4}", f"::FFFF:{v4}", f"0:0:0:0:0:ffff:{v4}"])),
)
_email = st.builds(
    lambda local, labels, tld: f"{local}@{'.'.join(labels)}.{tld}",
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-", min_size=1, max_size=12).filter(lambda s: s[0] not in ".-"),
    st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=10), min_size=1, max_size=3),
    st.sampled_from(["com", "de", "co", "example", "IE"]),
)
_phone = st.builds(
    lambda country, groups, sep: "+" + country + sep + sep.join(groups),
    st.integers(1, 999).map(str),
    st.lists(st.integers(10, 99999).map(str), min_size=2, max_size=4),
    st.sampled_from([" ", "-", ".", ""]),
).filter(lambda p: 8 <= sum(c.isdigit() for c in p) <= 15)
_nanp = st.builds(
    lambda a, b, c, form: form.format(a, b, c),
    st.integers(200, 999),
    st.integers(200, 999),
    st.integers(0, 9999).map(lambda n: f"{n:04d}"),
    st.sampled_from(["({}) {}-{}", "{}-{}-{}", "{}.{}.{}", "{} {} {}", "({}){}-{}"]),
)
_spellings = st.one_of(
    _ipv4.map(lambda v: (v, "[ip redacted]")),
    _ipv4.flatmap(lambda v: st.integers(1, 65535).map(lambda port: (f"{v}:{port}", f"[ip redacted]:{port}"))),
    _ipv6.map(lambda v: (v, "[ip redacted]")),
    _ipv6.map(lambda v: (f"[{v}]:443", "[[ip redacted]]:443")),
    _email.map(lambda v: (v, "[email redacted]")),
    _phone.map(lambda v: (v, "[phone redacted]")),
    _nanp.map(lambda v: (v, "[phone redacted]")),
)


@settings(max_examples=400, deadline=None)
@given(before=_words, spelling=_spellings, after=_after)
def test_every_generated_spelling_is_redacted_in_place(before, spelling, after):
    value, placeholder = spelling
    assert redact(f"{before} {value}{after}") == f"{before} {placeholder}{after}"


_aws_text = st.one_of(
    st.integers(10**11, 10**12 - 1).map(lambda n: f"account {n}"),
    st.integers(10**11, 10**12 - 1).map(lambda n: f"arn:aws:iam::{n}:role/Admin"),
    st.text(alphabet="0123456789abcdef", min_size=17, max_size=17).map(lambda h: f"i-{h} vpc-{h[:8]}"),
    st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ")),
    st.tuples(st.integers(0, 99), st.integers(0, 99), st.integers(0, 99)).map(lambda t: "v{}.{}.{}".format(*t)),
)


@settings(max_examples=200, deadline=None)
@given(text=_aws_text)
def test_aws_identifiers_and_times_stay(text):
    assert redact(text) == text


# --- markup from events is escaped for each target (issue 16.2) -----------------------------------

HOSTILE = "<!here> <!channel> <https://evil.example|here> & [click](https://evil.example) **now** @All @present"


def hostile_finding():
    finding = sample("detection/securityhub-asff-high.json")
    finding["detail"]["findings"][0]["Title"] = HOSTILE
    finding["detail"]["findings"][0]["Description"] = HOSTILE
    return render.prepare(alert_of(finding), True)


def slack_texts(payload):
    """Every mrkdwn text Slack parses: the top-level text and mrkdwn text objects."""
    texts = [payload["text"]]
    for block in payload["attachments"][0]["blocks"]:
        for text in [block.get("text") or {}, *(block.get("fields") or []), *(block.get("elements") or [])]:
            if isinstance(text, dict) and text.get("type") == "mrkdwn":
                texts.append(text["text"])
    return texts


def test_slack_gets_no_mention_or_link_from_an_event():
    """Slack parses &, < and > as control characters; they are sent as &amp;, &lt; and &gt;
    (https://api.slack.com/reference/surfaces/formatting#escaping)."""
    texts = slack_texts(render.slack(hostile_finding()))
    for text in texts:
        assert "<!" not in text and "<https" not in text and " & " not in text
    joined = "\n".join(texts)
    assert "&lt;!here&gt; &lt;!channel&gt; &lt;https://evil.example|here&gt; &amp;" in joined
    assert "*What happened:*" in joined  # the relay's own markup still works


def test_teams_gets_no_markdown_link_from_an_event():
    """Adaptive Card TextBlocks and FactSet values render a CommonMark subset, links included
    (https://learn.microsoft.com/microsoftteams/platform/concepts/cards/cards-format,
    https://learn.microsoft.com/adaptive-cards/create/textfeatures): markdown characters from
    an event are backslash-escaped."""
    card = render.teams(hostile_finding())["attachments"][0]["content"]
    texts = [b["text"] for b in card["body"] if b["type"] == "TextBlock"] + [f["value"] for b in card["body"] if b["type"] == "FactSet" for f in b["facts"]]
    joined = "\n".join(texts)
    assert "[click](https://evil.example)" not in joined and "**now**" not in joined
    assert r"\[click\](https://evil.example)" in joined and r"\*\*now\*\*" in joined
    assert "**First steps:**" in joined  # the relay's own markup still works


def test_chime_gets_no_annotation_or_markdown_link_from_an_event():
    """Chime webhook messages render markdown and @All / @Present annotations
    (https://docs.aws.amazon.com/chime/latest/dg/webhooks.html)."""
    content = render.chime(hostile_finding())["Content"]
    assert "@All" not in content and "@present" not in content.lower()
    assert "[click](https://evil.example)" not in content and r"\[click\]" in content


def test_a_console_link_cannot_be_pointed_elsewhere_by_an_event():
    finding = sample("detection/guardduty-finding-high.json")
    finding["detail"]["region"] = "evil.example/#"
    finding["detail"]["id"] = "x) [here](https://evil.example"
    link = alert_of(finding).link
    assert link.startswith("https://us-east-1.console.aws.amazon.com/guardduty/") and " " not in link and "(" not in link and "[" not in link
