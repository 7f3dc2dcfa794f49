"""Training session rows (SPEC §6.1, §6.2): save with a fresh expiry, load (expired = absent), delete."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime, timedelta

from storage import models
from storage.cards import save_schedule
from storage.database import transaction
from storage.outbox import add_to_outbox
from storage.session_rows import delete_session_row, upsert_session_row
from storage.session_rows import record_prompt_message as record_session_prompt
from storage.vocabulary import snooze_due
from wordbot.domain.srs import CardSchedule
from wordbot.domain.training import SessionKind, TrainingSession
from wordbot.effects import Effect

__all__ = [
    "commit_grade",
    "delete_expired_training_sessions",
    "delete_training_session",
    "end_session",
    "load_training_session",
    "record_prompt_message",
    "save_training_session",
    "sessions_owing_a_prompt",
    "snooze",
]

_Row = models.TrainingSession


def save_training_session(
    session: TrainingSession, ttl: timedelta, now: datetime
) -> TrainingSession:
    """Insert or replace the (chat, user) row; `expires_at` = last activity + ttl, recomputed here."""
    saved = dataclasses.replace(session, expires_at=session.last_activity_at + ttl)
    values = {
        _Row.chat_id: saved.chat_id,
        _Row.user_id: saved.user_id,
        _Row.pair_ids: list(saved.pair_ids),
        _Row.current_index: saved.current_index,
        _Row.current_token: saved.current_token,
        _Row.current_message_id: saved.current_message_id,
        _Row.current_prompt_text: saved.current_prompt_text,
        _Row.kind: saved.kind.value,
        _Row.reviewed_count: saved.reviewed_count,
        _Row.last_activity_at: saved.last_activity_at,
        _Row.expires_at: saved.expires_at,
        _Row.created_at: saved.created_at,
        _Row.updated_at: now,
    }
    upsert_session_row(_Row, values)
    return saved


def record_prompt_message(
    session: TrainingSession, message_id: int, ttl: timedelta, now: datetime
) -> TrainingSession:
    """The current prompt was sent: its message id (its buttons count from now)."""
    saved = dataclasses.replace(
        session, current_message_id=message_id, last_activity_at=now, expires_at=now + ttl
    )
    record_session_prompt(
        _Row,
        session.chat_id,
        session.user_id,
        session.current_token,
        message_id,
        saved.expires_at,
        now,
    )
    return saved


def load_training_session(chat_id: int, user_id: int, now: datetime) -> TrainingSession | None:
    """The active session, or None when there is none or it has expired."""
    row = _Row.get_or_none((_Row.chat_id == chat_id) & (_Row.user_id == user_id))
    if row is None or row.expires_at <= now:
        return None
    return TrainingSession(
        chat_id=row.chat_id,
        user_id=row.user_id,
        pair_ids=tuple(row.pair_ids),
        current_index=row.current_index,
        current_token=row.current_token,
        current_message_id=row.current_message_id,
        current_prompt_text=row.current_prompt_text,
        kind=SessionKind(row.kind),
        reviewed_count=row.reviewed_count,
        last_activity_at=row.last_activity_at,
        expires_at=row.expires_at,
        created_at=row.created_at,
    )


def delete_training_session(chat_id: int, user_id: int) -> bool:
    """Remove the row; True when there was one."""
    return delete_session_row(_Row, chat_id, user_id)


def commit_grade(
    chat_id: int,
    user_id: int,
    graded: tuple[int, CardSchedule] | None,
    next_session: TrainingSession | None,
    owed: Sequence[Effect],
    ttl: timedelta,
    now: datetime,
) -> TrainingSession | None:
    """One transaction (SPEC §4.4, §6.2): the card's new schedule, the session advanced (or
    deleted when done) and the messages this owes the user, all or nothing. `graded` is None
    when the card was deleted meanwhile: the session just moves on."""
    with transaction():
        if graded is not None:
            save_schedule(*graded, now)
        saved = None
        if next_session is None:
            delete_training_session(chat_id, user_id)
        else:
            saved = save_training_session(next_session, ttl, now)
        add_to_outbox(chat_id, user_id, owed, now)
    return saved


def sessions_owing_a_prompt(now: datetime) -> list[tuple[int, int]]:
    """(chat_id, user_id) of live sessions whose current prompt was never sent (a crash)."""
    query = _Row.select(_Row.chat_id, _Row.user_id).where(
        _Row.current_message_id.is_null() & (_Row.expires_at > now)
    )
    return list(query.tuples())


def delete_expired_training_sessions(now: datetime) -> int:
    """Cleanup (SPEC §6.6): rows past `expires_at`; actors treat them as absent already."""
    return _Row.delete().where(_Row.expires_at <= now).execute()


def end_session(chat_id: int, user_id: int, owed: Sequence[Effect], now: datetime) -> None:
    """Delete the session and record what that owes the user, in one transaction."""
    with transaction():
        delete_training_session(chat_id, user_id)
        add_to_outbox(chat_id, user_id, owed, now)


def snooze(
    session: TrainingSession, until: datetime, owed: Sequence[Effect], now: datetime
) -> None:
    """SPEC §4.5 in one transaction: due cards move to `until`, the session ends."""
    with transaction():
        snooze_due(session.user_id, now, until)
        end_session(session.chat_id, session.user_id, owed, now)
