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
    ]
