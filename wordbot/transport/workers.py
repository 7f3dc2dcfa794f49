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
    """Like a thread pool, but its threads are daemons started on first use: a call stuck in a
    retry never keeps the process from exiting (SPEC §7.5), and an idle Sender costs no thread."""

    def __init__(self, count: int, name: str) -> None:
        self._count = count
        self._name = name
        self._tasks: queue.SimpleQueue[tuple[Callable[[], object], Future]] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def submit(self, call: Callable[[], T]) -> Future[T]:
        future: Future[T] = Future()
        self._tasks.put((call, future))
        if len(self._threads) < self._count:
            self._start_threads()
        return future

    def _start_threads(self) -> None:
        with self._lock:
            while len(self._threads) < self._count:
                thread = threading.Thread(
                    target=self._run, name=f"{self._name}-{len(self._threads)}", daemon=True
                )
                thread.start()
                self._threads.append(thread)

    def _run(self) -> None:
        while True:
            call, future = self._tasks.get()
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(call())
            except BaseException as error:  # handed to whoever waits on the future
                future.set_exception(error)
