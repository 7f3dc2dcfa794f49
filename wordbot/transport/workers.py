"""A fixed set of daemon threads for calls that may run alongside the caller's own."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar

__all__ = ["Workers"]

T = TypeVar("T")


class Workers:
    """Like a thread pool, with two differences. Its threads are daemons started on first use:
    a call stuck in a retry never keeps the process from exiting (SPEC §7.5). And a call never
    queues behind busy threads: with none free (e.g. all retrying through an outage) it runs
    in the caller's thread, so one user's waiting never delays another's."""

    def __init__(self, count: int, name: str) -> None:
        self._count = count
        self._name = name
        self._tasks: queue.SimpleQueue[tuple[Callable[[], object], Future]] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._idle = 0
        self._lock = threading.Lock()

    def submit(self, call: Callable[[], T]) -> Future[T]:
        future: Future[T] = Future()
        with self._lock:
            if self._idle:
                self._idle -= 1  # that thread takes this call
                spare = True
            elif len(self._threads) < self._count:
                self._start_thread()
                spare = True
            else:
                spare = False
        if spare:
            self._tasks.put((call, future))
        else:
            _run(call, future)
        return future

    def _start_thread(self) -> None:
        thread = threading.Thread(
            target=self._work, name=f"{self._name}-{len(self._threads)}", daemon=True
        )
        thread.start()
        self._threads.append(thread)

    def _work(self) -> None:
        while True:
            call, future = self._tasks.get()
            _run(call, future, before_settling=self._free)

    def _free(self) -> None:
        """Counted free before the caller hears back, so its next call finds this thread."""
        with self._lock:
            self._idle += 1


def _run(
    call: Callable[[], T], future: Future[T], before_settling: Callable[[], None] = lambda: None
) -> None:
    if not future.set_running_or_notify_cancel():
        before_settling()
        return
    try:
        result = call()
    except BaseException as error:  # handed to whoever waits on the future
        before_settling()
        future.set_exception(error)
        return
    before_settling()
    future.set_result(result)
