"""What training and game rows share: one row per (chat, user), replaced whole on every save."""

from __future__ import annotations

from typing import Any

from peewee import EXCLUDED, Model

__all__ = ["delete_session_row", "upsert_session_row"]

_KEPT_ON_UPDATE = {"chat_id", "user_id", "created_at"}


def upsert_session_row(model: type[Model], values: dict[Any, Any]) -> None:
    """Insert the row, or overwrite every column of the existing one but its key and birth."""
    updated = {
        field: getattr(EXCLUDED, field.column_name)
        for field in values
        if field.name not in _KEPT_ON_UPDATE
    }
    model.insert(values).on_conflict(
        conflict_target=[model.chat_id, model.user_id], update=updated
    ).execute()


def delete_session_row(model: type[Model], chat_id: int, user_id: int) -> bool:
    """Remove the row; True when there was one."""
    query = model.delete().where((model.chat_id == chat_id) & (model.user_id == user_id))
    return bool(query.execute())
