"""Fixtures for tests that talk to the local Bot API emulator over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from telebot import TeleBot, apihelper

from wordbot.emulator import BotApiEmulator

TEST_TOKEN = "123456:TEST"


@contextmanager
def telebot_pointed_at(emulator: BotApiEmulator) -> Iterator[None]:
    """pyTelegramBotAPI's module-level URLs aimed at the emulator, restored afterwards."""
    saved = apihelper.API_URL, apihelper.FILE_URL
    apihelper.API_URL = emulator.url + "/bot{0}/{1}"
    apihelper.FILE_URL = emulator.url + "/file/bot{0}/{1}"
    try:
        yield
    finally:
        apihelper.API_URL, apihelper.FILE_URL = saved


@pytest.fixture
def emulator() -> Iterator[BotApiEmulator]:
    """A running emulator on a free 127.0.0.1 port, stopped after the test."""
    emu = BotApiEmulator(token=TEST_TOKEN, host="127.0.0.1", port=0)
    emu.start()
    try:
        yield emu
    finally:
        emu.stop()


@pytest.fixture
def telebot_bot(emulator: BotApiEmulator) -> Iterator[TeleBot]:
    """A non-threaded TeleBot talking to the emulator."""
    with telebot_pointed_at(emulator):
        yield TeleBot(TEST_TOKEN, threaded=False)
