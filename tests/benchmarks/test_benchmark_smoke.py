"""Smoke runs of the benchmarks at tiny sizes, so they never rot. No timing is asserted."""

from __future__ import annotations

import json

import pytest

from tests.support.databases import POSTGRES_SKIP_REASON, POSTGRES_URL
from wordbot.benchmarks import b5_selection


def _assert_both_learners(figures: dict) -> None:
    assert set(figures) == {"sm2", "fsrs"}
    for learner in figures.values():
        assert learner["cards"] == 200 and learner["runs"] == 20
        assert 0 < learner["median_ms"] <= learner["p99_ms"]
    assert figures["sm2"]["review_log_rows"] == 0
    assert figures["fsrs"]["review_log_rows"] == 300


def test_b5_runs_and_reports_its_figures(capsys):
    assert b5_selection.main(["--cards", "200", "--runs", "20", "--reviews", "300"]) == 0
    report = json.loads(capsys.readouterr().out)
    _assert_both_learners(report["sqlite"])


def test_b5_fsrs_learner_holds_the_daily_new_card_limit(tmp_path):
    """The FSRS learner's selection really counts today's new cards: with the day's 20
    already introduced in the seeded log, no new card is chosen."""
    from storage.database import close_database, database, open_database
    from storage.migrate import migrate
    from storage.models import ReviewLog, WordPair
    from storage.vocabulary import select_cards_for_session

    open_database(f"sqlite:///{tmp_path / 'b5.db'}")
    try:
        migrate()
        b5_selection.seed(200, b5_selection.random.Random(5), "fsrs", reviews=0)
        with database.atomic():
            new = list(WordPair.select().where(WordPair.state == "new").limit(20))
            for pair in new:
                ReviewLog.create(
                    user=b5_selection.USER,
                    pair=pair,
                    rating=3,
                    reviewed_at=b5_selection.NOW,
                    state_before="new",
                    elapsed_days=0,
                    scheduled_days=0,
                    scheduler="fsrs",
                )
        limit = b5_selection.NEW_LIMIT
        chosen = select_cards_for_session(b5_selection.USER, b5_selection.NOW, 200, limit)
        states = dict(WordPair.select(WordPair.id, WordPair.state).tuples())
        assert chosen and all(states[pair_id] != "new" for pair_id in chosen)
        with database.atomic():
            ReviewLog.delete().execute()  # a fresh day: new cards come again
        chosen = select_cards_for_session(b5_selection.USER, b5_selection.NOW, 200, limit)
        assert sum(states[pair_id] == "new" for pair_id in chosen) == limit.per_day
    finally:
        close_database()


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES_URL, reason=POSTGRES_SKIP_REASON)
def test_b5_runs_on_postgresql_in_a_schema_of_its_own(capsys):
    arguments = ["--cards", "200", "--runs", "20", "--reviews", "300", "--postgres", POSTGRES_URL]
    assert b5_selection.main(arguments) == 0
    report = json.loads(capsys.readouterr().out)
    _assert_both_learners(report["postgresql"])
