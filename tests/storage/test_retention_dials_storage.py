"""The retention dial's cache (SPEC §12) on SQLite and PostgreSQL: one row per learner,
replaced whole, read back as it was stored, never another learner's, gone with the learner."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from storage import retention_dials, review_log, users, vocabulary
from storage.models import RetentionDial as RetentionDialRow
from storage.models import User
from wordbot.domain.pairs import PairInput
from wordbot.domain.retention_dial import DialPoint, DialSituation, RetentionDial
from wordbot.domain.review_log import ReviewLogEntry

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
FITTED = NOW - timedelta(days=3)
USER = 801
OTHER = 802


def _dial(fitted_at=None, reviews=None, deck=1000, scale=1.0):
    points = (
        DialPoint(0.80, 43_417.0 * scale, 6_443.76),
        DialPoint(0.92, 77_097.33 * scale, 6_937.49),
    )
    situation = DialSituation(
        fitted_at=fitted_at,
        fitted_on_reviews=reviews,
        deck_size=deck,
        new_cards_per_day=20,
        retentions=(0.80, 0.92),
    )
    return RetentionDial(situation, points, NOW)


@pytest.fixture
def learners(db):
    for user in (USER, OTHER):
        users.ensure_learner(user, user, NOW)


def test_a_stored_dial_reads_back_as_it_was(learners):
    assert retention_dials.load_dial(USER) is None
    dial = _dial(FITTED, 812)
    retention_dials.store_dial(USER, dial)
    assert retention_dials.load_dial(USER) == dial


def test_storing_again_replaces_the_learners_dial(learners):
    retention_dials.store_dial(USER, _dial())
    newer = _dial(FITTED, 900, deck=1500, scale=1.5)
    retention_dials.store_dial(USER, newer)
    assert retention_dials.load_dial(USER) == newer
    assert RetentionDialRow.select().count() == 1


def test_one_learners_dial_is_never_another_learners(learners):
    retention_dials.store_dial(USER, _dial(FITTED, 812))
    assert retention_dials.load_dial(OTHER) is None
    retention_dials.store_dial(OTHER, _dial())
    assert retention_dials.load_dial(USER).situation.fitted_at == FITTED
    assert retention_dials.load_dial(OTHER).situation.fitted_at is None


def test_an_unreadable_dial_is_worked_out_again_not_a_crash(learners):
    retention_dials.store_dial(USER, _dial())
    RetentionDialRow.update(points=[{"retention": "x"}]).where(
        RetentionDialRow.user == USER
    ).execute()
    assert retention_dials.load_dial(USER) is None


def test_the_dial_goes_with_its_learner(learners):
    retention_dials.store_dial(USER, _dial())
    User.delete().where(User.id == USER).execute()
    assert RetentionDialRow.select().count() == 0


def test_rating_counts_are_the_learners_own_new_and_review_grades(learners):
    """The dial's simulated learner grades as this one does (by state before and rating)."""
    for user in (USER, OTHER):
        vocabulary.upsert_pairs(user, [PairInput("house", "casa")], NOW, random.Random(1))
    grades = [("new", 3), ("new", 3), ("new", 1), ("review", 4), ("learning", 3), ("review", 1)]
    for user, rows in ((USER, grades), (OTHER, [("new", 4)])):
        (pair_id,) = vocabulary.list_pair_ids(user)
        for n, (state, rating) in enumerate(rows):
            review_log.add_review(
                ReviewLogEntry(
                    user, pair_id, rating, NOW + timedelta(minutes=n), state, 0.0, 1.0, "fsrs"
                )
            )
    assert review_log.rating_counts(USER) == {
        ("new", 3): 2,
        ("new", 1): 1,
        ("review", 4): 1,
        ("review", 1): 1,
    }
    assert review_log.rating_counts(OTHER) == {("new", 4): 1}
