"""Learner rows: created on first contact, small updates for pending input and confirmations."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from peewee import JSONField, fn

from storage.models import User
from storage.prepared import Prepared, among, slot
from wordbot.domain.fsrs_schedule import SchedulerKind, parse_parameters
from wordbot.domain.learner import Learner
from wordbot.domain.reminder_times import times_from_json, times_to_json
from wordbot.domain.timezones import is_zone
from wordbot.domain.undo import UndoRecord
from wordbot.domain.words_menu import WordsView, view_from_json, view_to_json

__all__ = [
    "DueReminder",
    "count_learners",
    "ensure_learner",
    "load_learner",
    "load_learners",
    "due_for_reminder",
    "store_fitted_parameters",
    "update_learner",
    "update_learners",
]

log = logging.getLogger(__name__)

# One prepared UPDATE per set of columns, by their names: a grade writes the undo record on
# every press, a wave's page one or two sets for all its users.
_UPDATES: dict[tuple[str, ...], Prepared] = {}


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
        scheduler=_scheduler(row),
        desired_retention=row.desired_retention,
        new_cards_per_day=row.new_cards_per_day,
        fsrs_parameters=_parameters(row),
        fitted_at=row.fitted_at,
        fitted_on_reviews=row.fitted_on_reviews,
        timezone=row.timezone if is_zone(row.timezone or "") else "UTC",
        reminder_times=times_from_json(row.reminder_times),
        language=row.language,
        inactive=row.inactive,
        last_seen_at=row.last_seen_at,
        undo=None if row.undo is None else UndoRecord.from_json(row.undo),
        words_token=row.words_token,
        words_message_id=row.words_message_id,
        words_view=None if row.words_view is None else view_from_json(row.words_view),
    )


def _scheduler(row: User) -> str:
    """The stored scheduler; anything else is FSRS (the default), logged."""
    if row.scheduler in set(SchedulerKind):
        return row.scheduler
    log.warning("user %s: unknown scheduler %r, using fsrs", row.id, row.scheduler)
    return SchedulerKind.FSRS.value


def _parameters(row: User) -> tuple[float, ...] | None:
    """The stored personal FSRS-6 weights; a corrupt value means the defaults, logged once
    per load, never a crash (SPEC §12)."""
    if row.fsrs_parameters is None:
        return None
    try:
        parameters = parse_parameters(json.loads(row.fsrs_parameters))
    except (TypeError, ValueError):
        parameters = None
    if parameters is None:
        log.warning("user %s: corrupt fsrs_parameters, using the FSRS-6 defaults", row.id)
    return parameters


def load_learner(user_id: int) -> Learner | None:
    row = User.get_or_none(User.id == user_id)
    return None if row is None else _to_learner(row)


def load_learners(user_ids: Sequence[int]) -> dict[int, Learner]:
    """A page of learners by id, in one query; a row that cannot be read is left out, logged
    (one broken learner never fails a reminder wave's page)."""
    learners = {}
    for row in User.select().where(among(User.id, user_ids)):
        try:
            learners[row.id] = _to_learner(row)
        except Exception:
            log.exception("user %s: learner row unreadable; left out", row.id)
    return learners


def ensure_learner(
    user_id: int, chat_id: int, now: datetime, language: str | None = None
) -> Learner:
    """The learner's row, created with default settings on first contact. `language` (from
    Telegram's language_code) is set on first contact, and on a row that has none yet."""
    row = User.get_or_none(User.id == user_id)
    if row is None:
        User.insert(
            id=user_id, chat_id=chat_id, created_at=now, updated_at=now, language=language
        ).on_conflict_ignore().execute()
        row = User.get_by_id(user_id)
    else:
        changes = {}
        if row.chat_id != chat_id:
            changes["chat_id"] = row.chat_id = chat_id
        if row.language is None and language is not None:  # a learner from before languages
            changes["language"] = row.language = language
        if changes:
            User.update(**changes, updated_at=now).where(User.id == user_id).execute()
    return _to_learner(row)


def count_learners() -> int:
    return User.select(fn.COUNT(User.id)).scalar()


def update_learner(user_id: int, now: datetime, **changes) -> None:
    """Write the given Learner fields (same names as the columns) of one user."""
    if changes.get("reminder_times") is not None:
        changes["reminder_times"] = times_to_json(changes["reminder_times"])
    values = {name: _column_value(value) for name, value in changes.items()}
    _learner_update(tuple(sorted(values))).execute(user_id=user_id, updated_at=now, **values)


def _prepared_update(names: tuple[str, ...]) -> Prepared:
    def build():
        columns = {}
        for name in names:
            field = User._meta.fields[name]
            columns[field] = slot(name, _json_text if isinstance(field, JSONField) else field)
        columns[User.updated_at] = slot("updated_at", User.updated_at)
        return User.update(columns).where(User.id == slot("user_id"))

    return Prepared(build, deferrable=True)


def _json_text(value):
    """A JSON column's value as text (SQLite stores it, PostgreSQL casts it); None is NULL."""
    return None if value is None else json.dumps(value)


def update_learners(changes: Mapping[int, Mapping[str, object]], now: datetime) -> None:
    """Write each user's changed Learner fields (`user id → {field: value}`): one prepared
    UPDATE per set of changed fields (a wave's page: one or two), run for every user."""
    groups: dict[tuple[str, ...], list[dict[str, object]]] = {}
    for user_id, fields in changes.items():
        if not fields:
            continue
        values = {}
        for name, value in fields.items():
            if name == "reminder_times" and value is not None:
                value = times_to_json(value)
            values[name] = _column_value(value)
        values["user_id"], values["updated_at"] = user_id, now
        groups.setdefault(tuple(sorted(fields)), []).append(values)
    for names, rows in groups.items():
        _learner_update(names).execute_many(rows)


def _learner_update(names: tuple[str, ...]) -> Prepared:
    update = _UPDATES.get(names)
    if update is None:
        update = _UPDATES.setdefault(names, _prepared_update(names))
    return update


def store_fitted_parameters(
    user_id: int, parameters: tuple[float, ...] | None, reviews: int, now: datetime
) -> None:
    """Record a fit on `reviews` logged reviews at `now`; `parameters` None (the fit gave
    nothing usable) keeps the weights the user has."""
    changes = {User.fitted_at: now, User.fitted_on_reviews: reviews, User.updated_at: now}
    if parameters is not None:
        changes[User.fsrs_parameters] = json.dumps(list(parameters))
    User.update(changes).where(User.id == user_id).execute()


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
    never one twice). One range scan of the (reminders_paused, next_reminder_at) index;
    users who blocked the bot (`inactive`) are skipped.
    NULL means no slot enabled (or not computed yet: the user's next message computes it)."""
    condition = (
        (User.reminders_paused == False)  # noqa: E712
        & (User.next_reminder_at <= now)
        & (User.inactive == False)  # noqa: E712 - blocked the bot (SPEC §7.6)
    )
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
