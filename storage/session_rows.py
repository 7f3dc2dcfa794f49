"""What training and game rows share: one row per (chat, user), replaced whole on every save."""

from __future__ import annotations

import json
from typing import Any

from peewee import EXCLUDED, JSONField, Model

from storage.prepared import Prepared, slot

__all__ = ["delete_session_row", "upsert_session_row"]

_KEPT_ON_UPDATE = {"chat_id", "user_id", "created_at"}
_UPSERTS: dict[type[Model], Prepared] = {}


def upsert_session_row(model: type[Model], values: dict[Any, Any]) -> None:
    """Insert the row, or overwrite every column of the existing one but its key and birth.
    `values` names every column but the id (a prepared statement: on every grade)."""
    upsert = _UPSERTS.get(model)
    if upsert is None:
        upsert = _UPSERTS.setdefault(model, _prepared_upsert(model))
    upsert.execute(**{field.name: value for field, value in values.items()})


def delete_session_row(model: type[Model], chat_id: int, user_id: int) -> bool:
    """Remove the row; True when there was one."""
    query = model.delete().where((model.chat_id == chat_id) & (model.user_id == user_id))
    return bool(query.execute())


def _prepared_upsert(model: type[Model]) -> Prepared:
    fields = [field for field in model._meta.sorted_fields if field.name != "id"]

    def build():
        values = {
            field: slot(field.name, json.dumps if isinstance(field, JSONField) else field)
            for field in fields
        }
        updated = {
            field: getattr(EXCLUDED, field.column_name)
            for field in fields
            if field.name not in _KEPT_ON_UPDATE
        }
        return (
            model.insert(values)
            .on_conflict(conflict_target=[model.chat_id, model.user_id], update=updated)
            .returning()
        )

    return Prepared(build)
