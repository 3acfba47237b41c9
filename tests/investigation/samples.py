"""Sample objects in the archive's exact key layouts and formats, for the saved queries to run
on: CloudTrail files built from the real records in tests/events/cloudtrail, Parquet flow
logs with the configured fields, Resolver query logs, a Config history file, exported
GuardDuty findings (the real finding in tests/events/detection), S3 server access logs and a
CloudWatch Logs export envelope. Each query gets a positive (a principal or value named
``pos...``) inside the window and near misses (``neg...``) just outside what it asks for."""

from __future__ import annotations

import copy
import gzip
import io
import json
from collections import defaultdict
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from capabilities.archive.key_layout import archive_layouts
from capabilities.canary.content import CANARY_KEY
from capabilities.investigation.queries import Query
from capabilities.network_logs.flow_log_format import FLOW_LOG_FIELDS
from configuration.model import BaselineConfig
from configuration.naming import archive_names
from tests.investigation.workload_samples import workload_objects

EVENTS = Path(__file__).resolve().parents[1] / "events"
START, END = "2026-11-30T08:00:00Z", "2026-11-30T12:00:00Z"
IN_WINDOW, BEFORE_WINDOW = "2026-11-30T10:15:00Z", "2026-11-28T10:15:00Z"


def _event(name: str) -> dict:
    return json.loads((EVENTS / name).read_text())


def _ct(template: str, *, account: str, arn: str, name: str | None = None, source: str | None = None, time: str = IN_WINDOW, **fields) -> dict:
    record = copy.deepcopy(_event(f"cloudtrail/{template}"))
    record["userIdentity"] = dict(record["userIdentity"], arn=arn, accountId=account)
    record["recipientAccountId"] = account
    record["eventTime"] = time
    if name:
        record["eventName"] = name
    if source:
        record["eventSource"] = source
    for key, value in fields.items():
        if key == "userIdentity":
            record["userIdentity"].update(value)
        else:
            record[key] = value
    return record


def _user(account: str, name: str) -> str:
    return f"arn:aws:iam::{account}:user/{name}"


def cloudtrail_records(config: BaselineConfig, queries: list[Query]) -> list[dict]:
    a = config.trail_accounts[0].account_id
    call = "api-call-assumed-role.json"
    records: list[dict] = []
    for q in queries:
        if q.kind == "calls_named":
            names = q.sql.split("eventname IN (", 1)[1].split(")", 1)[0].replace("'", "").split(", ")
            source = q.sql.split("eventsource = '", 1)[1].split("'", 1)[0] if "eventsource = '" in q.sql else None
            records.append(_ct(call, account=a, arn=_user(a, f"pos-{q.id}"), name=names[0], source=source))
            records.append(_ct(call, account=a, arn=_user(a, f"neg-{q.id}"), name=names[0], source=source, time=BEFORE_WINDOW))
    records += [
        _ct(call, account=a, arn=_user(a, "pos-refused"), errorCode="AccessDenied", errorMessage="not authorized"),
        _ct(call, account=a, arn=_user(a, "neg-refused"), errorCode="ThrottlingException"),
        _ct("root-api-call.json", account=a, arn=f"arn:aws:iam::{a}:root"),
        _ct(call, account=a, arn=_user(a, "neg-root"), userIdentity={"type": "IAMUser"}),
        _ct("console-login-iam-user.json", account=a, arn=_user(a, "pos-signin-failed"), responseElements={"ConsoleLogin": "Failure"}, errorMessage="Failed authentication"),
        _ct("console-login-iam-user.json", account=a, arn=_user(a, "pos-signin-nomfa")),
        _ct("console-login-iam-user.json", account=a, arn=_user(a, "neg-signin-mfa"), additionalEventData={"MFAUsed": "Yes"}),
        _ct("console-login-iam-user.json", account=a, arn=_user(a, "neg-signin-early"), time=BEFORE_WINDOW),
        *[_ct(call, account=a, arn=_user(a, "pos-volume"), name="ListBuckets", source="s3.amazonaws.com") for _ in range(3)],
        _ct(call, account=a, arn=_user(a, "pos-principal"), name="ListUsers", source="iam.amazonaws.com"),
        _ct(call, account=a, arn=_user(a, "neg-principal"), name="ListRoles", source="iam.amazonaws.com"),
        _ct(call, account=a, arn=_user(a, "pos-key"), userIdentity={"accessKeyId": "AKIAPOSITIVEKEY00001"}),
        _ct(call, account=a, arn=_user(a, "neg-key"), userIdentity={"accessKeyId": "AKIANEGATIVEKEY00001"}),
        _ct(call, account=a, arn=_user(a, "pos-finding"), userIdentity={"accessKeyId": "ASIAFINDINGKEY000001", "principalId": "AROAFINDING:session"}),
        _ct(call, account=a, arn=_user(a, "neg-finding"), userIdentity={"accessKeyId": "ASIAOTHERKEY00000001", "principalId": "AROAOTHER:session"}),
    ]
    for role, label in ((config.archive.break_glass_role_name, "breakglass"), (f"{config.resource_prefix}-log-reader", "reader")):
        records += [
            _ct(
                call,
                account=a,
                arn=_user(a, f"pos-{label}-assume"),
                name="AssumeRole",
                source="sts.amazonaws.com",
                requestParameters={"roleArn": f"arn:aws:iam::{a}:role/{role}", "roleSessionName": "x"},
            ),
            _ct(call, account=a, arn=f"arn:aws:sts::{a}:assumed-role/{role}/pos-{label}-session", userIdentity={"sessionContext": {"sessionIssuer": {"type": "Role", "userName": role}}}),
            _ct(
                call,
                account=a,
                arn=_user(a, f"neg-{label}-assume"),
                name="AssumeRole",
                source="sts.amazonaws.com",
                requestParameters={"roleArn": f"arn:aws:iam::{a}:role/{role}Old", "roleSessionName": "x"},
            ),
        ]
    records += [
        _ct(
            call,
            account=a,
            arn=_user(a, "pos-privileged"),
            name="AssumeRoleWithSAML",
            source="sts.amazonaws.com",
            requestParameters={"roleArn": f"arn:aws:iam::{a}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_AdministratorAccess_0123abcd"},
        ),
        _ct(
            call,
            account=a,
            arn=_user(a, "neg-privileged"),
            name="AssumeRoleWithSAML",
            source="sts.amazonaws.com",
            requestParameters={"roleArn": f"arn:aws:iam::{a}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_ReadOnlyAccess_0123abcd"},
        ),
    ]
    decoy = config.canary.bucket_name(a, config.home_region)
    records += [
        _ct("s3-get-object-data-event.json", account=a, arn=_user(a, "pos-canary"), requestParameters={"bucketName": decoy, "key": CANARY_KEY}),
        _ct("s3-get-object-data-event.json", account=a, arn=_user(a, "neg-canary"), requestParameters={"bucketName": decoy, "key": "other.csv"}),
    ]
    for bucket in config.trail.sensitive_buckets[:1]:
        records.append(_ct("s3-get-object-data-event.json", account=a, arn=_user(a, "pos-retrieval"), requestParameters={"bucketName": bucket, "key": "orders.csv"}))
    records.append(_ct("s3-get-object-data-event.json", account=a, arn=_user(a, "neg-retrieval"), requestParameters={"bucketName": "unrelated-bucket", "key": "orders.csv"}))
    covered = set(config.regions) | {"us-east-1"}
    records += [
        _ct(call, account=a, arn=_user(a, "pos-region"), awsRegion="ap-southeast-2", name="RunInstances", source="ec2.amazonaws.com"),
        _ct(call, account=a, arn=_user(a, "neg-region"), awsRegion=sorted(covered - {"us-east-1"})[0], name="RunInstances", source="ec2.amazonaws.com"),
        _ct(call, account=a, arn=_user(a, "pos-region-use1"), awsRegion="us-east-1", name="RunInstances", source="ec2.amazonaws.com"),
        _ct(call, account=a, arn=_user(a, "neg-region-use1"), awsRegion="us-east-1", name="ListUsers", source="iam.amazonaws.com"),
    ]
    for function in ("chat-relay", "flow-log-enforcer", "log-forwarder", "responder", "review-digest", "drill-runner", "drill-checker"):
        name = f"{config.resource_prefix}-{function}"
        records += [
            _ct(call, account=a, arn=f"arn:aws:sts::{a}:assumed-role/pos-fn-{function}-role/{name}", errorCode="AccessDenied"),
            _ct(call, account=a, arn=f"arn:aws:sts::{a}:assumed-role/neg-fn-{function}-role/{name}"),
        ]
    return records


def _gzip(text: str) -> bytes:
    return gzip.compress(text.encode())


def sample_objects(config: BaselineConfig, queries: list[Query]) -> dict[tuple[str, str], bytes]:
    """(bucket, key) -> body, keyed exactly as the services write them."""
    layouts = archive_layouts(config)
    names = archive_names(config)
    a = config.trail_accounts[0].account_id
    region = config.home_region
    objects: dict[tuple[str, str], bytes] = {}
    files: dict[str, list[dict]] = defaultdict(list)
    for record in cloudtrail_records(config, queries):
        day = record["eventTime"][:10].replace("-", "/")
        files[f"cloudtrail/AWSLogs/{a}/CloudTrail/{record['awsRegion']}/{day}/{a}_CloudTrail_{record['awsRegion']}_{day.replace('/', '')}T1015Z_sample.json.gz"].append(record)
    for key, records in files.items():
        objects[(names.archive_bucket, key)] = _gzip(json.dumps({"Records": records}))

    def flow(src: str, action: str, port: int) -> dict:
        values = {"version": 5, "account-id": a, "region": region, "vpc-id": "vpc-0pos1", "subnet-id": "subnet-01", "instance-id": "i-01", "interface-id": "eni-01",
                  "srcaddr": src, "dstaddr": "10.0.1.5", "srcport": 40000, "dstport": port, "pkt-srcaddr": src, "pkt-dstaddr": "10.0.1.5", "protocol": 6,
                  "packets": 3, "bytes": 180, "start": 1796033700, "end": 1796033760, "action": action, "log-status": "OK", "tcp-flags": 2,
                  "flow-direction": "ingress", "traffic-path": None, "type": "IPv4", "az-id": "euw1-az1", "pkt-src-aws-service": None, "pkt-dst-aws-service": None}  # fmt: skip
        return {name.replace("-", "_"): values[name] for name in FLOW_LOG_FIELDS}

    flows = [flow("198.51.100.7", "REJECT", 22), flow("198.51.100.7", "ACCEPT", 443), flow("198.51.100.8", "REJECT", 3389)]
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(flows), buffer)
    objects[(names.archive_bucket, f"vpc-flow-logs/AWSLogs/{a}/vpcflowlogs/{region}/2026/11/30/10/{a}_vpcflowlogs_{region}_fl-0abc_20261130T1000Z_3a1f.log.parquet")] = buffer.getvalue()

    dns = [
        {"version": "1.100000", "account_id": a, "region": region, "vpc_id": "vpc-0pos1", "query_timestamp": IN_WINDOW, "query_name": "c2.evil.example.com.", "query_type": "A",
         "query_class": "IN", "rcode": "NOERROR", "answers": [{"Rdata": "203.0.113.9", "Type": "A", "Class": "IN"}], "srcaddr": "10.0.1.5", "srcport": "56067",
         "transport": "UDP", "srcids": {"instance": "i-0pos"}},
        {"version": "1.100000", "account_id": a, "region": region, "vpc_id": "vpc-0pos1", "query_timestamp": IN_WINDOW, "query_name": "neg.benign.example.org.", "query_type": "A",
         "query_class": "IN", "rcode": "NOERROR", "answers": [], "srcaddr": "10.0.1.6", "srcport": "56068", "transport": "UDP", "srcids": {"instance": "i-0neg"}},
    ]  # fmt: skip
    objects[(names.archive_bucket, f"dns-query-logs/AWSLogs/{a}/vpcdnsquerylogs/vpc-0pos1/2026/11/30/vpc-0pos1_vpcdnsquerylogs_{a}_20261130T1015Z_a1b2.log.gz")] = _gzip(
        "\n".join(json.dumps(d) for d in dns)
    )

    def item(resource: str, time: str, marker: str) -> dict:
        return {"configurationItemVersion": "1.3", "configurationItemCaptureTime": time, "configurationStateId": 1796033700, "awsAccountId": a,
                "configurationItemStatus": "OK", "resourceType": "AWS::EC2::SecurityGroup", "resourceId": resource, "resourceName": marker, "ARN": f"arn:aws:ec2:{region}:{a}:security-group/{resource}",
                "awsRegion": region, "availabilityZone": "Not Applicable", "resourceCreationTime": None, "tags": {"team": "orders"},
                "relatedEvents": ["b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e"], "relationships": [], "configuration": {"groupId": resource, "ipPermissions": []}, "supplementaryConfiguration": {}}  # fmt: skip

    for day, items in (
        ("2026/11/30", [item("sg-0pos", IN_WINDOW, "pos-change"), item("sg-0neg", IN_WINDOW, "neg-other-resource")]),
        ("2026/11/9", [item("sg-0pos", "2026-11-09T10:00:00.000Z", "neg-too-early")]),
    ):
        year, month, dom = day.split("/")
        objects[
            (
                names.archive_bucket,
                f"config/AWSLogs/{a}/Config/{region}/{day}/ConfigHistory/{a}_Config_{region}_ConfigHistory_AWS::EC2::SecurityGroup_{year}{int(month):02}{int(dom):02}T100000Z_1.json.gz",
            )
        ] = _gzip(json.dumps({"fileVersion": "1.0", "configurationItems": items}))

    finding = copy.deepcopy(_event("detection/guardduty-finding-high.json")["detail"])
    finding["id"] = "pos-finding-id"
    finding["resource"]["accessKeyDetails"].update(accessKeyId="ASIAFINDINGKEY000001", principalId="AROAFINDING:session")
    other = copy.deepcopy(finding)
    other["id"] = "neg-finding-id"
    other["resource"]["accessKeyDetails"].update(accessKeyId="ASIAOTHERKEY00000001", principalId="AROAOTHER:session")
    objects[(names.archive_bucket, f"guardduty/AWSLogs/{a}/GuardDuty/{region}/2026/11/30/5f1c2b3a-0d4e-4f6a-9b8c-7d6e5f4a3b2c.jsonl.gz")] = _gzip(json.dumps(finding) + "\n" + json.dumps(other))

    envelope = {"messageType": "DATA_MESSAGE", "owner": a, "logGroup": "/aws/lambda/orders", "logStream": "2026/11/30/[$LATEST]abc", "subscriptionFilters": ["dpp-export"],
                "logEvents": [{"id": "1", "timestamp": 1796033700000, "message": "order 42 shipped"}]}  # fmt: skip
    objects[(names.archive_bucket, f"cloudwatch-logs/{a}/{region}/2026/11/30/10/dpp-prod-export-1-2026-11-30-10-15-00-abcd")] = _gzip(json.dumps(envelope))

    def access_line(requester: str, operation: str) -> str:
        return (
            f"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be {names.archive_bucket} [30/Nov/2026:10:15:00 +0000] 192.0.2.3 {requester} "
            f'3E57427F3EXAMPLE {operation} cloudtrail/AWSLogs/{a}/CloudTrail/eu-west-1/2026/11/30/x.json.gz "GET /x HTTP/1.1" 200 - 113 113 7 6 "-" '
            f'"aws-cli/2.15.0" - s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234= SigV4 TLS_AES_128_GCM_SHA256 AuthHeader '
            f"{names.archive_bucket}.s3.eu-west-1.amazonaws.com TLSv1.3 - -"
        )

    lines = [
        access_line(f"arn:aws:sts::{a}:assumed-role/{config.resource_prefix}-log-reader/pos-reader-read", "REST.GET.OBJECT"),
        access_line(f"arn:aws:sts::{a}:assumed-role/{config.resource_prefix}-log-reader/neg-reader-put", "REST.PUT.OBJECT"),
    ]
    objects[(names.access_log_bucket, f"log-archive/{a}/{region}/{names.archive_bucket}/2026/11/30/2026-11-30-10-15-00-0123456789ABCDEF")] = "\n".join(lines).encode()
    objects |= workload_objects(config)
    assert set(layouts) == {
        "cloudtrail", "vpc_flow_logs", "dns_query_logs", "config", "guardduty_findings", "cloudwatch_logs", "s3_access_logs",
        "alb_access_logs", "waf_logs", "cloudfront_logs",
    }  # fmt: skip
    return objects
