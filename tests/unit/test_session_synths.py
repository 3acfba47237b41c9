"""How the xdist workers share the session syntheses (tests/conftest.py): each used
configuration is dealt to exactly one worker, the largest first, and unused ones to none."""

from __future__ import annotations

from tests.conftest import SESSION_SYNTHS, synths_of_worker

EVERY = {synth.fixture for synth in SESSION_SYNTHS.values()}


def test_two_workers_synthesize_side_by_side():
    assert synths_of_worker(EVERY, 0, 2) == ["default"]
    assert synths_of_worker(EVERY, 1, 2) == ["organization", "two-accounts"]


def test_every_used_configuration_goes_to_exactly_one_worker():
    for workers in (1, 2, 3, 5):
        dealt = [name for index in range(workers) for name in synths_of_worker(EVERY, index, workers)]
        assert sorted(dealt) == sorted(SESSION_SYNTHS)


def test_a_configuration_no_test_uses_is_not_synthesized():
    dealt = [name for index in range(2) for name in synths_of_worker({"organization_synthesized"}, index, 2)]
    assert dealt == ["organization"]
