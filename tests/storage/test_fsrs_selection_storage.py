"""SPEC §4.2/§12 selection on SQLite and PostgreSQL: suspended cards are never selected, due or
counted; new cards per day hold in the user's day; snooze moves a current FSRS due time; the
learner's FSRS settings and fitted parameters round-trip (a corrupt value means defaults)."""

import logging
import random
from datetime import UTC, datetime, timedelta

import pytest

from storage import review_log, users, vocabulary
from storage.models import User, WordPair
from storage.vocabulary import NewCardLimit
from wordbot.domain.fsrs_schedule import DEFAULT_PARAMETERS
from wordbot.domain.pairs import PairInput
from wordbot.domain.review_log import ReviewLogEntry

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
USER = 801
OTHER = 802


@pytest.fixture
def ids(db):
    for user in (USER, OTHER):
        users.ensure_learner(user, user, NOW)
        pairs = [PairInput(f"w{i}", "x") for i in range(6)]
        vocabulary.upsert_pairs(user, pairs, NOW, random.Random(3))
    for rank, word in enumerate(["w0", "w1", "w2", "w3", "w4", "w5"]):
        WordPair.update(new_rank=rank).where(WordPair.word1 == word).execute()
    return {
        r.word1: r.id for r in WordPair.select().where(WordPair.user == USER).order_by(WordPair.id)
    }


def _due(word, at=NOW - timedelta(hours=1), state="review", **fields):
    WordPair.update(state=state, due_at=at, **fields).where(
        (WordPair.user == USER) & (WordPair.word1 == word)
    ).execute()


def _introduced(user, pair_id, at, state_before="new"):
    review_log.add_review(
        ReviewLogEntry(user, pair_id, 3, at, state_before, 0.0, 0.01, "fsrs", None)
    )


def test_a_suspended_card_is_never_selected_due_or_counted(ids):
    _due("w0")
    _due("w1", suspended=True)
    WordPair.update(suspended=True).where(WordPair.id == ids["w2"]).execute()  # a new card
    chosen = vocabulary.select_cards_for_session(USER, NOW, 10)
    assert ids["w1"] not in chosen and ids["w2"] not in chosen
    assert chosen == [ids["w0"], ids["w3"], ids["w4"], ids["w5"]]
    assert vocabulary.count_due(USER, NOW) == 1
    assert vocabulary.review_outlook(USER, NOW) == vocabulary.ReviewOutlook(6, 1, 3)
    assert vocabulary.snooze_due(USER, NOW, NOW + timedelta(days=1)) == 1
    assert WordPair.get_by_id(ids["w1"]).due_at == NOW - timedelta(hours=1)  # left alone


@pytest.mark.parametrize(
    ("per_day", "introduced_today", "introduced_yesterday", "new_taken"),
    [
        (20, 0, 0, 5),
        (3, 0, 5, 3),
        (3, 1, 0, 2),
        (3, 3, 0, 0),
        (3, 7, 0, 0),
        (0, 0, 0, 0),
    ],
)
def test_new_cards_per_day_count_only_the_users_day(
    ids, per_day, introduced_today, introduced_yesterday, new_taken
):
    _due("w5")
    zone_day_start = NOW.replace(hour=0) - timedelta(hours=3)  # UTC+3: day starts 21:00 UTC
    for n in range(introduced_today):
        _introduced(USER, ids["w5"], zone_day_start + timedelta(minutes=n))
    for n in range(introduced_yesterday):
        _introduced(USER, ids["w5"], zone_day_start - timedelta(minutes=n + 1))
    _introduced(USER, ids["w5"], NOW, state_before="review")  # not an introduction
    limit = NewCardLimit(per_day, zone_day_start)
    chosen = vocabulary.select_cards_for_session(USER, NOW, 6, limit)
    assert chosen[0] == ids["w5"] and len(chosen) == 1 + new_taken
    assert vocabulary.review_outlook(USER, NOW, limit).new == new_taken
    assert vocabulary.count_introduced_since(USER, zone_day_start) == introduced_today


def test_another_users_introductions_do_not_count(ids):
    other_pair = WordPair.get((WordPair.user == OTHER) & (WordPair.word1 == "w0")).id
    for n in range(5):
        _introduced(OTHER, other_pair, NOW - timedelta(minutes=n))
    limit = NewCardLimit(2, NOW - timedelta(hours=12))
    assert len(vocabulary.select_cards_for_session(USER, NOW, 6, limit)) == 2


def test_due_cards_fill_a_session_even_when_no_new_card_is_left(ids):
    for word in ("w0", "w1", "w2"):
        _due(word)
    limit = NewCardLimit(0, NOW - timedelta(hours=12))
    assert vocabulary.select_cards_for_session(USER, NOW, 5, limit) == [
        ids["w0"],
        ids["w1"],
        ids["w2"],
    ]


def test_snooze_moves_a_current_fsrs_due_time_and_leaves_a_stale_one(ids):
    due = NOW - timedelta(hours=1)
    stale = NOW - timedelta(days=9)
    _due("w0", fsrs_state="review", fsrs_due_at=due, fsrs_stability=3.0, fsrs_difficulty=5.0)
    _due("w1", fsrs_state="review", fsrs_due_at=stale, fsrs_stability=3.0, fsrs_difficulty=5.0)
    _due("w2")  # never FSRS
    until = NOW + timedelta(days=1)
    assert vocabulary.snooze_due(USER, NOW, until) == 3
    rows = {r.word1: r for r in WordPair.select().where(WordPair.user == USER)}
    assert (rows["w0"].due_at, rows["w0"].fsrs_due_at) == (until, until)
    assert (rows["w1"].due_at, rows["w1"].fsrs_due_at) == (until, stale)
    assert (rows["w2"].due_at, rows["w2"].fsrs_due_at) == (until, None)


def test_a_new_learner_gets_fsrs_defaults(ids):
    learner = users.load_learner(USER)
    assert (learner.scheduler, learner.desired_retention, learner.new_cards_per_day) == (
        "fsrs",
        0.9,
        20,
    )
    assert (learner.fsrs_parameters, learner.fitted_at, learner.fitted_on_reviews) == (
        None,
        None,
        None,
    )


def test_fitted_parameters_round_trip_and_a_failed_fit_keeps_them(ids):
    weights = tuple(round(w * 1.01, 6) for w in DEFAULT_PARAMETERS)
    users.store_fitted_parameters(USER, weights, 450, NOW)
    learner = users.load_learner(USER)
    assert (learner.fsrs_parameters, learner.fitted_at, learner.fitted_on_reviews) == (
        weights,
        NOW,
        450,
    )
    later = NOW + timedelta(days=8)
    users.store_fitted_parameters(USER, None, 520, later)
    learner = users.load_learner(USER)
    assert (learner.fsrs_parameters, learner.fitted_at, learner.fitted_on_reviews) == (
        weights,
        later,
        520,
    )
    assert users.load_learner(OTHER).fsrs_parameters is None


@pytest.mark.parametrize(
    "stored",
    ["not json", "[1, 2, 3]", '{"w": 1}', "[" + ",".join(["1e9"] * 21) + "]", '"text"', "null"],
)
def test_corrupt_fitted_parameters_mean_the_defaults_with_a_log_line(ids, stored, caplog):
    User.update(fsrs_parameters=stored, scheduler="bogus").where(User.id == USER).execute()
    with caplog.at_level(logging.WARNING, logger="storage.users"):
        learner = users.load_learner(USER)
    assert learner.fsrs_parameters is None and learner.scheduler == "fsrs"
    assert sum("fsrs_parameters" in r.getMessage() for r in caplog.records) == 1
