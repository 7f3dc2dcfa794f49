"""Deliverer._send_all: edits and answers go alongside, new messages in order, held back after a
failure for now."""

from __future__ import annotations

import threading

from actors.delivery import Deliverer
from actors.messages import SessionKey
from actors.snapshot_cache import SnapshotCache
from actors.unit_of_work import UnitOfWork
from wordbot.decide.transition import Rules
from wordbot.effects import AnswerCallback, Delivery, EditPrompt, SendText
from wordbot.transport.workers import Workers


def deliverer(outbound) -> Deliverer:
    key = SessionKey(5, 5)
    return Deliverer(key, UnitOfWork(key, Rules(), SnapshotCache(key)), outbound)


def test_a_new_message_failing_for_now_holds_back_the_later_ones_but_not_edits(
    clock, outbound, monkeypatch
):
    real_perform = outbound.perform

    def flaky(effect):
        if isinstance(effect, SendText) and effect.text == "first":
            return Delivery(ok=False, error="ConnectionError", transient=True)
        return real_perform(effect)

    monkeypatch.setattr(outbound, "perform", flaky)
    effects = [SendText(5, "first"), EditPrompt(5, 9, "edited"), SendText(5, "second")]
    deliveries = deliverer(outbound)._send_all([], effects)
    assert [d.ok for d in deliveries] == [False, True, False]
    assert deliveries[2].transient and deliveries[2].error == "held back"
    assert outbound.effects == [EditPrompt(5, 9, "edited")]


def test_new_messages_keep_their_order_and_ids(clock, outbound):
    effects = [SendText(5, "a"), SendText(5, "b")]
    deliveries = deliverer(outbound)._send_all([AnswerCallback("q")], effects)
    assert deliveries[0].message_id < deliveries[1].message_id
    assert AnswerCallback("q") in outbound.effects
    assert outbound.texts() == ["a", "b"]


def test_workers_run_calls_alongside_on_daemon_threads():
    workers = Workers(2, "test")
    release = threading.Event()
    blocked = workers.submit(lambda: release.wait(5) and "released")
    assert workers.submit(lambda: 6 * 7).result(timeout=5) == 42  # not behind the blocked one
    release.set()
    assert blocked.result(timeout=5) == "released"
    assert all(t.daemon for t in threading.enumerate() if t.name.startswith("test-"))


def test_a_failing_call_hands_its_error_to_the_waiter():
    def fail():
        raise ValueError("boom")

    future = Workers(1, "test-fail").submit(fail)
    assert isinstance(future.exception(timeout=5), ValueError)


def test_with_every_worker_busy_a_call_runs_in_the_callers_thread():
    workers = Workers(1, "test-busy")
    release = threading.Event()
    busy = workers.submit(lambda: release.wait(5))
    ran_in = workers.submit(lambda: threading.current_thread().name).result(timeout=5)
    assert ran_in == threading.current_thread().name  # not queued behind the busy one
    release.set()
    assert busy.result(timeout=5) is True
    assert workers.submit(lambda: threading.current_thread().name).result(timeout=5) == (
        "test-busy-0"  # free again: back on the worker
    )
