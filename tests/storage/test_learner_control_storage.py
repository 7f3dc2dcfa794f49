"""SPEC §13 storage on SQLite and PostgreSQL: a deleted pair takes its review log with it and
touches no other user's rows; an undone grade's review_log row goes; the undo record and the
/words view survive a round trip through the users row."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from actors.messages import SessionKey
from actors.snapshot_cache import SnapshotCache
from actors.unit_of_work import UnitOfWork
from storage import review_log, training, users, vocabulary, words
from storage.models import ReviewLog, WordPair
from wordbot.decide.transition import (
    DeletePair,
    DeleteReview,
    Rules,
    SaveTraining,
    Transition,
)
from wordbot.domain.pairs import PairInput
from wordbot.domain.review_log import ReviewLogEntry
from wordbot.domain.srs import CardSchedule, CardState, FsrsMemory, FsrsState, Grade
from wordbot.domain.training import SessionKind, TrainingSession
from wordbot.domain.undo import UndoRecord
from wordbot.domain.words_menu import Screen, WordsView

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
USER = 701
OTHER = 702


@pytest.fixture
def learners(db):
    users.ensure_learner(USER, USER, NOW)
    users.ensure_learner(OTHER, OTHER, NOW)
    for user_id in (USER, OTHER):
        vocabulary.upsert_pairs(
            user_id, [PairInput("house", "casa"), PairInput("dog", "perro")], NOW, random.Random(1)
        )


def _id(word1, user_id=USER):
    return WordPair.get((WordPair.word1 == word1) & (WordPair.user == user_id)).id


def _log(user_id, pair_id, at):
    review_log.add_review(ReviewLogEntry(user_id, pair_id, 3, at, "new", 0.0, 1.0, "fsrs"))


def _reviews(user_id, pair_id):
    return [
        row.reviewed_at
        for row in ReviewLog.select().where(
            (ReviewLog.user == user_id) & (ReviewLog.pair == pair_id)
        )
    ]


def _apply(user_id, transition):
    key = SessionKey(user_id, user_id)
    cache = SnapshotCache(key)
    UnitOfWork(key, Rules(), cache).apply(transition, None, NOW, random.Random(1))
    return cache


def test_deleting_a_pair_takes_its_review_log_and_the_session_reference(learners):
    house, dog = _id("house"), _id("dog")
    _log(USER, house, NOW)
    _log(USER, dog, NOW)
    _log(OTHER, _id("house", OTHER), NOW)
    session = TrainingSession(
        USER, USER, (dog,), 0, "tok", None, "p", SessionKind.REVIEW, 0, NOW, NOW, NOW
    )
    _apply(USER, Transition(writes=(DeletePair(house), SaveTraining(session))))
    assert WordPair.get_or_none(WordPair.id == house) is None
    assert _reviews(USER, house) == [] and len(_reviews(USER, dog)) == 1
    assert len(_reviews(OTHER, _id("house", OTHER))) == 1
    assert training.load_training_session(USER, USER, NOW).pair_ids == (dog,)


def test_deleting_another_users_pair_deletes_nothing(learners):
    theirs = _id("house", OTHER)
    _log(OTHER, theirs, NOW)
    _apply(USER, Transition(writes=(DeletePair(theirs),)))
    assert WordPair.get_or_none(WordPair.id == theirs) is not None
    assert len(_reviews(OTHER, theirs)) == 1


def test_an_undone_grade_removes_only_its_own_review_row(learners):
    house = _id("house")
    earlier, graded = NOW - timedelta(days=2), NOW - timedelta(minutes=3)
    _log(USER, house, earlier)
    _log(USER, house, graded)
    _log(OTHER, _id("house", OTHER), graded)
    _apply(USER, Transition(writes=(DeleteReview(house, graded),)))
    assert _reviews(USER, house) == [earlier]
    assert len(_reviews(OTHER, _id("house", OTHER))) == 1


def test_words_page_can_leave_out_a_pair_being_deleted(learners):
    page = words.words_page(USER, None, 0, without=_id("dog"))
    assert [item.word1 for item in page.items] == ["house"] and page.total == 1


def test_word1_owner_is_per_user(learners):
    assert words.word1_owner(USER, "house") == _id("house")
    assert words.word1_owner(USER, "cat") is None


def test_undo_record_and_words_view_round_trip(learners):
    previous = CardSchedule(
        state=CardState.REVIEW,
        due_at=NOW + timedelta(days=3),
        last_reviewed_at=NOW - timedelta(days=1),
        interval_days=3,
        ease=2.35,
        step=0,
        reps=4,
        lapses=1,
        fsrs=FsrsMemory(FsrsState.REVIEW, None, 12.5, 4.25, NOW + timedelta(days=3)),
        suspended=False,
    )
    undo = UndoRecord(
        token="und",
        pair_id=_id("house"),
        grade=Grade.HARD,
        graded_at=NOW,
        previous=previous,
        graded_message_id=10,
        prompt_text="house → <tg-spoiler>casa</tg-spoiler>",
        pair_ids=(_id("house"), _id("dog")),
        index=0,
        kind=SessionKind.OVERDUE,
        reviewed_count=0,
        session_created_at=NOW - timedelta(minutes=1),
        next_token=None,
    )
    view = WordsView(Screen.EDIT, "<b>&", 2, _id("dog"), NOW + timedelta(minutes=5))
    users.update_learner(USER, NOW, undo=undo, words_view=view, words_token="wt")
    loaded = users.load_learner(USER)
    assert loaded.undo == undo and loaded.words_view == view and loaded.words_token == "wt"
    users.update_learner(USER, NOW, undo=None)
    assert users.load_learner(USER).undo is None
    assert users.load_learner(OTHER).undo is None
