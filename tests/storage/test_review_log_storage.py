"""FSRS storage on SQLite and PostgreSQL (SPEC §12): the review log, FSRS card fields, and the
scheduler new users get."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from storage import cards, review_log, users, vocabulary
from storage.models import User, WordPair
from wordbot.domain.fsrs_schedule import SchedulerConfig, decide_grade
from wordbot.domain.pairs import PairInput
from wordbot.domain.review_log import ReviewLogEntry
from wordbot.domain.srs import CardSchedule, Grade

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
USER = 701
OTHER = 702


@pytest.fixture
def pair_ids(db):
    ids = []
    for user in (USER, OTHER):
        users.ensure_learner(user, user, NOW)
        vocabulary.upsert_pairs(
            user, [PairInput("house", "casa"), PairInput("dog", "perro")], NOW, random.Random(1)
        )
        ids.append(vocabulary.list_pair_ids(user))
    return ids


def _entry(user, pair, at, rating=3, **changes):
    values = dict(
        user_id=user,
        pair_id=pair,
        rating=rating,
        reviewed_at=at,
        state_before="review",
        elapsed_days=2.5,
        scheduled_days=7.0,
        scheduler="fsrs",
        prompt_open_ms=3100,
    )
    values.update(changes)
    return ReviewLogEntry(**values)


def test_reviews_round_trip_oldest_first_per_user(pair_ids):
    mine, theirs = pair_ids
    later = _entry(USER, mine[0], NOW + timedelta(days=1), rating=1)
    earlier = _entry(USER, mine[1], NOW, state_before="new", prompt_open_ms=None)
    later_id = review_log.add_review(later)
    earlier_id = review_log.add_review(earlier)
    review_log.add_review(_entry(OTHER, theirs[0], NOW))

    stored = review_log.reviews_for_user(USER)

    assert stored == [
        ReviewLogEntry(**{**_fields(earlier), "id": earlier_id}),
        ReviewLogEntry(**{**_fields(later), "id": later_id}),
    ]
    assert review_log.count_reviews(USER) == 2
    assert review_log.count_reviews(OTHER) == 1


def _fields(entry):
    return {name: getattr(entry, name) for name in ReviewLogEntry.__slots__}


def test_deleting_a_review_removes_only_that_row(pair_ids):
    mine, _ = pair_ids
    kept = review_log.add_review(_entry(USER, mine[0], NOW))
    gone = review_log.add_review(_entry(USER, mine[0], NOW + timedelta(minutes=1)))
    assert review_log.delete_review(gone) is True
    assert review_log.delete_review(gone) is False
    assert [entry.id for entry in review_log.reviews_for_user(USER)] == [kept]


def test_deleting_a_pair_deletes_its_reviews(pair_ids):
    mine, _ = pair_ids
    review_log.add_review(_entry(USER, mine[0], NOW))
    review_log.add_review(_entry(USER, mine[1], NOW))
    WordPair.delete().where(WordPair.id == mine[0]).execute()
    assert [entry.pair_id for entry in review_log.reviews_for_user(USER)] == [mine[1]]


def test_fsrs_fields_and_suspension_round_trip_through_the_card_row(pair_ids):
    pair_id = pair_ids[0][0]
    decision = decide_grade(
        CardSchedule(), Grade.GOOD, NOW, SchedulerConfig(), user_id=USER, pair_id=pair_id, fuzz=0.5
    )
    schedule = decision.schedule
    cards.save_schedule(pair_id, schedule, NOW)
    assert cards.load_cards(USER, [pair_id])[pair_id].schedule == schedule

    suspended = CardSchedule(suspended=True)
    cards.save_schedule(pair_id, suspended, NOW)
    assert cards.load_cards(USER, [pair_id])[pair_id].schedule == suspended


def test_new_users_get_fsrs_with_the_default_settings(db):
    users.ensure_learner(USER, USER, NOW)
    row = User.get_by_id(USER)
    assert (row.scheduler, row.desired_retention, row.new_cards_per_day) == ("fsrs", 0.9, 20)
    assert (row.fsrs_parameters, row.fitted_at, row.fitted_on_reviews) == (None, None, None)
    assert WordPair.suspended.default is False


def test_users_from_before_fsrs_keep_sm2(tmp_path):
    from playhouse.migrations import Runner

    from storage.database import close_database, open_database
    from storage.migrate import HISTORY_TABLE, MIGRATIONS_DIRECTORY, migrate

    real = open_database(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        runner = Runner(real, str(MIGRATIONS_DIRECTORY), table_name=HISTORY_TABLE)
        with real.connection_context():
            runner.up(target="0005_owed_prompt_indexes")
            real.execute_sql(
                "INSERT INTO users (id, chat_id, cards_per_session, reminder_morning, "
                "reminder_afternoon, reminder_evening, timezone_offset_hours, reminders_paused, "
                "missed_reminders, created_at, updated_at) VALUES (9, 9, 5, 1, 1, 1, 0, 0, 0, "
                "'2026-01-01 00:00:00', '2026-01-01 00:00:00')"
            )
        assert "0007_fsrs" in migrate()
        users.ensure_learner(10, 10, NOW)
        assert User.get_by_id(9).scheduler == "sm2"
        assert User.get_by_id(10).scheduler == "fsrs"
    finally:
        close_database()
