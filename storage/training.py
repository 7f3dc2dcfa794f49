"""Training session rows (SPEC §6.1, §6.2): save with a fresh expiry, load (expired = absent), delete."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from peewee import chunked

from storage import models
from storage.session_rows import (
    delete_session_row,
    keys_condition,
    upsert_session_row,
    upsert_session_rows,
)
from storage.session_rows import record_prompt_message as record_session_prompt
from storage.session_rows import record_prompt_messages as record_session_prompts
from wordbot.domain.training import SessionKind, TrainingSession

__all__ = [
    "delete_expired_training_sessions",
    "delete_training_session",
    "delete_training_sessions",
    "load_training_sessions",
    "load_training_session",
    "record_prompt_message",
    "record_prompt_messages",
    "save_training_session",
    "save_training_sessions",
    "sessions_owing_a_prompt",
]

_Row = models.TrainingSession
_BATCH = 1000  # keys per statement (one parameter: `among`)


def save_training_session(
    session: TrainingSession, ttl: timedelta, now: datetime
) -> TrainingSession:
    """Insert or replace the (chat, user) row; `expires_at` = last activity + ttl, recomputed here."""
    saved = dataclasses.replace(session, expires_at=session.last_activity_at + ttl)
    upsert_session_row(_Row, _values(saved, now))
    return saved


def save_training_sessions(
    sessions: Sequence[TrainingSession], ttl: timedelta, now: datetime
) -> list[TrainingSession]:
    """`save_training_session` for many (chat, user)s at once: a few multi-row statements."""
    saved = [dataclasses.replace(s, expires_at=s.last_activity_at + ttl) for s in sessions]
    upsert_session_rows(_Row, [_values(session, now) for session in saved])
    return saved


def _values(saved: TrainingSession, now: datetime) -> dict:
    return {
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


def record_prompt_messages(
    sent: Sequence[tuple[TrainingSession, int]], ttl: timedelta, now: datetime
) -> None:
    """`record_prompt_message` for many sessions at once (a drain's batch)."""
    record_session_prompts(
        _Row,
        [
            (session.chat_id, session.user_id, session.current_token, message_id, now + ttl)
            for session, message_id in sent
        ],
        now,
    )


def load_training_session(chat_id: int, user_id: int, now: datetime) -> TrainingSession | None:
    """The active session, or None when there is none or it has expired."""
    row = _Row.get_or_none((_Row.chat_id == chat_id) & (_Row.user_id == user_id))
    if row is None or row.expires_at <= now:
        return None
    return _session(row)


def _session(row: _Row) -> TrainingSession:
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


def load_training_sessions(
    keys: Iterable[tuple[int, int]], now: datetime
) -> dict[tuple[int, int], TrainingSession]:
    """The active sessions of many (chat_id, user_id)s, in one query per few hundred."""
    wanted = set(keys)
    found = {}
    for batch in chunked(sorted(wanted), _BATCH):
        in_batch = keys_condition(_Row, batch)
        for row in _Row.select().where(in_batch & (_Row.expires_at > now)):
            if (row.chat_id, row.user_id) in wanted:
                found[(row.chat_id, row.user_id)] = _session(row)
    return found


def delete_training_sessions(keys: Iterable[tuple[int, int]]) -> int:
    """Remove the rows of many (chat_id, user_id)s (private chats: chat_id is the user's)."""
    deleted = 0
    for batch in chunked(sorted(set(keys)), _BATCH):
        deleted += _Row.delete().where(keys_condition(_Row, batch)).execute()
    return deleted


def delete_training_session(chat_id: int, user_id: int) -> bool:
    """Remove the row; True when there was one."""
    return delete_session_row(_Row, chat_id, user_id)


def sessions_owing_a_prompt(now: datetime) -> list[tuple[int, int]]:
    """(chat_id, user_id) of live sessions whose current prompt was never sent (a crash)."""
    query = _Row.select(_Row.chat_id, _Row.user_id).where(
        _Row.current_message_id.is_null() & (_Row.expires_at > now)
    )
    return list(query.tuples())


def delete_expired_training_sessions(now: datetime) -> int:
    """Cleanup (SPEC §6.6): rows past `expires_at`; actors treat them as absent already."""
    return _Row.delete().where(_Row.expires_at <= now).execute()
