"""Saved investigations: for every alarm and route, the Athena query (over the archive) and the
CloudWatch Logs Insights query (over the trail's log group) that its first investigation step
needs (DPP-ANA-2, DPP-IR-2). Pure data, so the incident response plan and the tests read the
same queries the stacks deploy.

Athena queries take execution parameters (``?``, in the order ``Query.parameters`` lists;
strings are passed quoted, ``"'value'"``,
https://docs.aws.amazon.com/athena/latest/ug/querying-with-prepared-statements.html). Every
query names the account and the window, so partition projection reads only those days (and an
organization's injected account column gets its value). Logs Insights queries have no
parameters: their window is the console's or ``--start-time``/``--end-time``, and a value to
fill in is written ``<LIKE_THIS>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from capabilities.alarms.catalogue import alarm_specs, built_in_alarm_ids
from capabilities.alarms.spec import AlarmSpec
from capabilities.alerting import event_routes
from capabilities.alerting.event_routes import EventRoute
from capabilities.canary.content import CANARY_KEY
from configuration.model import BaselineConfig

# What each parameter is, for the plan, the README and the NamedQuery's description.
PARAMETERS = {
    "account": "the account ID the alert names ('111122223333')",
    "start": "window start, ISO 8601 UTC ('2026-11-30T08:00:00Z')",
    "end": "window end, ISO 8601 UTC ('2026-11-30T12:00:00Z')",
    "principal": "principal ARN, % as wildcard ('%:assumed-role/Admin/%')",
    "access_key": "access key ID ('AKIA...')",
    "api": "API (event) name ('GetObject')",
    "finding_id": "GuardDuty finding ID",
    "address": "IP address ('198.51.100.7')",
    "vpc": "VPC ID ('vpc-0abc...')",
    "domain": "domain, % as wildcard ('%example.com.')",
    "resource_id": "resource ID ('sg-0abc...')",
    "web_acl": "web ACL name, as in its ARN ('orders-acl')",
    "distribution": "CloudFront distribution ID ('E2EXAMPLE12345')",
}

# The archive's day partitions (yyyy/MM/dd) that hold the window, for partition projection.
_DAYS = "{alias}day BETWEEN replace(substr({{start}}, 1, 10), '-', '/') AND replace(substr({{end}}, 1, 10), '-', '/')"
_TRAIL_COLUMNS = (
    "eventtime, awsregion, eventsource, eventname, useridentity.type AS principal_type, useridentity.arn AS principal, "
    "useridentity.accesskeyid AS access_key, sourceipaddress, useragent, errorcode, requestparameters"
)
_FIRST_LAST = "min(eventtime) AS first_seen, max(eventtime) AS last_seen"
_INSIGHTS_FIELDS = "fields @timestamp, awsRegion, eventSource, eventName, userIdentity.arn, sourceIPAddress, userAgent, errorCode"


def _days(alias: str = "") -> str:
    """The window's day partitions of a table (``alias`` with its dot, in a join)."""
    return _DAYS.format(alias=alias)


def _trail_window(alias: str = "") -> str:
    """The trail's rows of the account in the window: partitions first (so projection reads only
    those days), then the event time."""
    return f"{alias}account = {{account}} AND {_days(alias)} AND {alias}eventtime BETWEEN {{start}} AND {{end}}"


def _unaliased(column: str) -> str:
    return column.split(" AS ")[0]


def _trail_sql(columns: str, condition: str = "", *, group_by: tuple[str, ...] = (), order_by: str = "eventtime", limit: int | None = None) -> str:
    """One Athena query over the trail in the window. ``group_by`` names the key columns
    (aliases allowed): they lead the SELECT, ahead of ``columns`` (the aggregates), and group
    the rows."""
    select = ", ".join((*group_by, columns))
    sql = f"SELECT {select} FROM cloudtrail WHERE {_trail_window()}"
    if condition:
        sql += f" AND {condition}"
    if group_by:
        sql += " GROUP BY " + ", ".join(_unaliased(c) for c in group_by)
    sql += f" ORDER BY {order_by}"
    if limit is not None:
        sql += f" LIMIT {limit}"
    return sql


def _insights_events(fields: str, condition: str, limit: int) -> str:
    """A Logs Insights listing of the matching events, oldest first."""
    return f"{fields}\n| filter {condition}\n| sort @timestamp asc\n| limit {limit}"


def _insights_counts(condition: str, counts: str, by: str, order_by: str, limit: int) -> str:
    """A Logs Insights count of the matching events by ``by``, largest first."""
    stats = f"stats {counts} by {by}\n| sort {order_by} desc\n| limit {limit}"
    return f"filter {condition}\n| {stats}" if condition else stats


@dataclass(frozen=True)
class Query:
    """One saved investigation: ``sql`` for Athena with ``{name}`` where an execution parameter
    goes, ``insights`` for Logs Insights (None where the trail holds nothing it needs)."""

    id: str
    title: str
    sql: str
    insights: str | None = None
    kind: str = ""  # the factory that made it (what the tests check it returns)

    @property
    def parameters(self) -> tuple[str, ...]:
        """Execution parameters in the order Athena applies them (a name may repeat)."""
        return tuple(re.findall(r"\{(\w+)\}", self.sql))

    @property
    def athena_sql(self) -> str:
        return re.sub(r"\{(\w+)\}", "?", self.sql)


def _in(values: tuple[str, ...] | list[str]) -> str:
    return ", ".join(f"'{v}'" for v in values)


def _insights_in(values: tuple[str, ...] | list[str]) -> str:
    return ", ".join(f'"{v}"' for v in values)


def calls_named(query_id: str, title: str, names: tuple[str, ...], source: str | None = None) -> Query:
    """Who made these calls in the window, from where, with which request (changes to a control)."""
    where = f"eventname IN ({_in(names)})" + (f" AND eventsource = '{source}'" if source else "")
    insights = f"eventName in [{_insights_in(names)}]" + (f' and eventSource = "{source}"' if source else "")
    return Query(query_id, title, _trail_sql(_TRAIL_COLUMNS, where), _insights_events(f"{_INSIGHTS_FIELDS}, @message", insights, 500), kind="calls_named")


def refused_calls(query_id: str) -> Query:
    refused = "(errorcode LIKE 'AccessDenied%' OR errorcode IN ('UnauthorizedOperation', 'Client.UnauthorizedOperation'))"
    return Query(
        query_id,
        "Refused calls by principal and source address",
        _trail_sql(
            f"count(*) AS refused, count(DISTINCT eventname) AS apis, {_FIRST_LAST}",
            refused,
            group_by=("useridentity.arn AS principal", "sourceipaddress"),
            order_by="refused DESC",
            limit=100,
        ),
        _insights_counts(
            'errorCode like /^AccessDenied/ or errorCode = "UnauthorizedOperation" or errorCode = "Client.UnauthorizedOperation"',
            "count(*) as refused, count_distinct(eventName) as apis",
            "userIdentity.arn, sourceIPAddress",
            "refused",
            100,
        ),
        kind="refused_calls",
    )


def principal_activity(query_id: str) -> Query:
    return Query(
        query_id,
        "Everything a principal did in the window",
        _trail_sql(_TRAIL_COLUMNS, "useridentity.arn LIKE {principal}"),
        _insights_events(_INSIGHTS_FIELDS, 'userIdentity.arn like "<PRINCIPAL_ARN>"', 1000),
        kind="principal_activity",
    )


def root_activity(query_id: str) -> Query:
    return Query(
        query_id,
        "Every call and sign-in of the root user",
        _trail_sql(_TRAIL_COLUMNS, "useridentity.type = 'Root'"),
        _insights_events(_INSIGHTS_FIELDS, 'userIdentity.type = "Root"', 1000),
        kind="root_activity",
    )


def access_key_activity(query_id: str) -> Query:
    return Query(
        query_id,
        "Everything done with an access key",
        _trail_sql(_TRAIL_COLUMNS, "useridentity.accesskeyid = {access_key}"),
        _insights_events(f"{_INSIGHTS_FIELDS}, userIdentity.accessKeyId", 'userIdentity.accessKeyId = "<ACCESS_KEY_ID>"', 1000),
        kind="access_key_activity",
    )


def call_volume(query_id: str) -> Query:
    return Query(
        query_id,
        "Who made the most calls, to which APIs",
        _trail_sql("count(*) AS calls", group_by=("useridentity.arn AS principal", "eventsource", "eventname"), order_by="calls DESC", limit=50),
        _insights_counts("", "count(*) as calls", "userIdentity.arn, eventSource, eventName", "calls", 50),
        kind="call_volume",
    )


def api_callers(query_id: str) -> Query:
    return Query(
        query_id,
        "Who called one API, from where",
        _trail_sql("count(*) AS calls", "eventname = {api}", group_by=("useridentity.arn AS principal", "sourceipaddress", "errorcode"), order_by="calls DESC", limit=100),
        _insights_counts('eventName = "<API_NAME>"', "count(*) as calls", "userIdentity.arn, sourceIPAddress, errorCode", "calls", 100),
        kind="api_callers",
    )


def region_activity(query_id: str, title: str, outside: tuple[str, ...] | None = None, us_east_1_except: tuple[str, ...] | None = None) -> Query:
    """Who called what in a region the baseline does not cover (DPP-MON-3.d): every region but
    ``outside``, or us-east-1 less the global services recorded there (``us_east_1_except``)."""
    if us_east_1_except is not None:
        where = f"awsregion = 'us-east-1' AND eventsource NOT IN ({_in(us_east_1_except)})"
        insights = f'awsRegion = "us-east-1" and eventSource not in [{_insights_in(us_east_1_except)}]'
    else:
        where = f"awsregion NOT IN ({_in(outside or ())})"
        insights = f"awsRegion not in [{_insights_in(outside or ())}]"
    return Query(
        query_id,
        title,
        _trail_sql(
            f"count(*) AS calls, {_FIRST_LAST}",
            where,
            group_by=("awsregion", "useridentity.arn AS principal", "sourceipaddress", "eventsource", "eventname"),
            order_by="calls DESC",
            limit=200,
        ),
        _insights_counts(insights, "count(*) as calls", "awsRegion, userIdentity.arn, sourceIPAddress, eventSource, eventName", "calls", 200),
        kind="region_activity",
    )


def sign_ins(query_id: str, title: str, condition: str = "", insights_condition: str = "") -> Query:
    result = "json_extract_scalar(responseelements, '$.ConsoleLogin')"
    mfa = "json_extract_scalar(additionaleventdata, '$.MFAUsed')"
    extra = f" AND {condition.format(result=result, mfa=mfa)}" if condition else ""
    return Query(
        query_id,
        title,
        _trail_sql(
            f"eventtime, useridentity.type AS principal_type, useridentity.arn AS principal, sourceipaddress, useragent, {result} AS result, {mfa} AS mfa_used, errormessage",
            f"eventname = 'ConsoleLogin'{extra}",
        ),
        _insights_events(
            "fields @timestamp, userIdentity.type, userIdentity.arn, sourceIPAddress, responseElements.ConsoleLogin, additionalEventData.MFAUsed, errorMessage",
            f'eventName = "ConsoleLogin"{insights_condition}',
            500,
        ),
        kind="sign_ins",
    )


def role_sessions(query_id: str, title: str, roles: tuple[str, ...]) -> Query:
    """Assumptions of the roles (patterns with *) and every call their sessions made."""
    likes = [r.replace("*", "%") for r in roles]
    assumed = " OR ".join(f"json_extract_scalar(requestparameters, '$.roleArn') LIKE '%/{r}'" for r in likes)
    used = " OR ".join(f"useridentity.sessioncontext.sessionissuer.username LIKE '{r}'" for r in likes)
    regex = "|".join(re.escape(r).replace(r"\*", ".*") for r in roles)
    return Query(
        query_id,
        title,
        _trail_sql(_TRAIL_COLUMNS, f"((eventname LIKE 'AssumeRole%' AND ({assumed})) OR {used})"),
        _insights_events(
            f"{_INSIGHTS_FIELDS}, requestParameters.roleArn, userIdentity.sessionContext.sessionIssuer.userName",
            f"(eventName like /^AssumeRole/ and requestParameters.roleArn like /\\/({regex})$/) or userIdentity.sessionContext.sessionIssuer.userName like /^({regex})$/",
            1000,
        ),
        kind="role_sessions",
    )


def object_reads(query_id: str, title: str, buckets: tuple[str, ...], key: str | None = None, grouped: bool = False) -> Query:
    """Who touched objects of these buckets (patterns with *): principal, address, agent."""
    bucket = "json_extract_scalar(requestparameters, '$.bucketName')"
    object_key = "json_extract_scalar(requestparameters, '$.key')"
    where = "(" + " OR ".join(f"{bucket} LIKE '{b.replace('*', '%')}'" for b in buckets) + ")"
    if key:
        where += f" AND {object_key} = '{key}'"
    where = f"eventsource = 's3.amazonaws.com' AND {where}"
    regex = "|".join(re.escape(b).replace(r"\*", ".*") for b in buckets)
    insights_filter = f'eventSource = "s3.amazonaws.com" and requestParameters.bucketName like /^({regex})$/' + (f' and requestParameters.key = "{key}"' if key else "")
    if grouped:
        sql = _trail_sql(
            f"count(*) AS objects, {_FIRST_LAST}",
            where,
            group_by=("useridentity.arn AS principal", "sourceipaddress", "useragent", "eventname"),
            order_by="objects DESC",
            limit=100,
        )
        insights = _insights_counts(insights_filter, "count(*) as objects", "userIdentity.arn, sourceIPAddress, userAgent, eventName", "objects", 100)
    else:
        sql = _trail_sql(f"eventtime, eventname, useridentity.arn AS principal, sourceipaddress, useragent, {bucket} AS bucket, {object_key} AS object_key", where)
        insights = _insights_events("fields @timestamp, eventName, userIdentity.arn, sourceIPAddress, userAgent, requestParameters.bucketName, requestParameters.key", insights_filter, 500)
    return Query(query_id, title, sql, insights, kind="object_reads")


def function_failures(query_id: str, function_name: str) -> Query:
    """Calls of a function's sessions (named after the function) that AWS refused or failed."""
    return Query(
        query_id,
        f"Failed calls of {function_name}",
        _trail_sql(f"{_TRAIL_COLUMNS}, errormessage", f"useridentity.arn LIKE '%/{function_name}' AND errorcode IS NOT NULL"),
        _insights_events(f"{_INSIGHTS_FIELDS}, errorMessage", f'userIdentity.arn like "/{function_name}" and ispresent(errorCode)', 500),
        kind="function_failures",
    )


def finding_principal(query_id: str) -> Query:
    """What the principal of a GuardDuty finding did in the window (before and after it)."""
    return Query(
        query_id,
        "What the finding's principal did before and after",
        "WITH finding AS (SELECT resource.accesskeydetails.accesskeyid AS access_key, resource.accesskeydetails.principalid AS principal_id "
        f"FROM guardduty_findings WHERE account = {{account}} AND {_days()} AND id = {{finding_id}}) "
        f"SELECT DISTINCT {', '.join('c.' + c.strip() for c in _TRAIL_COLUMNS.split(','))} FROM cloudtrail c "
        "JOIN finding f ON c.useridentity.accesskeyid = f.access_key OR c.useridentity.principalid = f.principal_id "
        f"WHERE {_trail_window('c.')} ORDER BY eventtime",
        _insights_events(
            f"{_INSIGHTS_FIELDS}, userIdentity.accessKeyId",
            'userIdentity.accessKeyId = "<ACCESS_KEY_ID_FROM_FINDING>" or userIdentity.principalId = "<PRINCIPAL_ID_FROM_FINDING>"',
            1000,
        ),
        kind="finding_principal",
    )


# The archive's hour partitions (yyyy/MM/dd/HH) that hold the window.
_HOURS = "replace(replace(substr({start}, 1, 13), '-', '/'), 'T', '/') AND replace(replace(substr({end}, 1, 13), '-', '/'), 'T', '/')"


def rejected_flows(query_id: str) -> Query:
    hours = _HOURS
    return Query(
        query_id,
        "Rejected flows from an address",
        'SELECT from_unixtime("start") AS flow_start, region, vpc_id, interface_id, srcaddr, srcport, dstaddr, dstport, protocol, '
        "packets, bytes, flow_direction FROM vpc_flow_logs WHERE account = {account} AND hour BETWEEN "
        f"{hours} AND action = 'REJECT' AND (srcaddr = {{address}} OR pkt_srcaddr = {{address}}) ORDER BY flow_start",
        kind="rejected_flows",
    )


def dns_lookups(query_id: str) -> Query:
    return Query(
        query_id,
        "DNS lookups of a domain in a VPC",
        "SELECT query_timestamp, region, vpc_id, srcaddr, srcids.instance AS instance, query_name, query_type, rcode, answers "
        f"FROM dns_query_logs WHERE account = {{account}} AND vpc = {{vpc}} AND {_days()} "
        "AND query_timestamp BETWEEN {start} AND {end} AND query_name LIKE {domain} "
        "ORDER BY query_timestamp",
        kind="dns_lookups",
    )


def resource_changes(query_id: str) -> Query:
    """Config's history of one resource (its configuration items and the calls behind them).
    Config's day folders have no leading zeros, so the day is compared as a date."""
    return Query(
        query_id,
        "Changes to a resource (AWS Config history)",
        "SELECT item.configurationitemcapturetime, item.awsregion, item.resourcetype, item.resourceid, item.resourcename, "
        "item.configurationitemstatus, item.relatedevents, item.configuration FROM config CROSS JOIN UNNEST(configurationitems) AS t(item) "
        "WHERE account = {account} AND kind = 'ConfigHistory' AND date_parse(day, '%Y/%m/%d') BETWEEN date_trunc('day', from_iso8601_timestamp({start})) "
        "AND from_iso8601_timestamp({end}) AND item.resourceid = {resource_id} ORDER BY item.configurationitemcapturetime",
        _insights_events(f"{_INSIGHTS_FIELDS}, @message", 'strcontains(@message, "<RESOURCE_ID>")', 500),
        kind="resource_changes",
    )


def reader_reads(query_id: str, archive_buckets: tuple[str, ...], reader_role: str) -> Query:
    """The archive's own server access logs: every object the reader role's sessions read."""
    return Query(
        query_id,
        "Reads of the archive (S3 server access logs)",
        "SELECT requestdatetime, requester, remoteip, operation, key, httpstatus, bytessent, useragent FROM s3_access_logs "
        f"WHERE bucket IN ({_in(archive_buckets)}) AND {_days()} "
        f"AND operation LIKE 'REST.GET.%' AND requester LIKE '%:assumed-role/{reader_role}/%' ORDER BY requestdatetime",
        kind="reader_reads",
    )


def _alb_window() -> str:
    """The load balancers' requests of the account in the window (``time`` is ISO 8601 UTC)."""
    return f'account = {{account}} AND {_days()} AND "time" BETWEEN {{start}} AND {{end}}'


def alb_clients(query_id: str) -> Query:
    """Who talked to the application's load balancers most: requests, server errors and refusals
    per client address (DPP-LOG-8, DPP-IR-2). No URL or header is shown: they may carry PII."""
    return Query(
        query_id,
        "Top client addresses of the load balancers: requests, 5xx, 401/403",
        "SELECT client_ip, count(*) AS requests, count_if(elb_status_code >= 500) AS errors_5xx, "
        "count_if(elb_status_code IN (401, 403)) AS refused, count(DISTINCT elb) AS load_balancers, "
        f'min("time") AS first_seen, max("time") AS last_seen FROM alb_access_logs WHERE {_alb_window()} '
        "GROUP BY client_ip ORDER BY requests DESC LIMIT 100",
        kind="alb_clients",
    )


def alb_errors_by_target(query_id: str) -> Query:
    """Where the server errors came from: the load balancer's own (no target status) or the
    target's, per target group and target."""
    return Query(
        query_id,
        "Load balancer 5xx by target group and target",
        "SELECT target_group_arn, target_ip, elb_status_code, target_status_code, count(*) AS errors, "
        f'min("time") AS first_seen, max("time") AS last_seen FROM alb_access_logs WHERE {_alb_window()} AND elb_status_code >= 500 '
        "GROUP BY target_group_arn, target_ip, elb_status_code, target_status_code ORDER BY errors DESC LIMIT 100",
        kind="alb_errors",
    )


def waf_blocked(query_id: str) -> Query:
    """What one web ACL blocked in the window, by rule and client (``timestamp`` is epoch
    milliseconds). No header or query string is shown: they may carry PII."""
    millis = "to_unixtime(from_iso8601_timestamp({bound})) * 1000"
    return Query(
        query_id,
        "Requests a web ACL blocked, by rule and client address",
        "SELECT terminatingruleid, terminatingruletype, httprequest.clientip AS client_ip, httprequest.country AS country, "
        'count(*) AS blocked, count(DISTINCT httprequest.uri) AS uris, min(from_unixtime("timestamp" / 1000)) AS first_seen, '
        'max(from_unixtime("timestamp" / 1000)) AS last_seen FROM waf_logs '
        f"WHERE account = {{account}} AND web_acl = {{web_acl}} AND {_days()} "
        f"AND \"timestamp\" BETWEEN {millis.format(bound='{start}')} AND {millis.format(bound='{end}')} AND action = 'BLOCK' "
        "GROUP BY terminatingruleid, terminatingruletype, httprequest.clientip, httprequest.country ORDER BY blocked DESC LIMIT 100",
        kind="waf_blocked",
    )


def cloudfront_clients(query_id: str) -> Query:
    """One distribution's requests in the window by client address and status (``date`` and
    ``time`` are UTC)."""
    when = "concat(\"date\", 'T', \"time\", 'Z')"
    return Query(
        query_id,
        "Requests to a CloudFront distribution by client address and status",
        f"SELECT c_ip, sc_status, cs_method, count(*) AS requests, min({when}) AS first_seen, max({when}) AS last_seen FROM cloudfront_logs "
        f"WHERE account = {{account}} AND distribution = {{distribution}} AND hour BETWEEN {_HOURS} AND {when} BETWEEN {{start}} AND {{end}} "
        "GROUP BY c_ip, sc_status, cs_method ORDER BY requests DESC LIMIT 100",
        kind="cloudfront_clients",
    )


def workload_log_investigations(config: BaselineConfig) -> list[Investigation]:
    """The application's own channels, forwarded from the workload log buckets (DPP-LOG-8):
    no alarm names them, but an investigation of one reaches them (where did the requests
    behind a data retrieval, a refused call or a finding come from)."""
    if not config.workload.log_buckets:
        return []
    return [
        Investigation("WorkloadLoadBalancers", "workload log", (alb_clients("WorkloadAlbClients"), alb_errors_by_target("WorkloadAlb5xxByTarget"))),
        Investigation("WorkloadWebAcls", "workload log", (waf_blocked("WorkloadWafBlocked"),)),
        Investigation("WorkloadDistributions", "workload log", (cloudfront_clients("WorkloadCloudFrontClients"),)),
    ]


_CHANGE_NAMES = re.compile(r"\$\.eventName\s*=\s*\"?([A-Za-z0-9]+)\"?")


def _filter_names(pattern: str) -> tuple[str, ...]:
    """The event names a CIS filter pattern counts (its ``$.eventName = X`` terms)."""
    return tuple(dict.fromkeys(_CHANGE_NAMES.findall(pattern)))


def alarm_queries(spec: AlarmSpec, config: BaselineConfig) -> tuple[Query, ...]:
    """The queries of one alarm, or () when none is defined (a test fails on that)."""
    q = spec.id
    prefix = config.resource_prefix
    break_glass = config.archive.break_glass_role_name
    reader = f"{prefix}-log-reader"
    if spec.id in ("UnauthorizedApiCalls", "UnauthorizedCallsByOnePrincipal"):
        return (refused_calls(q),)
    if spec.id == "ConsoleSignInWithoutMfa":
        return (sign_ins(q, "Console sign-ins without MFA", "{mfa} <> 'Yes'", ' and additionalEventData.MFAUsed != "Yes"'),)
    if spec.id == "ConsoleSignInWithoutMfaIamUsers":
        return (
            sign_ins(q, "IAM users' console sign-ins without MFA", "useridentity.type = 'IAMUser' AND {mfa} <> 'Yes'", ' and userIdentity.type = "IAMUser" and additionalEventData.MFAUsed != "Yes"'),
        )
    if spec.id == "RootUsage":
        return (root_activity(q),)
    if spec.id in ("ConsoleAuthenticationFailures", "FailedConsoleSignInsBurst"):
        return (sign_ins(q, "Failed console sign-ins", "errormessage = 'Failed authentication'", ' and errorMessage = "Failed authentication"'),)
    if spec.id == "AccessOutsideBusinessHours":
        return (sign_ins(q, "Console sign-ins in the window"),)
    if spec.id == "PrivilegedRoleAssumed":
        return (role_sessions(q, "Administrator role assumptions and their sessions' calls", config.alarms.privileged_roles),)
    if spec.id == "ArchiveReaderRoleAssumed":
        return (role_sessions(q, "Reader role assumptions and their sessions' calls", (reader,)), reader_reads(f"{q}-archive-reads", _archive_buckets(config), reader))
    if spec.id == "BreakGlassRoleUsed":
        return (role_sessions(q, "Break-glass assumptions and every call of its sessions", (break_glass,)),)
    if spec.id == "ApiCallVolumeAnomaly":
        return (call_volume(q),)
    if spec.id == "CanaryAccessed":
        return (object_reads(q, "Who touched the canary record", (config.canary.bucket_name_pattern.format(account="*", region="*"),), key=CANARY_KEY),)
    if spec.id == "DataRetrievalAnomaly":
        return (object_reads(q, "Reads of the sensitive buckets by principal", config.trail.sensitive_buckets, grouped=True),)
    if spec.id == "TrailSilent":
        return (
            calls_named(
                q, "Calls that stop or change the trail or its delivery", ("StopLogging", "DeleteTrail", "UpdateTrail", "PutRolePolicy", "DeleteRolePolicy", "DetachRolePolicy", "DeleteLogGroup")
            ),
        )
    if spec.id.startswith("ReplicationFailed"):
        return (
            calls_named(
                q,
                "Changes to replication, bucket and key policies",
                ("PutBucketReplication", "DeleteBucketReplication", "PutBucketPolicy", "PutKeyPolicy", "PutRolePolicy", "DetachRolePolicy", "DisableKey"),
            ),
        )
    if spec.id.startswith("LogExportDelivery"):
        # What stops Firehose delivering: its stream or role changed, or the intake's bucket or
        # key policy, or the key disabled (the log-archive account's calls are in its trail).
        return (
            calls_named(
                q,
                "Changes to the export stream, its role, the intake bucket and key",
                ("UpdateDestination", "DeleteDeliveryStream", "PutRolePolicy", "DeleteRolePolicy", "DetachRolePolicy", "PutBucketPolicy", "PutKeyPolicy", "DisableKey", "DeleteAccountPolicy"),
            ),
        )
    if spec.id == "AlertRoutingDeadLetters":
        return (
            calls_named(
                q, "Changes to topics, their key and the routing rules", ("SetTopicAttributes", "DeleteTopic", "PutKeyPolicy", "DisableKey", "PutRule", "PutTargets", "RemoveTargets", "DisableRule")
            ),
        )
    if spec.id.startswith("ChatRelayTarget_") or spec.id == "ChatRelayDeadLetters":
        return (
            calls_named(q, "Changes to the webhook secrets", ("PutSecretValue", "UpdateSecret", "DeleteSecret", "RestoreSecret", "PutResourcePolicy")),
            function_failures(f"{q}-failed-calls", f"{prefix}-chat-relay"),
        )
    if spec.id.startswith("ChatRelay"):
        return (function_failures(q, f"{prefix}-chat-relay"),)
    if spec.id.startswith("LogForwarder"):
        return (function_failures(q, f"{prefix}-log-forwarder"),)
    if spec.id.startswith("FlowLogEnforcer"):
        return (function_failures(q, f"{prefix}-flow-log-enforcer"),)
    if spec.id.startswith("Responder"):
        return (function_failures(q, f"{prefix}-responder"),)
    if spec.id == "ReviewDigestFailed":
        return (function_failures(q, f"{prefix}-review-digest"),)
    if spec.id.startswith("CloudFrontLogging"):  # CloudTrail has the refused AssumeRole and its role ARN
        return (function_failures(q, f"{prefix}-cloudfront-logging-check"),)
    if spec.id == "UnexpectedRegionActivity":
        covered = tuple(config.regions) + (() if "us-east-1" in config.regions else ("us-east-1",))
        return (region_activity(q, "Calls in regions outside the covered ones", outside=covered),)
    if spec.id == "UnexpectedRegionActivityUsEast1":
        from capabilities.alarms.dpp import US_EAST_1_GLOBAL_SOURCES

        return (region_activity(q, "Calls of regional services in us-east-1 (not covered)", us_east_1_except=US_EAST_1_GLOBAL_SOURCES),)
    if spec.id == "DrillCanaryRead":
        return (object_reads(q, "Who read the canary record (the drill role, or someone else)", (config.canary.bucket_name_pattern.format(account="*", region="*"),), key=CANARY_KEY),)
    if spec.id == "DrillAlarmBreach" or spec.id == "DrillCheckFailed" or spec.id.startswith("DrillAlertPathBroken"):
        # The drill's own functions first (did the runner start the path, did the checker read
        # it?), then the record under evidence/drill/ names the hop that broke.
        return (function_failures(q, f"{prefix}-drill-runner"), function_failures(f"{q}-checker", f"{prefix}-drill-checker"))
    if spec.filter_pattern and spec.id in built_in_alarm_ids(config) and _filter_names(spec.filter_pattern):
        return (calls_named(q, f"{spec.title}: who, from where, what", _filter_names(spec.filter_pattern)),)
    if spec.id not in built_in_alarm_ids(config):  # the team's own alarms: start from the principal
        return (principal_activity(q),)
    return ()


def _archive_buckets(config: BaselineConfig) -> tuple[str, ...]:
    from configuration.naming import archive_names

    names = archive_names(config)
    return (names.archive_bucket, names.config_staging_bucket)


def route_queries(route: EventRoute) -> tuple[Query, ...]:
    q = route.id
    detail = route.pattern.get("detail", {})
    detail_types = route.pattern.get("detail-type", [])
    if detail_types == ["GuardDuty Finding"]:
        return (finding_principal(q), rejected_flows(f"{q}-rejected-flows"), dns_lookups(f"{q}-dns-lookups"))
    if any(t.startswith("Security Hub Findings") or t.startswith("Findings Imported") for t in detail_types) or route.id == "ConfigNonCompliant":
        return (resource_changes(q),)
    if route.id == "CloudTrailInsight":
        return (api_callers(q),)
    if route.id == "CredentialsExposed":
        return (access_key_activity(q),)
    if route.id == "RootSignIn":
        return (root_activity(q),)
    if route.id in ARCHIVE_WATCH_QUERIES:
        return ARCHIVE_WATCH_QUERIES[route.id](q)
    if route.id == "GlobalEventsForwardingFailed":
        return (
            calls_named(
                q,
                "Changes to the forwarding rules, their role and the home bus",
                ("PutRule", "PutTargets", "RemoveTargets", "DisableRule", "DeleteRule", "PutRolePolicy", "DeleteRolePolicy", "DetachRolePolicy", "PutPermission"),
            ),
        )
    names = tuple(detail.get("eventName", ()))
    if names:
        sources = detail.get("eventSource", [])
        return (calls_named(q, f"{route.id}: who made the call, from where", names, sources[0] if len(sources) == 1 else None),)
    return ()


@dataclass(frozen=True)
class Investigation:
    """What the plan and the stacks need per alarm or route."""

    subject: str  # the alarm or route id, or the workload log channel
    kind: str  # "alarm", "route" or "workload log"
    queries: tuple[Query, ...]


def investigations(config: BaselineConfig) -> list[Investigation]:
    """Every alarm and route of the configuration with its queries (possibly none: tested)."""
    found = [Investigation(s.id, "alarm", alarm_queries(s, config)) for s in (alarm_specs(config) if config.features.alarms else [])]
    found += [Investigation(r.id, "route", route_queries(r)) for r in event_routes(config)]
    return found + workload_log_investigations(config)


def query_name(prefix: str, query: Query) -> str:
    """The saved query's name, alike in Athena and Logs Insights (Insights folders by ``/``)."""
    return f"{prefix}/investigations/{query.id}"


# Organization mode's archive watch (capabilities.alerting.archive_watch): the log-archive
# account's calls are in the organization trail.
ARCHIVE_WATCH_QUERIES = {
    "ArchiveReplicationFailing": lambda q: (
        calls_named(
            q,
            "Changes to replication, bucket and key policies",
            ("PutBucketReplication", "DeleteBucketReplication", "PutBucketPolicy", "PutKeyPolicy", "PutRolePolicy", "DetachRolePolicy", "DisableKey"),
        ),
    ),
    "ArchiveEventsForwardingFailed": lambda q: (
        calls_named(
            q,
            "Changes to the archive forwarder's rules, its role and the security account's bus",
            ("PutRule", "PutTargets", "RemoveTargets", "DisableRule", "DeleteRule", "PutRolePolicy", "DeleteRolePolicy", "DetachRolePolicy", "PutPermission", "RemovePermission"),
        ),
    ),
}
