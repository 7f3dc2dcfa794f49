"""Opening the database: new SQLite files are private; a missing PostgreSQL driver says so."""

from __future__ import annotations

import os
import stat
import sys

import pytest

from storage.database import close_database, open_database
from wordbot.cli import main


@pytest.fixture(autouse=True)
def no_wordbot_environment(monkeypatch):
    for name in [n for n in os.environ if n.startswith("WORDBOT_")]:
        monkeypatch.delenv(name)


def test_a_new_sqlite_database_and_its_wal_are_created_0600(tmp_path):
    path = tmp_path / "bot.db"
    database = open_database(f"sqlite:///{path}")
    try:
        database.execute_sql("CREATE TABLE t (x INTEGER)")
        database.execute_sql("INSERT INTO t VALUES (1)")
        modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in tmp_path.iterdir() if p.is_file()}
    finally:
        close_database()
    assert modes["bot.db"] == 0o600
    assert modes["bot.db-wal"] == 0o600


def test_an_existing_sqlite_database_keeps_its_mode(tmp_path):
    path = tmp_path / "bot.db"
    path.touch(mode=0o640)
    path.chmod(0o640)
    open_database(f"sqlite:///{path}")
    close_database()
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


@pytest.mark.parametrize("command", [["migrate"], ["run"]])
def test_postgresql_url_without_its_driver_stops_with_one_line_naming_the_extra(
    command, monkeypatch, capsys
):
    monkeypatch.setitem(sys.modules, "psycopg2", None)  # `import psycopg2` raises ImportError
    monkeypatch.setenv("WORDBOT_DATABASE_URL", "postgresql://bot@127.0.0.1:5432/wordbot")
    monkeypatch.setenv("WORDBOT_TELEGRAM_TOKEN", "123:abc")
    monkeypatch.setattr("wordbot.cli.configure_logging", lambda *args, **kwargs: None)
    monkeypatch.setattr("signal.signal", lambda *args: None)  # `run` would take over SIGINT

    assert main(command) == 2

    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert "pip install 'wordbot[postgres]'" in error
    assert "Traceback" not in error
