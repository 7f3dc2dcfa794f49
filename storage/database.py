"""The one database handle, chosen at run time from `database.url`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from peewee import Database, DatabaseProxy
from playhouse.db_url import connect

__all__ = [
    "close_database",
    "database",
    "is_sqlite",
    "open_database",
    "connection_scope",
    "release_connection",
]

database = DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": "normal",
    "busy_timeout": 10_000,
    "foreign_keys": 1,
}


def open_database(url: str, *, max_connections: int = 16, **connect_params) -> Database:
    """Connect `database` to SQLite or PostgreSQL; connections are pooled, not tied to threads."""
    scheme = urlsplit(url).scheme
    if scheme == "sqlite":
        _ensure_sqlite_folder(url)
        real = connect(
            "sqlite+pool" + url[len(scheme) :],
            pragmas=SQLITE_PRAGMAS,
            check_same_thread=False,
            lock_type="IMMEDIATE",
            max_connections=max_connections,
            stale_timeout=600,
            timeout=30,
            **connect_params,
        )
    elif scheme in ("postgres", "postgresql"):
        real = connect(
            "postgresql+pool" + url[len(scheme) :],
            max_connections=max_connections,
            stale_timeout=600,
            timeout=30,
            **connect_params,
        )
    else:
        raise ValueError(f"unsupported database URL scheme: {scheme}")
    database.initialize(real)
    return real


def close_database() -> None:
    """Close every pooled connection (at shutdown and between tests)."""
    real = database.obj
    if real is None:
        return
    if not real.is_closed():
        real.close()
    close_all = getattr(real, "close_all", None)
    if close_all is not None:
        close_all()


@contextmanager
def connection_scope() -> Iterator[None]:
    """One event's storage work. A connection is taken at once (an unreachable database fails
    the event before it does anything), given back before every Telegram call in between
    (`release_connection`; the next query takes one again: peewee's autoconnect) and at the
    end, unlike `connection_context`, which holds one throughout."""
    database.connect(reuse_if_open=True)
    try:
        yield
    finally:
        release_connection()


def release_connection() -> None:
    """Give this thread's pooled connection back unless a transaction holds it, e.g. before a
    Telegram call: a user waiting on the network must not keep one of the pool's few
    connections from the others. The next query takes one again (peewee's autoconnect)."""
    real = database.obj
    if real is not None and not real.is_closed() and not real.in_transaction():
        real.close()


def is_sqlite() -> bool:
    return database.obj is not None and type(database.obj).__name__.endswith("SqliteDatabase")


def _ensure_sqlite_folder(url: str) -> None:
    path = url.split("://", 1)[1]
    path = path[1:] if path.startswith("/") else path
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
