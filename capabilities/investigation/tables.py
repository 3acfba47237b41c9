"""The catalogue's tables: one per prefix of the archive, columns and SerDe as AWS documents
them for Athena, partitions projected from ``capabilities.archive.key_layout`` (DPP-ANA-1).

Pure data (no CDK): the construct renders it, the tests load the same definitions into a local
engine, so a query that names a column no table has fails in the tests."""

from __future__ import annotations

from dataclasses import dataclass

from capabilities.archive.key_layout import KeyLayout, archive_layouts
from capabilities.network_logs.flow_log_format import FLOW_LOG_FIELDS
from configuration.model import BaselineConfig

JSON_SERDE = "org.openx.data.jsonserde.JsonSerDe"
TEXT_INPUT = "org.apache.hadoop.mapred.TextInputFormat"
TEXT_OUTPUT = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"

# https://docs.aws.amazon.com/athena/latest/ug/cloudtrail-logs.html (manual table): the
# CloudTrail SerDe turns each file's Records into rows; nested request and response objects
# stay JSON text (read them with json_extract_scalar).
_SESSION_ISSUER = "struct<type:string,principalid:string,arn:string,accountid:string,username:string>"
CLOUDTRAIL_COLUMNS = (
    ("eventversion", "string"),
    (
        "useridentity",
        "struct<type:string,principalid:string,arn:string,accountid:string,invokedby:string,accesskeyid:string,username:string,"
        f"onbehalfof:struct<userid:string,identitystorearn:string>,sessioncontext:struct<attributes:struct<mfaauthenticated:string,creationdate:string>,"
        f"sessionissuer:{_SESSION_ISSUER},ec2roledelivery:string,webidfederationdata:struct<federatedprovider:string,attributes:map<string,string>>>>",
    ),
    ("eventtime", "string"),
    ("eventsource", "string"),
    ("eventname", "string"),
    ("awsregion", "string"),
    ("sourceipaddress", "string"),
    ("useragent", "string"),
    ("errorcode", "string"),
    ("errormessage", "string"),
    ("requestparameters", "string"),
    ("responseelements", "string"),
    ("additionaleventdata", "string"),
    ("requestid", "string"),
    ("eventid", "string"),
    ("resources", "array<struct<arn:string,accountid:string,type:string>>"),
    ("eventtype", "string"),
    ("apiversion", "string"),
    ("readonly", "string"),
    ("recipientaccountid", "string"),
    ("serviceeventdetails", "string"),
    ("sharedeventid", "string"),
    ("vpcendpointid", "string"),
    ("eventcategory", "string"),
    ("tlsdetails", "struct<tlsversion:string,ciphersuite:string,clientprovidedhostheader:string>"),
)

# Parquet flow logs: each configured field, hyphens as underscores
# (https://docs.aws.amazon.com/athena/latest/ug/vpc-flow-logs-parquet.html).
_FLOW_TYPES = {"version": "int", "srcport": "int", "dstport": "int", "protocol": "bigint", "packets": "bigint", "bytes": "bigint", "start": "bigint", "end": "bigint", "tcp-flags": "int"}
FLOW_LOG_COLUMNS = tuple((name.replace("-", "_"), _FLOW_TYPES.get(name, "string")) for name in FLOW_LOG_FIELDS)

# https://docs.aws.amazon.com/athena/latest/ug/querying-r53-resolver-logs-creating-the-table.html
DNS_QUERY_COLUMNS = (
    ("version", "string"),
    ("account_id", "string"),
    ("region", "string"),
    ("vpc_id", "string"),
    ("query_timestamp", "string"),
    ("query_name", "string"),
    ("query_type", "string"),
    ("query_class", "string"),
    ("rcode", "string"),
    ("answers", "array<struct<rdata:string,type:string,class:string>>"),
    ("srcaddr", "string"),
    ("srcport", "int"),
    ("transport", "string"),
    ("srcids", "struct<instance:string,resolver_endpoint:string>"),
    ("firewall_rule_action", "string"),
    ("firewall_rule_group_id", "string"),
    ("firewall_domain_list_id", "string"),
)

# A Config history or snapshot file is one JSON object holding configurationItems
# (https://docs.aws.amazon.com/config/latest/developerguide/config-item-table.html).
CONFIG_COLUMNS = (
    ("fileversion", "string"),
    ("configsnapshotid", "string"),
    (
        "configurationitems",
        "array<struct<configurationitemversion:string,configurationitemcapturetime:string,configurationstateid:bigint,awsaccountid:string,"
        "configurationitemstatus:string,resourcetype:string,resourceid:string,resourcename:string,arn:string,awsregion:string,"
        "availabilityzone:string,resourcecreationtime:string,configuration:string,supplementaryconfiguration:string,"
        "relatedevents:array<string>,relationships:array<struct<resourceid:string,resourcename:string,resourcetype:string,name:string>>,"
        "tags:map<string,string>>>",
    ),
)

# GuardDuty exports one finding per line, as GetFindings returns it
# (https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-format.html).
_REMOTE_IP = "struct<ipaddressv4:string,organization:struct<asn:string,asnorg:string,isp:string,org:string>,country:struct<countryname:string>>"
GUARDDUTY_COLUMNS = (
    ("schemaversion", "string"),
    ("accountid", "string"),
    ("region", "string"),
    ("partition", "string"),
    ("id", "string"),
    ("arn", "string"),
    ("type", "string"),
    (
        "resource",
        "struct<resourcetype:string,accesskeydetails:struct<accesskeyid:string,principalid:string,username:string,usertype:string>,"
        "instancedetails:struct<instanceid:string,networkinterfaces:array<struct<vpcid:string,subnetid:string,privateipaddress:string,publicip:string>>>,"
        "s3bucketdetails:array<struct<name:string,arn:string>>>",
    ),
    (
        "service",
        "struct<servicename:string,detectorid:string,eventfirstseen:string,eventlastseen:string,count:int,archived:boolean,"
        f"action:struct<actiontype:string,awsapicallaction:struct<api:string,servicename:string,callertype:string,remoteipdetails:{_REMOTE_IP}>,"
        f"networkconnectionaction:struct<connectiondirection:string,blocked:boolean,protocol:string,remoteipdetails:{_REMOTE_IP}>,"
        "dnsrequestaction:struct<domain:string,protocol:string,blocked:boolean>,"
        f"portprobeaction:struct<blocked:boolean,portprobedetails:array<struct<remoteipdetails:{_REMOTE_IP}>>>>>",
    ),
    ("severity", "double"),
    ("title", "string"),
    ("description", "string"),
    ("createdat", "string"),
    ("updatedat", "string"),
)

# The CloudWatch Logs subscription envelope Firehose writes (layouts.md, issue 19).
CLOUDWATCH_LOGS_COLUMNS = (
    ("messagetype", "string"),
    ("owner", "string"),
    ("loggroup", "string"),
    ("logstream", "string"),
    ("subscriptionfilters", "array<string>"),
    ("logevents", "array<struct<id:string,timestamp:bigint,message:string>>"),
)

# https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-s3-access-logs-to-identify-requests.html
S3_ACCESS_LOG_COLUMNS = tuple(
    (name, "bigint" if name in ("bytessent", "objectsize") else "string")
    for name in (
        "bucketowner", "bucket_name", "requestdatetime", "remoteip", "requester", "requestid", "operation", "key", "request_uri",
        "httpstatus", "errorcode", "bytessent", "objectsize", "totaltime", "turnaroundtime", "referrer", "useragent", "versionid",
        "hostid", "sigv", "ciphersuite", "authtype", "endpoint", "tlsversion", "accesspointarn", "aclrequired",
    )
)  # fmt: skip
S3_ACCESS_LOG_REGEX = (
    r'([^ ]*) ([^ ]*) \[(.*?)\] ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ("[^"]*"|-) (-|[0-9]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) '
    r'([^ ]*) ([^ ]*) ("[^"]*"|-) ([^ ]*)(?: ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*))?.*$'
)


# The workload's own channels, forwarded from the workload log buckets (DPP-LOG-8).
# ALB access logs: the columns and RegexSerDe of "Create the table for ALB access logs"
# (https://docs.aws.amazon.com/athena/latest/ug/create-alb-access-logs-table.html), fields as
# https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-access-logs.html
# lists them. The final optional group takes fields ALB may append later without breaking the
# match; it feeds no column.
ALB_ACCESS_LOG_COLUMNS = (
    ("type", "string"),
    ("time", "string"),
    ("elb", "string"),
    ("client_ip", "string"),
    ("client_port", "int"),
    ("target_ip", "string"),
    ("target_port", "int"),
    ("request_processing_time", "double"),
    ("target_processing_time", "double"),
    ("response_processing_time", "double"),
    ("elb_status_code", "int"),
    ("target_status_code", "string"),
    ("received_bytes", "bigint"),
    ("sent_bytes", "bigint"),
    ("request_verb", "string"),
    ("request_url", "string"),
    ("request_proto", "string"),
    ("user_agent", "string"),
    ("ssl_cipher", "string"),
    ("ssl_protocol", "string"),
    ("target_group_arn", "string"),
    ("trace_id", "string"),
    ("domain_name", "string"),
    ("chosen_cert_arn", "string"),
    ("matched_rule_priority", "string"),
    ("request_creation_time", "string"),
    ("actions_executed", "string"),
    ("redirect_url", "string"),
    ("lambda_error_reason", "string"),
    ("target_port_list", "string"),
    ("target_status_code_list", "string"),
    ("classification", "string"),
    ("classification_reason", "string"),
    ("conn_trace_id", "string"),
)
ALB_ACCESS_LOG_REGEX = (
    r"([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*):([0-9]*) ([^ ]*)[:-]([0-9]*) ([-.0-9]*) ([-.0-9]*) ([-.0-9]*) (|[-0-9]*) (-|[-0-9]*) ([-0-9]*) ([-0-9]*) "
    r'"([^ ]*) (.*) (- |[^ ]*)" "([^"]*)" ([A-Z0-9-_]+) ([A-Za-z0-9.-]*) ([^ ]*) "([^"]*)" "([^"]*)" "([^"]*)" ([-.0-9]*) ([^ ]*) '
    r'"([^"]*)" "([^"]*)" "([^ ]*)" "([^\s]+?)" "([^\s]+)" "([^ ]*)" "([^ ]*)" ?([^ ]*)?( .*)?'
)

# AWS WAF logs, one JSON object per line (OpenX JSON SerDe, keys matched case-insensitively):
# the columns of https://docs.aws.amazon.com/athena/latest/ug/create-waf-table-partition-projection.html
# for the fields of https://docs.aws.amazon.com/waf/latest/developerguide/logging-fields.html.
_WAF_MATCH = "array<struct<conditiontype:string,sensitivitylevel:string,location:string,matcheddata:array<string>>>"
_WAF_TOKEN = "struct<responsecode:string,solvetimestamp:string,failurereason:string>"
WAF_LOG_COLUMNS = (
    ("timestamp", "bigint"),
    ("formatversion", "int"),
    ("webaclid", "string"),
    ("terminatingruleid", "string"),
    ("terminatingruletype", "string"),
    ("action", "string"),
    ("terminatingrulematchdetails", _WAF_MATCH),
    ("httpsourcename", "string"),
    ("httpsourceid", "string"),
    (
        "rulegrouplist",
        f"array<struct<rulegroupid:string,terminatingrule:struct<ruleid:string,action:string,rulematchdetails:{_WAF_MATCH}>,"
        f"nonterminatingmatchingrules:array<struct<ruleid:string,action:string,overriddenaction:string,rulematchdetails:{_WAF_MATCH}>>,excludedrules:string>>",
    ),
    ("ratebasedrulelist", "array<struct<ratebasedruleid:string,ratebasedrulename:string,limitkey:string,maxrateallowed:int>>"),
    ("nonterminatingmatchingrules", f"array<struct<ruleid:string,action:string,rulematchdetails:{_WAF_MATCH}>>"),
    ("requestheadersinserted", "array<struct<name:string,value:string>>"),
    ("responsecodesent", "string"),
    (
        "httprequest",
        "struct<clientip:string,country:string,headers:array<struct<name:string,value:string>>,uri:string,args:string,httpversion:string,httpmethod:string,requestid:string>",
    ),
    ("labels", "array<struct<name:string>>"),
    ("captcharesponse", _WAF_TOKEN),
    ("challengeresponse", _WAF_TOKEN),
    ("ja3fingerprint", "string"),
)

# CloudFront standard logging v2 in Parquet, the fields CloudFront selects by default
# (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logging.html),
# named as the Athena table for them names them: lower case, ``cs(Host)`` as ``cs_host``,
# hyphens as underscores, every column a string
# (https://docs.aws.amazon.com/athena/latest/ug/create-cloudfront-table-partition-parquet.html).
CLOUDFRONT_FIELDS = (
    "date", "time", "x-edge-location", "sc-bytes", "c-ip", "cs-method", "cs(Host)", "cs-uri-stem", "sc-status", "cs(Referer)",
    "cs(User-Agent)", "cs-uri-query", "cs(Cookie)", "x-edge-result-type", "x-edge-request-id", "x-host-header", "cs-protocol",
    "cs-bytes", "time-taken", "x-forwarded-for", "ssl-protocol", "ssl-cipher", "x-edge-response-result-type", "cs-protocol-version",
    "fle-status", "fle-encrypted-fields", "c-port", "time-to-first-byte", "x-edge-detailed-result-type", "sc-content-type",
    "sc-content-len", "sc-range-start", "sc-range-end",
)  # fmt: skip


def cloudfront_column(field: str) -> str:
    """A CloudFront log field's column name (``cs(User-Agent)`` -> ``cs_user_agent``)."""
    return field.lower().replace("(", "_").replace(")", "").replace("-", "_")


CLOUDFRONT_COLUMNS = tuple((cloudfront_column(f), "string") for f in CLOUDFRONT_FIELDS)
PARQUET_SERDE = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
PARQUET_INPUT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
PARQUET_OUTPUT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"


@dataclass(frozen=True)
class TableSpec:
    name: str
    description: str
    columns: tuple[tuple[str, str], ...]
    layout: KeyLayout
    serde: str
    input_format: str = TEXT_INPUT
    output_format: str = TEXT_OUTPUT
    serde_parameters: tuple[tuple[str, str], ...] = ()

    @property
    def partition_keys(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.layout.partitions)

    def parameters(self) -> dict[str, str]:
        """Table properties: projection on, one set per partition column, and the template."""
        props = {"EXTERNAL": "TRUE", "projection.enabled": "true", "storage.location.template": self.layout.location_template}
        for partition in self.layout.partitions:
            props |= partition.properties()
        return props


def catalogue_tables(config: BaselineConfig) -> list[TableSpec]:
    layouts = archive_layouts(config)
    return [
        TableSpec(
            "cloudtrail",
            "CloudTrail management and data events (DPP-LOG-1, DPP-LOG-7)",
            CLOUDTRAIL_COLUMNS,
            layouts["cloudtrail"],
            "com.amazon.emr.hive.serde.CloudTrailSerde",
            input_format="com.amazon.emr.cloudtrail.CloudTrailInputFormat",
        ),
        TableSpec(
            "vpc_flow_logs",
            "VPC flow logs, Parquet, the DPP's fields (DPP-LOG-3)",
            FLOW_LOG_COLUMNS,
            layouts["vpc_flow_logs"],
            "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
            input_format="org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
            output_format="org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
        ),
        TableSpec("dns_query_logs", "Route 53 Resolver query logs (DPP-LOG-4)", DNS_QUERY_COLUMNS, layouts["dns_query_logs"], JSON_SERDE),
        TableSpec("config", "AWS Config history and snapshots (DPP-LOG-5)", CONFIG_COLUMNS, layouts["config"], JSON_SERDE),
        TableSpec("guardduty_findings", "GuardDuty findings exported from every region (DPP-LOG-6)", GUARDDUTY_COLUMNS, layouts["guardduty_findings"], JSON_SERDE),
        TableSpec("cloudwatch_logs", "The account-wide CloudWatch Logs export (DPP-LOG-8)", CLOUDWATCH_LOGS_COLUMNS, layouts["cloudwatch_logs"], JSON_SERDE),
        TableSpec(
            "s3_access_logs",
            "S3 server access logs of the archive and the Config staging bucket (DPP-LOG-7)",
            S3_ACCESS_LOG_COLUMNS,
            layouts["s3_access_logs"],
            "org.apache.hadoop.hive.serde2.RegexSerDe",
            serde_parameters=(("input.regex", S3_ACCESS_LOG_REGEX),),
        ),
        *_workload_tables(layouts),
    ]


def _workload_tables(layouts: dict[str, KeyLayout]) -> list[TableSpec]:
    """The workload log buckets' forwarded copies (DPP-LOG-8), where the configuration keeps them."""
    if "alb_access_logs" not in layouts:
        return []
    return [
        TableSpec(
            "alb_access_logs",
            "Application Load Balancer access logs of the workload accounts (DPP-LOG-8, DPP-LOG-2)",
            ALB_ACCESS_LOG_COLUMNS,
            layouts["alb_access_logs"],
            "org.apache.hadoop.hive.serde2.RegexSerDe",
            serde_parameters=(("serialization.format", "1"), ("input.regex", ALB_ACCESS_LOG_REGEX)),
        ),
        TableSpec("waf_logs", "AWS WAF logs of the workload accounts' web ACLs (DPP-LOG-8)", WAF_LOG_COLUMNS, layouts["waf_logs"], JSON_SERDE),
        TableSpec(
            "cloudfront_logs",
            "CloudFront standard logging v2 (Parquet) of the workload accounts' distributions (DPP-LOG-8, DPP-LOG-2)",
            CLOUDFRONT_COLUMNS,
            layouts["cloudfront_logs"],
            PARQUET_SERDE,
            input_format=PARQUET_INPUT,
            output_format=PARQUET_OUTPUT,
        ),
    ]
