"""End-to-end fixtures: a fresh emulator and the real bot process per test."""

import pytest

from tests.support.bot_process import E2E_TOKEN, BotProcess
from wordbot.emulator import BotApiEmulator


@pytest.fixture
def emulator():
    with BotApiEmulator(token=E2E_TOKEN) as running:
        yield running


@pytest.fixture
def bot(emulator, tmp_path):
    """`wordbot run` against the emulator, SQLite in tmp_path; its log must never hold the token."""
    process = BotProcess(emulator, tmp_path).start()
    yield process
    process.close()
    assert E2E_TOKEN not in process.log_text(), "the token leaked into the log"
