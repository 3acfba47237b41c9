"""The alert drill's functions, state machine and roles (alarms stacks, DPP-MON-8)."""

from __future__ import annotations

from capabilities.drills.paths import drill_paths
from checks.by_kind.common import PUBLIC_PACKS, Acknowledgement, alias_scoped, in_public_packs, wildcards
from configuration.model import BaselineConfig
from configuration.naming import archive_names, drill_control_log_group, monitoring_names
from stacks.topology import PlannedStack


def drills(config: BaselineConfig, planned: PlannedStack, stack: str) -> list[Acknowledgement]:
    """The alert drill (DPP-MON-8): two functions, a state machine and their roles."""
    if not config.drills_here(planned.account, planned.region):
        return []
    region, account = planned.region, planned.account
    names = monitoring_names(config, account)
    archive = archive_names(config)
    base = f"{stack}/AlertDrill"
    own_group = "Lambda names the log streams in the function's own log group; the grant covers that one group."
    detectors = "The detector's ID is created by the detection stack; the grant is this account's detectors in this region, and only the named GuardDuty actions."
    metrics = "cloudwatch:PutMetricData takes no resource ARN; the cloudwatch:namespace condition limits it to the drill's namespace."
    acks = [
        *wildcards(f"{base}/RunnerPolicy", ["*"], metrics + " guardduty:ListDetectors takes no resource ARN."),
        *wildcards(f"{base}/RunnerPolicy", [f"arn:aws:logs:{region}:{account}:log-group:/aws/lambda/{config.resource_prefix}-drill-runner:*"], own_group),
        *wildcards(f"{base}/CheckerPolicy", ["*"], metrics + " cloudtrail:LookupEvents (the control-change path's raised hop) takes no resource ARN either."),
        *wildcards(f"{base}/CheckerPolicy", [f"arn:aws:logs:{region}:{account}:log-group:/aws/lambda/{config.resource_prefix}-drill-checker:*"], own_group),
        *wildcards(
            f"{base}/CheckerPolicy",
            [f"arn:aws:logs:{region}:{account}:log-group:/aws/lambda/{config.resource_prefix}-chat-relay:*"],
            "logs:FilterLogEvents on the chat relay's log group only (the drill's received and delivered lines); the ARN's trailing :* is how IAM names a log group's streams.",
        ),
        *wildcards(
            f"{base}/CheckerPolicy",
            [f"arn:aws:s3:::{archive.archive_bucket}/evidence/drill/*"],
            "Drill records are one object per path and drill (dated keys); PutObject only, under evidence/drill/ only, locked by the bucket's default retention.",
        ),
        *wildcards(
            f"{base}/CheckerPolicy",
            [f"arn:aws:kms:{config.home_region}:{archive.account}:key/*"],
            alias_scoped(archive.archive_key_alias, config.home_region),
        ),
        *wildcards(f"{base}/StateMachinePolicy", ["*"], "X-Ray's trace APIs take no resource ARN (tracing is on, AwsSolutions-SF2)."),
        Acknowledgement(
            "AwsSolutions::AwsSolutions-SF1",
            f"{base}/StateMachine",
            "Step Functions keeps every execution's history (input, each step's output) for 90 days, and the drill's outcome "
            "is kept in the WORM archive as evidence; execution logs would only copy that history into another group.",
        ),
    ]
    if "guardduty-finding" in {p.id for p in drill_paths(config)}:
        acks += wildcards(f"{base}/RunnerPolicy", [f"arn:aws:guardduty:{region}:{account}:detector/*"], detectors)
        acks += wildcards(f"{base}/CheckerPolicy", [f"arn:aws:guardduty:{region}:{account}:detector/*"], detectors)
    if "control-change" in {p.id for p in drill_paths(config)}:
        acks += wildcards(
            f"{base}/ControlChangerPolicy",
            [f"arn:aws:logs:{region}:{account}:log-group:{drill_control_log_group(config)}:*"],
            "logs:PutRetentionPolicy on the drill's own, empty log group only; the trailing :* is how IAM names a log group (its streams) beside the bare group ARN.",
        )
    if config.canary.enabled:
        acks += wildcards(f"{base}/CanaryReaderPolicy", [names.key_arn_pattern(region)], alias_scoped(names.monitoring_key_alias, region))
    for function, what in (("Runner", "starts each drill path (AWS API calls)"), ("Checker", "reads what each hop left and writes the record (AWS API calls)")):
        path = f"{base}/{function}/Function"
        acks += in_public_packs("LambdaInsideVPC", path, f"The function {what} and handles no Information; a VPC would need NAT or several interface endpoints for no reduction in exposure.")
        synchronous = (
            "Invoked synchronously by the drill's state machine, never asynchronously: a failure fails the execution, "
            "whose history keeps the input, and a checker failure raises the DrillCheckFailed alarm; a Lambda DLQ "
            "applies only to asynchronous invocations."
        )
        acks += [Acknowledgement(f"{pack}-LambdaDLQ", path, synchronous) for pack in PUBLIC_PACKS[:2]]
        acks.append(Acknowledgement("DPP::DPP-LambdaFailuresKept", path, synchronous))
    return acks
