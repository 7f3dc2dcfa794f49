"""B3 at a tiny size: the wave and the paced run against the real bot process; figures agree."""

from __future__ import annotations

import json

import pytest

from wordbot.benchmarks import b3_wave

pytestmark = pytest.mark.e2e

USERS = 30


def test_b3_reminds_every_user_and_reports_consistent_figures(capsys):
    argv = ["--users", str(USERS), "--cards", "3", "--send-seconds", "2", "--warmup-seconds", "0"]
    assert b3_wave.main(argv) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["users"], report["cards_per_user"]) == (USERS, 3)
    wave, paced = report["wave"], report["paced"]
    assert wave["finished"] is True
    assert wave["reminded"] == USERS
    assert wave["seconds"] >= wave["first_reminder_seconds"] > 0
    assert 0 < wave["prepared_seconds"] <= wave["seconds"] + 0.5  # polled every 0.1 s
    assert wave["wave_thread_cpu_seconds"] > 0
    assert wave["peak_rss_mb"] > 0 and wave["peak_threads"] > 0
    assert wave["count_429"] == 0  # no limits enforced in the wave
    assert 0 < paced["reminded"] <= USERS
    assert paced["messages_per_second"] * paced["send_seconds"] <= paced["reminded"]
    assert paced["count_429"] == 0  # Telegram's limits are enforced in the paced run
    assert report["met"]["count_429"] is True
    assert set(report["met"]) == set(report["targets"])
    assert report["met"]["peak_threads"] == (
        wave["peak_threads"] <= report["targets"]["peak_threads"]
    )


def test_b3_paid_reminders_are_paid_broadcasts_and_replies_are_not(capsys):
    argv = ["--paid", "--users", str(USERS), "--cards", "3", "--presses", "3"]
    assert b3_wave.main(argv) == 0
    report = json.loads(capsys.readouterr().out)
    paid = report["paid"]
    assert paid["finished"] is True
    assert paid["reminded"] == paid["reminders_paid"] == USERS
    assert paid["paid_broadcasts"] == USERS  # the reminders, and nothing else
    assert paid["count_429"] == 0  # Telegram's limits, free and paid, are enforced
    assert paid["replies"]["presses"] == paid["replies"]["replies"] == 3
    assert paid["replies"]["paid"] == 0
    assert paid["seconds"] >= paid["first_reminder_seconds"] > 0
    assert 0 < paid["prepared_seconds"] <= paid["seconds"] + 0.5  # polled every 0.1 s
    assert paid["wave_thread_cpu_seconds"] > 0
    assert paid["emulator_cpu_seconds"] >= 0 and paid["bot_cpu_seconds"] > 0
    assert 0 < paid["busiest_second"] <= USERS
    assert report["met"]["count_429"] and report["met"]["reminders_paid"]
    assert report["met"]["replies_paid"]
    assert set(report["met"]) == set(report["targets"])
