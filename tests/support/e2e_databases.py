"""A database for one end-to-end test of the real process: a SQLite file in the test's
directory, or a fresh PostgreSQL database on the test server (created, and dropped after),
and a plain connection for the test to read (or poke at) the bot's rows on either."""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from tests.support.databases import POSTGRES_URL

__all__ = ["E2EConnection", "E2EDatabase", "e2e_database"]


class E2EConnection:
    """Autocommit, with sqlite3's `?` placeholders on both backends; closes on leaving `with`."""

    def __init__(self, backend: str, raw: Any) -> None:
        self.backend = backend
        self._raw = raw

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run one statement; returns a cursor (fetchone / fetchall)."""
        if self.backend == "sqlite":
            return self._raw.execute(sql, tuple(params))
        cursor = self._raw.cursor()
        cursor.execute(sql.replace("?", "%s"), tuple(params))
        return cursor

    def close(self) -> None:
        self._raw.close()

    def __enter__(self) -> E2EConnection:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


@dataclass(frozen=True)
class E2EDatabase:
    """Where the bot process keeps its rows: `url` goes to BotProcess(database_url=...)."""

    backend: str
    url: str
    sqlite_path: Path | None = None

    def connect(self) -> E2EConnection:
        if self.backend == "sqlite":
            return E2EConnection("sqlite", sqlite3.connect(self.sqlite_path, isolation_level=None))
        import psycopg2

        raw = psycopg2.connect(self.url)
        raw.autocommit = True
        return E2EConnection("postgresql", raw)


def e2e_database(backend: str, directory: Path) -> Iterator[E2EDatabase]:
    """Yields a database of `backend` ("sqlite" or "postgresql") that no other test sees."""
    if backend == "sqlite":
        path = directory / "wordbot.db"
        yield E2EDatabase("sqlite", f"sqlite:///{path}", path)
        return
    yield from _fresh_postgres_database()


def _fresh_postgres_database() -> Iterator[E2EDatabase]:
    """CREATE DATABASE wordbot_e2e_<random> on the test server; DROP it (sessions and all)
    afterwards, even if the bot process was killed with connections open."""
    import psycopg2

    assert POSTGRES_URL, "PostgreSQL e2e tests are skipped without WORDBOT_TEST_POSTGRES_URL"
    name = f"wordbot_e2e_{secrets.token_hex(4)}"
    admin = psycopg2.connect(POSTGRES_URL)
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {name}")
        try:
            yield E2EDatabase("postgresql", _with_database(POSTGRES_URL, name))
        finally:
            with admin.cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    finally:
        admin.close()


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))
