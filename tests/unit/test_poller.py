"""The polling loop's bookkeeping: confirm after handling, skip replays, survive an id reset."""

from __future__ import annotations

from datetime import timedelta

import pykka

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
        self.unresolved: list[pykka.ThreadingFuture] = []
        self.poller = Poller(
            fetch=lambda offset, timeout: [],
            dispatch=self.dispatch,
            load_last_update=lambda: last,
            save_last_update=lambda update_id, at: self.saved.append(update_id),
            clock=self.clock,
        )
        self.poller._last = last

    def dispatch(self, incoming):
        self.dispatched.append(incoming.update_id)
        future = pykka.ThreadingFuture()
        future.set(None)
        return future


def test_batch_is_recorded_after_every_update_was_handled():
    harness = Harness()
    harness.poller.handle_batch([text_update(1), text_update(2), text_update(3)])
    assert harness.dispatched == [1, 2, 3]
    assert harness.saved == [3]


def test_replayed_updates_are_skipped():
    harness = Harness()
    harness.poller.handle_batch([text_update(1), text_update(2)])
    harness.poller.handle_batch([text_update(2), text_update(3)])
    assert harness.dispatched == [1, 2, 3]
    assert harness.saved == [2, 3]


def test_stored_last_id_survives_a_restart():
    harness = Harness(last=(10, FakeClock().now()))
    harness.poller.handle_batch([text_update(9), text_update(10), text_update(11)])
    assert harness.dispatched == [11]


def test_lower_ids_after_a_week_of_silence_are_new_updates():
    """Telegram may restart numbering anywhere after a week without updates."""
    clock = FakeClock()
    harness = Harness(last=(5000, clock.now()))
    harness.clock.set(clock.now() + timedelta(days=8))
    harness.poller.handle_batch([text_update(17)])
    assert harness.dispatched == [17]
    assert harness.saved == [17]


def test_ignored_updates_still_advance_the_offset():
    harness = Harness()
    harness.poller.handle_batch([{"update_id": 4, "edited_message": {}}, {"update_id": 5}])
    assert harness.dispatched == []
    assert harness.saved == [5]


def test_the_offset_waits_for_slow_handlers():
    harness = Harness()
    slow = pykka.ThreadingFuture()
    harness.dispatch = lambda incoming: slow
    harness.poller._dispatch = harness.dispatch
    import threading

    worker = threading.Thread(target=harness.poller.handle_batch, args=([text_update(1)],))
    worker.start()
    worker.join(timeout=0.2)
    assert harness.saved == []  # not confirmed while the handler is still running
    slow.set(None)
    worker.join(timeout=5)
    assert harness.saved == [1]
