"""The poller confirms a batch once the inbox holds it, never after handling (SPEC §7.1)."""

from __future__ import annotations

import logging
import threading

import pytest
from telebot.apihelper import ApiTelegramException

from wordbot.transport.poller import Poller


def update(update_id: int) -> dict:
    return {"update_id": update_id, "message": {"message_id": update_id}}


class Telegram:
    """getUpdates over a list of pending updates: an offset confirms everything below it."""

    def __init__(self, updates, fail_with=None) -> None:
        self.pending = list(updates)
        self.offsets: list[int | None] = []
        self.fail_with = list(fail_with or [])
        self.asked = threading.Event()

    def fetch(self, offset, timeout):
        self.offsets.append(offset)
        if len(self.offsets) >= 3:
            self.asked.set()
        if self.fail_with:
            raise self.fail_with.pop(0)
        if offset is not None:
            self.pending = [u for u in self.pending if u["update_id"] >= offset]
        return list(self.pending)


def test_a_batch_is_confirmed_by_the_next_fetch_once_written():
    telegram = Telegram([update(7), update(8)])
    written = []
    poller = Poller(telegram.fetch, written.append)
    poller.take(telegram.fetch(None, 0))
    assert [u["update_id"] for batch in written for u in batch] == [7, 8]
    assert poller.offset == 9
    assert telegram.fetch(poller.offset, 0) == []  # Telegram forgets them: confirmed


def test_a_batch_the_inbox_could_not_take_is_not_confirmed():
    telegram = Telegram([update(3)])
    poller = Poller(telegram.fetch, lambda batch: (_ for _ in ()).throw(OSError("db down")))
    with pytest.raises(OSError):
        poller.take(telegram.fetch(None, 0))
    assert poller.offset is None
    assert telegram.fetch(poller.offset, 0) == [update(3)]  # delivered again


def test_confirming_never_waits_for_handling():
    """The intake only writes (here: nothing at all is ever handled); the next getUpdates
    already confirms the batch."""
    telegram = Telegram([update(1), update(2)])
    poller = Poller(telegram.fetch, lambda batch: None, poll_timeout=0)
    poller.start()
    try:
        assert telegram.asked.wait(5)
    finally:
        poller.stop()
    assert telegram.offsets[:2] == [None, 3]


def test_a_409_is_logged_as_another_process_polling(caplog):
    conflict = ApiTelegramException(
        "getUpdates",
        "",
        {"error_code": 409, "description": "Conflict: terminated by other getUpdates request"},
    )
    telegram = Telegram([], fail_with=[conflict])
    beats = []
    poller = Poller(
        telegram.fetch, lambda batch: None, poll_timeout=0, heartbeat=lambda: beats.append(1)
    )
    with caplog.at_level(logging.ERROR):
        poller.start()
        try:
            assert telegram.asked.wait(10)
        finally:
            poller.stop()
    assert any("another process is polling this token" in r.getMessage() for r in caplog.records)
    assert len(beats) >= 2  # the loop reports it is alive on every round
