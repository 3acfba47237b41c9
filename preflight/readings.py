"""Reads that the checks of monitored accounts (``preflight.checks``) and of organization
members (``preflight.members``) both make, each a client call and its interpretation."""

from __future__ import annotations


def existing_config_setup(service) -> str | None:
    """The Config recorder and delivery channel already in an account and region, named (e.g.
    "recorder default, delivery channel default"), or None: CloudFormation cannot create a
    second of either (https://docs.aws.amazon.com/config/latest/APIReference/API_PutConfigurationRecorder.html)."""
    recorders = service.describe_configuration_recorders()["ConfigurationRecorders"]
    channels = service.describe_delivery_channels()["DeliveryChannels"]
    return ", ".join(f"{kind} {items[0]['name']}" for kind, items in (("recorder", recorders), ("delivery channel", channels)) if items) or None


def opt_in_status(ec2, region: str) -> str:
    """The account's opt-in status of ``region`` (``not-opted-in`` for a disabled opt-in region)."""
    regions = ec2.describe_regions(AllRegions=True, RegionNames=[region])["Regions"]
    return regions[0].get("OptInStatus", "opt-in-not-required") if regions else "unknown"
