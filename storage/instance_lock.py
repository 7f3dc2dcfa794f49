"""One bot per database (SPEC §7.6): a second `wordbot run` on the same database exits at once.

PostgreSQL: a session-level advisory lock held on a connection of its own for the process's
life. SQLite: an exclusive flock on a lock file beside the database file. Both are released
by the operating system or the server when the process dies, even by SIGKILL.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from urllib.parse import urlsplit

import peewee

from storage.database import require_postgres_driver

__all__ = ["ADVISORY_LOCK_KEY", "AlreadyRunning", "InstanceLock"]

ADVISORY_LOCK_KEY = 0x576F7264426F74  # "WordBot"


class AlreadyRunning(Exception):
    """Another WordBot process holds this database."""


class InstanceLock:
    def __init__(self, url: str) -> None:
        self._url = url
        self._file = None
        self._connection = None

    def acquire(self) -> None:
        """Take the lock or raise AlreadyRunning with one line saying so."""
        scheme = urlsplit(self._url).scheme
        if scheme == "sqlite":
            self._lock_file()
        elif scheme in ("postgres", "postgresql"):
            self._lock_advisory()

    def release(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _lock_file(self) -> None:
        path = self._url.split("://", 1)[1]
        path = path[1:] if path.startswith("/") else path
        if path == ":memory:":
            return
        lock_path = Path(f"{path}.lock")
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(lock_path, "a+")  # noqa: SIM115 - held open for the process's life
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise AlreadyRunning(
                f"another WordBot is already running on this database (lock file {lock_path})"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._file = handle

    def _lock_advisory(self) -> None:
        require_postgres_driver()
        import psycopg2

        try:
            connection = psycopg2.connect(self._url)
        except psycopg2.Error as error:  # reported like any unreachable database
            raise peewee.OperationalError(str(error)) from None
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", (ADVISORY_LOCK_KEY,))
            (locked,) = cursor.fetchone()
        if not locked:
            connection.close()
            raise AlreadyRunning("another WordBot is already running on this database")
        self._connection = connection
