"""Webhook URLs read from Secrets Manager, cached for five minutes (a rotated URL is picked up
by then, or at once after a 403/404/410). Every region's relay reads the secrets of the home
region, so a URL is stored and rotated in one place (issue 15.11).

A secret that cannot be read or holds no URL fails only its own target's deliveries: a missing,
forbidden, undecryptable or malformed secret is *permanent* (those deliveries are dead-lettered
at once, with the reason); throttling and service errors are *transient* (retried later).
The URL is a credential: it is never logged or put in an exception message (DPP-PII-1).
"""

from __future__ import annotations

import json
import time
from typing import Callable

from relay.aws import AwsError, Client


class SecretUnavailable(Exception):
    def __init__(self, reason: str, permanent: bool) -> None:
        self.reason = reason
        self.permanent = permanent
        super().__init__(reason)


def url_from_secret(text: str) -> str:
    """The whole secret string, or its ``url`` field if it is JSON; an http(s) URL or nothing."""
    text = text.strip()
    if text.startswith("{"):
        try:
            text = str(json.loads(text)["url"]).strip()
        except (ValueError, KeyError, TypeError):
            raise SecretUnavailable("secret holds JSON without a url field", permanent=True) from None
    if not text.startswith(("https://", "http://")):
        raise SecretUnavailable("secret holds no http(s) URL", permanent=True)
    return text


class WebhookSecrets:
    def __init__(self, client: Client, max_age: float = 300.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.client = client
        self.max_age = max_age
        self.clock = clock
        self._cache: dict[str, tuple[float, str]] = {}

    def clear(self) -> None:
        self._cache.clear()

    def text(self, secret_name: str, refresh: bool = False) -> str:
        """The secret's string (a URL, or a paging service's key: relay.paging)."""
        cached = self._cache.get(secret_name)
        if cached and not refresh and self.clock() - cached[0] < self.max_age:
            return cached[1]
        try:
            answer = self.client.call("GetSecretValue", {"SecretId": secret_name})
        except AwsError as error:
            raise SecretUnavailable(f"secret unreadable in {self.client.region}: {error.code}", permanent=not error.retryable) from None
        if "SecretString" not in answer:
            raise SecretUnavailable("secret holds binary, not a string", permanent=True)
        text = str(answer["SecretString"])
        self._cache[secret_name] = (self.clock(), text)
        return text

    def url(self, secret_name: str, refresh: bool = False) -> str:
        return url_from_secret(self.text(secret_name, refresh))
