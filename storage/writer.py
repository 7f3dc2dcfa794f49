"""Group commit (issue 18): one thread commits the units of work of many callers, one
transaction per batch.

A caller submits a unit — a function that does its writes and returns a value — and waits on
its own future. The writer takes whatever is queued when it is free (up to MAX_BATCH; nothing
waits for a batch to fill, so a lone unit commits at once) and runs the batch in one
transaction. When that transaction fails, its members are tried again one by one, each in a
transaction of its own, so only the unit at fault sees its error: an innocent one is never
failed by its neighbour. A unit marked `alone` (a big import's apply, a /clear) commits in a
batch of its own, so it never lengthens its neighbours' hold of the writer (SPEC §7.6).

The writer knows nothing of users, actors or caches: a unit is only a function, and what the
caller does after the commit it does in its own thread once its future says so. It lives in
storage because it is how transactions are committed; `actors/unit_of_work.py` hands it the
units, the intake its inbox batches.

Fewer, busier threads: on SQLite one thread holds the one-writer lock and the others no longer
queue on it, and on PostgreSQL one pooled connection does the writing instead of a convoy of
actors waiting for the pool's few connections. On PostgreSQL a batch's hot-path writes are
also held and sent in one round trip (`deferred_writes`), since one thread pays every round
trip in turn.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from storage.database import database, deferred_writes, release_connection, transaction

__all__ = ["MAX_BATCH", "GroupCommitWriter", "InlineWriter", "Writer", "WriterStopped"]

log = logging.getLogger(__name__)

T = TypeVar("T")

MAX_BATCH = 64  # units per transaction: about 0.3 ms each, so a batch holds the writer ≤ ~20 ms
JOIN_SECONDS = 2.0  # within SPEC §7.5's 10 s, after the actors' 5


class WriterStopped(RuntimeError):
    """The writer was stopped before this unit was committed: nothing of it was written."""


class Writer(Protocol):
    def run(self, work: Callable[[], T], *, alone: bool = False) -> T: ...

    def submit(self, work: Callable[[], T], *, alone: bool = False) -> Future[T]: ...


class InlineWriter:
    """The caller's own thread and its own transaction: for tests that drive actors without
    threads, tools and benchmarks that write alone."""

    def run(self, work: Callable[[], T], *, alone: bool = False) -> T:
        if database.in_transaction():  # simply part of the caller's
            return work()
        try:
            with transaction():
                return work()
        finally:
            release_connection()

    def submit(self, work: Callable[[], T], *, alone: bool = False) -> Future[T]:
        future: Future[T] = Future()
        try:
            future.set_result(self.run(work))
        except BaseException as error:
            future.set_exception(error)
        return future


@dataclass(slots=True)
class _Unit:
    work: Callable[[], Any]
    future: Future
    alone: bool


_STOP = object()


class GroupCommitWriter:
    """The one writer thread. `start()` it once the database is open; `stop()` commits what is
    queued, then ends the thread (joined with a timeout; anything left fails cleanly)."""

    def __init__(self, max_batch: int = MAX_BATCH, name: str = "writer") -> None:
        self._max_batch = max_batch
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self._accepting = threading.Lock()  # submissions after stop() fail, never hang
        self._stopped = False
        self.batches = 0  # transactions committed with more than one unit (metrics, tests)
        self._units = self._transactions = 0
        self._busy = 0.0  # seconds spent committing

    def start(self) -> GroupCommitWriter:
        self._thread.start()
        return self

    def run(self, work: Callable[[], T], *, alone: bool = False) -> T:
        """Commit `work` and return its result, or raise its error (only its own)."""
        if threading.current_thread() is self._thread:  # a unit's own nested write
            return work()
        return self.submit(work, alone=alone).result()

    def submit(self, work: Callable[[], T], *, alone: bool = False) -> Future[T]:
        future: Future[T] = Future()
        with self._accepting:
            if self._stopped:
                future.set_exception(WriterStopped("the writer has stopped"))
                return future
            self._queue.put(_Unit(work, future, alone))
        return future

    def stop(self, timeout: float = JOIN_SECONDS) -> None:
        """Commit everything submitted so far, then end the thread; safe to call twice."""
        with self._accepting:
            if self._stopped:
                return
            self._stopped = True
            self._queue.put(_STOP)
        if self._thread.is_alive():
            self._thread.join(timeout)
        if self._thread.is_alive():
            log.warning("writer: still busy after %.0f s; its queued units are failed", timeout)
        self._fail_queued()
        log.info(
            "writer: %d units in %d transactions, %.1f s committing",
            self._units,
            self._transactions,
            self._busy,
        )

    def _fail_queued(self) -> None:
        while True:
            try:
                unit = self._queue.get_nowait()
            except queue.Empty:
                return
            if isinstance(unit, _Unit):
                unit.future.set_exception(WriterStopped("the writer has stopped"))

    # --- the writer thread ---------------------------------------------------------------------

    def _loop(self) -> None:
        carried: _Unit | None = None
        try:
            while True:
                first = carried if carried is not None else self._queue.get()
                carried = None
                if first is _STOP:
                    return
                batch, carried, stop = self._gather(first)
                began = time.perf_counter()
                self._commit(batch)
                self._busy += time.perf_counter() - began
                self._units += len(batch)
                if stop:
                    return
        finally:
            if carried is not None:
                carried.future.set_exception(WriterStopped("the writer has stopped"))
            with contextlib.suppress(Exception):
                release_connection()

    def _gather(self, first: _Unit) -> tuple[list[_Unit], _Unit | None, bool]:
        """`first` and whatever else is queued right now, up to the cap. Returns the batch, a
        unit that must commit alone (next time), and whether stop() came in meanwhile."""
        batch = [first]
        if first.alone:
            return batch, None, False
        while len(batch) < self._max_batch:
            try:
                unit = self._queue.get_nowait()
            except queue.Empty:
                break
            if unit is _STOP:
                return batch, None, True
            if unit.alone:
                return batch, unit, False
            batch.append(unit)
        return batch, None, False

    def _commit(self, batch: list[_Unit]) -> None:
        if len(batch) == 1:
            self._commit_alone(batch[0])
            return
        try:
            with database.atomic(), deferred_writes():
                results = [unit.work() for unit in batch]
        except BaseException as error:
            log.info(
                "writer: a batch of %d failed (%s: %s); its units are tried one by one",
                len(batch),
                type(error).__name__,
                error,
            )
            self._after_failure()
            for unit in batch:
                self._commit_alone(unit)
            return
        self.batches += 1
        self._transactions += 1
        for unit, result in zip(batch, results, strict=True):
            unit.future.set_result(result)

    def _commit_alone(self, unit: _Unit) -> None:
        try:
            with database.atomic(), deferred_writes():
                result = unit.work()
        except BaseException as error:
            self._after_failure()
            unit.future.set_exception(error)
            return
        self._transactions += 1
        unit.future.set_result(result)

    @staticmethod
    def _after_failure() -> None:
        """A failure may have broken the connection: the next unit takes a fresh one."""
        with contextlib.suppress(Exception):
            if not database.is_closed():
                database.close()
