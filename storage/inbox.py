"""The durable inbox (SPEC §7.1): updates written per fetched batch, handled per user in order.

An entry is pending while `handled_at` is NULL. Marking it handled is part of the unit of work
of the change it causes; the row stays for REMEMBER_HANDLED (Telegram keeps an unconfirmed
update for at most a day) so that a redelivered update_id is recognised and never applied
twice, then cleanup deletes it.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from peewee import fn

from storage.database import transaction
from storage.models import InboxEntry
from storage.prepared import Prepared, slot

__all__ = [
    "MAX_PENDING_PER_USER",
    "REMEMBER_HANDLED",
    "Arrival",
    "IntakeResult",
    "StoredEntry",
    "add_batch",
    "mark_handled",
    "newest_update_id",
    "pending_count",
    "pending_entries",
    "purge_handled",
]

MAX_PENDING_PER_USER = 50
REMEMBER_HANDLED = timedelta(days=2)


@dataclass(frozen=True, slots=True)
class Arrival:
    """An update for a private chat, as it came from Telegram."""

    update_id: int
    chat_id: int
    user_id: int
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class StoredEntry:
    entry_id: int
    update_id: int
    chat_id: int
    user_id: int
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class IntakeResult:
    stored: list[StoredEntry]  # new entries, in arrival order
    dropped: list[tuple[int, int]]  # (chat_id, user_id) of entries beyond the per-user bound
    replays: int  # update ids already known


_ADD = Prepared(
    lambda: (
        InboxEntry.insert(
            {
                InboxEntry.update_id: slot("update_id"),
                InboxEntry.chat_id: slot("chat_id"),
                InboxEntry.user_id: slot("user_id"),
                InboxEntry.payload: slot("payload", json.dumps),
                InboxEntry.received_at: slot("received_at", InboxEntry.received_at),
            }
        )
        .on_conflict_ignore()
        .returning(InboxEntry.id)
    )
)
_MARK_HANDLED = Prepared(
    lambda: InboxEntry.update({InboxEntry.handled_at: slot("at", InboxEntry.handled_at)}).where(
        (InboxEntry.id == slot("entry_id")) & InboxEntry.handled_at.is_null()
    ),
    deferrable=True,
)


def add_batch(
    arrivals: Sequence[Arrival], now: datetime, max_pending: int = MAX_PENDING_PER_USER
) -> IntakeResult:
    """Write a fetched batch in one transaction. A known update_id is a replay and is skipped;
    a user with `max_pending` entries waiting gets no more (the caller says "slow down")."""
    if not arrivals:
        return IntakeResult([], [], 0)
    with transaction():
        keys = {(a.chat_id, a.user_id) for a in arrivals}
        depth = _pending_depths(keys)
        stored, dropped, replays = [], [], 0
        seen: set[int] = set()
        for arrival in arrivals:
            key = (arrival.chat_id, arrival.user_id)
            if arrival.update_id in seen:
                replays += 1
                continue
            seen.add(arrival.update_id)
            if depth[key] >= max_pending:  # a flooding user: is it new or a replay?
                if _is_known(arrival.update_id):
                    replays += 1
                else:
                    dropped.append(key)
                continue
            # one statement: stored, or skipped as a replay when the update_id is known
            row = _ADD.execute(
                update_id=arrival.update_id,
                chat_id=arrival.chat_id,
                user_id=arrival.user_id,
                payload=arrival.payload,
                received_at=now,
            ).fetchone()
            if row is None:
                replays += 1
                continue
            depth[key] += 1
            stored.append(
                StoredEntry(
                    row[0], arrival.update_id, arrival.chat_id, arrival.user_id, arrival.payload
                )
            )
    return IntakeResult(stored, dropped, replays)


def _is_known(update_id: int) -> bool:
    return InboxEntry.select().where(InboxEntry.update_id == update_id).exists()


def _pending_depths(keys: set[tuple[int, int]]) -> Counter:
    depth: Counter = Counter()
    user_ids = {user_id for _, user_id in keys}
    query = (
        InboxEntry.select(InboxEntry.chat_id, InboxEntry.user_id, fn.COUNT(InboxEntry.id))
        .where(InboxEntry.user_id.in_(list(user_ids)) & InboxEntry.handled_at.is_null())
        .group_by(InboxEntry.chat_id, InboxEntry.user_id)
    )
    for chat_id, user_id, count in query.tuples():
        depth[(chat_id, user_id)] = count
    return depth


def mark_handled(entry_id: int, now: datetime) -> None:
    """Inside the unit of work of the change the entry caused (or of nothing, when it changed
    nothing): the entry is done."""
    _MARK_HANDLED.execute(entry_id=entry_id, at=now)


def pending_entries() -> list[StoredEntry]:
    """Every entry still to handle, in the order they reached the inbox (start-up resumes them)."""
    query = (
        InboxEntry.select(
            InboxEntry.id,
            InboxEntry.update_id,
            InboxEntry.chat_id,
            InboxEntry.user_id,
            InboxEntry.payload,
        )
        .where(InboxEntry.handled_at.is_null())
        .order_by(InboxEntry.id)
    )
    return [StoredEntry(*row) for row in query.tuples()]


def newest_update_id() -> int | None:
    """The highest update id the inbox remembers (the sandbox numbers on from it)."""
    return InboxEntry.select(fn.MAX(InboxEntry.update_id)).scalar()


def pending_count() -> int:
    return InboxEntry.select().where(InboxEntry.handled_at.is_null()).count()


def purge_handled(now: datetime) -> int:
    """Cleanup: handled entries older than REMEMBER_HANDLED can no longer be redelivered."""
    cutoff = now - REMEMBER_HANDLED
    return (
        InboxEntry.delete()
        .where(InboxEntry.handled_at.is_null(False) & (InboxEntry.handled_at < cutoff))
        .execute()
    )
