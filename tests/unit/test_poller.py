"""The polling loop's bookkeeping: confirm only what is handled, skip replays, never wait on
a slow user, survive Telegram's id reset after a week."""

from __future__ import annotations

import itertools
import sys
import threading
import time
from datetime import timedelta

import pykka
import requests

from wordbot.clock import FakeClock
from wordbot.transport.poller import Poller


def text_update(update_id, text="hi", user_id=5):
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 0,
            "chat": {"id": user_id, "type": "private"},
            "from": {"id": user_id, "is_bot": False, "first_name": "A"},
            "text": text,
        },
    }


class Harness:
    def __init__(self, last=None):
        self.clock = FakeClock()
        self.dispatched: list[int] = []
        self.saved: list[int] = []
        self.pending: dict[int, pykka.ThreadingFuture] = {}
        self.slow: set[int] = set()
        self.poller = Poller(
            fetch=lambda offset, timeout: [],
            dispatch=self.dispatch,
            load_last_update=lambda: last,
            save_last_update=lambda update_id, at: self.saved.append(update_id),
            clock=self.clock,
        )
        self.poller._last = last

    def dispatch(self, incoming, completion):
        self.dispatched.append(incoming.update_id)
        if incoming.update_id in self.slow:
            self.pending[incoming.update_id] = completion
        else:
            completion.set(None)
        return True

    def step(self, updates):
        """One pass of the loop, then the watermark stored (as when getUpdates fails)."""
        self.poller.dispatch_new(updates)
        self.poller.record_progress()
        self.poller.store_progress()


def test_handled_updates_are_recorded_up_to_the_newest():
    harness = Harness()
    harness.step([text_update(1), text_update(2), text_update(3)])
    assert harness.dispatched == [1, 2, 3]
    assert harness.saved == [3]


def test_replayed_updates_are_skipped():
    harness = Harness()
    harness.step([text_update(1), text_update(2)])
    harness.step([text_update(2), text_update(3)])
    assert harness.dispatched == [1, 2, 3]
    assert harness.saved == [2, 3]


def test_stored_last_id_survives_a_restart():
    harness = Harness(last=(10, FakeClock().now()))
    harness.step([text_update(9), text_update(10), text_update(11)])
    assert harness.dispatched == [11]


def test_lower_ids_after_a_week_of_silence_are_new_updates():
    """Telegram may restart numbering anywhere after a week without updates."""
    clock = FakeClock()
    harness = Harness(last=(5000, clock.now()))
    harness.clock.set(clock.now() + timedelta(days=8))
    harness.step([text_update(17)])
    assert harness.dispatched == [17]
    assert harness.saved == [17]


def test_ignored_updates_still_advance_the_watermark():
    harness = Harness()
    harness.step([{"update_id": 4, "edited_message": {}}, {"update_id": 5}])
    assert harness.dispatched == []
    assert harness.saved == [5]


def test_a_slow_update_holds_the_watermark_but_not_the_others():
    harness = Harness()
    harness.slow = {1}
    harness.step([text_update(1, user_id=5), text_update(2, user_id=6)])
    assert harness.dispatched == [1, 2]  # user 6 is not held back by user 5
    assert harness.saved == []  # nothing confirmed while update 1 is in flight
    harness.step([text_update(1), text_update(2), text_update(3, user_id=7)])  # redelivered
    assert harness.dispatched == [1, 2, 3]  # in-flight and handled ones are not dispatched again
    assert harness.saved == []
    harness.pending[1].set(None)
    harness.poller.record_progress()
    harness.poller.store_progress()
    assert harness.saved == [3]


def test_a_failed_handler_counts_as_finished():
    harness = Harness()
    harness.slow = {1}
    harness.step([text_update(1)])
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        harness.pending[1].set_exception(sys.exc_info())
    harness.poller.record_progress()
    harness.poller.store_progress()
    assert harness.saved == [1]


def test_the_watermark_is_written_only_when_it_moved():
    harness = Harness()
    harness.poller.dispatch_new([text_update(1)])
    harness.poller.record_progress()
    assert harness.saved == []  # the next getUpdates confirms it: nothing to write yet
    harness.poller.store_progress()
    harness.poller.store_progress()
    assert harness.saved == [1]


def _running_poller(fetch, saved, stored):
    def save(update_id, at):
        saved.append(update_id)
        stored.set()

    poller = Poller(
        fetch=fetch,
        dispatch=lambda incoming, completion: False,  # handled at once
        load_last_update=lambda: None,
        save_last_update=save,
        clock=FakeClock(),
        poll_timeout=0,
    )
    poller.start()
    return poller


def test_a_failing_getupdates_stores_what_was_handled_but_not_confirmed():
    calls = iter([[text_update(1), text_update(2)]])
    release = threading.Event()

    def fetch(offset, timeout):
        batch = next(calls, None)
        if batch is not None:
            return batch
        release.wait(5)  # then Telegram is unreachable
        raise requests.ConnectionError("down")

    saved, stored = [], threading.Event()
    poller = _running_poller(fetch, saved, stored)
    try:
        assert saved == []
        release.set()
        assert stored.wait(5)
        assert saved == [2]
    finally:
        poller.stop()


def test_stopping_stores_the_watermark():
    batches = iter([[text_update(7)]])
    fetched = threading.Event()

    def fetch(offset, timeout):
        batch = next(batches, None)
        if batch is None:
            fetched.set()
            return []
        return batch

    saved, stored = [], threading.Event()
    poller = _running_poller(fetch, saved, stored)
    assert fetched.wait(5)
    poller.stop()
    assert saved == [7]


def test_with_updates_still_in_flight_getupdates_is_not_asked_again_at_once(monkeypatch):
    from wordbot.transport import poller as poller_module

    monkeypatch.setattr(poller_module, "REFETCH_SPACING_SECONDS", 0.05)
    fetched_at: list[float] = []
    three_fetches = threading.Event()

    def fetch(offset, timeout):
        fetched_at.append(time.monotonic())
        if len(fetched_at) >= 3:
            three_fetches.set()
        return [text_update(1), text_update(len(fetched_at) + 1)]  # and a new one each time

    def dispatch(incoming, completion):
        if incoming.update_id > 1:
            completion.set(None)  # handled at once: wakes the poller straight away
        return True  # update 1 stays in flight for the whole test

    poller = Poller(
        fetch=fetch,
        dispatch=dispatch,
        load_last_update=lambda: None,
        save_last_update=lambda update_id, at: None,
        clock=FakeClock(),
        poll_timeout=0,
    )
    poller.start()
    try:
        assert three_fetches.wait(5)
    finally:
        poller.stop()
    gaps = [later - earlier for earlier, later in itertools.pairwise(fetched_at[:3])]
    assert all(gap >= 0.05 for gap in gaps)
