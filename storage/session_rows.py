"""What training and game rows share: one row per (chat, user), replaced whole on every save, and
the life cycle of their prompt (its message id recorded once it was sent)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from peewee import EXCLUDED, JSONField, Model

from storage.prepared import Prepared, among, slot

__all__ = [
    "delete_session_row",
    "keys_condition",
    "record_prompt_message",
    "record_prompt_messages",
    "upsert_session_row",
    "upsert_session_rows",
]

_KEPT_ON_UPDATE = {"chat_id", "user_id", "created_at"}
_UPSERTS: dict[type[Model], Prepared] = {}
_RECORDS: dict[type[Model], Prepared] = {}


def upsert_session_row(model: type[Model], values: dict[Any, Any]) -> None:
    """Insert the row, or overwrite every column of the existing one but its key and birth.
    `values` names every column but the id (a prepared statement: on every grade)."""
    upsert = _UPSERTS.get(model)
    if upsert is None:
        upsert = _UPSERTS.setdefault(model, _prepared_upsert(model))
    upsert.execute(**{field.name: value for field, value in values.items()})


def upsert_session_rows(model: type[Model], rows: Sequence[dict[Any, Any]]) -> None:
    """`upsert_session_row` for many rows: the same prepared statement, run for every row."""
    if not rows:
        return
    upsert = _UPSERTS.get(model)
    if upsert is None:
        upsert = _UPSERTS.setdefault(model, _prepared_upsert(model))
    upsert.execute_many([{field.name: value for field, value in row.items()} for row in rows])


def record_prompt_messages(
    model: type[Model], sent: Sequence[tuple[int, int, str, int, datetime]], now: datetime
) -> None:
    """`record_prompt_message` for many (chat_id, user_id, token, message_id, expires_at)."""
    if not sent:
        return
    record = _RECORDS.get(model)
    if record is None:
        record = _RECORDS.setdefault(model, _prepared_record(model))
    record.execute_many(
        [
            {
                "message_id": message_id,
                "at": now,
                "expires_at": expires_at,
                "chat_id": chat_id,
                "user_id": user_id,
                "token": token,
            }
            for chat_id, user_id, token, message_id, expires_at in sent
        ]
    )


def record_prompt_message(
    model: type[Model],
    chat_id: int,
    user_id: int,
    token: str,
    message_id: int,
    expires_at: datetime,
    now: datetime,
) -> bool:
    """The prompt carrying `token` was sent as `message_id`: from now on its buttons (and, in a
    game, typed answers) count. One narrow UPDATE; False when the session moved on meanwhile."""
    record = _RECORDS.get(model)
    if record is None:
        record = _RECORDS.setdefault(model, _prepared_record(model))
    cursor = record.execute(
        message_id=message_id,
        at=now,
        expires_at=expires_at,
        chat_id=chat_id,
        user_id=user_id,
        token=token,
    )
    return bool(getattr(cursor, "rowcount", 1))


def _prepared_record(model: type[Model]) -> Prepared:
    return Prepared(
        lambda: model.update(
            {
                model.current_message_id: slot("message_id"),
                model.last_activity_at: slot("at", model.last_activity_at),
                model.expires_at: slot("expires_at", model.expires_at),
                model.updated_at: slot("at", model.updated_at),
            }
        ).where(
            (model.chat_id == slot("chat_id"))
            & (model.user_id == slot("user_id"))
            & (model.current_token == slot("token"))
        ),
        deferrable=True,
    )


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

    return Prepared(build, deferrable=True)


def keys_condition(model: type[Model], keys: Sequence[tuple[int, int]]):
    """Rows of `model` (with chat_id and user_id columns) among the (chat_id, user_id) `keys`,
    as the (chat_id, user_id) index finds them. Private chats only: each key's chat is its
    user's, so the two IN lists select exactly the keys."""
    chats = sorted({chat_id for chat_id, _ in keys})
    users = sorted({user_id for _, user_id in keys})
    return among(model.chat_id, chats) & among(model.user_id, users)
