"""Every alarm for a configuration: CIS, DPP, monitors and the team's own, with the team's
switches and thresholds applied. Pure data (no CDK), so configuration can validate against it."""
from __future__ import annotations

from dataclasses import replace

from capabilities.alarms.cis import cis_alarms
from capabilities.alarms.dpp import dpp_alarms, monitor_alarms, workload_alarms
from capabilities.alarms.spec import AlarmSpec
from configuration.model import BaselineConfig


def _built_in(config: BaselineConfig) -> list[AlarmSpec]:
    return [*cis_alarms(), *dpp_alarms(config), *monitor_alarms(config)]


def built_in_alarm_ids(config: BaselineConfig) -> set[str]:
    return {spec.id for spec in _built_in(config)}


def alarm_specs(config: BaselineConfig) -> list[AlarmSpec]:
    thresholds = dict(config.alarms.thresholds)
    specs = [
        replace(spec, threshold=thresholds.get(spec.id, spec.threshold))
        for spec in _built_in(config)
        if spec.id not in config.alarms.disabled
    ]
    for custom in config.alarms.custom:
        specs.append(
            AlarmSpec(
                id=custom.id,
                title=custom.title,
                severity=custom.severity,
                requirements=("DPP-MON-3",),
                filter_pattern=custom.filter_pattern,
                threshold=custom.threshold,
                period_minutes=custom.period_minutes,
                meaning=custom.meaning,
                investigate=custom.investigate,
            )
        )
    specs += workload_alarms(config)  # the team's own ids, like custom alarms
    return specs
