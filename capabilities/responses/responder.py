"""The responder: GuardDuty findings, the failed-sign-in alarm and a schedule -> a function
whose rights cover only the responses switched on (DPP-IR-3, DPP-PII-1)."""
from __future__ import annotations

import json
from pathlib import Path

from aws_cdk import Duration
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from capabilities.foundation.building_blocks import encrypted_queue, key_by_alias_statement, monitoring_function
from capabilities.relay.bundling import bundled_code
from configuration.model import ResponseSettings

SOURCE = Path(__file__).resolve().parents[2] / "lambdas" / "responder"
PACKAGES = ("aws_lambda_powertools", "typing_extensions")
SEVERITY_FLOOR = {"critical": 9.0, "high": 7.0}  # GuardDuty's bands


class AutomatedResponder(Construct):
    """One function answers every enabled response in this account and region; each action's
    rights are granted only when that response is on, and an explicit deny keeps it off the
    excluded roles and users (break-glass included) whatever else it may do. Async failures
    are retried, then kept in an encrypted dead-letter queue (alarmed)."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        prefix: str,
        settings: ResponseSettings,
        break_glass_role: str,
        function_name: str,
        log_group_name: str,
        ledger_table: str,
        topic_arns: dict[str, str],
        key_alias: str,
        trail_log_group: str | None,
        failed_sign_in_alarm: str | None,
        account: str,
        region: str,
    ) -> None:
        super().__init__(scope, id)
        key = kms.Alias.from_alias_name(self, "MonitoringKey", key_alias)
        self.dead_letters = encrypted_queue(self, "DeadLetters", queue_name=f"{prefix}-responder-dead-letters", key=key)
        self.ip_set = None
        if settings.on("blockHostileIps"):
            # CloudFormation owns the set; the responder owns its addresses. An update of this
            # resource would reset them, so its properties are kept stable.
            self.ip_set = wafv2.CfnIPSet(
                self,
                "HostileIps",
                name=f"{prefix}-hostile-ips",
                description="Addresses blocked by the DPP responder for a limited time - attach it to web ACLs with a Block rule",
                scope="REGIONAL",
                ip_address_version="IPV4",
                addresses=[],
            )
        ledger_arn = f"arn:aws:dynamodb:{region}:{account}:table/{ledger_table}"
        role = iam.Role(self, "Role", description="DPP automated responder", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
        statements = [
            iam.PolicyStatement(actions=["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Scan"], resources=[ledger_arn]),
            iam.PolicyStatement(actions=["sns:Publish"], resources=sorted(topic_arns.values())),
            iam.PolicyStatement(actions=["sqs:SendMessage"], resources=[self.dead_letters.queue_arn]),
            key_by_alias_statement(actions=["kms:GenerateDataKey", "kms:Decrypt"], region=region, account=account, alias=key_alias, via_services=["sns", "sqs", "dynamodb"]),
            iam.PolicyStatement(actions=["logs:CreateLogStream", "logs:PutLogEvents"], resources=[f"arn:aws:logs:{region}:{account}:log-group:{log_group_name}:*"]),
        ]
        statements += self._credential_statements(settings, break_glass_role, account)
        if self.ip_set is not None:
            statements.append(iam.PolicyStatement(actions=["wafv2:GetIPSet", "wafv2:UpdateIPSet"], resources=[self.ip_set.attr_arn]))
        statements += self._instance_statements(settings, account, region)
        if settings.on("notifyFailedSignIns") and trail_log_group:
            statements.append(
                iam.PolicyStatement(actions=["logs:FilterLogEvents"], resources=[f"arn:aws:logs:{region}:{account}:log-group:{trail_log_group}:*"])
            )
        policy = iam.ManagedPolicy(self, "Policy", description="Only the automated responses switched on in dpp.responses", roles=[role], statements=statements)
        severities = ("critical", "high", "medium", "low")
        environment = {
            "RESPONSES": json.dumps(list(settings.enabled)),
            "DRY_RUN": "true" if settings.dry_run else "false",
            "MIN_SEVERITY": str(SEVERITY_FLOOR[settings.min_severity.value]),
            "EXCLUDED_ROLES": json.dumps(sorted({break_glass_role, *settings.excluded_role_names})),
            "EXCLUDED_USERS": json.dumps(sorted(settings.excluded_user_names)),
            "PROTECTED_TAG": settings.protected_instance_tag,
            "TRUSTED_CIDRS": json.dumps(list(settings.trusted_cidrs)),
            "IP_BLOCK_HOURS": str(settings.ip_block_hours),
            "PREFIX": prefix,
            "TOPICS": json.dumps({s: topic_arns[s] for s in severities}),
            "LEDGER_TABLE": ledger_table,
            "TRAIL_LOG_GROUP": trail_log_group or "",
            "FAILED_SIGN_IN_ALARM": failed_sign_in_alarm or "",
            "POWERTOOLS_SERVICE_NAME": "dpp-responder",
            "LOG_LEVEL": "INFO",  # never DEBUG (DPP-PII-2)
        }
        if self.ip_set is not None:
            environment["IP_SET"] = json.dumps({"Name": f"{prefix}-hostile-ips", "Id": self.ip_set.attr_id, "Scope": "REGIONAL"})
        self.function = monitoring_function(
            self,
            "Function",
            function_name=function_name,
            description="Automated responses to high and critical findings (DPP-IR-3)",
            code=bundled_code(SOURCE, PACKAGES),
            role=role,
            log_group_name=log_group_name,
            timeout=Duration.minutes(2),
            memory_size=256,
            environment=environment,
            dead_letter_queue=self.dead_letters,
            retry_attempts=2,
        )
        self.function.node.add_dependency(policy)
        target = lambda: targets.LambdaFunction(self.function, dead_letter_queue=self.dead_letters, retry_attempts=8, max_event_age=Duration.hours(2))  # noqa: E731
        self.rules = {}
        if settings.on("disableCredentials") or settings.on("blockHostileIps") or settings.on("isolateInstances"):
            self.rules["Findings"] = events.Rule(
                self,
                "Findings",
                description=f"GuardDuty findings of severity {settings.min_severity.value} or above to the DPP responder (DPP-IR-3)",
                event_pattern=events.EventPattern(
                    source=["aws.guardduty"],
                    detail_type=["GuardDuty Finding"],
                    detail={"severity": [{"numeric": [">=", SEVERITY_FLOOR[settings.min_severity.value]]}]},
                ),
                targets=[target()],
            )
        if settings.on("notifyFailedSignIns") and failed_sign_in_alarm:
            self.rules["FailedSignIns"] = events.Rule(
                self,
                "FailedSignIns",
                description="The failed-sign-in alarm entering ALARM, to the DPP responder (DPP-IR-3)",
                event_pattern=events.EventPattern(
                    source=["aws.cloudwatch"],
                    detail_type=["CloudWatch Alarm State Change"],
                    detail={"alarmName": [failed_sign_in_alarm], "state": {"value": ["ALARM"]}},
                ),
                targets=[target()],
            )
        if self.ip_set is not None:
            self.rules["ExpiredBlocks"] = events.Rule(
                self,
                "ExpiredBlocks",
                description="Lifts the DPP responder's expired IP blocks",
                schedule=events.Schedule.rate(Duration.minutes(15)),
                targets=[target()],
            )

    @staticmethod
    def _credential_statements(settings: ResponseSettings, break_glass_role: str, account: str) -> list[iam.PolicyStatement]:
        if not settings.on("disableCredentials"):
            return []
        users, roles = f"arn:aws:iam::{account}:user/*", f"arn:aws:iam::{account}:role/*"
        protected = [f"arn:aws:iam::{account}:role/{r}" for r in sorted({break_glass_role, *settings.excluded_role_names})]
        protected += [f"arn:aws:iam::{account}:user/{u}" for u in sorted(settings.excluded_user_names)]
        return [
            iam.PolicyStatement(actions=["iam:UpdateAccessKey", "iam:PutUserPolicy", "iam:DeleteUserPolicy"], resources=[users]),
            iam.PolicyStatement(actions=["iam:PutRolePolicy", "iam:DeleteRolePolicy"], resources=[roles]),
            # Whatever a bug or a forged event asks, the excluded principals stay untouched.
            iam.PolicyStatement(
                effect=iam.Effect.DENY,
                actions=["iam:UpdateAccessKey", "iam:PutUserPolicy", "iam:DeleteUserPolicy", "iam:PutRolePolicy", "iam:DeleteRolePolicy"],
                resources=protected,
            ),
        ]

    @staticmethod
    def _instance_statements(settings: ResponseSettings, account: str, region: str) -> list[iam.PolicyStatement]:
        if not settings.on("isolateInstances"):
            return []
        arn = lambda kind: f"arn:aws:ec2:{region}:{account}:{kind}/*"  # noqa: E731
        return [
            # Describe calls take no resource-level permissions.
            iam.PolicyStatement(actions=["ec2:DescribeInstances", "ec2:DescribeSecurityGroups"], resources=["*"]),
            iam.PolicyStatement(actions=["ec2:CreateSecurityGroup"], resources=[arn("vpc"), arn("security-group")]),
            iam.PolicyStatement(
                actions=["ec2:RevokeSecurityGroupEgress"],
                resources=[arn("security-group")],
                conditions={"StringEquals": {"aws:ResourceTag/dpp:isolation": "true"}},
            ),
            iam.PolicyStatement(actions=["ec2:ModifyNetworkInterfaceAttribute"], resources=[arn("network-interface"), arn("security-group")]),
            iam.PolicyStatement(actions=["ec2:CreateSnapshot"], resources=[arn("volume"), f"arn:aws:ec2:{region}::snapshot/*"]),
            iam.PolicyStatement(actions=["ec2:CreateTags"], resources=[arn("instance"), arn("security-group"), f"arn:aws:ec2:{region}::snapshot/*"]),
            iam.PolicyStatement(
                actions=["ec2:DeleteTags"], resources=[arn("instance")], conditions={"ForAllValues:StringEquals": {"aws:TagKeys": ["dpp:isolated"]}}
            ),
        ]
