"""Column types shared by the models and the frozen migration models."""

from __future__ import annotations

from datetime import UTC, datetime

from peewee import DateTimeField

__all__ = ["UtcDateTimeField"]


class UtcDateTimeField(DateTimeField):
    """Aware UTC datetimes in Python, naive UTC in the column, the same on SQLite and PostgreSQL."""

    def db_value(self, value):
        if value.__class__ is datetime:  # the hot path (a grade binds a dozen): no detours
            if value.tzinfo is UTC:
                return value.replace(tzinfo=None)
            return value if value.tzinfo is None else value.astimezone(UTC).replace(tzinfo=None)
        if isinstance(value, datetime) and value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return super().db_value(value)

    def python_value(self, value):
        if isinstance(value, str):  # SQLite's text: parsed at once (a wave reads 100,000s)
            try:
                value = datetime.fromisoformat(value)
            except ValueError:
                value = super().python_value(value)
        else:
            value = super().python_value(value)
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value
