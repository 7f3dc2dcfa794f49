"""The bot's own durable state: the last handled update id (SPEC §7.1)."""

from __future__ import annotations

from peewee import EXCLUDED

from storage.models import BotState

__all__ = ["load_last_update_id", "save_last_update_id"]

_LAST_UPDATE_ID = "last_update_id"


def load_last_update_id() -> int | None:
    row = BotState.get_or_none(BotState.name == _LAST_UPDATE_ID)
    return None if row is None else row.value


def save_last_update_id(update_id: int) -> None:
    """Record the id; never moves backwards."""
    BotState.insert(name=_LAST_UPDATE_ID, value=update_id).on_conflict(
        conflict_target=[BotState.name],
        update={BotState.value: EXCLUDED.value},
        where=(EXCLUDED.value > BotState.value),
    ).execute()
