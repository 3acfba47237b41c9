"""Which events reach which severity topic, declared as data (DPP-MON-3, DPP-MON-4, DPP-IR-2).

Each route is an EventBridge pattern in the service's own JSON form, a severity, what it
means and the first steps for a responder. One construct renders them (``FindingRoutes``);
the README's table and the incident response plan are generated from the same list.
"""

from __future__ import annotations

from dataclasses import dataclass

from configuration.model import BaselineConfig, Severity

CLOUDTRAIL_API_CALL = "AWS API Call via CloudTrail"
# Events of global services reach EventBridge in us-east-1 only
# (https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-iam.html: "IAM ... events are
# only available in the US East (N. Virginia) Region"; AWS sign-in and STS's global endpoint
# alike, https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html).
GLOBAL_EVENTS_REGION = "us-east-1"
# AWS Health's global events, the RISK service's exposed-credential events among them, are
# delivered in us-east-1 (AWS's sample AWS_RISK_CREDENTIALS_EXPOSED event is a us-east-1 one,
# https://docs.aws.amazon.com/health/latest/ug/cloudwatch-events-health.html): forwarding
# aws.health from there also covers them when us-east-1 is not a covered region.
GLOBAL_SOURCES = ("aws.iam", "aws.sts", "aws.signin", "aws.health")


@dataclass(frozen=True)
class EventRoute:
    id: str
    severity: Severity
    pattern: dict
    meaning: str
    first_steps: str
    requirements: tuple[str, ...]
    # Matches events that only a forwarder sends home (the us-east-1 forwarder's failure alarm,
    # the log-archive account's alarms in organization mode).
    forwarded_only: bool = False
    # The accounts whose routes render it (None: every monitored account).
    rendered_in: tuple[str, ...] | None = None

    @property
    def is_global(self) -> bool:
        """Matches only global-service events (or events only the forwarder sends): rendered in
        the home region, which receives them from us-east-1 (``GlobalEventForwarder``), and
        nowhere else, so none is missed and none is counted twice."""
        return self.forwarded_only or set(self.pattern.get("source", ())) <= set(GLOBAL_SOURCES)


def archive_forwarding_failed_alarm_name(prefix: str) -> str:
    """The log-archive account's alarm on its archive-event forwarder's dead-letter queue
    (organization mode, ``capabilities.alerting.archive_watch``)."""
    return f"{prefix}-archive-events-forwarding-failed"


def replication_alarm_prefix(prefix: str) -> str:
    """Every ``ReplicationFailed*`` alarm's name starts with this (``capabilities.alarms.dpp``)."""
    return f"{prefix}-ReplicationFailed"


def forwarding_failed_alarm_name(prefix: str) -> str:
    """The us-east-1 alarm on the forwarder's dead-letter queue (``GlobalEventForwarder``)."""
    return f"{prefix}-global-events-forwarding-failed"


def _forwarding(config: BaselineConfig) -> list[EventRoute]:
    """The forwarder's failures, announced at home: no topic lives in us-east-1 unless it is
    covered, so the alarm there has no action and its state change is forwarded like the
    global-service events (CloudWatch sends alarm state changes to EventBridge,
    https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html).
    No forwarder when the home region is us-east-1 (stacks.topology)."""
    if config.home_region == GLOBAL_EVENTS_REGION:
        return []
    return [
        EventRoute(
            id="GlobalEventsForwardingFailed",
            severity=Severity.CRITICAL,
            pattern={
                "source": ["aws.cloudwatch"],
                "detail-type": ["CloudWatch Alarm State Change"],
                "detail": {"alarmName": [forwarding_failed_alarm_name(config.resource_prefix)], "state": {"value": ["ALARM"]}},
            },
            meaning="Global-service events (IAM, STS, sign-in, Health) could not be forwarded from us-east-1 to the home region for 24 hours: root sign-ins, role tampering and exposed credentials may have gone unannounced. They wait in the us-east-1 dead-letter queue.",
            first_steps="Read the messages of the us-east-1 queue dpp-<stage>-global-events-dead-letters (they carry the error); fix the forwarding role or the home bus; review the held events by hand, then redrive them.",
            requirements=("DPP-MON-6", "DPP-MON-3"),
            forwarded_only=True,
        )
    ]


def _archive_watch(config: BaselineConfig) -> list[EventRoute]:
    """Organization mode: the log-archive account has no topics, so its replication alarms and
    its forwarder's failure alarm have no actions; their state changes (CloudWatch sends them
    to EventBridge,
    https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html)
    are forwarded to the security account's home bus and announced there, only when they come
    from the log-archive account (a forwarded event keeps its source ``account``,
    https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html)."""
    if not config.org_mode:
        return []
    archive = config.log_archive_account.account_id
    security = (config.security_account.account_id,)

    def alarm_pattern(names: list) -> dict:
        return {"source": ["aws.cloudwatch"], "account": [archive], "detail-type": ["CloudWatch Alarm State Change"], "detail": {"alarmName": names, "state": {"value": ["ALARM"]}}}

    routes = [
        EventRoute(
            id="ArchiveEventsForwardingFailed",
            severity=Severity.CRITICAL,
            pattern=alarm_pattern([archive_forwarding_failed_alarm_name(config.resource_prefix)]),
            meaning="The log-archive account could not forward its archive events (replication alarms, changes to the archive's buckets, key and log groups) to the security account for 24 hours: they wait in its dead-letter queue.",
            first_steps="In the log-archive account, read the messages of dpp-<stage>-archive-events-dead-letters (they carry the error); fix the forwarding role or the security account's bus policy; review the held events, then redrive them.",
            requirements=("DPP-MON-6", "DPP-PRT-5"),
            forwarded_only=True,
            rendered_in=security,
        )
    ]
    if config.features.alarms:
        routes.insert(
            0,
            EventRoute(
                id="ArchiveReplicationFailing",
                severity=Severity.CRITICAL,
                pattern=alarm_pattern([{"prefix": replication_alarm_prefix(config.resource_prefix)}]),
                meaning="A ReplicationFailed alarm of the log-archive account went to ALARM: objects of an archive, staging or intake bucket fail to replicate, so logs are missing from a locked copy (DPP-PRT-5).",
                first_steps="Read the alarm's name (which bucket to which) in the event; in the log-archive account check the replication role's key and bucket rights; objects retry for a while, then need S3 Batch Replication.",
                requirements=("DPP-PRT-5", "DPP-MON-6"),
                forwarded_only=True,
                rendered_in=security,
            ),
        )
    return routes


# GuardDuty's severity bands (1.0-3.9 low, 4.0-6.9 medium, 7.0-8.9 high, 9.0-10.0 critical).
_GUARDDUTY_BANDS = {
    Severity.CRITICAL: [">=", 9],
    Severity.HIGH: [">=", 7, "<", 9],
    Severity.MEDIUM: [">=", 4, "<", 7],
    Severity.LOW: [">=", 1, "<", 4],
}
# OCSF severity_id: 1 informational, 2 low, 3 medium, 4 high, 5 critical, 6 fatal.
_OCSF_BANDS = {
    Severity.CRITICAL: [">=", 5],
    Severity.HIGH: ["=", 4],
    Severity.MEDIUM: ["=", 3],
    Severity.LOW: ["=", 2],
}


def _api_calls(event_source: str, names: list[str], **request_parameters: list) -> dict:
    detail: dict = {"eventSource": [event_source], "eventName": names}
    if request_parameters:
        detail["requestParameters"] = request_parameters
    return {"detail-type": [CLOUDTRAIL_API_CALL], "detail": detail}


# GuardDuty finding types about where a principal acts from (DPP-MON-3.d, unexpected
# locations), from the finding-type reference
# (https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-iam.html):
# a console sign-in from a location unusual for the user, instance credentials used from
# outside AWS or from another AWS account, and the IAM AnomalousBehavior types, whose ML model
# profiles each identity's locations (ASN), user agents and APIs and names the unusual one in
# the finding (service.detection.anomaly.unusual).
LOCATION_FINDING_TYPES = (
    "UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B",
    "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
    "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.InsideAWS",
    *(f"{tactic}:IAMUser/AnomalousBehavior" for tactic in ("CredentialAccess", "DefenseEvasion", "Discovery", "Exfiltration", "Impact", "InitialAccess", "Persistence", "PrivilegeEscalation")),
)


def _unexpected_location(config: BaselineConfig) -> EventRoute:
    """Location findings below critical have their own route (high, whatever GuardDuty's own
    severity, since the DPP names unexpected locations as a trigger); the severity routes
    below critical skip them, so each finding is announced once. Critical ones stay critical."""
    return EventRoute(
        id="GuardDutyUnexpectedLocation",
        severity=Severity.HIGH,
        pattern={
            "source": ["aws.guardduty"],
            "detail-type": ["GuardDuty Finding"],
            "detail": {"type": list(LOCATION_FINDING_TYPES), "severity": [{"numeric": [">", 0, "<", 9]}]},
        },
        meaning="GuardDuty saw a principal act from an unexpected location: a console sign-in from a place unusual for the user, instance credentials used outside AWS or from another account, or API calls whose network, location or user agent is unusual for the identity.",
        first_steps="Ask the person whether they signed in or worked from there (travel, VPN); if not, treat the credentials as stolen: deactivate keys, revoke sessions, review the principal's calls in CloudTrail from that source IP.",
        requirements=("DPP-MON-3", "DPP-LOG-6"),
    )


def _findings(config: BaselineConfig) -> list[EventRoute]:
    routes = []
    if config.features.guardduty:
        routes.append(_unexpected_location(config))
    for severity in Severity:
        if severity.at_least(config.detection.guardduty_min_severity):
            detail: dict = {"severity": [{"numeric": _GUARDDUTY_BANDS[severity]}]}
            if severity is not Severity.CRITICAL:
                detail["type"] = [{"anything-but": list(LOCATION_FINDING_TYPES)}]
            routes.append(
                EventRoute(
                    id=f"GuardDuty{severity.value.title()}",
                    severity=severity,
                    pattern={"source": ["aws.guardduty"], "detail-type": ["GuardDuty Finding"], "detail": detail},
                    meaning=f"GuardDuty found {severity.value}-severity threat activity (compromised credentials or hosts, exfiltration, malware, reconnaissance).",
                    first_steps="Open the finding in GuardDuty; identify the principal or resource and the remote IP; check CloudTrail for what the principal did; contain (revoke sessions, isolate) if confirmed.",
                    requirements=("DPP-LOG-6", "DPP-MON-3", "DPP-MON-4"),
                )
            )
        if severity.at_least(config.detection.security_hub_min_severity):
            label = severity.value.upper()
            routes.append(
                EventRoute(
                    id=f"SecurityHub{severity.value.title()}",
                    severity=severity,
                    pattern={
                        "source": ["aws.securityhub"],
                        "detail-type": ["Security Hub Findings - Imported"],
                        "detail": {
                            "findings": {
                                "Severity": {"Label": [label]},
                                "Workflow": {"Status": ["NEW"]},
                                "RecordState": ["ACTIVE"],
                                # GuardDuty findings already have their own route.
                                "ProductName": [{"anything-but": "GuardDuty"}],
                            }
                        },
                    },
                    meaning=f"A new {severity.value} Security Hub finding (failed standard control or an integrated product's finding).",
                    first_steps="Open the finding in Security Hub; read the control's remediation; fix or suppress with a documented reason.",
                    requirements=("DPP-LOG-6", "DPP-MON-3"),
                )
            )
            routes.append(
                EventRoute(
                    id=f"SecurityHubOcsf{severity.value.title()}",
                    severity=severity,
                    pattern={"source": ["aws.securityhub"], "detail-type": ["Findings Imported V2"], "detail": {"findings": {"severity_id": [{"numeric": _OCSF_BANDS[severity]}]}}},
                    meaning=f"A {severity.value} finding in Security Hub's OCSF format (Findings Imported V2).",
                    first_steps="Open the finding in Security Hub; follow its remediation; record the decision.",
                    requirements=("DPP-LOG-6", "DPP-MON-3"),
                )
            )
    return routes


def _service_events() -> list[EventRoute]:
    return [
        EventRoute(
            id="ConfigNonCompliant",
            severity=Severity.HIGH,
            pattern={
                "source": ["aws.config"],
                "detail-type": ["Config Rules Compliance Change"],
                "detail": {"messageType": ["ComplianceChangeNotification"], "newEvaluationResult": {"complianceType": ["NON_COMPLIANT"]}},
            },
            meaning="A resource became non-compliant with a Config rule (the baseline's own checks included): a production configuration change weakened a control.",
            first_steps="Open the rule in AWS Config; see the resource's configuration timeline for who changed what (CloudTrail link); revert or document.",
            requirements=("DPP-LOG-5", "DPP-MON-3"),
        ),
        EventRoute(
            id="CloudTrailInsight",
            severity=Severity.HIGH,
            pattern={"source": ["aws.cloudtrail"], "detail-type": ["AWS Insight via CloudTrail"], "detail": {"insightDetails": {"state": ["Start"]}}},
            meaning="CloudTrail Insights saw an unusual API call rate or error rate: a possible spike, scripted access or brute force.",
            first_steps="Open the Insights event; identify the API, the principals and source IPs behind the spike; confirm it is expected or contain.",
            requirements=("DPP-MON-2", "DPP-MON-3"),
        ),
        EventRoute(
            id="CredentialsExposed",
            severity=Severity.CRITICAL,
            # AWS found the account's access keys in a public place (code repositories, paste
            # sites) or suspects they are compromised: AWS Health's RISK events
            # (https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-health.html).
            pattern={"source": ["aws.health"], "detail-type": ["AWS Health Event"], "detail": {"service": ["RISK"], "eventTypeCode": [{"prefix": "AWS_RISK_CREDENTIALS"}]}},
            meaning="AWS reports an access key of this account as exposed publicly or suspected compromised (the dark-web and public-repository check the DPP asks for).",
            first_steps="Deactivate the key named in the event at once (the disable-credentials response does when on); review what it did in CloudTrail since its creation; rotate and remove it from wherever it was published.",
            requirements=("DPP-MON-4", "DPP-IR-1"),
        ),
        EventRoute(
            id="RootSignIn",
            severity=Severity.CRITICAL,
            pattern={"source": ["aws.signin"], "detail-type": ["AWS Console Sign In via CloudTrail"], "detail": {"userIdentity": {"type": ["Root"]}}},
            meaning="Someone signed in (or tried to) as the account's root user.",
            first_steps="Confirm with the root credential's custodian at once; if unexpected, reset the root password and MFA, and review everything the session did.",
            requirements=("DPP-MON-3",),
        ),
    ]


def _control_tampering(config: BaselineConfig) -> list[EventRoute]:
    first_steps = "Find who made the call (userIdentity, sourceIPAddress) in the event; restore the control by redeploying the baseline; treat an unexplained change as an incident."
    specs = [
        (
            "TrailTampering",
            "cloudtrail.amazonaws.com",
            ["StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors", "PutInsightSelectors"],
            {},
            "The trail was stopped, deleted or changed: API activity may no longer be logged.",
        ),
        (
            "ConfigTampering",
            "config.amazonaws.com",
            ["StopConfigurationRecorder", "DeleteConfigurationRecorder", "DeleteDeliveryChannel", "PutConfigurationRecorder", "PutDeliveryChannel"],
            {},
            "The Config recorder or delivery channel was stopped, deleted or changed: configuration history may stop.",
        ),
        (
            "GuardDutyTampering",
            "guardduty.amazonaws.com",
            ["DeleteDetector", "UpdateDetector", "DisassociateFromMasterAccount", "DisassociateFromAdministratorAccount", "DeletePublishingDestination", "CreateFilter", "UpdateFilter"],
            {},
            "GuardDuty was disabled, changed, disassociated, or a suppression filter was set: threats may go unseen.",
        ),
        (
            "SecurityHubTampering",
            "securityhub.amazonaws.com",
            ["DisableSecurityHub", "BatchDisableStandards", "DeleteFindingAggregator", "UpdateStandardsControl", "DisassociateFromAdministratorAccount"],
            {},
            "Security Hub, a standard or a control was disabled: findings may stop.",
        ),
        ("KeyDisabledOrDeleted", "kms.amazonaws.com", ["DisableKey", "ScheduleKeyDeletion"], {}, "A KMS key was disabled or scheduled for deletion: logs it protects may become unreadable."),
        (
            "ArchiveTampering",
            "s3.amazonaws.com",
            [
                "PutBucketPolicy",
                "DeleteBucketPolicy",
                "PutBucketLifecycle",
                "DeleteBucketLifecycle",
                "PutBucketVersioning",
                "PutObjectLockConfiguration",
                "PutBucketReplication",
                "DeleteBucketReplication",
                "PutBucketLogging",
                "PutBucketEncryption",
                "DeleteBucket",
            ],
            {"bucketName": [{"prefix": f"{config.resource_prefix}-"}]},
            "A policy, lifecycle, lock, replication, logging or encryption setting of a log bucket was changed (or a change was attempted).",
        ),
        (
            "BaselineRoleTampering",
            "iam.amazonaws.com",
            [
                "UpdateAssumeRolePolicy",
                "PutRolePolicy",
                "AttachRolePolicy",
                "DetachRolePolicy",
                "DeleteRolePolicy",
                "DeleteRole",
                "PutRolePermissionsBoundary",
                "DeleteRolePermissionsBoundary",
            ],
            {"roleName": [{"prefix": f"{config.resource_prefix}-"}, config.archive.break_glass_role_name]},
            "The trust or permissions of a baseline role (archive reader, replication, Config, responders) or of the break-glass role were changed.",
        ),
        (
            # The responder may update its one revocation policy, and IAM cannot constrain what a
            # policy version says: every new version is shown to people, so a version that grants
            # instead of denying cannot go unseen (issue 16.7).
            "RevocationPolicyChanged",
            "iam.amazonaws.com",
            ["CreatePolicyVersion", "SetDefaultPolicyVersion"],
            {"policyArn": [{"wildcard": f"arn:aws:iam::*:policy/{config.resource_prefix}-revoke-older-sessions-*"}]},
            "The responder's revocation policy got a new version: expected after each credential revocation (reported separately); anything else, or a version that allows, is an attempt to escalate privileges.",
        ),
        (
            "FlowLogsDeleted",
            "ec2.amazonaws.com",
            ["DeleteFlowLogs"],
            {},
            "VPC flow logs were deleted: network traffic may no longer be recorded (the enforcer restores them within a day).",
        ),
        (
            "DnsLoggingTampering",
            "route53resolver.amazonaws.com",
            ["DeleteResolverQueryLogConfig", "DisassociateResolverQueryLogConfig"],
            {},
            "DNS query logging was removed from a VPC.",
        ),
        (
            "LogGroupTampering",
            "logs.amazonaws.com",
            ["DeleteLogGroup", "PutRetentionPolicy", "DeleteRetentionPolicy", "DeleteDataProtectionPolicy", "DisassociateKmsKey", "PutDataProtectionPolicy"],
            {"logGroupName": [{"prefix": f"/dpp/{config.stage}/"}, {"prefix": f"/aws/lambda/{config.resource_prefix}-"}]},
            "A baseline log group's retention, encryption or PII masking was changed, or the group was deleted.",
        ),
    ]
    return [
        EventRoute(
            id=route_id,
            severity=Severity.CRITICAL,
            pattern=_api_calls(source, names, **params) | {"source": [f"aws.{source.split('.')[0]}"]},
            meaning=meaning,
            first_steps=first_steps,
            requirements=("DPP-MON-3", "DPP-MON-6"),
        )
        for route_id, source, names, params, meaning in specs
    ]


def event_routes(config: BaselineConfig) -> list[EventRoute]:
    """Every route for this configuration, in a stable order."""
    routes: list[EventRoute] = []
    if config.features.guardduty or config.features.security_hub:
        routes += [r for r in _findings(config) if (r.id.startswith("GuardDuty") and config.features.guardduty) or (r.id.startswith("SecurityHub") and config.features.security_hub)]
    routes += _service_events()
    routes += _control_tampering(config)
    routes += _forwarding(config)
    routes += _archive_watch(config)
    return routes
