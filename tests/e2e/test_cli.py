"""The command line as an operator uses it: migrate, import, and start-up refusing bad config."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest

pytestmark = pytest.mark.e2e


def wordbot(*args, cwd, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("WORDBOT_")}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-m", "wordbot", *args],
        cwd=cwd,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_migrate_creates_the_schema_once(tmp_path):
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    first = wordbot("migrate", cwd=tmp_path, WORDBOT_DATABASE_URL=url)
    assert first.returncode == 0, first.stderr
    assert "0001_initial" in first.stdout
    again = wordbot("migrate", cwd=tmp_path, WORDBOT_DATABASE_URL=url)
    assert again.stdout.strip() == "the schema is up to date"


def test_import_loads_a_csv_for_a_user(tmp_path):
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    (tmp_path / "words.csv").write_bytes(b"source,target\nhouse,casa\ndog,perro\n,\n")
    result = wordbot(
        "import", "words.csv", "--user-id", "77", cwd=tmp_path, WORDBOT_DATABASE_URL=url
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Imported 2 new pairs, updated 0, skipped 0 rows."
    with sqlite3.connect(tmp_path / "bot.db") as db:
        rows = db.execute("select user_id, word1, word2 from word_pairs order by word1").fetchall()
    assert rows == [(77, "dog", "perro"), (77, "house", "casa")]


def test_import_of_a_binary_file_fails_and_writes_nothing(tmp_path):
    (tmp_path / "junk.csv").write_bytes(bytes(range(256)))
    result = wordbot("import", "junk.csv", "--user-id", "77", cwd=tmp_path)
    assert result.returncode == 1
    assert "nothing was imported" in result.stderr
    assert not (tmp_path / "wordbot.db").exists()


@pytest.mark.parametrize(
    ("env", "key"),
    [
        ({"WORDBOT_ACTORS_MAX_LIVE": "lots", "WORDBOT_TELEGRAM_TOKEN": "1:x"}, "actors.max_live"),
        (
            {"WORDBOT_REMINDERS_MORNING": "25:00", "WORDBOT_TELEGRAM_TOKEN": "1:x"},
            "reminders.morning",
        ),
        ({"WORDBOT_DATABASE_URL": "mysql://x", "WORDBOT_TELEGRAM_TOKEN": "1:x"}, "database.url"),
        ({}, "telegram.token"),
        (
            {"WORDBOT_TELEGRAM_PAID_BROADCAST": "sometimes", "WORDBOT_TELEGRAM_TOKEN": "1:x"},
            "telegram.paid_broadcast",
        ),
        (
            {"WORDBOT_TELEGRAM_PAID_BROADCAST_PER_SECOND": "0", "WORDBOT_TELEGRAM_TOKEN": "1:x"},
            "telegram.paid_broadcast_per_second",
        ),
        (
            {"WORDBOT_TEST_CLOCK_OFFSET_SECONDS": "soon", "WORDBOT_TELEGRAM_TOKEN": "1:x"},
            "WORDBOT_TEST_CLOCK_OFFSET_SECONDS",
        ),
    ],
)
def test_bad_configuration_stops_start_up_with_one_line_naming_the_key(tmp_path, env, key):
    result = wordbot("run", cwd=tmp_path, **env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and key in lines[0]
    assert "1:x" not in result.stderr


def test_unreachable_database_stops_start_up_with_one_line(tmp_path):
    result = wordbot(
        "run",
        cwd=tmp_path,
        WORDBOT_TELEGRAM_TOKEN="1:secret-token",
        WORDBOT_DATABASE_URL="postgresql://nobody@127.0.0.1:1/none",
    )
    assert result.returncode == 1
    assert "database is unavailable" in result.stderr
    assert "secret-token" not in result.stderr


def test_the_bot_starts_without_importing_the_chart_library(tmp_path):
    """matplotlib (with numpy) costs over a second a start: only a /stats picture imports it."""
    probe = "import sys, wordbot.app; print(sorted({'matplotlib', 'numpy'} & set(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
