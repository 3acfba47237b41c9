"""`python -m drill [-c key=value ...]` (make drill CONTEXT='-c dpp:config=FILE'): starts the
alert drill's state machine in the caller's account (the same execution the weekly schedule
starts), prints the drill ID and where its records will be. Exit 0 when started, 2 on a
configuration error or an account that runs no drills, 3 without usable credentials, 1 when
AWS refused the start. Every failure is one line, never a traceback."""

from __future__ import annotations

import json
import sys
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import boto3
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, NoRegionError

from capabilities.drills.alert_drill import CHECK_AFTER_SECONDS, EVIDENCE_PREFIX
from capabilities.drills.paths import drill_paths, drill_places
from configuration import ConfigError, load_config
from configuration.naming import archive_names, drill_state_machine_name
from preflight.__main__ import context_from


def drill_id(now: datetime) -> str:
    return f"drill-{now.strftime('%Y%m%dT%H%M%SZ')}-{uuid.uuid4().hex[:6]}"


def main(argv: list[str], client: Callable[..., Any] = boto3.client) -> int:
    try:
        config = load_config(context_from(argv), base_dir=Path.cwd())
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    region = config.home_region
    try:
        account = client("sts", region_name=region).get_caller_identity()["Account"]
    except (NoCredentialsError, NoRegionError, ClientError, BotoCoreError) as error:
        print(
            f"drill: no usable AWS credentials ({type(error).__name__}); run make drill with credentials of a monitored account allowed states:StartExecution on {drill_state_machine_name(config)}",
            file=sys.stderr,
        )
        return 3
    places = dict(drill_places(config))
    if account not in places:
        where = ", ".join(sorted(places)) or "none (dpp.drills.enabled, dpp.features.alarms and a chat target are needed)"
        print(f"drill: account {account} runs no alert drills; accounts that do: {where}", file=sys.stderr)
        return 2
    now = datetime.now(timezone.utc)
    identifier = drill_id(now)
    machine = f"arn:aws:states:{region}:{account}:stateMachine:{drill_state_machine_name(config)}"
    try:
        execution = client("stepfunctions", region_name=region).start_execution(stateMachineArn=machine, name=identifier, input=json.dumps({"drillId": identifier}))
    except (ClientError, BotoCoreError) as error:
        code = error.response.get("Error", {}).get("Code", "error") if isinstance(error, ClientError) else type(error).__name__
        print(f"drill: could not start {machine} ({code}); is the alarms stack deployed in {account}/{region}?", file=sys.stderr)
        return 1
    folder = f"s3://{archive_names(config).archive_bucket}/{EVIDENCE_PREFIX}{now:%Y/%m/%d}/"
    print(f"Drill {identifier} started in {account}/{region}: {execution['executionArn']}")
    print(f"Paths: {', '.join(p.id for p in drill_paths(config))}. Watch chat for [DRILL ...] messages.")
    print(f"In about {CHECK_AFTER_SECONDS // 60} minutes the records are in {folder}{identifier}-<path>.json")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
