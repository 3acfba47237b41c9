"""Fixtures shared by the relay's and the drills' tests: a local chat server and the relay
wired to it with one Slack, one Teams and one Chime target (the drills' expected targets)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from types import ModuleType

import pytest

from tests.lambdas.relay_harness import CHIME, SLACK, TEAMS, ChatServer, wired_relay


@pytest.fixture
def server() -> Iterator[ChatServer]:
    with ChatServer() as chat:
        yield chat


@pytest.fixture
def relay(server: ChatServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    secrets = {"dpp/slack/secops": server.url(SLACK), "dpp/teams/secops": json.dumps({"url": server.url(TEAMS)}), "dpp/chime/legacy": server.url(CHIME)}
    targets = [
        {"name": "secops-slack", "kind": "slack", "secretName": "dpp/slack/secops", "minSeverity": "high"},
        {"name": "secops-teams", "kind": "teams", "secretName": "dpp/teams/secops", "minSeverity": "critical"},
        {"name": "legacy-chime", "kind": "chime", "secretName": "dpp/chime/legacy", "minSeverity": "critical", "redactPii": False},
    ]
    with wired_relay(monkeypatch, secrets, targets, pace_seconds="0.05") as handler:
        yield handler
