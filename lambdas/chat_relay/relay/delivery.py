"""Posting to a webhook without losing or duplicating anything (DPP-MON-5, DPP-MON-6).

- 2xx: delivered.
- 429: wait for Retry-After (or back off) and retry while time remains.
- 5xx, timeouts, connection errors: back off and retry while time remains, then give up as
  *transient* (the message goes back to the queue and is tried again later).
- 403, 404, 410 (revoked, unknown or archived webhook): the secret may have been rotated, so
  it is re-read once and the post retried; if it fails again the failure is *permanent*.
- Other 4xx (bad payload, too large): *permanent*; the message goes to the dead-letter queue.

Posts to one webhook are at least ``pace_seconds`` apart (Slack allows about one per second).
The URL is a credential: it is never logged or put in an exception message.
"""

from __future__ import annotations

import http.client
import json
import time
from dataclasses import dataclass, field
from typing import Callable

from relay import wire

REFRESH_STATUSES = (403, 404, 410)


class DeliveryFailed(Exception):
    def __init__(self, target: str, status: int | None, permanent: bool, reason: str, secret: bool = False) -> None:
        self.target = target
        self.status = status
        self.permanent = permanent
        self.reason = reason
        self.secret = secret  # the webhook's secret could not be read, nothing was posted
        super().__init__(f"delivery to {target} failed ({'permanent' if permanent else 'transient'}): {reason}")


@dataclass(frozen=True)
class Request:
    """A post whose address, body or headers depend on its secret (the paging services:
    relay.paging). Its URL and headers carry credentials: never logged."""

    url: str
    payload: dict
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Response:
    status: int | None  # None: no HTTP answer (timeout, connection refused)
    retry_after: float | None = None
    body: str = ""


def http_post(url: str, payload: dict, timeout: float, headers: dict[str, str] | None = None) -> Response:
    try:
        status, answer_headers, body = wire.post(url, {"Content-Type": "application/json", **(headers or {})}, json.dumps(payload).encode(), timeout, max_body=2048)
    except (OSError, http.client.HTTPException):
        return Response(None)
    retry_after = answer_headers.get("retry-after")
    try:
        seconds = float(retry_after) if retry_after is not None else None
    except ValueError:
        seconds = None
    return Response(status, seconds, body.decode(errors="replace"))


@dataclass
class Deliverer:
    """Posts payloads for one invocation, within its deadline."""

    deadline: Callable[[], float]  # seconds left in this invocation
    post: Callable[[str, dict, float, dict[str, str]], Response] = http_post
    sleep: Callable[[float], None] = time.sleep
    monotonic: Callable[[], float] = time.monotonic
    pace_seconds: float = 1.0
    initial_backoff: float = 1.0
    request_timeout: float = 10.0
    safety_margin: float = 15.0
    retries: int = 0
    _last_post: dict[str, float] = field(default_factory=dict)

    def _wait(self, seconds: float) -> bool:
        """Sleeps if the invocation has time for it; False when it does not."""
        if self.deadline() - seconds - self.request_timeout < self.safety_margin:
            return False
        self.sleep(seconds)
        return True

    def _pace(self, target: str) -> None:
        last = self._last_post.get(target)
        if last is not None:
            gap = self.pace_seconds - (self.monotonic() - last)
            if gap > 0:
                self.sleep(gap)

    def deliver(self, target: str, url_of: Callable[[bool], str | Request], payload: dict) -> int:
        """Posts ``payload``; returns the HTTP status, or raises ``DeliveryFailed``.

        ``url_of(refresh)`` returns the webhook URL (or the whole ``Request``, for targets whose
        secret shapes it), re-reading the secret when asked.
        """
        refreshed = False
        backoff = self.initial_backoff
        url = url_of(False)
        while True:
            self._pace(target)
            request = url if isinstance(url, Request) else Request(url, payload)
            response = self.post(request.url, request.payload, self.request_timeout, request.headers)
            self._last_post[target] = self.monotonic()
            status = response.status
            if status is not None and 200 <= status < 300:
                return status
            if status in REFRESH_STATUSES and not refreshed:
                refreshed = True
                url = url_of(True)
                self.retries += 1
                continue
            if status == 429 or status is None or status >= 500:
                wait = response.retry_after if (status == 429 and response.retry_after is not None) else backoff
                backoff = min(backoff * 2, 30.0)
                self.retries += 1
                if self._wait(wait):
                    continue
                raise DeliveryFailed(target, status, permanent=False, reason=f"HTTP {status or 'no answer'}; out of time for retries")
            raise DeliveryFailed(target, status, permanent=True, reason=f"HTTP {status}: {response.body[:200]}")
