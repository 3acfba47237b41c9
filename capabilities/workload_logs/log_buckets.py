"""A workload account's regional bucket for the log channels that cannot write to the KMS /
Object Lock archive (DPP-LOG-8, DPP-LOG-7, DPP-PRT-3, DPP-RET-1).

- Application Load Balancer access logs: "The only server-side encryption option that's
  supported is Amazon S3-managed keys (SSE-S3)", delivered by the region's Elastic Load
  Balancing account or, in newer Regions, by ``logdelivery.elasticloadbalancing.amazonaws.com``
  (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html).
  Point a load balancer at this bucket with the prefix ``alb``.
- AWS WAF logs: the bucket name must start with ``aws-waf-logs-``; delivered by
  ``delivery.logs.amazonaws.com`` with ``aws:SourceAccount`` / ``aws:SourceArn`` and the
  ``bucket-owner-full-control`` ACL (https://docs.aws.amazon.com/waf/latest/developerguide/logging-s3.html).
  Point a web ACL's logging at this bucket's ARN with the prefix ``waf``.

One bucket serves both, so its name starts with ``aws-waf-logs-``. Each new object is
announced to EventBridge and copied into the log archive by the account's log forwarder
(``capabilities.workload_logs.log_forwarder``): S3 replication would keep the objects'
SSE-S3, which the archive refuses. SSE-S3, versioned, TLS
only, public access blocked, server access logs into a bucket of its own, kept
``retention_days`` plus a margin, retained on stack deletion; its policy, lifecycle,
encryption and logging can be changed only by the deployment role or the break-glass role.
"""

from __future__ import annotations

from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct

from capabilities.archive import tamper
from capabilities.archive.secure_bucket import retention_lifecycle, secure_bucket
from capabilities.workload_logs.elb_accounts import ELB_LOG_DELIVERY_SERVICE, elb_account

ALB_PREFIX = "alb"
WAF_PREFIX = "waf"
CLOUDFRONT_PREFIX = "cloudfront"
# Kept past the retention so that a log written late on its last day, or delivered late,
# still has its full retention (DPP-RET-1).
RETENTION_MARGIN_DAYS = 30


class WorkloadLogBucket(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        account: str,
        region: str,
        bucket_name: str,
        access_log_bucket_name: str,
        retention_days: int,
        exempt_role_arns: list[str],
    ) -> None:
        super().__init__(scope, id)
        assert bucket_name.startswith("aws-waf-logs-"), "AWS WAF delivers only to buckets named aws-waf-logs-*"
        lifecycle = retention_lifecycle(retention_days + RETENTION_MARGIN_DAYS)
        self.access_logs = secure_bucket(self, "AccessLogBucket", bucket_name=access_log_bucket_name, encryption_key=None, access_logs=None, lifecycle_rules=lifecycle)
        # SSE-S3 (encryption_key None): the only encryption ALB access logs accept.
        self.bucket = secure_bucket(self, "Bucket", bucket_name=bucket_name, encryption_key=None, access_logs=(self.access_logs, "workload-logs/"), lifecycle_rules=lifecycle)
        self._admit_load_balancers(account, region)
        self._admit_waf(account, region)
        self._admit_cloudfront(account)
        # Every new object becomes an "Object Created" event on the default bus, which the log
        # forwarder's rule (capabilities.workload_logs.log_forwarder) picks up; set on the
        # template's bucket, so no notification custom resource is needed
        # (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-s3-bucket-eventbridgeconfiguration.html,
        # https://docs.aws.amazon.com/AmazonS3/latest/userguide/EventBridge.html).
        cfn_bucket: s3.CfnBucket = self.bucket.node.default_child  # type: ignore[assignment]
        cfn_bucket.notification_configuration = s3.CfnBucket.NotificationConfigurationProperty(event_bridge_configuration=s3.CfnBucket.EventBridgeConfigurationProperty(event_bridge_enabled=True))
        for bucket in (self.bucket, self.access_logs):
            tamper.deny_tampering(bucket, exempt_role_arns=exempt_role_arns)

    def _admit_load_balancers(self, account: str, region: str) -> None:
        objects = self.bucket.arn_for_objects(f"{ALB_PREFIX}/AWSLogs/{account}/*")
        self.bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AlbAccessLogsByLogDeliveryService",
                principals=[iam.ServicePrincipal(ELB_LOG_DELIVERY_SERVICE)],
                actions=["s3:PutObject"],
                resources=[objects],
            )
        )
        elb = elb_account(region)
        if elb:
            self.bucket.add_to_resource_policy(
                iam.PolicyStatement(
                    sid="AlbAccessLogsByRegionalElbAccount",
                    principals=[iam.AccountPrincipal(elb)],
                    actions=["s3:PutObject"],
                    resources=[objects],
                )
            )

    def _admit_waf(self, account: str, region: str) -> None:
        source = {"aws:SourceAccount": account}
        # Regional web ACLs log from their region; CloudFront (global) web ACLs from us-east-1.
        source_arn = {"aws:SourceArn": [f"arn:aws:logs:{region}:{account}:*", f"arn:aws:logs:us-east-1:{account}:*"]}
        delivery = iam.ServicePrincipal("delivery.logs.amazonaws.com")
        self.bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="WafLogsDelivery",
                principals=[delivery],
                actions=["s3:PutObject"],
                resources=[self.bucket.arn_for_objects(f"{WAF_PREFIX}/AWSLogs/{account}/*")],
                conditions={"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", **source}, "ArnLike": source_arn},
            )
        )
        self.bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="WafLogsDeliveryAclCheck",
                principals=[delivery],
                actions=["s3:GetBucketAcl"],
                resources=[self.bucket.bucket_arn],
                conditions={"StringEquals": source, "ArnLike": source_arn},
            )
        )

    def _admit_cloudfront(self, account: str) -> None:
        """CloudFront standard logging (v2) delivers through CloudWatch Logs' vended-log
        delivery, whose S3 destinations need only this statement (no ACL check, no ACLs on the
        bucket): ``delivery.logs.amazonaws.com`` with ``bucket-owner-full-control``, bound to
        this account's delivery sources, which for CloudFront live in us-east-1
        (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logging.html,
        https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-and-resource-policy.html#AWS-logs-infrastructure-V2-S3).
        Point a distribution's S3 delivery destination at this bucket's ARN with the prefix
        ``cloudfront``. Legacy standard logging needs ACLs on the bucket, which this one refuses
        (object ownership enforced): use v2."""
        self.bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudFrontLogsDelivery",
                principals=[iam.ServicePrincipal("delivery.logs.amazonaws.com")],
                actions=["s3:PutObject"],
                resources=[self.bucket.arn_for_objects(f"{CLOUDFRONT_PREFIX}/AWSLogs/{account}/*")],
                conditions={
                    "StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": account},
                    "ArnLike": {"aws:SourceArn": f"arn:aws:logs:us-east-1:{account}:delivery-source:*"},
                },
            )
        )
