"""Word pair storage on SQLite and PostgreSQL: upsert, limits, export order, clear, JSON, bot state."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from storage import users, vocabulary
from storage.models import TrainingSession, WordPair
from wordbot.benchmarks.seed import seed_new_pairs
from wordbot.domain.pairs import MAX_PAIRS_PER_USER, PairInput

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
USER = 501


@pytest.fixture
def learner(db):
    return users.ensure_learner(USER, USER, NOW)


def _upsert(pairs, now=NOW):
    return vocabulary.upsert_pairs(USER, [PairInput(a, b) for a, b in pairs], now, random.Random(7))


def test_new_pairs_start_as_new_with_a_rank(learner):
    result = _upsert([("house", "casa"), ("dog", "perro")])
    assert (result.new, result.updated, result.unchanged) == (2, 0, 0)
    rows = list(WordPair.select().where(WordPair.user == USER).order_by(WordPair.word1))
    assert [(r.word1, r.word2, r.state) for r in rows] == [
        ("dog", "perro", "new"),
        ("house", "casa", "new"),
    ]
    assert all(r.new_rank >= 0 and r.ease == 2.5 and r.due_at is None for r in rows)


def test_existing_pair_gets_word2_updated_and_keeps_its_history(learner):
    _upsert([("house", "casa")])
    reviewed = NOW + timedelta(days=1)
    WordPair.update(state="review", interval_days=6, reps=3, last_reviewed_at=reviewed).execute()
    result = _upsert([("house", "hogar"), ("cat", "gato")], now=NOW + timedelta(days=2))
    assert (result.new, result.updated, result.unchanged) == (1, 1, 0)
    house = WordPair.get(WordPair.word1 == "house")
    assert (house.word2, house.state, house.interval_days, house.reps) == ("hogar", "review", 6, 3)
    assert house.last_reviewed_at == reviewed


def test_identical_pair_counts_as_unchanged(learner):
    _upsert([("house", "casa")])
    assert _upsert([("house", "casa")]).unchanged == 1


def test_import_over_the_pair_limit_writes_nothing(learner):
    """Filled to exactly the limit (the last pairs by upsert, in three statements; the rest
    seeded in bulk), an import with one more new pair is refused and writes nothing."""
    last = 2 * vocabulary._BATCH + 1
    seed_new_pairs(USER, [(f"w{i}", "x") for i in range(MAX_PAIRS_PER_USER - last)], NOW)
    assert (
        _upsert([(f"w{i}", "x") for i in range(MAX_PAIRS_PER_USER - last, MAX_PAIRS_PER_USER)]).new
        == last
    )
    with pytest.raises(vocabulary.TooManyPairs):
        _upsert([("w1", "changed"), ("one-more", "y")])
    assert vocabulary.count_pairs(USER) == MAX_PAIRS_PER_USER
    assert WordPair.get(WordPair.word1 == "w1").word2 == "x"


def test_export_orders_by_word1_code_points_on_every_backend(learner):
    _upsert([("b", "1"), ("a", "2"), ("B", "3"), ("é", "4"), ("<b>&_*[", "5")])
    assert [w for w, _ in vocabulary.list_pairs_for_export(USER)] == ["<b>&_*[", "B", "a", "b", "é"]


def test_other_users_pairs_are_untouched(learner):
    users.ensure_learner(777, 777, NOW)
    vocabulary.upsert_pairs(777, [PairInput("house", "Haus")], NOW, random.Random(1))
    _upsert([("house", "casa")])
    vocabulary.clear_vocabulary(USER, USER, NOW)
    assert vocabulary.count_pairs(USER) == 0
    assert vocabulary.list_pairs_for_export(777) == [("house", "Haus")]


def test_clear_ends_sessions_and_reports_their_prompts(learner):
    _upsert([("house", "casa")])
    TrainingSession.create(
        chat_id=USER,
        user_id=USER,
        pair_ids=[3, 1, 2],
        current_token="tok",
        current_message_id=42,
        kind="review",
        last_activity_at=NOW,
        expires_at=NOW + timedelta(days=1),
        created_at=NOW,
        updated_at=NOW,
    )
    result = vocabulary.clear_vocabulary(USER, USER, NOW)
    assert result.pairs_deleted == 1
    assert result.prompt_message_ids == (42,)
    assert TrainingSession.select().count() == 0


def test_json_columns_and_datetimes_round_trip_identically(learner):
    TrainingSession.create(
        chat_id=USER,
        user_id=USER,
        pair_ids=[30, 10, 20, {"nested": ["ü", None]}],
        current_token="tok",
        kind="review",
        last_activity_at=NOW,
        expires_at=NOW + timedelta(minutes=5),
        created_at=NOW,
        updated_at=NOW,
    )
    row = TrainingSession.get()
    assert row.pair_ids == [30, 10, 20, {"nested": ["ü", None]}]
    assert row.expires_at == NOW + timedelta(minutes=5)
    assert row.expires_at.tzinfo is not None


def test_learner_is_created_once_with_default_settings(db):
    first = users.ensure_learner(USER, USER, NOW)
    again = users.ensure_learner(USER, USER, NOW + timedelta(hours=1))
    assert first == again
    assert (first.cards_per_session, first.timezone_offset_hours) == (5, 0)
    assert (first.reminder_morning, first.reminder_afternoon, first.reminder_evening) == (
        True,
        True,
        True,
    )


def test_selection_takes_due_cards_oldest_first_then_new_by_rank(learner):
    _upsert([(f"w{i}", "x") for i in range(8)])
    ids = {r.word1: r.id for r in WordPair.select()}
    WordPair.update(state="review", due_at=NOW - timedelta(days=1)).where(
        WordPair.word1 == "w3"
    ).execute()
    WordPair.update(state="learning", due_at=NOW - timedelta(days=2)).where(
        WordPair.word1 == "w5"
    ).execute()
    WordPair.update(state="review", due_at=NOW + timedelta(minutes=1)).where(
        WordPair.word1 == "w6"
    ).execute()
    for rank, word in enumerate(["w7", "w0", "w4", "w1", "w2"]):
        WordPair.update(new_rank=rank).where(WordPair.word1 == word).execute()
    chosen = vocabulary.select_cards_for_session(USER, NOW, 5)
    assert chosen == [ids["w5"], ids["w3"], ids["w7"], ids["w0"], ids["w4"]]
    assert vocabulary.select_cards_for_session(USER, NOW, 1) == [ids["w5"]]
    assert len(set(vocabulary.select_cards_for_session(USER, NOW, 50))) == 7  # w6 is not due


def test_review_outlook_counts_pairs_due_and_new_cards_in_one_query(learner):
    assert vocabulary.review_outlook(USER, NOW) == vocabulary.ReviewOutlook(0, 0, 0)
    _upsert([(f"w{i}", "x") for i in range(6)])
    WordPair.update(state="review", due_at=NOW - timedelta(days=1)).where(
        WordPair.word1.in_(["w0", "w1"])
    ).execute()
    WordPair.update(state="learning", due_at=NOW + timedelta(minutes=5)).where(
        WordPair.word1 == "w2"
    ).execute()
    outlook = vocabulary.review_outlook(USER, NOW)
    assert outlook == vocabulary.ReviewOutlook(pairs=6, due=2, new=3)
    assert outlook.due == vocabulary.count_due(USER, NOW)
    WordPair.update(state="review", due_at=NOW + timedelta(days=1)).execute()
    assert not vocabulary.review_outlook(USER, NOW).reviewable
