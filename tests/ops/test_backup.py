"""`wordbot backup PATH`: a consistent copy of a live SQLite database (SPEC §16)."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading

import pytest

from wordbot.cli import main


@pytest.fixture(autouse=True)
def no_wordbot_environment(monkeypatch):
    for name in [n for n in os.environ if n.startswith("WORDBOT_")]:
        monkeypatch.delenv(name)


@pytest.fixture
def live_database(tmp_path, monkeypatch):
    """A WAL database whose every commit adds a row to `entries` and bumps `totals`: a copy
    taken between commits has count(entries) == totals.n, a torn one would not."""
    path = tmp_path / "live.db"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("CREATE TABLE entries (id INTEGER PRIMARY KEY, text TEXT)")
        db.execute("CREATE TABLE totals (n INTEGER)")
        db.execute("INSERT INTO totals VALUES (0)")
    db.close()
    monkeypatch.setenv("WORDBOT_DATABASE_URL", f"sqlite:///{path}")
    return path


class _Writer(threading.Thread):
    """Commits one row after another until stopped; `commits` reached at least `started`."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.path = path
        self.stop = threading.Event()
        self.started = threading.Event()
        self.commits = 0

    def run(self):
        db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        db.execute("PRAGMA busy_timeout = 10000")
        while not self.stop.is_set():
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT INTO entries (text) VALUES (?)", ("x" * 500,))
            db.execute("UPDATE totals SET n = n + 1")
            db.execute("COMMIT")
            self.commits += 1
            if self.commits == 200:
                self.started.set()
        db.close()


def _dump(path) -> list[str]:
    with sqlite3.connect(path) as db:
        lines = list(db.iterdump())
    db.close()
    return lines


def test_backup_while_writes_run_gives_a_consistent_copy_that_opens(live_database, tmp_path):
    writer = _Writer(live_database)
    writer.start()
    assert writer.started.wait(timeout=30)
    try:
        copies = [tmp_path / f"copy{i}.db" for i in range(3)]
        for copy in copies:
            assert main(["backup", str(copy)]) == 0
    finally:
        writer.stop.set()
        writer.join(timeout=30)

    for copy in copies:
        with sqlite3.connect(copy) as restored:
            (entries,) = restored.execute("SELECT count(*) FROM entries").fetchone()
            (total,) = restored.execute("SELECT n FROM totals").fetchone()
            (check,) = restored.execute("PRAGMA integrity_check").fetchone()
        restored.close()
        assert entries == total >= 200
        assert check == "ok"


def test_backup_of_a_quiet_database_equals_it_row_for_row(live_database, tmp_path):
    writer = _Writer(live_database)
    writer.start()
    assert writer.started.wait(timeout=30)
    writer.stop.set()
    writer.join(timeout=30)
    copy = tmp_path / "copy.db"

    assert main(["backup", str(copy)]) == 0

    assert _dump(copy) == _dump(live_database)
    assert not (tmp_path / "copy.db-wal").exists()  # one self-contained file


def test_backup_file_is_readable_by_its_owner_only(live_database, tmp_path):
    copy = tmp_path / "copy.db"
    assert main(["backup", str(copy)]) == 0
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600


def test_backup_refuses_to_overwrite_an_existing_path_without_force(
    live_database, tmp_path, capsys
):
    copy = tmp_path / "copy.db"
    copy.write_bytes(b"keep me")

    assert main(["backup", str(copy)]) == 1

    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "--force" in error
    assert copy.read_bytes() == b"keep me"


def test_backup_with_force_overwrites_an_existing_path(live_database, tmp_path):
    copy = tmp_path / "copy.db"
    copy.write_bytes(b"old")

    assert main(["backup", str(copy), "--force"]) == 0

    assert _dump(copy) == _dump(live_database)


def test_backup_of_a_missing_database_fails_with_one_line_and_creates_nothing(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("WORDBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'absent.db'}")

    assert main(["backup", str(tmp_path / "copy.db")]) == 1

    assert capsys.readouterr().err.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_backup_of_postgresql_points_to_pg_dump(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("WORDBOT_DATABASE_URL", "postgresql://bot@127.0.0.1:5432/wordbot")

    assert main(["backup", str(tmp_path / "copy.db")]) == 1

    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "pg_dump" in error
