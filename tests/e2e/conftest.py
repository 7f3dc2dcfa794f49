"""End-to-end fixtures: a fresh emulator and the real bot process per test.

The bot keeps its rows in `e2e_database`: SQLite in tmp_path unless a test asks for the
backends with `@pytest.mark.parametrize("e2e_database", BACKENDS, indirect=True)`
(BACKENDS from tests.support.databases; PostgreSQL then gets a database of its own, skipped with a reason when not configured)."""

import pytest

from tests.support.bot_process import E2E_TOKEN, BotProcess
from tests.support.e2e_databases import e2e_database as open_e2e_database
from wordbot.emulator import BotApiEmulator


@pytest.fixture
def emulator():
    with BotApiEmulator(token=E2E_TOKEN) as running:
        yield running


@pytest.fixture
def e2e_database(request, tmp_path):
    yield from open_e2e_database(getattr(request, "param", "sqlite"), tmp_path)


@pytest.fixture
def bot(emulator, tmp_path, e2e_database):
    """`wordbot run` against the emulator, on `e2e_database`; its log must never hold the token."""
    process = BotProcess(emulator, tmp_path, database_url=e2e_database.url).start()
    yield process
    process.close()
    assert E2E_TOKEN not in process.log_text(), "the token leaked into the log"
