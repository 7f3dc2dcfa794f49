"""A reminder wave's page read and written in bulk, on SQLite and PostgreSQL: the same cards,
counts and limits as one learner's queries give, and the multi-row writes of sessions, owed
messages, learners and recorded prompts."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from storage import cards, game, outbox, review_log, training, users, vocabulary
from storage.models import TrainingSession as SessionRow
from storage.models import User, WordPair
from storage.vocabulary import NewCardLimit
from wordbot.decide.reminders import reminder_facts
from wordbot.domain.game import Direction, GameCard, GameScore
from wordbot.domain.game_session import GameSession
from wordbot.domain.pairs import PairInput
from wordbot.domain.review_log import ReviewLogEntry
from wordbot.domain.training import SessionKind, TrainingSession
from wordbot.effects import Button, EditPrompt, SendText

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
DAY_START = datetime(2026, 3, 1, tzinfo=UTC)
TTL = timedelta(minutes=1440)
LEARNERS = (11, 12, 13, 14)  # 14 has no pairs


@pytest.fixture
def page(db):
    """11: due cards of several ages, new ones, a suspended due one and a grade today;
    12: only new cards, three of them introduced today; 13: one due card; 14: no pairs."""
    for user_id in LEARNERS:
        users.ensure_learner(user_id, user_id, NOW - timedelta(days=3))
    for user_id, count in ((11, 9), (12, 6), (13, 1)):
        pairs = [PairInput(f"w{n}", f"v{n}") for n in range(count)]
        vocabulary.upsert_pairs(user_id, pairs, NOW - timedelta(days=3), random.Random(user_id))
    ids = {
        (row.user_id, row.word1): row.id
        for row in WordPair.select(WordPair.id, WordPair.user, WordPair.word1)
    }

    def due(user_id, word, hours, **fields):
        WordPair.update(state="review", due_at=NOW - timedelta(hours=hours), **fields).where(
            WordPair.id == ids[(user_id, word)]
        ).execute()

    for word, hours in (("w0", 1), ("w1", 5), ("w2", 3), ("w3", 9), ("w4", 2), ("w5", 7)):
        due(11, word, hours, last_reviewed_at=NOW - timedelta(days=hours))
    due(11, "w6", 30, suspended=True)
    due(13, "w0", 1, last_reviewed_at=NOW - timedelta(hours=2))
    for n in range(3):
        review_log.add_review(
            ReviewLogEntry(12, ids[(12, f"w{n}")], 3, NOW - timedelta(hours=n), "new", 0, 0, "fsrs")
        )
    review_log.add_review(  # yesterday: not today's
        ReviewLogEntry(12, ids[(12, "w3")], 3, DAY_START - timedelta(hours=1), "new", 0, 0, "fsrs")
    )
    return ids


def test_a_pages_outlooks_match_each_learners_own_queries(page):
    day_starts = dict.fromkeys(LEARNERS, DAY_START)
    for user_id in LEARNERS:
        users.update_learner(user_id, NOW, new_cards_per_day=5)
    outlooks = vocabulary.reminder_outlooks(list(LEARNERS), NOW, 5, day_starts)
    assert sorted(outlooks) == [11, 12, 13]  # no pairs: missing
    limit = NewCardLimit(5, DAY_START)
    for user_id in (11, 12, 13):
        got = outlooks[user_id]
        single = vocabulary.review_outlook(user_id, NOW, None)
        assert (got.pairs, got.due, got.new) == (single.pairs, single.due, single.new)
        assert got.last_graded_at == vocabulary.last_graded_at(user_id)
        learner = users.load_learner(user_id)
        facts = reminder_facts(learner, got)  # the actor's queries and the page's: one answer
        assert facts.new == vocabulary.review_outlook(user_id, NOW, limit).new
        selected = vocabulary.select_cards_for_session(user_id, NOW, 5, limit)
        assert [card.pair_id for card in facts.candidates] == selected
    due_words = [c.word1 for c in outlooks[11].due_cards]
    assert due_words == ["w3", "w5", "w1", "w2", "w4"]  # oldest due first, at most 5; no w6
    assert outlooks[12].introduced_today == 3 and outlooks[11].introduced_today == 0
    assert outlooks[13].due_cards[0].schedule.due_at == NOW - timedelta(hours=1)
    assert outlooks[11].last_graded_at == NOW - timedelta(days=1)


def test_learners_sessions_and_games_of_a_page_in_bulk(page):
    live = TrainingSession(11, 11, (1,), 0, "a", 5, "p", SessionKind.REVIEW, 0, NOW, NOW, NOW)
    ago = NOW - timedelta(days=2)
    gone = TrainingSession(12, 12, (1,), 0, "b", 6, "p", SessionKind.REVIEW, 0, ago, ago, ago)
    training.save_training_session(live, TTL, NOW)
    training.save_training_session(gone, TTL, ago)  # expired a day ago
    stats = game.start_statistics(13, 13, NOW)
    game.save_game(
        GameSession(
            13,
            13,
            (GameCard(1, Direction.FORWARD),),
            "g",
            9,
            "q",
            stats,
            GameScore(),
            NOW,
            NOW,
            NOW,
        ),
        timedelta(minutes=15),
        NOW,
    )
    keys = [(u, u) for u in LEARNERS] + [(99, 11)]  # another chat of learner 11: not theirs
    assert sorted(users.load_learners(list(LEARNERS))) == list(LEARNERS)
    sessions = training.load_training_sessions(keys, NOW)
    assert list(sessions) == [(11, 11)] and sessions[(11, 11)].current_token == "a"
    assert list(game.load_games(keys)) == [(13, 13)]


def test_a_corrupt_learner_is_left_out_of_the_page(page, caplog):
    User.update(scheduler="nonsense", fsrs_parameters="[1, 2").where(User.id == 12).execute()
    assert sorted(users.load_learners(list(LEARNERS))) == list(LEARNERS)  # defaults, logged
    assert users.load_learners([404]) == {}


def test_sessions_owed_messages_and_learners_written_for_a_page(page):
    old = TrainingSession(11, 11, (1,), 0, "x", 5, "old", SessionKind.REVIEW, 0, NOW, NOW, NOW)
    training.save_training_session(old, TTL, NOW - timedelta(hours=3))
    born = SessionRow.get(SessionRow.user_id == 11).created_at
    training.delete_training_sessions([(12, 12), (99, 99)])  # nothing there: nothing deleted
    fresh = [
        TrainingSession(u, u, (u, u + 1), 0, f"t{u}", None, f"prompt {u}", SessionKind.REMINDER, 0, NOW, NOW, NOW)
        for u in (11, 12)
    ]  # fmt: skip
    saved = training.save_training_sessions(fresh, TTL, NOW)
    assert [s.expires_at for s in saved] == [NOW + TTL] * 2
    rows = {r.user_id: r for r in SessionRow.select()}
    assert rows[11].current_token == "t11" and rows[11].created_at == born  # upserted
    assert rows[12].pair_ids == [12, 13] and rows[12].current_message_id is None
    assert sorted(training.sessions_owing_a_prompt(NOW)) == [(11, 11), (12, 12)]

    later = NOW + timedelta(hours=8)
    users.update_learners(
        {
            11: {"last_reminder_sent_at": NOW, "next_reminder_at": later},
            12: {"last_reminder_sent_at": NOW, "next_reminder_at": later, "missed_reminders": 2},
            13: {"reminders_paused": True},
            14: {},
        },
        NOW,
    )
    learners = {u: users.load_learner(u) for u in LEARNERS}
    assert learners[11].next_reminder_at == later and learners[11].missed_reminders == 0
    assert learners[12].missed_reminders == 2 and learners[12].last_reminder_sent_at == NOW
    assert learners[13].reminders_paused and learners[13].next_reminder_at is None
    assert not learners[14].reminders_paused

    keyboard = ((Button("a", "b"),),)
    outbox.add_many_to_outbox(
        [(11, 11, EditPrompt(11, 5, "expired")), (11, 11, SendText(11, "hi", keyboard)), (13, 13, SendText(13, "paused"))],
        NOW,
    )  # fmt: skip
    owed = outbox.unsent_for_keys([(11, 11), (13, 13), (12, 12)])
    assert [e for _, e in owed[(11, 11)]] == [
        EditPrompt(11, 5, "expired"),
        SendText(11, "hi", keyboard),
    ]
    assert [e for _, e in owed[(13, 13)]] == [SendText(13, "paused")] and (12, 12) not in owed

    SessionRow.update(current_token="moved").where(SessionRow.user_id == 12).execute()
    training.record_prompt_messages([(saved[0], 501), (saved[1], 502)], TTL, later)
    rows = {r.user_id: r for r in SessionRow.select()}
    assert rows[11].current_message_id == 501 and rows[11].expires_at == later + TTL
    assert rows[12].current_message_id is None  # moved on meanwhile: left alone


def test_cards_by_id_name_their_owner(page):
    pair_id = page[(11, "w0")]
    found = cards.load_cards_by_id([pair_id, page[(12, "w1")], 10**9])
    assert found[pair_id][0] == 11 and found[pair_id][1].word1 == "w0"
    assert len(found) == 2
