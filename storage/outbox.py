"""The transactional outbox: effects recorded with the change that implies them, sent after commit."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime

from peewee import chunked

from storage.models import Outbox
from storage.prepared import Prepared, slot
from storage.session_rows import keys_condition
from wordbot.effects import Effect, effect_from_json, effect_to_json

__all__ = [
    "add_many_to_outbox",
    "add_to_outbox",
    "keys_with_unsent",
    "mark_sent",
    "unsent_for",
    "unsent_for_keys",
]

_BATCH = 1000  # keys per statement (one parameter: `among`)


# Prepared statements: they run on every grade and game attempt.
_ADD = Prepared(
    lambda: Outbox.insert(
        {
            Outbox.chat_id: slot("chat_id"),
            Outbox.user_id: slot("user_id"),
            Outbox.effect: slot("effect", json.dumps),
            Outbox.created_at: slot("created_at", Outbox.created_at),
        }
    ).returning(),
    deferrable=True,
)
_UNSENT = Prepared(
    lambda: (
        Outbox.select(Outbox.id, Outbox.effect)
        .where((Outbox.chat_id == slot("chat_id")) & (Outbox.user_id == slot("user_id")))
        .order_by(Outbox.id)
    )
)

_DONE = Prepared(lambda: Outbox.delete().where(Outbox.id == slot("entry_id")), deferrable=True)


def add_to_outbox(chat_id: int, user_id: int, effects: Iterable[Effect], now: datetime) -> None:
    """Record effects; call inside the transaction of the change that owes them."""
    for effect in effects:
        _ADD.execute(
            chat_id=chat_id, user_id=user_id, effect=effect_to_json(effect), created_at=now
        )


def add_many_to_outbox(owed: Iterable[tuple[int, int, Effect]], now: datetime) -> None:
    """Record (chat_id, user_id, effect)s of many users (one prepared statement); call inside
    the transaction of the change that owes them."""
    _ADD.execute_many(
        [
            {
                "chat_id": chat_id,
                "user_id": user_id,
                "effect": effect_to_json(effect),
                "created_at": now,
            }
            for chat_id, user_id, effect in owed
        ]
    )


def unsent_for_keys(
    keys: Iterable[tuple[int, int]],
) -> dict[tuple[int, int], list[tuple[int, Effect]]]:
    """`unsent_for` of many (chat_id, user_id)s, a few hundred per query."""
    wanted = set(keys)
    found: dict[tuple[int, int], list[tuple[int, Effect]]] = {}
    read = Outbox.effect.python_value
    for batch in chunked(sorted(wanted), _BATCH):
        in_batch = keys_condition(Outbox, batch)
        query = (
            Outbox.select(Outbox.id, Outbox.chat_id, Outbox.user_id, Outbox.effect)
            .where(in_batch)
            .order_by(Outbox.id)
            .tuples()
        )
        for entry_id, chat_id, user_id, effect in query:
            if (chat_id, user_id) in wanted:
                found.setdefault((chat_id, user_id), []).append(
                    (entry_id, effect_from_json(read(effect)))
                )
    return found


def unsent_for(chat_id: int, user_id: int) -> list[tuple[int, Effect]]:
    """(id, effect) of everything still owed to this chat, oldest first."""
    rows = _UNSENT.execute(chat_id=chat_id, user_id=user_id).fetchall()
    read = Outbox.effect.python_value
    return [(entry_id, effect_from_json(read(effect))) for entry_id, effect in rows]


def mark_sent(entry_ids: Sequence[int]) -> None:
    """Telegram took them: the entries are done (removed, so the table holds only what is owed)."""
    for entry_id in entry_ids:
        _DONE.execute(entry_id=entry_id)


def keys_with_unsent() -> list[tuple[int, int]]:
    """(chat_id, user_id) pairs still owed something: flushed at start-up."""
    query = Outbox.select(Outbox.chat_id, Outbox.user_id).distinct()
    return list(query.tuples())
