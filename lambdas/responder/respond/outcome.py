"""What a response did (or would do), to what, and how to undo it."""

from __future__ import annotations

from dataclasses import dataclass, field

DONE = "done"
WOULD = "would do (dry run)"
ALREADY = "already done"
EXCLUDED = "excluded"
NOT_POSSIBLE = "not possible"
FAILED = "failed"


@dataclass
class Outcome:
    action: str  # disableCredentials, blockHostileIps, isolateInstances, notifyFailedSignIns, unblockExpired, undo
    target: str  # what it acted on, as people name it ("IAM user alice", "instance i-0abc")
    status: str
    what: str  # the sentence a responder reads
    undo: str = ""  # the documented command that reverses it
    record_id: str = ""
    facts: list[tuple[str, str]] = field(default_factory=list)
