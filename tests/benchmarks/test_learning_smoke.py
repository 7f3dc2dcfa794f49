"""Learner simulation smoke run (SPEC §12): every scheduler under both memory models reports
every metric, through the bot's own grade decision."""

import json

from wordbot.benchmarks import learning
from wordbot.cli import main as cli_main
from wordbot.domain import fsrs_schedule

METRICS = {
    "total_reviews",
    "reviews_per_day",
    "expected_recalled",
    "words_known",
    "knowledge_per_review",
    "true_retention",
}


def test_quick_run_reports_every_scheduler_and_metric_under_both_models():
    report = learning.run(learning.QUICK, seed=3)
    assert set(report["results"]) == {"fsrs-like", "exponential"}
    for schedulers in report["results"].values():
        assert set(schedulers) == {spec.name for spec in learning.SCHEDULERS}
        for days in schedulers.values():
            assert set(days) == {"10", "30"}
            for values in days.values():
                assert set(values) == METRICS
                assert values["total_reviews"] > 0
                assert 0 < values["expected_recalled"] <= 5 * 30
                assert 0 <= values["true_retention"] <= 1
    assert set(report["headline"]) == {"fsrs-like", "exponential"}
    assert "| fsrs-like | sm2 | 30 |" in learning.table(report)


def test_the_same_seed_gives_the_same_report():
    first = learning.run(learning.QUICK, seed=5)["results"]
    assert learning.run(learning.QUICK, seed=5)["results"] == first


def test_the_simulation_grades_through_the_bots_own_decision():
    assert learning.decide_grade is fsrs_schedule.decide_grade


def test_wordbot_simulate_runs_the_simulation(tmp_path, capsys):
    out = tmp_path / "report.json"
    assert (
        cli_main(["simulate", "--quick", "--workers", "1", "--days", "12", "--json", str(out)]) == 0
    )
    report = json.loads(out.read_text())
    assert "sm2" in report["results"]["fsrs-like"]
    assert "| exponential | sm2 | 12 |" in capsys.readouterr().err
