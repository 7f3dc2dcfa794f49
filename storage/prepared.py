"""Statements of the hot path compiled once: peewee builds SQL, the database then only runs it.

Building a statement's SQL costs peewee 0.1–0.5 ms of Python; running it costs SQLite a few µs.
A grade runs half a dozen statements, so on the press → next prompt path (B1, B2) the building
was most of the storage time. A `Prepared` statement is written as an ordinary peewee query
whose values are named `slot`s; its SQL and the order of its parameters are kept per database
kind, and each run only converts the values with their fields' `db_value`.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from peewee import OP, SQL, Expression, Field, Node, Value, fn

from storage.database import (
    database,
    flush_held_writes,
    is_sqlite,
    transaction,
    write_later,
)

__all__ = ["Prepared", "among", "slot"]

_ROWS_PER_ROUND_TRIP = 200


def slot(name: str, convert: Field | Callable[[Any], Any] | None = None) -> Value:
    """A named value of a prepared statement, converted when the statement runs by a field's
    `db_value` or by a function (`json.dumps` for a JSON column: its text, which SQLite stores
    and PostgreSQL casts, rather than the database-specific wrapper peewee would build)."""
    if isinstance(convert, Field):
        convert = convert.db_value
    return Value(_Slot(name, convert), converter=False, unpack=False)


class _Slot:
    """Stands in the compiled parameters for the value given at each run."""

    __slots__ = ("convert_value", "name")

    def __init__(self, name: str, convert: Callable[[Any], Any] | None) -> None:
        self.name = name
        self.convert_value = convert

    def convert(self, values: dict[str, Any]) -> Any:
        value = values[self.name]
        return value if self.convert_value is None else self.convert_value(value)


class Prepared:
    """A query built by `build` (with `slot`s for its values), compiled on first use per kind
    of database and run with `execute(**values)`."""

    def __init__(self, build: Callable[[], Node], *, deferrable: bool = False) -> None:
        """`deferrable`: a write whose result (cursor, row count) no caller reads, which may
        be held and sent with others in one round trip (`deferred_writes`)."""
        self._build = build
        self._deferrable = deferrable
        self._compiled: dict[type, tuple[str, list[Any]]] = {}
        self._lock = threading.Lock()

    def execute(self, **values: Any):
        """Run the statement; returns the database cursor (None when a deferrable one was
        held to go with others)."""
        sql, params = self._compile()
        params = [p.convert(values) if isinstance(p, _Slot) else p for p in params]
        if self._deferrable and write_later(sql, params):
            return None
        return database.execute_sql(sql, params)

    def execute_many(self, rows: Sequence[dict[str, Any]]) -> None:
        """Run the statement once per row of values, in one transaction (the caller's, if
        any): SQLite loops in C (`executemany`), PostgreSQL gets the rows a page per round
        trip (`execute_batch`). For a reminder wave's page: no SQL built per row."""
        if not rows:
            return
        sql, params = self._compile()
        values = [[p.convert(row) if isinstance(p, _Slot) else p for p in params] for row in rows]
        with transaction():
            flush_held_writes()
            cursor = database.cursor()
            if is_sqlite():
                cursor.executemany(sql, values)
            else:
                from psycopg2.extras import execute_batch

                execute_batch(cursor, sql, values, page_size=_ROWS_PER_ROUND_TRIP)

    def _compile(self) -> tuple[str, list[Any]]:
        kind = type(database.obj)
        compiled = self._compiled.get(kind)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.setdefault(
                    kind, database.get_sql_context().sql(self._build()).query()
                )
        return compiled


def among(field: Field, values: Iterable[Any]) -> Expression:
    """`field IN values` with all the values as one parameter: building a query with an IN
    list of a thousand values costs peewee a node and a conversion per value (a reminder
    wave's page reads a dozen such lists). SQLite reads a JSON array, PostgreSQL an array."""
    values = list(values)
    if is_sqlite():
        return Expression(
            field, OP.IN, SQL("(SELECT value FROM json_each(?))", [json.dumps(values)])
        )
    return Expression(field, OP.EQ, fn.ANY(Value(values, unpack=False)))
