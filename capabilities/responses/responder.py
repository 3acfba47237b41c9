"""The responder: GuardDuty findings, the failed-sign-in alarm and a schedule -> a function
whose rights cover only the responses switched on (DPP-IR-3, DPP-PII-1).

It can grant nothing: no inline-policy rights anywhere; IAM attach rights only for the one
project-managed deny policy (``iam:PolicyARN``,
https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html);
a permissions boundary on its own role caps it at the actions listed here whatever policy is
added later (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html);
explicit denies keep its own role, the CDK bootstrap roles (``cdk-*``) and the break-glass and
excluded roles untouchable; and in a dry run it holds no write rights at all."""

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
from capabilities.relay.bundling import DRILL_MARKS, bundled_code
from configuration.model import ResponseSettings

SOURCE = Path(__file__).resolve().parents[2] / "lambdas" / "responder"
PACKAGES = ("aws_lambda_powertools", "typing_extensions")
SEVERITY_FLOOR = {"critical": 9.0, "high": 7.0}  # GuardDuty's bands
IAM_ACTIONS = (
    "iam:UpdateAccessKey", "iam:GetUser", "iam:GetRole", "iam:GetAccessKeyLastUsed", "iam:AttachUserPolicy", "iam:DetachUserPolicy", "iam:AttachRolePolicy",
    "iam:DetachRolePolicy", "iam:GetPolicy", "iam:GetPolicyVersion", "iam:ListPolicyVersions", "iam:CreatePolicyVersion", "iam:DeletePolicyVersion",
)  # fmt: skip


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
        health_events: bool = False,
    ) -> None:
        super().__init__(scope, id)
        key = kms.Alias.from_alias_name(self, "MonitoringKey", key_alias)
        acting = not settings.dry_run
        here = lambda arns: [a for a in arns if a.split(":")[3] == region and a.split(":")[4] == account]  # noqa: E731
        web_acl_arns, vpc_arns = here(settings.web_acl_arns), here(settings.network_acl_vpc_arns)
        self.dead_letters = encrypted_queue(self, "DeadLetters", queue_name=f"{prefix}-responder-dead-letters", key=key)
        self.ip_set = self._hostile_ip_set(prefix) if settings.on("blockHostileIps") else None
        self.revocation_policy = self._revocation_policy(prefix, region) if settings.on("disableCredentials") else None
        revocation_arn = f"arn:aws:iam::{account}:policy/{prefix}-revoke-older-sessions-{region}"
        ledger_arn = f"arn:aws:dynamodb:{region}:{account}:table/{ledger_table}"
        role_name = f"{prefix}-responder-{region}"
        own_role_arn = f"arn:aws:iam::{account}:role/{role_name}"
        protected = self._protected_principals(settings, break_glass_role, account, own_role_arn)
        boundary = iam.ManagedPolicy(
            self,
            "Boundary",
            description="Ceiling for the DPP responder: no grants, its own and the bootstrap roles untouchable",
            statements=self._boundary_statements(revocation_arn, protected),
        )
        role = iam.Role(
            self,
            "Role",
            role_name=role_name,  # named, so the denies can name it without a reference cycle
            description="DPP automated responder",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            permissions_boundary=boundary,
        )
        statements = [
            iam.PolicyStatement(actions=["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Scan"], resources=[ledger_arn]),
            iam.PolicyStatement(actions=["sns:Publish"], resources=sorted(topic_arns.values())),
            iam.PolicyStatement(actions=["sqs:SendMessage"], resources=[self.dead_letters.queue_arn]),
            key_by_alias_statement(actions=["kms:GenerateDataKey", "kms:Decrypt"], region=region, account=account, alias=key_alias, via_services=["sns", "sqs", "dynamodb"]),
            iam.PolicyStatement(actions=["logs:CreateLogStream", "logs:PutLogEvents"], resources=[f"arn:aws:logs:{region}:{account}:log-group:{log_group_name}:*"]),
        ]
        # Every IAM action this policy can allow, denied on the untouchable principals (the
        # boundary denies them iam:* as well).
        statements.append(iam.PolicyStatement(effect=iam.Effect.DENY, actions=list(IAM_ACTIONS), resources=protected))
        if acting:
            statements += self._credential_statements(settings, account, revocation_arn)
        if self.ip_set is not None and acting:
            statements.append(iam.PolicyStatement(actions=["wafv2:GetIPSet", "wafv2:UpdateIPSet"], resources=[self.ip_set.attr_arn]))
            if web_acl_arns:
                # UpdateWebACL writes the whole ACL back, so it needs the sets and rule groups its rules reference.
                statements.append(iam.PolicyStatement(actions=["wafv2:GetWebACL"], resources=web_acl_arns))
                statements.append(
                    iam.PolicyStatement(
                        actions=["wafv2:UpdateWebACL"],
                        resources=[
                            *web_acl_arns,
                            *(f"arn:aws:wafv2:{region}:{account}:regional/{kind}/*" for kind in ("ipset", "rulegroup", "regexpatternset")),
                            f"arn:aws:wafv2:{region}:*:regional/managedruleset/*",
                        ],
                    )
                )
            if vpc_arns:
                statements.append(iam.PolicyStatement(actions=["ec2:DescribeNetworkAcls"], resources=["*"]))
                statements.append(
                    iam.PolicyStatement(
                        actions=["ec2:CreateNetworkAclEntry", "ec2:DeleteNetworkAclEntry"],
                        resources=[f"arn:aws:ec2:{region}:{account}:network-acl/*"],
                        conditions={"ArnEquals": {"ec2:Vpc": vpc_arns}},
                    )
                )
        if settings.on("disableCredentials"):
            # Which user owns an exposed key (AWS Health names the key only); read-only, so a
            # dry run can say whom it would act on.
            statements.append(iam.PolicyStatement(actions=["iam:GetAccessKeyLastUsed"], resources=[f"arn:aws:iam::{account}:user/*"]))
        statements += self._instance_statements(settings, account, region, acting)
        if settings.on("notifyFailedSignIns") and trail_log_group:
            statements.append(iam.PolicyStatement(actions=["logs:FilterLogEvents"], resources=[f"arn:aws:logs:{region}:{account}:log-group:{trail_log_group}:*"]))
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
            environment["IP_SET"] = json.dumps({"Name": f"{prefix}-hostile-ips", "Id": self.ip_set.attr_id, "Scope": "REGIONAL", "ARN": self.ip_set.attr_arn})
            environment["WEB_ACLS"] = json.dumps([{"Name": a.split("/")[-2], "Id": a.split("/")[-1], "Scope": "REGIONAL", "ARN": a} for a in web_acl_arns])
            environment["NETWORK_ACL_VPCS"] = json.dumps([a.rsplit("/", 1)[-1] for a in vpc_arns])
        if self.revocation_policy is not None:
            environment["REVOKE_POLICY_ARN"] = revocation_arn
        self.function = monitoring_function(
            self,
            "Function",
            function_name=function_name,
            description="Automated responses to high and critical findings (DPP-IR-3)",
            code=bundled_code(SOURCE, PACKAGES, (DRILL_MARKS,)),
            role=role,
            log_group_name=log_group_name,
            timeout=Duration.minutes(2),
            memory_size=256,
            environment=environment,
            dead_letter_queue=self.dead_letters,
            retry_attempts=2,
        )
        self.function.node.add_dependency(policy)
        self.rules: dict[str, events.Rule] = {}
        if settings.on("disableCredentials") or settings.on("blockHostileIps") or settings.on("isolateInstances"):
            self._rule(
                "Findings",
                f"GuardDuty findings of severity {settings.min_severity.value} or above to the DPP responder (DPP-IR-3)",
                event_pattern=events.EventPattern(
                    source=["aws.guardduty"],
                    detail_type=["GuardDuty Finding"],
                    detail={"severity": [{"numeric": [">=", SEVERITY_FLOOR[settings.min_severity.value]]}]},
                ),
            )
        if settings.on("disableCredentials") and health_events:
            # The CredentialsExposed route's events (AWS Health RISK, forwarded to the home
            # region from us-east-1) get the credentials response too (DPP-MON-4, DPP-IR-3).
            self._rule(
                "ExposedCredentials",
                "AWS Health exposed-credential events to the DPP responder (DPP-IR-3)",
                event_pattern=events.EventPattern(source=["aws.health"], detail_type=["AWS Health Event"], detail={"service": ["RISK"], "eventTypeCode": [{"prefix": "AWS_RISK_CREDENTIALS"}]}),
            )
        if settings.on("notifyFailedSignIns") and failed_sign_in_alarm:
            self._rule(
                "FailedSignIns",
                "The failed-sign-in alarm entering ALARM, to the DPP responder (DPP-IR-3)",
                event_pattern=events.EventPattern(
                    source=["aws.cloudwatch"],
                    detail_type=["CloudWatch Alarm State Change"],
                    detail={"alarmName": [failed_sign_in_alarm], "state": {"value": ["ALARM"]}},
                ),
            )
        if self.ip_set is not None:
            self._rule("ExpiredBlocks", "Lifts the DPP responder's expired IP blocks", schedule=events.Schedule.rate(Duration.minutes(15)))

    def _rule(self, name: str, description: str, *, event_pattern: events.EventPattern | None = None, schedule: events.Schedule | None = None) -> None:
        """One way into the responder (a pattern or a schedule): failed deliveries are retried
        for two hours, then kept in its dead-letter queue."""
        target = targets.LambdaFunction(self.function, dead_letter_queue=self.dead_letters, retry_attempts=8, max_event_age=Duration.hours(2))
        self.rules[name] = events.Rule(self, name, description=description, event_pattern=event_pattern, schedule=schedule, targets=[target])

    def _hostile_ip_set(self, prefix: str) -> wafv2.CfnIPSet:
        """The addresses the responder blocks. CloudFormation owns the set; the responder owns
        its addresses. An update of this resource would reset them, so its properties are kept
        stable."""
        return wafv2.CfnIPSet(
            self,
            "HostileIps",
            name=f"{prefix}-hostile-ips",
            description="Addresses blocked by the DPP responder for a limited time - attach it to web ACLs with a Block rule",
            scope="REGIONAL",
            ip_address_version="IPV4",
            addresses=[],
        )

    def _revocation_policy(self, prefix: str, region: str) -> iam.ManagedPolicy:
        """The deny attached to revoked principals. The responder keeps its statements (one Deny
        per revoked principal); CloudFormation only creates it, with a statement that never
        matches, and never changes it again."""
        never = {"Sid": "DppRevokeNobody", "Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"DateLessThan": {"aws:TokenIssueTime": "1970-01-01T00:00:00Z"}}}
        return iam.ManagedPolicy(
            self,
            "RevocationPolicy",
            managed_policy_name=f"{prefix}-revoke-older-sessions-{region}",
            description="DPP responder: denies sessions issued before a revoked principal's revocation time",
            document=iam.PolicyDocument.from_json({"Version": "2012-10-17", "Statement": [never]}),
        )

    @staticmethod
    def _protected_principals(settings: ResponseSettings, break_glass_role: str, account: str, own_role_arn: str) -> list[str]:
        """Never touched by any IAM action: the responder's own role, the CDK bootstrap roles
        (which deploy this baseline), the break-glass role and every excluded principal."""
        roles = [f"arn:aws:iam::{account}:role/{r}" for r in sorted({break_glass_role, *settings.excluded_role_names})]
        users = [f"arn:aws:iam::{account}:user/{u}" for u in sorted(settings.excluded_user_names)]
        return [own_role_arn, f"arn:aws:iam::{account}:role/cdk-*", *roles, *users]

    @staticmethod
    def _boundary_statements(revocation_arn: str, protected: list[str]) -> list[iam.PolicyStatement]:
        """The most any policy on the responder's role can ever give it (a boundary grants
        nothing by itself): no inline policies, no role or user changes, no other policy."""
        attach_one = {"ArnEquals": {"iam:PolicyARN": revocation_arn}}
        return [
            iam.PolicyStatement(
                sid="ServicesTheResponderUses",
                actions=[
                    "dynamodb:GetItem",
                    "dynamodb:PutItem",
                    "dynamodb:UpdateItem",
                    "dynamodb:Scan",
                    "sns:Publish",
                    "sqs:SendMessage",
                    "kms:GenerateDataKey",
                    "kms:Decrypt",
                    "logs:CreateLogStream",
                    "logs:PutLogEvents",
                    "logs:FilterLogEvents",
                    "ec2:DescribeInstances",
                    "ec2:DescribeSecurityGroups",
                    "ec2:DescribeSnapshots",
                    "ec2:DescribeNetworkAcls",
                    "ec2:CreateSecurityGroup",
                    "ec2:RevokeSecurityGroupEgress",
                    "ec2:RevokeSecurityGroupIngress",
                    "ec2:ModifyNetworkInterfaceAttribute",
                    "ec2:CreateSnapshot",
                    "ec2:CreateTags",
                    "ec2:DeleteTags",
                    "ec2:CreateNetworkAclEntry",
                    "ec2:DeleteNetworkAclEntry",
                    "wafv2:GetIPSet",
                    "wafv2:UpdateIPSet",
                    "wafv2:GetWebACL",
                    "wafv2:UpdateWebACL",
                    "iam:UpdateAccessKey",
                    "iam:GetUser",
                    "iam:GetRole",
                    "iam:GetAccessKeyLastUsed",
                ],
                resources=["*"],
            ),  # fmt: skip
            iam.PolicyStatement(
                sid="AttachOnlyTheRevocationPolicy",
                actions=["iam:AttachUserPolicy", "iam:DetachUserPolicy", "iam:AttachRolePolicy", "iam:DetachRolePolicy"],
                resources=["*"],
                conditions=attach_one,
            ),
            iam.PolicyStatement(
                sid="KeepTheRevocationPolicy",
                actions=["iam:GetPolicy", "iam:GetPolicyVersion", "iam:ListPolicyVersions", "iam:CreatePolicyVersion", "iam:DeletePolicyVersion"],
                resources=[revocation_arn],
            ),
            iam.PolicyStatement(sid="Untouchable", effect=iam.Effect.DENY, actions=["iam:*"], resources=protected),
        ]

    @staticmethod
    def _credential_statements(settings: ResponseSettings, account: str, revocation_arn: str) -> list[iam.PolicyStatement]:
        if not settings.on("disableCredentials"):
            return []
        users, roles = f"arn:aws:iam::{account}:user/*", f"arn:aws:iam::{account}:role/*"
        attach_one = {"ArnEquals": {"iam:PolicyARN": revocation_arn}}
        return [
            iam.PolicyStatement(actions=["iam:UpdateAccessKey", "iam:GetUser"], resources=[users]),
            iam.PolicyStatement(actions=["iam:GetRole"], resources=[roles]),
            # Only the one deny policy may be attached or detached (iam:PolicyARN).
            iam.PolicyStatement(actions=["iam:AttachUserPolicy", "iam:DetachUserPolicy"], resources=[users], conditions=attach_one),
            iam.PolicyStatement(actions=["iam:AttachRolePolicy", "iam:DetachRolePolicy"], resources=[roles], conditions=attach_one),
            iam.PolicyStatement(
                actions=["iam:GetPolicy", "iam:GetPolicyVersion", "iam:ListPolicyVersions", "iam:CreatePolicyVersion", "iam:DeletePolicyVersion"],
                resources=[revocation_arn],
            ),
        ]

    @staticmethod
    def _instance_statements(settings: ResponseSettings, account: str, region: str, acting: bool) -> list[iam.PolicyStatement]:
        if not settings.on("isolateInstances"):
            return []
        arn = lambda kind: f"arn:aws:ec2:{region}:{account}:{kind}/*"  # noqa: E731
        # Describe calls take no resource-level permissions; a dry run reads, nothing more.
        describe = [iam.PolicyStatement(actions=["ec2:DescribeInstances", "ec2:DescribeSecurityGroups", "ec2:DescribeSnapshots"], resources=["*"])]
        if not acting:
            return describe
        isolated = {"StringEquals": {"aws:ResourceTag/dpp:isolation": "true"}}
        return [
            *describe,
            iam.PolicyStatement(actions=["ec2:CreateSecurityGroup"], resources=[arn("vpc"), arn("security-group")]),
            iam.PolicyStatement(actions=["ec2:RevokeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress"], resources=[arn("security-group")], conditions=isolated),
            iam.PolicyStatement(actions=["ec2:ModifyNetworkInterfaceAttribute"], resources=[arn("network-interface"), arn("security-group")]),
            iam.PolicyStatement(actions=["ec2:CreateSnapshot"], resources=[arn("volume"), f"arn:aws:ec2:{region}::snapshot/*"]),
            iam.PolicyStatement(actions=["ec2:CreateTags"], resources=[arn("instance"), arn("security-group"), f"arn:aws:ec2:{region}::snapshot/*"]),
            iam.PolicyStatement(actions=["ec2:DeleteTags"], resources=[arn("instance")], conditions={"ForAllValues:StringEquals": {"aws:TagKeys": ["dpp:isolated"]}}),
        ]
