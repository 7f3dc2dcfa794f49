"""At most two imports at once process-wide; a third is told to come back, not queued."""

from __future__ import annotations

import threading

import pytest

from wordbot.import_gate import MAX_CONCURRENT_IMPORTS, ImportGate
from wordbot.rendering.vocabulary import imports_busy


def test_two_imports_are_admitted_and_a_third_is_turned_away_at_once():
    gate = ImportGate()
    assert MAX_CONCURRENT_IMPORTS == 2
    assert [gate.try_acquire() for _ in range(3)] == [True, True, False]


def test_a_slot_given_back_admits_the_next_import():
    gate = ImportGate()
    gate.try_acquire()
    gate.try_acquire()
    gate.release()
    assert gate.try_acquire() is True


def test_slot_gives_the_slot_back_even_when_the_import_fails():
    gate = ImportGate(limit=1)
    with pytest.raises(RuntimeError), gate.slot() as admitted:
        assert admitted
        raise RuntimeError("parse failed")
    with gate.slot() as admitted_again:
        assert admitted_again


def test_a_turned_away_slot_gives_nothing_back():
    gate = ImportGate(limit=1)
    with gate.slot() as first:
        with gate.slot() as second:
            assert (first, second) == (True, False)
        with gate.slot() as third:
            assert third is False  # the refused `second` did not free a slot
    with pytest.raises(ValueError):
        gate.release()  # nothing is held any more


def test_the_gate_is_shared_by_threads():
    gate = ImportGate()
    admitted: list[bool] = []
    inside = threading.Barrier(3)

    def importer():
        admitted.append(gate.try_acquire())
        inside.wait(timeout=5)

    threads = [threading.Thread(target=importer) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=5)
    assert sorted(admitted) == [False, True, True]


def test_the_busy_answer_asks_to_try_again_in_a_minute():
    assert "in a minute" in imports_busy()
