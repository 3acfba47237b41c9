"""The CloudFront logging rule's function against moto's CloudFront and CloudWatch Logs
delivery APIs: standard logging v2 into the workload log bucket's ``cloudfront`` prefix (or a
log group, with the account-wide export) is COMPLIANT; logging anywhere the archive does not
reach, or none, is NON_COMPLIANT, with an annotation naming the fix.

The events are shaped as AWS Config documents them for change-triggered, oversized and periodic
invocations (https://docs.aws.amazon.com/config/latest/developerguide/evaluate-config_develop-rules_example-events.html).
PutEvaluations is validated against botocore's Config model (at most 100 evaluations, annotations
of 1 to 256 characters) before a hook records it, since moto evaluates it only in test mode."""

from __future__ import annotations

import copy
import json
import logging
from pathlib import Path
from types import SimpleNamespace

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from moto import mock_aws

from tests.lambdas.handlers import load_handler

ROOT = Path(__file__).resolve().parents[2]
EVENTS = ROOT / "tests" / "events" / "config"
ACCOUNT = "123456789012"  # moto's own account
WORKLOAD_BUCKET = f"aws-waf-logs-dpp-prod-workload-{ACCOUNT}-eu-west-1"
# As the collection stack gives them (tests/synth/test_workload_channels.py checks the synthesized rule says the same).
CONTEXT = SimpleNamespace(invoked_function_arn=f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:dpp-prod-cloudfront-logging-check")
MEMBER = "111111111111"
MEMBER_ROLE = "dpp-prod-cloudfront-logging-evaluator"
STRICT = {"acceptedS3Destination": "aws-waf-logs-dpp-prod-workload-{account}-{region}/cloudfront", "acceptedRegions": "eu-west-1,us-east-1", "acceptLogGroups": "true"}


handler = load_handler("cloudfront_logging_rule")


def event(name: str, parameters: dict | None = None, **changes) -> dict:
    found = json.loads((EVENTS / name).read_text())
    found["ruleParameters"] = json.dumps(STRICT if parameters is None else parameters)
    if "item" in changes:
        invoking = json.loads(found["invokingEvent"])
        item = invoking.get("configurationItem") or invoking["configurationItemSummary"]
        item.update(changes.pop("item"))
        found["invokingEvent"] = json.dumps(invoking)
    found.update(changes)
    return found


class Recorder:
    """PutEvaluations as Config receives it: botocore has validated the request by 'before-call'."""

    def __init__(self, client, failed: list | None = None) -> None:
        self.calls: list[dict] = []
        self.failed = failed or []
        self.attach(client)

    def attach(self, client) -> None:
        client.meta.events.register("before-call.config.PutEvaluations", self.answer)

    def answer(self, params, **_):
        self.calls.append(json.loads(params["body"]))
        return AWSResponse(params["url"], 200, {}, CONTEXT), {"FailedEvaluations": self.failed, "ResponseMetadata": {"HTTPStatusCode": 200}}

    @property
    def evaluations(self) -> dict[str, tuple[str, str]]:
        return {e["ComplianceResourceId"]: (e["ComplianceType"], e.get("Annotation", "")) for body in self.calls for e in body["Evaluations"]}


@pytest.fixture
def aws(monkeypatch):
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(key, value)
    with mock_aws():
        clients = {name: boto3.client(name, region_name="us-east-1") for name in ("cloudfront", "logs", "config", "sts", "cloudwatch")}
        # The Config client speaks AWS's JSON protocol; the recorder reads the serialized body.
        recorder = Recorder(clients["config"])
        monkeypatch.setattr(handler.boto3, "client", lambda name, *_a, **_k: clients[name])
        yield {**clients, "recorder": recorder}


def distribution(aws, reference: str, *, legacy_bucket: str | None = None) -> str:
    config = {
        "CallerReference": reference,
        "Comment": "",
        "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [{"Id": "origin", "DomainName": "origin.example.com", "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "https-only"}}]},
        "DefaultCacheBehavior": {"TargetOriginId": "origin", "ViewerProtocolPolicy": "redirect-to-https", "MinTTL": 0},
    }
    if legacy_bucket:
        config["Logging"] = {"Enabled": True, "IncludeCookies": False, "Bucket": f"{legacy_bucket}.s3.amazonaws.com", "Prefix": "cf/"}
    return aws["cloudfront"].create_distribution(DistributionConfig=config)["Distribution"]["Id"]


def deliver(aws, distribution_id: str, destination_arn: str, name: str | None = None, account: str = ACCOUNT) -> None:
    """Standard logging v2: a delivery source for the distribution, a destination, a delivery
    (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logging.html)."""
    name = name or f"cf-{distribution_id}"
    logs = aws["logs"]
    logs.put_delivery_source(name=name, resourceArn=f"arn:aws:cloudfront::{account}:distribution/{distribution_id}", logType="ACCESS_LOGS")
    destination = logs.put_delivery_destination(name=f"{name}-to", deliveryDestinationConfiguration={"destinationResourceArn": destination_arn})["deliveryDestination"]
    logs.create_delivery(deliverySourceName=name, deliveryDestinationArn=destination["arn"])


def test_v2_into_the_workload_buckets_cloudfront_prefix_is_compliant_and_elsewhere_is_not(aws):
    kept = distribution(aws, "kept")
    deliver(aws, kept, f"arn:aws:s3:::{WORKLOAD_BUCKET}/cloudfront")
    # Near misses: the right bucket outside the prefix the forwarder copies, another bucket.
    root = distribution(aws, "root")
    deliver(aws, root, f"arn:aws:s3:::{WORKLOAD_BUCKET}")
    lookalike = distribution(aws, "lookalike")
    deliver(aws, lookalike, f"arn:aws:s3:::{WORKLOAD_BUCKET}/cloudfront-old")
    other = distribution(aws, "other")
    deliver(aws, other, "arn:aws:s3:::team-cdn-logs/cloudfront")
    assert handler.handler(event("rule-scheduled.json"), CONTEXT)["evaluated"] == 4
    sent = aws["recorder"].evaluations
    assert sent[kept] == ("COMPLIANT", f"Standard logging v2 into arn:aws:s3:::{WORKLOAD_BUCKET}/cloudfront")
    for missed in (root, lookalike, other):
        compliance, annotation = sent[missed]
        assert compliance == "NON_COMPLIANT"
        assert "does not reach the DPP archive" in annotation and f"into arn:aws:s3:::{WORKLOAD_BUCKET}/cloudfront" in annotation


def test_a_log_group_counts_only_while_the_account_wide_export_archives_it(aws):
    grouped = distribution(aws, "grouped")
    deliver(aws, grouped, f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/cdn/access")
    handler.handler(event("rule-scheduled.json"), CONTEXT)
    assert aws["recorder"].evaluations[grouped][0] == "COMPLIANT"
    handler.handler(event("rule-scheduled.json", {**STRICT, "acceptLogGroups": "false"}), CONTEXT)
    assert aws["recorder"].evaluations[grouped][0] == "NON_COMPLIANT"


def test_firehose_and_legacy_logging_into_an_unknown_bucket_are_non_compliant_when_the_baseline_has_a_destination(aws):
    streamed = distribution(aws, "streamed")
    deliver(aws, streamed, f"arn:aws:firehose:us-east-1:{ACCOUNT}:deliverystream/cdn")
    legacy = distribution(aws, "legacy", legacy_bucket="team-cdn-logs")
    silent = distribution(aws, "silent")
    handler.handler(event("rule-scheduled.json"), CONTEXT)
    sent = aws["recorder"].evaluations
    assert sent[streamed][0] == "NON_COMPLIANT"
    assert sent[legacy] == (
        "NON_COMPLIANT",
        f"Logs go only to s3://team-cdn-logs (legacy), which does not reach the DPP archive: add a v2 delivery (ACCESS_LOGS) into arn:aws:s3:::{WORKLOAD_BUCKET}/cloudfront",
    )
    assert sent[silent] == ("NON_COMPLIANT", f"No standard logging: add a v2 delivery (ACCESS_LOGS) into arn:aws:s3:::{WORKLOAD_BUCKET}/cloudfront")


def test_without_a_baseline_destination_any_standard_logging_counts_as_the_managed_rule_does(aws):
    legacy = distribution(aws, "legacy", legacy_bucket="team-cdn-logs")
    streamed = distribution(aws, "streamed")
    deliver(aws, streamed, f"arn:aws:firehose:us-east-1:{ACCOUNT}:deliverystream/cdn")
    silent = distribution(aws, "silent")
    handler.handler(event("rule-scheduled.json", {"acceptLogGroups": "true"}), CONTEXT)
    sent = aws["recorder"].evaluations
    assert sent[legacy] == ("COMPLIANT", "Standard logging (legacy) into s3://team-cdn-logs/cf/")
    assert sent[streamed][0] == "COMPLIANT"
    assert sent[silent] == ("NON_COMPLIANT", "No standard logging: turn on standard logging")


def test_a_change_evaluates_only_that_distribution_at_its_capture_time(aws):
    changed = distribution(aws, "changed")
    deliver(aws, changed, f"arn:aws:s3:::{WORKLOAD_BUCKET}/cloudfront")
    distribution(aws, "untouched")
    for name in ("rule-cloudfront-change.json", "rule-cloudfront-oversized.json"):
        aws["recorder"].calls.clear()
        assert handler.handler(event(name, item={"resourceId": changed}), CONTEXT)["evaluated"] == 1
        assert aws["recorder"].evaluations == {changed: ("COMPLIANT", f"Standard logging v2 into arn:aws:s3:::{WORKLOAD_BUCKET}/cloudfront")}
        body = aws["recorder"].calls[0]
        assert body["ResultToken"] == "myResultToken"
        assert body["Evaluations"][0]["ComplianceResourceType"] == "AWS::CloudFront::Distribution"
        assert body["Evaluations"][0]["OrderingTimestamp"] == handler.datetime.fromisoformat("2026-11-30T09:12:44.128+00:00").timestamp()


@pytest.mark.parametrize("change", [{"item": {"configurationItemStatus": "ResourceDeleted"}}, {"item": {"configurationItemStatus": "ResourceDeletedNotRecorded"}}, {"eventLeftScope": True}])
def test_a_deleted_distribution_or_one_out_of_scope_is_not_applicable_without_calling_cloudfront(aws, change):
    gone = "E2QWRUHAPOMQZL"  # not in moto: a call would fail
    handler.handler(event("rule-cloudfront-change.json", **copy.deepcopy(change)), CONTEXT)
    assert aws["recorder"].evaluations[gone][0] == "NOT_APPLICABLE"


def test_another_resource_type_is_ignored_and_an_unknown_message_fails(aws):
    assert handler.handler(event("rule-cloudfront-change.json", item={"resourceType": "AWS::S3::Bucket"}), CONTEXT) == {"evaluated": 0}
    assert aws["recorder"].calls == []
    unknown = event("rule-scheduled.json")
    unknown["invokingEvent"] = json.dumps({"messageType": "ConfigurationSnapshotDeliveryCompleted"})
    with pytest.raises(ValueError):
        handler.handler(unknown, CONTEXT)


def test_evaluations_go_in_batches_of_at_most_100_and_refusals_fail_the_invocation(aws):
    evaluations = [handler.Evaluation(f"E{n:013d}", "COMPLIANT", "x" * 400).as_config(handler.datetime.now(handler.timezone.utc)) for n in range(250)]
    handler.put_evaluations(aws["config"], evaluations, "token")
    assert [len(c["Evaluations"]) for c in aws["recorder"].calls] == [100, 100, 50]
    assert {len(e["Annotation"]) for c in aws["recorder"].calls for e in c["Evaluations"]} == {256}
    refusing = boto3.session.Session().client("config", region_name="us-east-1")  # boto3.client is the fixture's
    Recorder(refusing, failed=[{"ComplianceResourceType": "AWS::CloudFront::Distribution", "ComplianceResourceId": "E1", "ComplianceType": "COMPLIANT", "OrderingTimestamp": 0}])
    with pytest.raises(RuntimeError, match="refused 1"):
        handler.put_evaluations(refusing, evaluations[:1], "token")


def member_clients(aws) -> dict:
    """Clients acting in the member account, as the StackSet's role there would (moto keeps each
    account's resources apart by the credentials' account)."""
    credentials = aws["sts"].assume_role(RoleArn=f"arn:aws:iam::{MEMBER}:role/setup", RoleSessionName="setup")["Credentials"]
    session = boto3.session.Session(aws_access_key_id=credentials["AccessKeyId"], aws_secret_access_key=credentials["SecretAccessKey"], aws_session_token=credentials["SessionToken"])
    return {name: session.client(name, region_name="us-east-1") for name in ("cloudfront", "logs")}


def test_an_organization_members_event_is_evaluated_and_reported_in_the_member_account_through_its_role(aws, monkeypatch):
    monkeypatch.setenv("MEMBER_ROLE_NAME", MEMBER_ROLE)
    assumed: list[str] = []
    aws["sts"].meta.events.register("before-parameter-build.sts.AssumeRole", lambda params, **_: assumed.append(params["RoleArn"]))
    real = boto3.session.Session

    class Recording(real):  # the member's Config client reports through the recorder too
        def client(self, name, *args, **kwargs):
            made = super().client(name, *args, **{"region_name": "us-east-1", **kwargs})
            if name == "config":
                aws["recorder"].attach(made)
            return made

    member = member_clients(aws)
    assumed.clear()
    kept = distribution(member, "member-kept")
    deliver(member, kept, f"arn:aws:s3:::aws-waf-logs-dpp-prod-workload-{MEMBER}-eu-west-1/cloudfront", account=MEMBER)
    # The member may not use another account's bucket: the pattern is filled with its own ID.
    borrowed = distribution(member, "member-borrowed")
    deliver(member, borrowed, f"arn:aws:s3:::{WORKLOAD_BUCKET}/cloudfront", account=MEMBER)
    own = distribution(aws, "own")  # the security account's own: not the member's to report
    monkeypatch.setattr(handler.boto3.session, "Session", Recording)
    handler.handler(event("rule-scheduled.json", accountId=MEMBER), CONTEXT)
    assert assumed == [f"arn:aws:iam::{MEMBER}:role/{MEMBER_ROLE}"]
    sent = aws["recorder"].evaluations
    assert sent[kept][0] == "COMPLIANT" and sent[borrowed][0] == "NON_COMPLIANT" and own not in sent


def test_an_account_without_the_evaluator_role_is_logged_not_evaluated_and_raises_no_alarm(aws, monkeypatch, caplog):
    """Organization rules reach every account, the member StackSet only the member OUs; and an
    outsider must not be able to fail the function (CloudFrontLoggingCheckErrors) at will."""
    monkeypatch.setenv("MEMBER_ROLE_NAME", MEMBER_ROLE)
    monkeypatch.setenv("METRIC_NAMESPACE", "DPP/CloudFrontLoggingCheck")

    def refuse(params, **_):
        return AWSResponse(params["url"], 403, {}, None), {"Error": {"Code": "AccessDenied", "Message": "not authorized to perform sts:AssumeRole"}, "ResponseMetadata": {"HTTPStatusCode": 403}}

    aws["sts"].meta.events.register("before-call.sts.AssumeRole", refuse)
    with caplog.at_level(logging.WARNING):
        assert handler.handler(event("rule-scheduled.json", accountId=MEMBER), CONTEXT) == {"evaluated": 0, "uncovered": MEMBER}
    assert aws["recorder"].calls == []
    [record] = [json.loads(r.getMessage()) for r in caplog.records if r.levelno == logging.WARNING]
    assert record["account"] == MEMBER and "AccessDenied" in record["reason"] and "member StackSet" in record["reason"]
    # Counted for the low alarm CloudFrontLoggingAccountsNotEvaluated.
    metrics = aws["cloudwatch"].list_metrics(Namespace="DPP/CloudFrontLoggingCheck")["Metrics"]
    assert [m["MetricName"] for m in metrics] == ["AccountsNotEvaluated"]


def test_any_other_sts_error_fails_the_invocation(aws, monkeypatch):
    """Throttling, a disabled region: a fault of the check, for CloudFrontLoggingCheckErrors."""
    monkeypatch.setenv("MEMBER_ROLE_NAME", MEMBER_ROLE)

    def throttle(params, **_):
        return AWSResponse(params["url"], 400, {}, None), {"Error": {"Code": "Throttling", "Message": "Rate exceeded"}, "ResponseMetadata": {"HTTPStatusCode": 400}}

    aws["sts"].meta.events.register("before-call.sts.AssumeRole", throttle)
    with pytest.raises(handler.ClientError):
        handler.handler(event("rule-scheduled.json", accountId=MEMBER), CONTEXT)


def test_a_distribution_deleted_during_a_periodic_run_is_not_applicable(aws):
    kept = distribution(aws, "kept")
    deliver(aws, kept, f"arn:aws:s3:::{WORKLOAD_BUCKET}/cloudfront")
    gone = distribution(aws, "gone")

    def deleted(params, **_):
        if gone in params["url_path"]:
            return AWSResponse(params["url"], 404, {}, None), {
                "Error": {"Code": "NoSuchDistribution", "Message": "The specified distribution does not exist."},
                "ResponseMetadata": {"HTTPStatusCode": 404},
            }
        return None

    aws["cloudfront"].meta.events.register("before-call.cloudfront.GetDistributionConfig", deleted)
    handler.handler(event("rule-scheduled.json"), CONTEXT)
    sent = aws["recorder"].evaluations
    assert sent[gone] == ("NOT_APPLICABLE", "The distribution no longer exists") and sent[kept][0] == "COMPLIANT"


def test_a_distribution_deleted_before_its_evaluation_is_not_applicable(aws):
    """A late change event, or a deletion during a periodic run: CloudFront answers NoSuchDistribution."""
    assert handler.handler(event("rule-cloudfront-change.json", item={"resourceId": "E0DELETED00001"}), CONTEXT)["evaluated"] == 1
    assert aws["recorder"].evaluations == {"E0DELETED00001": ("NOT_APPLICABLE", "The distribution no longer exists")}


def test_an_account_without_distributions_reports_nothing(aws):
    assert handler.handler(event("rule-scheduled.json"), CONTEXT)["evaluated"] == 0
    assert aws["recorder"].calls == []


class PagedLogs:
    """CloudWatch Logs' Describe* answers, two pages each (nextToken), as botocore's model shapes them."""

    def __init__(self, pages: dict[str, list[list[dict]]]) -> None:
        self.pages = pages

    def _answer(self, operation: str, key: str, nextToken: str | None = None) -> dict:
        pages = self.pages[operation]
        index = int(nextToken or 0)
        answer = {key: pages[index]}
        if index + 1 < len(pages):
            answer["nextToken"] = str(index + 1)
        return answer

    def describe_delivery_sources(self, **kwargs):
        return self._answer("sources", "deliverySources", **kwargs)

    def describe_delivery_destinations(self, **kwargs):
        return self._answer("destinations", "deliveryDestinations", **kwargs)

    def describe_deliveries(self, **kwargs):
        return self._answer("deliveries", "deliveries", **kwargs)


def test_deliveries_are_read_across_pages_access_logs_only_and_another_accounts_destination_kept():
    dist = f"arn:aws:cloudfront::{ACCOUNT}:distribution/E1"
    other = "arn:aws:logs:us-east-1:999999999999:delivery-destination:central"
    logs = PagedLogs(
        {
            "sources": [[{"name": "a", "resourceArns": [dist], "logType": "ACCESS_LOGS"}], [{"name": "b", "resourceArns": [dist], "logType": "CONNECTION_LOGS"}]],
            "destinations": [
                [],
                [
                    {
                        "arn": "arn:aws:logs:us-east-1:123456789012:delivery-destination:mine",
                        "deliveryDestinationConfiguration": {"destinationResourceArn": f"arn:aws:s3:::{WORKLOAD_BUCKET}/cloudfront"},
                    }
                ],
            ],
            "deliveries": [
                [{"deliverySourceName": "b", "deliveryDestinationArn": "arn:aws:logs:us-east-1:123456789012:delivery-destination:mine"}],
                [{"deliverySourceName": "a", "deliveryDestinationArn": "arn:aws:logs:us-east-1:123456789012:delivery-destination:mine"}, {"deliverySourceName": "a", "deliveryDestinationArn": other}],
            ],
        }
    )
    assert handler.vended_destinations(logs) == {dist: [f"arn:aws:s3:::{WORKLOAD_BUCKET}/cloudfront", other]}
    strict = handler.Acceptance.from_parameters(json.dumps(STRICT), ACCOUNT)
    assert not strict.accepts(other)  # where another account's destination ends is unknown here
    assert handler.Acceptance.from_parameters(json.dumps({"acceptLogGroups": "true"}), ACCOUNT).accepts(other)


@pytest.mark.parametrize(
    "arn, accepted",
    [
        (f"arn:aws:s3:::{WORKLOAD_BUCKET}/cloudfront/", True),
        (f"arn:aws:s3:::{WORKLOAD_BUCKET}/cloudfront/edge", True),
        (f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/cdn/access:*", True),
        (f"arn:aws:logs:us-east-1:{ACCOUNT}:delivery-destination:cdn", False),
        (f"arn:aws:s3:::{WORKLOAD_BUCKET}-copy/cloudfront", False),
    ],
)
def test_destination_arns_as_the_logs_api_gives_them(arn, accepted):
    assert handler.Acceptance.from_parameters(json.dumps(STRICT), ACCOUNT).accepts(arn) is accepted


@pytest.mark.parametrize(
    "bucket, prefix, accepted",
    [
        (f"{WORKLOAD_BUCKET}.s3.amazonaws.com", "cloudfront/", True),
        (f"{WORKLOAD_BUCKET}.s3.amazonaws.com", "cloudfront", False),  # files cloudfrontE....gz beside the folder
        (f"{WORKLOAD_BUCKET}.s3.amazonaws.com", "", False),
        ("logs.s3.example.s3.amazonaws.com", "cloudfront/", False),
        (f"{WORKLOAD_BUCKET}.s3.amazonaws.com", "/cloudfront/", False),  # written as given
    ],
)
def test_a_legacy_prefix_counts_only_when_its_files_land_in_the_folder(bucket, prefix, accepted):
    acceptance = handler.Acceptance.from_parameters(json.dumps(STRICT), ACCOUNT)
    verdict = handler.judge("E1", {"Enabled": True, "Bucket": bucket, "Prefix": prefix}, [], acceptance)
    assert (verdict.compliance == "COMPLIANT") is accepted
    if bucket.startswith("logs.s3.example"):
        assert "s3://logs.s3.example (legacy)" in verdict.annotation  # a bucket name may contain ".s3."


def test_another_accounts_event_is_refused_without_a_member_role(aws):
    with pytest.raises(handler.ForeignAccount):
        handler.handler(event("rule-scheduled.json", accountId=MEMBER), CONTEXT)
    assert aws["recorder"].calls == []


def test_a_region_pattern_without_regions_is_refused():
    with pytest.raises(ValueError, match="acceptedRegions"):
        handler.Acceptance.from_parameters(json.dumps({"acceptedS3Destination": "bucket-{region}/cloudfront"}), ACCOUNT)
