"""Rules for network and configuration recording (DPP-LOG-3, DPP-LOG-5)."""

from __future__ import annotations

from aws_cdk import CfnResource

from dpp_nag.framework import DppRule, Props, RuleContext


def _all_traffic(node: CfnResource, props: Props, ctx: RuleContext) -> bool:
    return props.get("trafficType") == "ALL"


def _records_everything(node: CfnResource, props: Props, ctx: RuleContext) -> bool:
    group = props.get("recordingGroup")
    if group is None:
        return True  # Config's default records every supported type
    return group.get("allSupported") is True


RULES = (
    DppRule(
        suffix="FlowLogAllTraffic",
        requirements=("DPP-LOG-3",),
        info="The flow log records only accepted or only rejected traffic",
        explanation="Set traffic_type='ALL': the DPP asks for every connection attempt, allowed or refused.",
        resource_types=("AWS::EC2::FlowLog",),
        check=_all_traffic,
    ),
    DppRule(
        suffix="ConfigRecordsAllResources",
        requirements=("DPP-LOG-5",),
        info="The Config recorder does not record all supported resource types",
        explanation="Set recording_group all_supported=True (global types in one region only).",
        resource_types=("AWS::Config::ConfigurationRecorder",),
        check=_records_everything,
    ),
)
