"""End-to-end fixtures: a fresh emulator per test."""

import pytest

from tests.support.bot_process import E2E_TOKEN
from wordbot.emulator import BotApiEmulator


@pytest.fixture
def emulator():
    with BotApiEmulator(token=E2E_TOKEN) as running:
        yield running
