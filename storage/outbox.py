"""The transactional outbox: effects recorded with the change that implies them, sent after commit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from storage.models import Outbox
from wordbot.transport.effects import Effect, effect_from_json, effect_to_json

__all__ = ["add_to_outbox", "keys_with_unsent", "mark_sent", "unsent_for"]


def add_to_outbox(chat_id: int, user_id: int, effects: Iterable[Effect], now: datetime) -> None:
    """Record effects; call inside the transaction of the change that owes them."""
    rows = [
        {
            Outbox.chat_id: chat_id,
            Outbox.user_id: user_id,
            Outbox.effect: effect_to_json(effect),
            Outbox.created_at: now,
        }
        for effect in effects
    ]
    if rows:
        Outbox.insert_many(rows).execute()


def unsent_for(chat_id: int, user_id: int) -> list[tuple[int, Effect]]:
    """(id, effect) of everything still owed to this chat, oldest first."""
    query = (
        Outbox.select(Outbox.id, Outbox.effect)
        .where((Outbox.chat_id == chat_id) & (Outbox.user_id == user_id))
        .order_by(Outbox.id)
        .tuples()
    )
    return [(entry_id, effect_from_json(effect)) for entry_id, effect in query]


def mark_sent(entry_ids: Sequence[int]) -> None:
    """Telegram took them: the entries are done (removed, so the table holds only what is owed)."""
    if entry_ids:
        Outbox.delete().where(Outbox.id.in_(list(entry_ids))).execute()


def keys_with_unsent() -> list[tuple[int, int]]:
    """(chat_id, user_id) pairs still owed something: flushed at start-up."""
    query = Outbox.select(Outbox.chat_id, Outbox.user_id).distinct()
    return list(query.tuples())
