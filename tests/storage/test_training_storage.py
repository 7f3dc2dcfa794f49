"""Training session rows on SQLite and PostgreSQL: round trip, expiry, replacement, deletion."""

from datetime import UTC, datetime, timedelta

from storage.training import (
    delete_training_session,
    load_training_session,
    record_prompt_message,
    save_training_session,
    sessions_owing_a_prompt,
)
from wordbot.domain.training import SessionKind, TrainingSession

NOW = datetime(2026, 4, 2, 8, 30, tzinfo=UTC)
TTL = timedelta(minutes=1440)


def session(**changes):
    values = dict(
        chat_id=9,
        user_id=9,
        pair_ids=(31, 7, 19, 2, 11),
        current_index=2,
        current_token="AbC-12_x",
        current_message_id=555,
        current_prompt_text="house → <tg-spoiler>casa</tg-spoiler>",
        kind=SessionKind.REVIEW,
        reviewed_count=2,
        last_activity_at=NOW,
        expires_at=NOW,
        created_at=NOW - timedelta(minutes=3),
    )
    values.update(changes)
    return TrainingSession(**values)


def test_save_and_load_round_trip_keeps_pair_order(db):
    saved = save_training_session(session(), TTL, NOW)
    assert saved.expires_at == NOW + TTL
    assert load_training_session(9, 9, NOW) == saved
    assert load_training_session(9, 9, NOW).pair_ids == (31, 7, 19, 2, 11)


def test_saving_again_replaces_the_row_and_recomputes_expiry(db):
    save_training_session(session(), TTL, NOW)
    later = NOW + timedelta(hours=2)
    save_training_session(
        session(current_index=3, current_token="NewTok01", last_activity_at=later), TTL, later
    )
    loaded = load_training_session(9, 9, later)
    assert (loaded.current_index, loaded.current_token) == (3, "NewTok01")
    assert loaded.expires_at == later + TTL
    assert loaded.created_at == NOW - timedelta(minutes=3)


def test_expired_row_loads_as_absent(db):
    save_training_session(session(), TTL, NOW)
    assert load_training_session(9, 9, NOW + TTL - timedelta(seconds=1)) is not None
    assert load_training_session(9, 9, NOW + TTL) is None


def test_delete_removes_the_row(db):
    save_training_session(session(), TTL, NOW)
    assert delete_training_session(9, 9) is True
    assert load_training_session(9, 9, NOW) is None
    assert delete_training_session(9, 9) is False


def test_sessions_are_per_chat_and_user(db):
    save_training_session(session(), TTL, NOW)
    save_training_session(session(chat_id=10, user_id=10, pair_ids=(1,)), TTL, NOW)
    assert load_training_session(9, 9, NOW).pair_ids == (31, 7, 19, 2, 11)
    assert load_training_session(10, 10, NOW).pair_ids == (1,)


def test_recording_the_prompt_message_sets_its_id_and_refreshes_expiry(db):
    saved = save_training_session(session(current_message_id=None), TTL, NOW)
    later = NOW + timedelta(minutes=5)
    recorded = record_prompt_message(saved, 777, TTL, later)
    loaded = load_training_session(9, 9, later)
    assert loaded == recorded
    assert (loaded.current_message_id, loaded.expires_at) == (777, later + TTL)


def test_recording_a_prompt_of_a_replaced_session_changes_nothing(db):
    stale = save_training_session(session(current_message_id=None), TTL, NOW)
    save_training_session(session(current_message_id=None, current_token="Other123"), TTL, NOW)
    record_prompt_message(stale, 777, TTL, NOW)
    assert load_training_session(9, 9, NOW).current_message_id is None


def test_sessions_owing_a_prompt_are_the_live_ones_whose_prompt_was_never_sent(db):
    save_training_session(session(chat_id=1, user_id=1, current_message_id=None), TTL, NOW)
    save_training_session(session(chat_id=2, user_id=2, current_message_id=700), TTL, NOW)
    gone = NOW - TTL - timedelta(minutes=1)  # its expires_at is before NOW
    save_training_session(
        session(chat_id=3, user_id=3, current_message_id=None, last_activity_at=gone), TTL, gone
    )
    save_training_session(session(chat_id=4, user_id=5, current_message_id=None), TTL, NOW)

    assert sorted(sessions_owing_a_prompt(NOW)) == [(1, 1), (4, 5)]


def test_a_session_stops_owing_a_prompt_once_the_prompt_is_recorded_or_it_expires(db):
    owing = save_training_session(session(chat_id=1, user_id=1, current_message_id=None), TTL, NOW)
    assert sessions_owing_a_prompt(NOW + TTL - timedelta(seconds=1)) == [(1, 1)]
    assert sessions_owing_a_prompt(NOW + TTL) == []  # expires_at is not after now
    record_prompt_message(owing, 801, TTL, NOW)
    assert sessions_owing_a_prompt(NOW) == []
