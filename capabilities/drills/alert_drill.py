"""The alert drill: a state machine that runs the drill, waits out the delivery deadline and
checks it, started weekly by a schedule and on demand by ``make drill`` (DPP-MON-8, DPP-VER-4).

Step Functions rather than a one-off scheduler schedule: the wait is part of one execution
whose history shows the drill's input and the checker's answer, and ``make drill`` starts the
very same execution the schedule does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from aws_cdk import Duration
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from capabilities.foundation.lambda_code import source_code

from capabilities.drills.paths import DELIVERY_DEADLINE_SECONDS, DrillPath
from capabilities.foundation.building_blocks import key_by_alias_statement, monitoring_function

SOURCE = Path(__file__).resolve().parents[2] / "lambdas" / "drills"
EVIDENCE_PREFIX = "evidence/drill/"
# The checker runs a minute after the deadline: the relay's last log line needs a moment to be
# searchable in CloudWatch Logs.
CHECK_AFTER_SECONDS = DELIVERY_DEADLINE_SECONDS + 60


@dataclass(frozen=True)
class DrillNames:
    prefix: str
    namespace: str
    runner_function: str
    checker_function: str
    runner_log_group: str
    checker_log_group: str
    canary_role: str
    state_machine: str
    relay_log_group: str
    monitoring_key_alias: str
    control_role: str = ""
    control_log_group: str = ""


@dataclass(frozen=True)
class ArchiveTarget:
    """Where the checker writes its records: the archive in the log-archive account."""

    bucket: str
    account: str
    region: str
    key_alias: str


class AlertDrill(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        names: DrillNames,
        paths: tuple[DrillPath, ...],
        expected_targets: dict[str, list[str]],
        schedule: str,
        archive: ArchiveTarget,
        guardduty_type: str,
        canary_bucket: str | None,
        canary_key: str,
        account: str,
        region: str,
        control_retention_days: tuple[int, int] = (0, 0),
    ) -> None:
        """``control_retention_days``: the drill log group's own retention and the one the
        control-change drill sets for a moment."""
        super().__init__(scope, id)
        path_ids = [p.id for p in paths]
        drill_alarm = f"arn:aws:cloudwatch:{region}:{account}:alarm:{names.prefix}-DrillAlarmBreach"
        canary_alarm = f"arn:aws:cloudwatch:{region}:{account}:alarm:{names.prefix}-DrillCanaryRead"
        metric_data = iam.PolicyStatement(
            actions=["cloudwatch:PutMetricData"],
            resources=["*"],  # PutMetricData takes no resource; the namespace condition scopes it
            conditions={"StringEquals": {"cloudwatch:namespace": names.namespace}},
        )
        detectors = f"arn:aws:guardduty:{region}:{account}:detector/*"
        own_product = f"arn:aws:securityhub:{region}:{account}:product/{account}/default"

        runner_role = iam.Role(self, "RunnerRole", description="Runs the DPP alert drill", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
        runner_statements = [metric_data, self._log_statement(names.runner_log_group, region, account)]
        if "guardduty-finding" in path_ids:
            runner_statements += [
                iam.PolicyStatement(actions=["guardduty:ListDetectors"], resources=["*"]),
                iam.PolicyStatement(actions=["guardduty:CreateSampleFindings"], resources=[detectors]),
            ]
        if "securityhub-finding" in path_ids:
            runner_statements.append(iam.PolicyStatement(actions=["securityhub:BatchImportFindings"], resources=[own_product]))
        self.canary_role: iam.Role | None = None
        if "canary-read" in path_ids and canary_bucket:
            # Only the runner may become the drill's canary reader; its sessions are what the
            # canary alarms tell apart (the drill's alarm counts them, the real one ignores them).
            self.canary_role = self._runner_only_role(
                "CanaryReader",
                runner_role,
                runner_statements,
                role_name=names.canary_role,
                description="Reads the canary record during alert drills only (its reads are the drill)",
                policy_description="Read the canary record, nothing else",
                statements=[
                    iam.PolicyStatement(actions=["s3:GetObject"], resources=[f"arn:aws:s3:::{canary_bucket}/{canary_key}"]),
                    key_by_alias_statement(actions=["kms:Decrypt"], region=region, account=account, alias=names.monitoring_key_alias, via_services=["s3"]),
                ],
            )
        self.control_role: iam.Role | None = None
        if "control-change" in path_ids and names.control_log_group:
            # Only the runner may become the control changer; its one right is the retention of
            # the drill's own log group, so its sessions' calls (session name = drill ID) are
            # drills by construction, which is what lets the responder ignore them safely.
            self.control_role = self._runner_only_role(
                "ControlChanger",
                runner_role,
                runner_statements,
                role_name=names.control_role,
                description="Changes the retention of the drill's own log group during alert drills only (the control-change path)",
                policy_description="Set the retention of the drill's log group, nothing else",
                statements=[
                    # The log-group resource type (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatchlogs.html):
                    # the group's ARN, with and without the trailing :* IAM uses for a group.
                    iam.PolicyStatement(
                        actions=["logs:PutRetentionPolicy"],
                        resources=[f"arn:aws:logs:{region}:{account}:log-group:{names.control_log_group}", f"arn:aws:logs:{region}:{account}:log-group:{names.control_log_group}:*"],
                    )
                ],
            )
        runner_policy = iam.ManagedPolicy(self, "RunnerPolicy", description="Start each drill path, nothing more", roles=[runner_role], statements=runner_statements)

        checker_role = iam.Role(
            self,
            "CheckerRole",
            # A fixed name: the archive's bucket and key policies in the log-archive account admit it.
            role_name=names.checker_function,
            description="Judges DPP alert drills and writes their records into the archive",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        )
        checker_statements = [
            metric_data,
            self._log_statement(names.checker_log_group, region, account),
            iam.PolicyStatement(actions=["logs:FilterLogEvents"], resources=[f"arn:aws:logs:{region}:{account}:log-group:{names.relay_log_group}:*"]),
            iam.PolicyStatement(actions=["cloudwatch:DescribeAlarmHistory"], resources=[drill_alarm, canary_alarm]),
            iam.PolicyStatement(actions=["s3:PutObject"], resources=[f"arn:aws:s3:::{archive.bucket}/{EVIDENCE_PREFIX}*"]),
            key_by_alias_statement(actions=["kms:GenerateDataKey"], region=archive.region, account=archive.account, alias=archive.key_alias, via_services=["s3"]),
        ]
        if "control-change" in path_ids:
            # LookupEvents takes no resource ARN
            # (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscloudtrail.html):
            # the raised hop is the drill role's call in CloudTrail's event history.
            checker_statements.append(iam.PolicyStatement(actions=["cloudtrail:LookupEvents"], resources=["*"]))
        if "guardduty-finding" in path_ids:
            checker_statements.append(iam.PolicyStatement(actions=["guardduty:ListFindings", "guardduty:GetFindings"], resources=[detectors]))
        if "securityhub-finding" in path_ids:
            checker_statements += [
                iam.PolicyStatement(actions=["securityhub:GetFindings"], resources=[f"arn:aws:securityhub:{region}:{account}:hub/default"]),
                iam.PolicyStatement(actions=["securityhub:BatchImportFindings"], resources=[own_product]),  # archives the drill's finding
            ]
        checker_policy = iam.ManagedPolicy(self, "CheckerPolicy", description="Read what each drill hop left, write the drill's evidence", roles=[checker_role], statements=checker_statements)

        environment = {
            "ACCOUNT_ID": account,
            "DRILL_PATHS": json.dumps(path_ids),
            "DRILL_NAMESPACE": names.namespace,
            "GUARDDUTY_SAMPLE_TYPE": guardduty_type,
            "CANARY_BUCKET": canary_bucket or "",
            "CANARY_KEY": canary_key,
            "DRILL_ROLE_ARN": self.canary_role.role_arn if self.canary_role else "",
            "DRILL_ALARM": f"{names.prefix}-DrillAlarmBreach",
            "DRILL_CANARY_ALARM": f"{names.prefix}-DrillCanaryRead",
            "RELAY_LOG_GROUP": names.relay_log_group,
            "EXPECTED_TARGETS": json.dumps(expected_targets, sort_keys=True),
            "ARCHIVE_BUCKET": archive.bucket,
            "DEADLINE_SECONDS": str(DELIVERY_DEADLINE_SECONDS),
            "CONTROL_ROLE_ARN": self.control_role.role_arn if self.control_role else "",
            "CONTROL_LOG_GROUP": names.control_log_group if self.control_role else "",
            "CONTROL_RETENTION_DAYS": json.dumps(list(control_retention_days)),
        }
        code = source_code(SOURCE)
        self.runner = monitoring_function(
            Construct(self, "Runner"), "Function", function_name=names.runner_function, description="DPP alert drill: starts every path (DPP-MON-8)", code=code,
            role=runner_role, log_group_name=names.runner_log_group, timeout=Duration.minutes(2), memory_size=256, environment=environment, handler="drill_runner.handler",
        )  # fmt: skip
        self.runner.node.add_dependency(runner_policy)
        self.checker = monitoring_function(
            Construct(self, "Checker"), "Function", function_name=names.checker_function, description="DPP alert drill: judges every path, keeps the evidence (DPP-MON-8)",
            code=code, role=checker_role, log_group_name=names.checker_log_group, timeout=Duration.minutes(2), memory_size=256, environment=environment,
            handler="drill_checker.handler",
        )  # fmt: skip
        self.checker.node.add_dependency(checker_policy)

        machine_arn = f"arn:aws:states:{region}:{account}:stateMachine:{names.state_machine}"
        machine_role = iam.Role(self, "StateMachineRole", description="Runs and checks the DPP alert drill", assumed_by=iam.ServicePrincipal("states.amazonaws.com"))
        machine_policy = iam.ManagedPolicy(
            self,
            "StateMachinePolicy",
            description="Invoke the drill's two functions; send traces",
            roles=[machine_role],
            statements=[
                iam.PolicyStatement(actions=["lambda:InvokeFunction"], resources=[self.runner.function_arn, self.checker.function_arn]),
                # X-Ray's trace APIs take no resource (AwsSolutions-SF2 asks for tracing).
                iam.PolicyStatement(actions=["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"], resources=["*"]),
            ],
        )
        run = tasks.LambdaInvoke(self, "RunDrill", lambda_function=self.runner, payload_response_only=True, retry_on_service_exceptions=True)
        wait = sfn.Wait(self, "WaitForDeliveryDeadline", time=sfn.WaitTime.duration(Duration.seconds(CHECK_AFTER_SECONDS)))
        check = tasks.LambdaInvoke(self, "CheckDrill", lambda_function=self.checker, payload_response_only=True, retry_on_service_exceptions=True)
        self.state_machine = sfn.StateMachine(
            self,
            "StateMachine",
            state_machine_name=names.state_machine,
            definition_body=sfn.DefinitionBody.from_chainable(run.next(wait).next(check)),
            role=machine_role.without_policy_updates(),
            timeout=Duration.minutes(30),
            tracing_enabled=True,
        )
        self.state_machine.node.add_dependency(machine_policy)
        schedule_role = iam.Role(self, "ScheduleRole", description="Starts the DPP alert drill on its schedule", assumed_by=iam.ServicePrincipal("events.amazonaws.com"))
        iam.ManagedPolicy(
            self,
            "SchedulePolicy",
            description="Start the drill, nothing else",
            roles=[schedule_role],
            statements=[iam.PolicyStatement(actions=["states:StartExecution"], resources=[machine_arn])],
        )
        events.Rule(
            self,
            "Schedule",
            description="DPP alert drill (DPP-MON-8)",
            schedule=events.Schedule.expression(schedule),
            targets=[
                targets.SfnStateMachine(
                    self.state_machine, input=events.RuleTargetInput.from_object({}), role=schedule_role.without_policy_updates(), retry_attempts=8, max_event_age=Duration.hours(6)
                )
            ],
        )

    def _runner_only_role(self, id: str, runner_role: iam.Role, runner_statements: list, *, role_name: str, description: str, policy_description: str, statements: list) -> iam.Role:
        """A role of one drill path: only the runner may assume it (for an hour), it holds
        ``statements`` and nothing else, and the runner gets the right to assume it."""
        role = iam.Role(self, f"{id}Role", role_name=role_name, description=description, assumed_by=iam.ArnPrincipal(runner_role.role_arn), max_session_duration=Duration.hours(1))
        iam.ManagedPolicy(self, f"{id}Policy", description=policy_description, roles=[role], statements=statements)
        runner_statements.append(iam.PolicyStatement(actions=["sts:AssumeRole"], resources=[role.role_arn]))
        return role

    @staticmethod
    def _log_statement(group: str, region: str, account: str) -> iam.PolicyStatement:
        return iam.PolicyStatement(actions=["logs:CreateLogStream", "logs:PutLogEvents"], resources=[f"arn:aws:logs:{region}:{account}:log-group:{group}:*"])
