"""Stateless, per workload account and region, when switched on: the automated responder."""

from __future__ import annotations

from aws_cdk import Stack
from constructs import Construct

from capabilities.alerting import topic_name
from capabilities.responses import AutomatedResponder
from configuration.model import BaselineConfig, Severity
from configuration.naming import lambda_log_group, monitoring_names, responder_function_name, response_ledger_name


class ResponsesStack(Stack):
    """Automated responses to high and critical findings, each opt-in, dry run first (DPP-IR-3)."""

    def __init__(self, scope: Construct, id: str, *, config: BaselineConfig, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        account, region = self.account, self.region  # read once: each read is a call into jsii
        names = monitoring_names(config, account)
        at_home = region == config.home_region
        AutomatedResponder(
            self,
            "Responder",
            prefix=config.resource_prefix,
            settings=config.responses,
            break_glass_role=config.archive.break_glass_role_name,
            function_name=responder_function_name(config),
            log_group_name=lambda_log_group(responder_function_name(config)),
            ledger_table=response_ledger_name(config),
            topic_arns={s.value: f"arn:aws:sns:{region}:{account}:{topic_name(config.resource_prefix, s)}" for s in Severity},
            key_alias=names.monitoring_key_alias,
            # The trail's log group and the failed-sign-in alarm exist in the home region only.
            trail_log_group=names.trail_log_group if at_home else None,
            failed_sign_in_alarm=f"{config.resource_prefix}-FailedConsoleSignInsBurst" if at_home else None,
            # AWS Health's exposed-key events reach the home region only (forwarded from us-east-1).
            health_events=at_home,
            account=account,
            region=region,
        )
