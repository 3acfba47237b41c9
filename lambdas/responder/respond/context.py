"""What every response works with: the settings, AWS clients, the ledger, the clock, and the
one way an action is carried out (once, recorded, or only reported in a dry run)."""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable

from respond.ledger import Ledger
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
        15 minutes while GuardDuty updates the finding). A failure is reported, not
        recorded, so the next occurrence of the finding tries again."""
        facts = list(facts or [])
        if self.settings.dry_run:
            dry_id = f"dry-run#{record_id}"
            if not self.ledger.record(dry_id, kind="dry-run", action=action):
                return Outcome(action, target, ALREADY, f"Already reported (dry run): {what}", record_id=dry_id, facts=facts)
            return Outcome(action, target, WOULD, f"Would have: {what[0].lower()}{what[1:]}", facts=facts)
        if self.ledger.seen(record_id):
            return Outcome(action, target, ALREADY, f"Already done: {what}", undo, record_id, facts)
        try:
            extra = act() or {}
        except Exception as error:  # reported to people; the finding's next occurrence retries
            self.errors.append(type(error).__name__)
            return Outcome(action, target, FAILED, f"Could not act on {target}: {type(error).__name__}: {str(error)[:300]}. Act by hand.", facts=facts)
        self.ledger.record(record_id, action=action, status="done", **reversal, **extra)
        return Outcome(action, target, DONE, what, undo, record_id, facts)
