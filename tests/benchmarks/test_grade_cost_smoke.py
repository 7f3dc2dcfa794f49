"""A smoke run of the grade-cost benchmark (issue 12) at a tiny size. No timing is asserted."""

from __future__ import annotations

import json

from wordbot.benchmarks import grade_cost


def test_grade_cost_runs_and_reports_every_scheduler(capsys):
    assert grade_cost.main(["--rounds", "2", "--repeat", "1"]) == 0
    report = json.loads(capsys.readouterr().out)
    for layer in ("decide", "schedule_only"):
        assert set(report[layer]["us_per_grade"]) == {"sm2", "fsrs-default", "fsrs-personal"}
        assert all(value > 0 for value in report[layer]["us_per_grade"].values())
        assert set(report[layer]["ratio_to_sm2"]) == {"fsrs-default", "fsrs-personal"}
    assert report["target_ratio"] == 1.1 and isinstance(report["within_target"], bool)


def test_every_timed_press_is_a_real_grade():
    """The benchmark times grades that save their card, not stale presses."""
    from wordbot.decide.transition import SaveCard

    for changes in grade_cost.SCHEDULERS.values():
        jobs = grade_cost._press_jobs(changes)
        assert all(any(isinstance(w, SaveCard) for w in job().writes) for job in jobs)
