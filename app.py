#!/usr/bin/env python3
"""Entry point of the DPP logging baseline: configuration -> stacks -> nag gate -> templates.

The only place that reads CDK context. Bad configuration and nag findings end the run with a
one-line message and a non-zero exit code, never a traceback, and before anything deploys.
"""

import sys
from typing import Any, Mapping, TextIO

import aws_cdk as cdk

from capabilities.alarms.catalogue import check_alarm_ids
from checks.gate import install_gate
from checks.member_template import member_template
from configuration import BaselineConfig, ConfigError, load_config
from configuration.in_force import write_config_in_force
from evidence.incident_plan import write_incident_plan
from stacks import topology

EXIT_CONFIG = 2
EXIT_NAG = 3


def read_configuration(context: Mapping[str, Any], stderr: TextIO = sys.stderr) -> BaselineConfig | int:
    """The configuration, or EXIT_CONFIG after printing its one-line error (no traceback)."""
    try:
        return check_alarm_ids(load_config(context))
    except ConfigError as error:
        print(error, file=stderr)
        return EXIT_CONFIG


def main() -> int:
    app = cdk.App()
    config = read_configuration(app.node.get_all_context())
    if isinstance(config, int):
        return config
    topology.build(app, config, member_template=member_template(config) if config.org_mode else None)
    install_gate(app, config)
    try:
        app.synth()
    except RuntimeError as error:
        if "ValidationFailed" not in str(error):
            raise
        print(
            f"nag gate: synth failed on unacknowledged findings (listed above); the full report is {app.outdir}/validation-report.json",
            file=sys.stderr,
        )
        return EXIT_NAG
    # Evidence of exactly what was synthesized, beside the templates (make report reads them).
    write_config_in_force(config, app.outdir)
    write_incident_plan(config, app.outdir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
