"""M at a tiny size: the real process with a few users mid-session, its memory reported."""

from __future__ import annotations

import json

import pytest

from wordbot.benchmarks import m_memory

pytestmark = pytest.mark.e2e


def test_m_reports_one_live_actor_thread_per_user_mid_session(capsys):
    assert m_memory.main(["--users", "5"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["users"] == report["prompts"] == 5
    assert report["actor_threads"] == 5
    assert report["threads"] == report["idle_threads"] + 5
    assert report["idle_rss_mb"] > 0 and report["rss_mb"] <= report["peak_rss_mb"]
    assert report["rss_per_actor_kb"] == pytest.approx(
        (report["rss_mb"] - report["idle_rss_mb"]) * 1024 / 5, abs=25
    )
