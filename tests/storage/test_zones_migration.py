"""Migration 0009 (SPEC §15): stored offsets become Etc/GMT∓N zones, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime

from playhouse.migrations import Runner

from storage.database import database
from storage.migrate import HISTORY_TABLE, MIGRATIONS_DIRECTORY
from storage.models import User

MIGRATION = "0009_zones_and_times"
NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _runner() -> Runner:
    return Runner(database.obj, str(MIGRATIONS_DIRECTORY), table_name=HISTORY_TABLE)


def test_stored_offsets_become_etc_zones_with_the_reversed_sign(db) -> None:
    offsets = {1: 3, 2: -5, 3: 0, 4: 14, 5: -12}
    for user_id, hours in offsets.items():
        User.insert(
            id=user_id, chat_id=user_id, timezone_offset_hours=hours, created_at=NOW, updated_at=NOW
        ).execute()
    undone = _runner().down(MIGRATION)  # later migrations first, then this one
    assert undone[-1] == MIGRATION
    assert "timezone" not in {column.name for column in db.get_columns("users")}

    assert _runner().up() == sorted(undone)

    zones = dict(User.select(User.id, User.timezone).tuples())
    assert zones == {1: "Etc/GMT-3", 2: "Etc/GMT+5", 3: "UTC", 4: "Etc/GMT-14", 5: "Etc/GMT+12"}
    rows = list(User.select(User.reminder_times, User.language).tuples())
    assert rows == [(None, None)] * len(offsets)


def test_new_learners_default_to_utc_with_the_configured_times(db) -> None:
    User.insert(id=7, chat_id=7, created_at=NOW, updated_at=NOW).execute()
    row = User.get_by_id(7)
    assert (row.timezone, row.reminder_times, row.language) == ("UTC", None, None)


def test_reminder_times_keep_their_json_form(db) -> None:
    times = [{"time": "08:05", "enabled": True}, {"time": "20:00", "enabled": False}]
    User.insert(id=8, chat_id=8, created_at=NOW, updated_at=NOW, reminder_times=times).execute()
    assert User.get_by_id(8).reminder_times == times
