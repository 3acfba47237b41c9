"""One line per check: where, what, the verdict and the fix."""

from __future__ import annotations

from dataclasses import dataclass

OK, RED, INFO = "ok", "RED", "info"


@dataclass(frozen=True)
class Row:
    status: str
    account: str
    region: str
    check: str
    detail: str
    fix: str = ""

    def line(self) -> str:
        fix = f" -> {self.fix}" if self.fix and self.status == RED else ""
        return f"{self.status:4} {self.account:12} {self.region:14} {self.check:28} {self.detail}{fix}"
