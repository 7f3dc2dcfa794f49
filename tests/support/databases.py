"""Database fixtures: every storage test runs on SQLite and on PostgreSQL (when a URL is given)."""

from __future__ import annotations

import os
import secrets

import pytest

from storage.database import close_database, database, open_database
from storage.migrate import migrate

__all__ = ["POSTGRES_URL", "migrated_database", "postgres_schema"]

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


def migrated_database(backend: str, tmp_path):
    """Open and migrate a database of the given backend; yields the peewee database."""
    if backend == "sqlite":
        real = open_database(f"sqlite:///{tmp_path / 'wordbot.db'}")
        migrate()
        try:
            yield real
        finally:
            close_database()
            database.initialize(None)  # no test sees the last one's database
        return
    schema_gen = postgres_schema()
    schema = next(schema_gen)
    real = open_database(POSTGRES_URL, options=f"-c search_path={schema}")
    try:
        migrate()
        yield real
    finally:
        close_database()
        database.initialize(None)
        schema_gen.close()
