"""Best-effort notices (a group's "private chats only", a flooding user's "slow down") sent by a
thread of their own from a bounded queue, so the thread that polls and confirms never makes a
Bot API call or waits for one (SPEC §7.6). A full queue drops the notice: it is only a notice."""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
from collections.abc import Callable

from wordbot.effects import Delivery, Effect

__all__ = ["Notices"]

log = logging.getLogger(__name__)

_STOP = object()


class Notices:
    def __init__(self, perform: Callable[[Effect], Delivery], capacity: int = 100) -> None:
        self._perform = perform
        self._queue: queue.Queue = queue.Queue(maxsize=capacity)
        self._thread = threading.Thread(target=self._run, name="notices", daemon=True)
        self.dropped = 0

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 1.0) -> None:
        with contextlib.suppress(queue.Full):  # then the daemon thread goes with the process
            self._queue.put_nowait(_STOP)
        self._thread.join(timeout=timeout)

    def offer(self, effect: Effect) -> bool:
        """Queue a notice without ever waiting; False when it was dropped."""
        try:
            self._queue.put_nowait(effect)
        except queue.Full:
            self.dropped += 1
            return False
        return True

    def _run(self) -> None:
        while True:
            effect = self._queue.get()
            if effect is _STOP:
                return
            try:
                self._perform(effect)
            except Exception:
                log.exception("sending a notice failed")
