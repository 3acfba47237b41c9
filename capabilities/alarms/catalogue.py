"""Every alarm for a configuration: CIS, DPP, monitors and the team's own, with the team's
switches and thresholds applied. Pure data (no CDK).

The alarm IDs a configuration may name (dpp.alarms.disabled, .thresholds, .custom) are checked
here, against the alarms this catalogue builds for it, rather than in configuration/ (the
bottom layer, which imports nothing above it): the entry points call ``check_alarm_ids``
right after ``load_config``."""

from __future__ import annotations

import difflib
from dataclasses import replace

from capabilities.alarms.cis import cis_alarms
from capabilities.alarms.dpp import canary_filter_pattern, dpp_alarms, monitor_alarms, workload_alarms
from capabilities.alarms.log_export import log_export_alarms
from capabilities.drills.paths import drill_alarms
from capabilities.alarms.spec import AlarmSpec
from configuration.errors import ConfigError
from configuration.model import BaselineConfig


def _built_in(config: BaselineConfig) -> list[AlarmSpec]:
    canary = canary_filter_pattern(config, exclude_drills=False) if config.canary.enabled else None
    return [*cis_alarms(), *dpp_alarms(config), *monitor_alarms(config), *log_export_alarms(config), *drill_alarms(config, canary)]


def built_in_alarm_ids(config: BaselineConfig) -> set[str]:
    return {spec.id for spec in _built_in(config)}


def check_alarm_ids(config: BaselineConfig) -> BaselineConfig:
    """Disabled and re-thresholded alarms must exist; custom IDs must not clash. Raises a
    ConfigError naming the dpp.alarms key and the fix; returns the configuration."""
    known = built_in_alarm_ids(config)
    for i, alarm_id in enumerate(config.alarms.disabled):
        if alarm_id not in known:
            raise ConfigError(f"dpp.alarms.disabled[{i}]", f"{alarm_id!r} is not a built-in alarm", _suggest_id(alarm_id, known))
    for alarm_id, _ in config.alarms.thresholds:
        if alarm_id not in known:
            raise ConfigError(f"dpp.alarms.thresholds.{alarm_id}", "is not a built-in alarm", _suggest_id(alarm_id, known))
    for i, custom in enumerate(config.alarms.custom):
        if custom.id in known:
            raise ConfigError(f"dpp.alarms.custom[{i}].id", f"{custom.id!r} is a built-in alarm", "choose another id")
    for i, metric in enumerate(config.alarms.workload_metrics):
        if metric.id in known:
            raise ConfigError(f"dpp.alarms.workloadMetrics[{i}].id", f"{metric.id!r} is a built-in alarm", "choose another id")
    return config


def _suggest_id(alarm_id: str, known: set[str]) -> str:
    close = difflib.get_close_matches(alarm_id, sorted(known), n=1)
    return f"did you mean '{close[0]}'?" if close else "see the alarm table in the README for the IDs"


def alarm_specs(config: BaselineConfig) -> list[AlarmSpec]:
    thresholds = dict(config.alarms.thresholds)
    specs = [replace(spec, threshold=thresholds.get(spec.id, spec.threshold)) for spec in _built_in(config) if spec.id not in config.alarms.disabled]
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
