"""The one database handle, chosen at run time from `database.url`."""

from __future__ import annotations

import importlib
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext, suppress
from pathlib import Path
from urllib.parse import urlsplit

from peewee import Database, DatabaseProxy
from playhouse.db_url import connect
from playhouse.pool import PooledSqliteDatabase

__all__ = [
    "MissingDatabaseDriver",
    "OneWriterSqliteDatabase",
    "close_database",
    "connection_scope",
    "database",
    "deferred_writes",
    "flush_held_writes",
    "is_sqlite",
    "open_database",
    "require_postgres_driver",
    "release_connection",
    "sqlite_path",
    "transaction",
    "write_later",
]

database = DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": "normal",
    "busy_timeout": 10_000,
    "foreign_keys": 1,
}


class MissingDatabaseDriver(RuntimeError):
    """The URL's backend needs a driver that is not installed; the message says what to install."""


class OneWriterSqliteDatabase(PooledSqliteDatabase):
    """Pooled SQLite whose writers queue on a lock in this process. SQLite lets one writer in at
    a time and makes the others nap and retry (busy_timeout: naps of 1, 2, 5 … 100 ms), so
    under a crowd of writing actors most of their time went to napping while holding a pooled
    connection. Queued on a lock, each writer starts the moment the previous one commits."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._writer = threading.Lock()
        self._holds_writer = threading.local()

    def begin(self, lock_type=None) -> None:
        self._take_writer()
        try:
            super().begin(lock_type)
        except BaseException:
            self._give_writer()
            raise

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._give_writer()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._give_writer()

    def execute_sql(self, sql, params=None):
        """A write outside a transaction (autocommit) queues too; reads never do (WAL)."""
        if self.in_transaction() or sql.lstrip()[:6].upper() in ("SELECT", "PRAGMA"):
            return super().execute_sql(sql, params)
        self._take_writer()
        try:
            return super().execute_sql(sql, params)
        finally:
            self._give_writer()

    def _take_writer(self) -> None:
        """A connection first, then the lock: a writer waiting for a pooled connection while
        holding the lock would stall the writers holding every connection, and so itself."""
        self.connect(reuse_if_open=True)
        if not getattr(self._holds_writer, "held", False):
            self._writer.acquire()
            self._holds_writer.held = True

    def _give_writer(self) -> None:
        if getattr(self._holds_writer, "held", False):
            self._holds_writer.held = False
            self._writer.release()


def open_database(url: str, *, max_connections: int = 16, **connect_params) -> Database:
    """Connect `database` to SQLite or PostgreSQL; connections are pooled, not tied to threads."""
    scheme = urlsplit(url).scheme
    if scheme == "sqlite":
        path = _sqlite_path(url)
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            _create_private(Path(path))
        real = OneWriterSqliteDatabase(
            path,
            pragmas=SQLITE_PRAGMAS,
            check_same_thread=False,
            lock_type="IMMEDIATE",
            max_connections=max_connections,
            stale_timeout=600,
            timeout=30,
            **connect_params,
        )
    elif scheme in ("postgres", "postgresql"):
        require_postgres_driver()
        real = connect(
            "postgresql+pool" + url[len(scheme) :],
            max_connections=max_connections,
            stale_timeout=600,
            timeout=30,
            **connect_params,
        )
        real.execute_sql = _flushing_first(real.execute_sql)
    else:
        raise ValueError(f"unsupported database URL scheme: {scheme}")
    database.initialize(real)
    return real


class _Deferred(threading.local):
    statements: list[tuple[str, list]] | None = None  # None: every statement runs at once


_deferred = _Deferred()


@contextmanager
def deferred_writes() -> Iterator[None]:
    """Inside a transaction on PostgreSQL: the hot path's writes whose results nobody reads
    (`write_later`) are held and sent together in one round trip — before the next statement
    that is run at once, and at the end of this block (still inside the transaction, so an
    error in them fails it). One writer committing many users' units pays the network's round
    trip per batch instead of per statement. SQLite runs in the process: nothing to save."""
    real = database.obj
    if _deferred.statements is not None or real is None or is_sqlite():
        yield
        return
    _deferred.statements = []
    try:
        yield
        _flush()
    finally:
        _deferred.statements = None


def write_later(sql: str, params: list) -> bool:
    """Hold a write for `deferred_writes`; False (run it now) when not inside one."""
    held = _deferred.statements
    if held is None:
        return False
    held.append((sql, params))
    return True


def flush_held_writes() -> None:
    """Send the held writes now: for a caller about to use a cursor of its own (executemany),
    which `_flushing_first` does not see, so every statement still runs in order."""
    if _deferred.statements:
        _flush()


def _flush() -> None:
    held = _deferred.statements
    if held:
        _deferred.statements = []
        database.execute_sql(*_joined(held))


def _joined(held: list[tuple[str, list]]) -> tuple[str, list]:
    """One string of statements for one round trip (psycopg2 fills the values in itself)."""
    return ";\n".join(sql for sql, _ in held), [value for _, values in held for value in values]


def _flushing_first(execute_sql):
    """Any other statement first sends the held writes, so every statement runs in order."""

    def execute(sql, params=None, *args, **kwargs):
        held = _deferred.statements
        if held:
            _deferred.statements = []
            execute_sql(*_joined(held))
        return execute_sql(sql, params, *args, **kwargs)

    return execute


def require_postgres_driver() -> None:
    """Checked before peewee gets the URL: without psycopg2 it fails deep inside, at the first
    query, with a long traceback instead of saying what is missing."""
    try:
        importlib.import_module("psycopg2")
    except ImportError:
        raise MissingDatabaseDriver(
            "database.url is a PostgreSQL URL but its driver is not installed: "
            "pip install 'wordbot[postgres]'"
        ) from None


def _create_private(path: Path) -> None:
    """A new database file is created 0600 (SPEC §16); SQLite gives its -wal and -shm files
    the database file's mode. An existing file keeps the mode its operator chose."""
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


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


def transaction():
    """A transaction of its own, or — inside a caller's — simply part of it: no savepoint,
    whose two extra statements cost a write lock's holder time (an error rolls the caller's
    whole transaction back anyway)."""
    return nullcontext() if database.in_transaction() else database.atomic()


def release_connection() -> None:
    """Give this thread's pooled connection back unless a transaction holds it, e.g. before a
    Telegram call: a user waiting on the network must not keep one of the pool's few
    connections from the others. The next query takes one again (peewee's autoconnect)."""
    real = database.obj
    if real is not None and not real.is_closed() and not real.in_transaction():
        real.close()


def is_sqlite() -> bool:
    return database.obj is not None and type(database.obj).__name__.endswith("SqliteDatabase")


def sqlite_path(url: str) -> str | None:
    """The database file of an `sqlite://` URL; None for PostgreSQL."""
    return _sqlite_path(url) if urlsplit(url).scheme == "sqlite" else None


def _sqlite_path(url: str) -> str:
    """`sqlite:///relative.db` → relative.db, `sqlite:////abs/path.db` → /abs/path.db."""
    path = url.split("://", 1)[1]
    return path[1:] if path.startswith("/") else path
