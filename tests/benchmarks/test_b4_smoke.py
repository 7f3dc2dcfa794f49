"""B4 at a tiny size: seeded sessions, a restart of the real process, presses on old prompts."""

from __future__ import annotations

import json

import pytest

from wordbot.benchmarks import b4_restart

pytestmark = pytest.mark.e2e


def test_b4_restarts_with_persisted_sessions_and_times_each_press(capsys):
    assert b4_restart.main(["--sessions", "50", "--presses", "3", "--pending", "10"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["sessions"] == 50 and report["presses"] == 3
    # the inbox's leftovers from before the restart are resumed and answered, not dropped
    assert report["pending_inbox_entries"] == report["pending_answered"] == 10
    assert 0 < report["first_api_call_seconds"] <= report["startup_seconds"]
    assert 0 < report["median_press_ms"] <= report["max_press_ms"]
    assert report["first_press_ms"] <= report["max_press_ms"]
