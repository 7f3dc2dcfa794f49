"""Learner rows: created on first contact, small updates for pending input and confirmations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from peewee import fn

from storage.models import User
from wordbot.domain.learner import Learner
from wordbot.domain.undo import UndoRecord
from wordbot.domain.words_menu import WordsView, view_from_json, view_to_json

__all__ = [
    "DueReminder",
    "count_learners",
    "ensure_learner",
    "load_learner",
    "set_confirmation",
    "due_for_reminder",
    "set_pending_input",
    "update_learner",
]


def _to_learner(row: User) -> Learner:
    return Learner(
        user_id=row.id,
        chat_id=row.chat_id,
        cards_per_session=row.cards_per_session,
        reminder_morning=row.reminder_morning,
        reminder_afternoon=row.reminder_afternoon,
        reminder_evening=row.reminder_evening,
        timezone_offset_hours=row.timezone_offset_hours,
        reminders_paused=row.reminders_paused,
        missed_reminders=row.missed_reminders,
        last_reminder_sent_at=row.last_reminder_sent_at,
        pending_input=row.pending_input,
        pending_input_until=row.pending_input_until,
        confirm_token=row.confirm_token,
        confirm_message_id=row.confirm_message_id,
        created_at=row.created_at,
        next_reminder_at=row.next_reminder_at,
        settings_token=row.settings_token,
        settings_message_id=row.settings_message_id,
        settings_screen=row.settings_screen,
        confirm_until=row.confirm_until,
        timezone=row.timezone,
        undo=None if row.undo is None else UndoRecord.from_json(row.undo),
        words_token=row.words_token,
        words_message_id=row.words_message_id,
        words_view=None if row.words_view is None else view_from_json(row.words_view),
    )


def load_learner(user_id: int) -> Learner | None:
    row = User.get_or_none(User.id == user_id)
    return None if row is None else _to_learner(row)


def ensure_learner(user_id: int, chat_id: int, now: datetime) -> Learner:
    """The learner's row, created with default settings on first contact."""
    row = User.get_or_none(User.id == user_id)
    if row is None:
        User.insert(
            id=user_id, chat_id=chat_id, created_at=now, updated_at=now
        ).on_conflict_ignore().execute()
        row = User.get_by_id(user_id)
    elif row.chat_id != chat_id:
        User.update(chat_id=chat_id, updated_at=now).where(User.id == user_id).execute()
        row.chat_id = chat_id
    return _to_learner(row)


def set_pending_input(
    user_id: int, kind: str | None, until: datetime | None, now: datetime
) -> None:
    User.update(pending_input=kind, pending_input_until=until, updated_at=now).where(
        User.id == user_id
    ).execute()


def set_confirmation(
    user_id: int, token: str | None, message_id: int | None, now: datetime
) -> None:
    User.update(confirm_token=token, confirm_message_id=message_id, updated_at=now).where(
        User.id == user_id
    ).execute()


def count_learners() -> int:
    return User.select(fn.COUNT(User.id)).scalar()


def update_learner(user_id: int, now: datetime, **changes) -> None:
    """Write the given Learner fields (same names as the columns) of one user."""
    changes = {name: _column_value(value) for name, value in changes.items()}
    changes["updated_at"] = now
    User.update(**changes).where(User.id == user_id).execute()


def _column_value(value):
    """A Learner field's value as its column holds it (JSON for the undo record and view)."""
    if isinstance(value, UndoRecord):
        return value.to_json()
    if isinstance(value, WordsView):
        return view_to_json(value)
    return value


@dataclass(frozen=True, slots=True)
class DueReminder:
    """A learner whose next reminder slot time has passed; (`next_reminder_at`, `user_id`)
    is the place in a pass over the due learners."""

    chat_id: int
    user_id: int
    next_reminder_at: datetime

    @property
    def place(self) -> tuple[datetime, int]:
        return (self.next_reminder_at, self.user_id)


def due_for_reminder(
    now: datetime, limit: int, after: tuple[datetime, int] | None = None
) -> list[DueReminder]:
    """Learners whose next reminder slot time has passed, oldest first (then by id), at most
    `limit`, strictly after the place `after` (keyset paging: a pass reads page after page,
    never one twice). One range scan of the (reminders_paused, next_reminder_at) index.
    NULL means no slot enabled (or not computed yet: the user's next message computes it)."""
    condition = (User.reminders_paused == False) & (User.next_reminder_at <= now)  # noqa: E712
    if after is not None:
        after_at, after_id = after
        condition &= (User.next_reminder_at > after_at) | (
            (User.next_reminder_at == after_at) & (User.id > after_id)
        )
    query = (
        User.select(User.chat_id, User.id, User.next_reminder_at)
        .where(condition)
        .order_by(User.next_reminder_at, User.id)
        .limit(limit)
    )
    return [DueReminder(chat_id, user_id, at) for chat_id, user_id, at in query.tuples()]
