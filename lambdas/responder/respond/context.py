"""What every response works with: the settings, AWS clients, the ledger, the clock, and the
one way an action is carried out (once, recorded, or only reported in a dry run)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable

from respond.ledger import DONE_STATUS, Ledger
from respond.outcome import ALREADY, DONE, FAILED, WOULD, Outcome
from respond.settings import Settings


@dataclass
class Context:
    settings: Settings
    ledger: Ledger
    iam: Any
    ec2: Any
    wafv2: Any
    logs: Any
    sns: Any
    clock: Callable[[], float] = time.time
    errors: list[str] = field(default_factory=list)

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), tz=timezone.utc)

    def undo_command(self, record_id: str) -> str:
        payload = json.dumps({"undo": record_id})
        return f"aws lambda invoke --function-name {self.settings.function_name} --cli-binary-format raw-in-base64-out --payload '{payload}' undo.json"

    def once(self, record_id: str, action: str, target: str, what: str, undo: str, act: Callable[[], Any], reversal: dict, facts: list | None = None) -> Outcome:
        """Carries out ``act`` unless the ledger says it was done for this finding already;
        in a dry run only reports (and remembers the report, so it is not repeated every
        15 minutes while GuardDuty updates the finding).

        Intent first: the record, with everything undo needs (``reversal``), is written before
        the first change, so an action cut short by a failure or a timeout is never an
        unrecorded change. Every ``act`` is idempotent; a record left "started" or "failed" is
        resumed by the finding's next occurrence (or the Lambda retry), and can be undone."""
        facts = list(facts or [])
        if self.settings.dry_run:
            dry_id = f"dry-run#{record_id}"
            if not self.ledger.record(dry_id, kind="dry-run", action=action):
                return Outcome(action, target, ALREADY, f"Already reported (dry run): {what}", record_id=dry_id, facts=facts)
            return Outcome(action, target, WOULD, f"Would have: {what[0].lower()}{what[1:]}", facts=facts)
        existing = self.ledger.get(record_id)
        if existing is None and not self.ledger.record(record_id, action=action, status="started", reported=False, **reversal):
            existing = self.ledger.get(record_id)  # another invocation recorded it first
        if existing is not None and existing.get("status") in (DONE_STATUS, "undone"):
            if existing.get("status") == DONE_STATUS and existing.get("reported") is False:
                # Done, but its report was never published (the publish failed): report it now.
                return Outcome(action, target, DONE, what, undo, record_id, facts)
            return Outcome(action, target, ALREADY, f"Already done: {what}", undo, record_id, facts)
        try:
            extra = act() or {}
        except Exception as error:  # reported to people; the finding's next occurrence resumes
            self.errors.append(type(error).__name__)
            self.ledger.mark(record_id, "failed")
            return Outcome(action, target, FAILED, f"Could not act on {target}: {type(error).__name__}: {str(error)[:300]}. Act by hand, or undo what was done.", undo, record_id, facts)
        self.ledger.complete(record_id, **extra)
        return Outcome(action, target, DONE, what, undo, record_id, facts)
