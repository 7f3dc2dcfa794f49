"""Database fixtures: every storage test runs on SQLite and on PostgreSQL (when a URL is given).

Each test gets a migrated database with no other test's rows in it. `migrate()` runs for real
once per test process (`MigratedTemplates`); each test then gets a copy of the migrated SQLite
file, or on PostgreSQL the process's migrated schema with every row deleted and every id
sequence restarted. Migrating anew
for every test cost ~0.2 s on SQLite and ~0.8 s on PostgreSQL (its DDL), over 500 times a
suite; tests/storage/test_schema.py checks that what a test gets is what `migrate()` makes."""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path

import pytest

from storage.database import close_database, database, open_database
from storage.migrate import HISTORY_TABLE, migrate

__all__ = ["POSTGRES_URL", "MigratedTemplates", "migrated_database", "postgres_schema"]

POSTGRES_URL = os.environ.get("WORDBOT_TEST_POSTGRES_URL")
POSTGRES_SKIP_REASON = (
    "WORDBOT_TEST_POSTGRES_URL is not set: PostgreSQL storage tests need a server "
    "(CI sets postgresql://postgres@127.0.0.1:5432/test)"
)

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgresql",
        id="postgresql",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(not POSTGRES_URL, reason=POSTGRES_SKIP_REASON),
        ],
    ),
]


def postgres_schema():
    """A fresh schema on the test server, dropped afterwards: tests never see each other's rows."""
    import psycopg2

    name = f"wordbot_test_{secrets.token_hex(4)}"
    admin = psycopg2.connect(POSTGRES_URL)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {name}")
    try:
        yield name
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA {name} CASCADE")
        admin.close()


class MigratedTemplates:
    """What `migrate()` makes on an empty database, made once per backend (on first use) and
    handed out again and again. SQLite: a migrated file, copied for each test. PostgreSQL: one
    migrated schema, emptied before each test (every row deleted, every id sequence back at 1:
    migrations create no rows but their own history). A session fixture (tests/conftest.py):
    one per test process; `close()` drops the schema."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._sqlite: Path | None = None
        self._postgres: _PostgresTemplate | None = None

    def sqlite_copy(self, path: Path) -> None:
        """A migrated SQLite database at `path` (a new file)."""
        if self._sqlite is None:
            template = self._directory / "migrated.db"
            open_database(f"sqlite:///{template}")
            try:
                migrate()
            finally:
                close_database()
                database.initialize(None)
            self._sqlite = template
        shutil.copy(self._sqlite, path)  # closed: no -wal file to take along; mode kept (0600)

    def postgres_emptied(self) -> str:
        """The name of the migrated schema, with no row in it but the migrations' history."""
        if self._postgres is None:
            self._postgres = _PostgresTemplate()
        self._postgres.empty()
        return self._postgres.name

    def close(self) -> None:
        if self._postgres is not None:
            self._postgres.close()
            self._postgres = None


class _PostgresTemplate:
    """A schema that `migrate()` ran in, and a connection that empties it again."""

    def __init__(self) -> None:
        self._schema = postgres_schema()
        self.name = next(self._schema)
        try:
            open_database(POSTGRES_URL, options=f"-c search_path={self.name}")
            try:
                migrate()
            finally:
                close_database()
                database.initialize(None)
            self._emptying = self._emptying_statement()
        except BaseException:
            self._schema.close()
            raise

    def _emptying_statement(self) -> str:
        import psycopg2

        connection = psycopg2.connect(POSTGRES_URL, options=f"-c search_path={self.name}")
        try:
            with connection, connection.cursor() as cursor:
                cursor.execute(
                    "select tablename from pg_tables where schemaname = current_schema()"
                    " and tablename <> %s",
                    (HISTORY_TABLE,),
                )
                tables = {name for (name,) in cursor.fetchall()}
                cursor.execute(
                    "select conrelid::regclass::text, confrelid::regclass::text from pg_constraint"
                    " where contype = 'f' and connamespace = current_schema()::regnamespace"
                )
                references = cursor.fetchall()
                cursor.execute(
                    "select pg_get_serial_sequence(quote_ident(table_name), column_name)"
                    " from information_schema.columns where table_schema = current_schema()"
                    " and table_name <> %s"
                    " and pg_get_serial_sequence(quote_ident(table_name), column_name) is not null",
                    (HISTORY_TABLE,),
                )
                sequences = sorted(name for (name,) in cursor.fetchall())
        finally:
            connection.close()
        deletes = [f'DELETE FROM "{table}"' for table in _referencing_first(tables, references)]
        restarts = [f"SELECT setval('{sequence}', 1, false)" for sequence in sequences]
        return "; ".join(deletes + restarts)

    def empty(self) -> None:
        import psycopg2

        connection = psycopg2.connect(POSTGRES_URL, options=f"-c search_path={self.name}")
        try:
            with connection, connection.cursor() as cursor:  # one transaction
                cursor.execute(self._emptying)
        finally:
            connection.close()

    def close(self) -> None:
        self._schema.close()


def _referencing_first(tables: set[str], references: list[tuple[str, str]]) -> list[str]:
    """`tables` ordered so that a table comes before every table it references."""
    ordered: list[str] = []
    remaining = set(tables)
    while remaining:
        free = sorted(
            table
            for table in remaining
            if not any(
                referenced == table and referencing in remaining and referencing != table
                for referencing, referenced in references
            )
        )
        assert free, f"foreign keys in a cycle among {sorted(remaining)}"
        ordered.extend(free)
        remaining -= set(free)
    return ordered


def migrated_database(backend: str, tmp_path, templates: MigratedTemplates):
    """A migrated database of the given backend, no other test's rows in it; yields the
    peewee database."""
    if backend == "sqlite":
        path = tmp_path / "wordbot.db"
        templates.sqlite_copy(path)
        real = open_database(f"sqlite:///{path}")
    else:
        real = open_database(POSTGRES_URL, options=f"-c search_path={templates.postgres_emptied()}")
    try:
        yield real
    finally:
        close_database()
        database.initialize(None)  # no test sees the last one's database
