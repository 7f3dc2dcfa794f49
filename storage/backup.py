"""`wordbot backup`: a consistent copy of a live SQLite database (SPEC §16).

SQLite's online backup API copies every page inside one read transaction. In WAL mode a reader
never blocks the bot's writers, and they never disturb the reader, so the copy is the database
as of one commit while the bot goes on writing. The copy is written to a temporary file beside
PATH and renamed into place, so PATH is never a half-written file; it is created 0600 and left
in rollback-journal mode, one self-contained file to keep or restore.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

__all__ = ["BackupError", "backup_sqlite"]


class BackupError(Exception):
    """The backup could not be made; the message is one line for the operator."""


def backup_sqlite(source: Path, destination: Path, *, overwrite: bool = False) -> None:
    """Copy the SQLite database at `source` to `destination` (refused if it exists, unless
    `overwrite`). Takes no instance lock: safe while the bot runs."""
    if not source.is_file():
        raise BackupError(f"no SQLite database at {source}")
    if destination.exists() and not overwrite:
        raise BackupError(f"{destination} exists; pass --force to overwrite it")
    if destination.resolve() == source.resolve():
        raise BackupError("the backup cannot overwrite the database itself")
    partial = destination.with_name(f".{destination.name}.partial-{os.getpid()}")
    try:
        _copy(source, partial)
        os.replace(partial, destination)
    except sqlite3.Error as error:
        raise BackupError(f"backup failed: {error}") from error
    except OSError as error:
        raise BackupError(f"cannot write {destination}: {error.strerror}") from error
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()


def _copy(source: Path, partial: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    live = sqlite3.connect(f"{source.resolve().as_uri()}?mode=rw", uri=True)
    try:
        live.execute("PRAGMA busy_timeout = 10000")
        copy = sqlite3.connect(partial)
        try:
            live.backup(copy)  # all pages in one step: one read transaction, one snapshot
            copy.execute("PRAGMA journal_mode = DELETE")
            problem = copy.execute("PRAGMA quick_check").fetchone()[0]
            if problem != "ok":
                raise BackupError(f"the copy failed its integrity check: {problem}")
        finally:
            copy.close()
    finally:
        live.close()
