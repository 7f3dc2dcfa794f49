"""What /stats reads, on SQLite and PostgreSQL: cards folded by state, review log, games."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from storage import game, users, vocabulary
from storage.models import ReviewLog, WordPair
from storage.stats import load_card_stats, load_game_results, load_review_events
from wordbot.domain.game import GameScore
from wordbot.domain.pairs import PairInput
from wordbot.domain.srs import CardState
from wordbot.domain.stats import DUE_HORIZON_DAYS, CardStat, GameResult, ReviewEvent

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
USER = 601
OTHER = 602


@pytest.fixture
def learners(db):
    for user in (USER, OTHER):
        users.ensure_learner(user, user, NOW)


def add_pair(user, word, state="new", due_at=None):
    WordPair.insert(
        user=user,
        word1=word,
        word2=word.upper(),
        state=state,
        due_at=due_at,
        new_rank=0,
        created_at=NOW,
        updated_at=NOW,
    ).execute()


def test_cards_come_one_by_one_when_due_soon_and_counted_otherwise(learners):
    soon = NOW + timedelta(days=2)
    for n in range(3):
        add_pair(USER, f"new{n}")
    add_pair(USER, "overdue", "review", NOW - timedelta(days=40))
    add_pair(USER, "learning", "learning", NOW + timedelta(minutes=10))
    add_pair(USER, "soon", "review", soon)
    for n in range(4):
        add_pair(USER, f"later{n}", "review", NOW + timedelta(days=DUE_HORIZON_DAYS, seconds=n))
    add_pair(OTHER, "someone else's", "review", NOW)

    cards = load_card_stats(USER, NOW)

    assert sorted(cards, key=repr) == sorted(
        [
            CardStat(CardState.NEW, None, count=3),
            CardStat(CardState.REVIEW, NOW - timedelta(days=40)),
            CardStat(CardState.LEARNING, NOW + timedelta(minutes=10)),
            CardStat(CardState.REVIEW, soon),
            CardStat(CardState.REVIEW, None, count=4),
        ],
        key=repr,
    )


def test_a_user_without_pairs_has_no_cards(learners):
    assert load_card_stats(USER, NOW) == []


def test_review_events_of_the_window_oldest_first_for_that_user_only(learners):
    pair_ids = {}
    for user in (USER, OTHER):
        vocabulary.upsert_pairs(user, [PairInput("casa", "house")], NOW, random.Random(1))
        pair_ids[user] = WordPair.get(WordPair.user == user).id
    rows = [
        (USER, NOW - timedelta(days=401), 3, "review"),  # outside the window
        (USER, NOW - timedelta(days=399), 1, "Review"),
        (USER, NOW - timedelta(minutes=1), 3, "learning"),
        (USER, NOW - timedelta(days=2), 4, "new"),
        (USER, NOW + timedelta(minutes=1), 3, "review"),  # after now
        (OTHER, NOW - timedelta(days=1), 2, "review"),
    ]
    for user, at, rating, state in rows:
        ReviewLog.insert(
            user=user,
            pair=pair_ids[user],
            rating=rating,
            reviewed_at=at,
            state_before=state,
            elapsed_days=0,
            scheduled_days=0,
            scheduler="fsrs",
        ).execute()

    assert load_review_events(USER, NOW) == [
        ReviewEvent(NOW - timedelta(days=399), 1, "review"),
        ReviewEvent(NOW - timedelta(days=2), 4, "new"),
        ReviewEvent(NOW - timedelta(minutes=1), 3, "learning"),
    ]


def test_games_that_ended_in_the_last_30_days(learners):
    def play(user, ended, correct, attempted):
        statistics = game.start_statistics(user, user, ended - timedelta(minutes=5))
        game.finish_statistics(statistics, "finished", GameScore(correct, attempted), ended)

    play(USER, NOW - timedelta(days=1), 4, 5)
    play(USER, NOW - timedelta(days=31), 0, 9)
    play(OTHER, NOW - timedelta(days=1), 1, 1)
    game.start_statistics(USER, USER, NOW)  # still running

    assert load_game_results(USER, NOW) == [GameResult(NOW - timedelta(days=1), 4, 5)]
