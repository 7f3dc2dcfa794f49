"""The bot's own durable state: the last handled update id and when it was recorded (SPEC §7.1)."""

from __future__ import annotations

from datetime import UTC, datetime

from peewee import EXCLUDED

from storage.database import database
from storage.models import BotState

__all__ = ["load_last_update", "save_last_update"]

_LAST_UPDATE_ID = "last_update_id"
_LAST_UPDATE_AT = "last_update_at"


def load_last_update() -> tuple[int, datetime] | None:
    """The last handled update id and when it was handled, or None before the first update."""
    rows = dict(
        BotState.select(BotState.name, BotState.value)
        .where(BotState.name.in_([_LAST_UPDATE_ID, _LAST_UPDATE_AT]))
        .tuples()
    )
    if _LAST_UPDATE_ID not in rows:
        return None
    handled_at = datetime.fromtimestamp(rows.get(_LAST_UPDATE_AT, 0), UTC)
    return rows[_LAST_UPDATE_ID], handled_at


def save_last_update(update_id: int, handled_at: datetime) -> None:
    with database.atomic():
        for name, value in (
            (_LAST_UPDATE_ID, update_id),
            (_LAST_UPDATE_AT, int(handled_at.timestamp())),
        ):
            BotState.insert(name=name, value=value).on_conflict(
                conflict_target=[BotState.name], update={BotState.value: EXCLUDED.value}
            ).execute()
