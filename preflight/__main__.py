"""`python -m preflight [-c key=value ...]` (make preflight CONTEXT='-c dpp:config=FILE'):
the configuration as `cdk synth` reads it, then one row per check. Exit 0 when nothing is
red, 1 when something is, 2 on a configuration error, 3 without usable credentials."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from capabilities.alarms.catalogue import check_alarm_ids
from configuration import ConfigError, load_config
from preflight.access import Sessions
from preflight.checks import run
from preflight.rows import RED

ROOT = Path(__file__).resolve().parents[1]


def context_from(argv: list[str]) -> dict:
    """cdk.json's context with `-c key=value` overrides, values read as JSON where they parse."""
    context = json.loads((ROOT / "cdk.json").read_text())["context"]
    args = iter(argv)
    for arg in args:
        if arg in ("-c", "--context"):
            key, _, value = next(args, "").partition("=")
            try:
                context[key] = json.loads(value)
            except json.JSONDecodeError:
                context[key] = value
    return context


def main(argv: list[str]) -> int:
    try:
        config = check_alarm_ids(load_config(context_from(argv), base_dir=Path.cwd()))
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    try:
        sessions = Sessions()
    except (NoCredentialsError, ClientError, BotoCoreError) as error:
        print(f"preflight: no usable AWS credentials ({type(error).__name__}); run it with read-only credentials of the deploying account", file=sys.stderr)
        return 3
    rows = run(config, sessions.client, sessions.member_clients(config.organization.member_access_role) if config.org_mode else None)
    for row in rows:
        print(row.line())
    red = [r for r in rows if r.status == RED]
    print(f"\n{len(rows)} checks, {len(red)} red" + ("" if red else ": nothing found that would stop cdk deploy halfway"))
    return 1 if red else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
