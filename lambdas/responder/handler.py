"""Automated responses to high and critical findings (DPP-IR-3), each switched on by
configuration and all in dry run until ``dpp.responses.dryRun`` is false.

Events: GuardDuty findings (credentials, hostile IPs, compromised instances), the
FailedConsoleSignInsBurst alarm's state change, a schedule that lifts expired IP blocks, and
``{"undo": "<record id>"}`` from the documented undo command. Logs only what kind of thing
happened to which finding, never a payload, a user name or an address (DPP-PII-1).
"""

from __future__ import annotations

import hashlib
import logging
import os
from typing import Any

import boto3
from aws_lambda_powertools import Logger

from respond import credentials, drills, health, hostile_ips, instances, report, sign_ins
from respond.context import Context
from respond.findings import parse_finding
from respond.ledger import Ledger
from respond.outcome import ALREADY, DONE, FAILED, Outcome
from respond.settings import Settings

logger = Logger(service="dpp-responder", level=os.environ.get("LOG_LEVEL", "INFO"))
for _noisy in ("botocore", "boto3", "urllib3"):
    logging.getLogger(_noisy).setLevel(logging.WARNING)

FINDING_RESPONSES = (credentials, hostile_ips, instances)
UNDO = {credentials.ACTION: credentials.undo, hostile_ips.ACTION: hostile_ips.undo, instances.ACTION: instances.undo}


def build_context(settings: Settings | None = None) -> Context:
    settings = settings or Settings.from_environment()
    return Context(
        settings=settings,
        ledger=Ledger(boto3.resource("dynamodb").Table(settings.ledger_table)),
        iam=boto3.client("iam"),
        ec2=boto3.client("ec2"),
        wafv2=boto3.client("wafv2"),
        logs=boto3.client("logs"),
        sns=boto3.client("sns"),
    )


def _digest(text: str) -> str:
    """A stable, non-reversible handle for a target, so logs correlate without naming it."""
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _log(outcomes: list[Outcome], **fields: Any) -> None:
    for o in outcomes:
        logger.info("response", action=o.action, status=o.status, target=_digest(o.target), **fields)


class ResponseIncomplete(RuntimeError):
    """Raised after the report is published, so Lambda retries what failed (then dead-letters)."""


def _guarded(action: str, target: str, run, ctx: Context) -> tuple[list[Outcome], bool]:
    """A response that raises still leaves the others' outcomes to be published; True when it raised."""
    try:
        return run(), False
    except Exception as error:
        ctx.errors.append(type(error).__name__)
        return [Outcome(action, target, FAILED, f"Could not respond: {type(error).__name__}: {str(error)[:300]}. Retried; act by hand if it fails again.")], True


def process(event: Any, ctx: Context) -> dict:
    if isinstance(event, dict) and "undo" in event:
        return _undo(str(event["undo"]), ctx)
    if isinstance(event, dict) and event.get("detail-type") == "Scheduled Event":
        outcomes = hostile_ips.unblock_expired(ctx) if ctx.settings.ip_set else []
        _log(outcomes)
        report.publish(ctx, outcomes, "low", title="Expired IP blocks lifted")
        return {"handled": "schedule", "outcomes": len(outcomes)}
    if drills.is_drill(event):  # a drill proves the alert path, never the responses (DPP-MON-8)
        logger.info("ignored", reason="alert drill")
        return {"ignored": "alert drill"}
    if sign_ins.ACTION in ctx.settings.enabled and sign_ins.applies(event, ctx):
        outcomes = sign_ins.respond(event, ctx)  # a failed query raises: retried, never marked done
        _log(outcomes)
        report.publish(ctx, outcomes, "high", title="Repeated failed console sign-ins", account=str(event.get("account", "")), region=str(event.get("region", "")))
        sign_ins.reported(outcomes, ctx)
        return {"handled": "sign-ins", "outcomes": len(outcomes)}
    if health.is_exposure(event):
        return _exposed_credentials(event, ctx)
    finding = parse_finding(event)
    if finding is None:
        logger.info("ignored", reason="not a GuardDuty finding")
        return {"ignored": "not a GuardDuty finding"}
    if finding.severity < ctx.settings.min_severity:
        logger.info("ignored", reason="below minimum severity", findingId=finding.id)
        return {"ignored": "below minimum severity"}
    outcomes: list[Outcome] = []
    raised = False
    for response in FINDING_RESPONSES:
        if response.ACTION in ctx.settings.enabled and response.applies(finding):
            got, failed = _guarded(response.ACTION, f"finding {finding.id}", lambda response=response: response.respond(finding, ctx), ctx)
            raised = raised or failed
            outcomes += got
    _log(outcomes, findingId=finding.id, findingType=finding.type)
    if not outcomes:
        return {"ignored": "no response applies"}
    report.publish(ctx, outcomes, report.severity(outcomes, finding), finding=finding)  # a failed publish raises: retried, and re-reported then
    if not ctx.settings.dry_run:
        ctx.ledger.mark_reported([o.record_id for o in outcomes if o.record_id and o.status in (DONE, FAILED)])
    if raised:
        raise ResponseIncomplete("a response raised after the others acted; their report is published and this event is retried")
    return {"handled": finding.id, "outcomes": [o.status for o in outcomes]}


def _exposed_credentials(event: dict, ctx: Context) -> dict:
    """AWS Health's exposed-key events (the CredentialsExposed route's events) get the
    credentials response, as a critical GuardDuty key finding would."""
    if credentials.ACTION not in ctx.settings.enabled:
        return {"ignored": "disableCredentials is off"}
    handled, raised = [], False
    for finding in health.findings(event, ctx):
        outcomes, failed = _guarded(credentials.ACTION, f"finding {finding.id}", lambda finding=finding: credentials.respond(finding, ctx), ctx)
        raised = raised or failed
        _log(outcomes, findingId=finding.id, findingType=finding.type)
        report.publish(ctx, outcomes, "critical", finding=finding)
        if not ctx.settings.dry_run:
            ctx.ledger.mark_reported([o.record_id for o in outcomes if o.record_id and o.status in (DONE, FAILED)])
        handled += [o.status for o in outcomes]
    if raised:
        raise ResponseIncomplete("a credentials response raised; its report is published and this event is retried")
    return {"handled": "exposed credentials", "outcomes": handled}


def _undo(record_id: str, ctx: Context) -> dict:
    record = ctx.ledger.get(record_id)
    if record is None or record.get("action") not in UNDO:
        raise ValueError(f"no reversible action recorded under {record_id!r}: copy the id from the response message")
    if record.get("status") == "undone":
        outcome = Outcome("undo", record_id, ALREADY, "Already undone.")
    else:
        what = UNDO[record["action"]](record, ctx)
        ctx.ledger.mark(record_id, "undone")
        outcome = Outcome("undo", record_id, DONE, what)
    _log([outcome])
    report.publish(ctx, [outcome], "high", title="Automated response undone")
    return {"undone": record_id, "status": outcome.status, "what": outcome.what}


@logger.inject_lambda_context(log_event=False)
def handler(event: dict, context: Any) -> dict:
    return process(event, build_context())
