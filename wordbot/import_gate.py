"""At most two imports at once in the whole process (SPEC §7.6).

An import parses up to 5 MB and writes up to 20,000 rows; two at a time keep the machine
responsive for everyone else. A third user is not queued behind them (their actor would sit
blocked): `try_acquire` answers at once, and the user is told to try again in a minute
(`rendering.vocabulary.imports_busy`). One ImportGate is made at start-up and shared by every
actor; the limit is an argument, not module state.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["MAX_CONCURRENT_IMPORTS", "ImportGate"]

MAX_CONCURRENT_IMPORTS = 2


class ImportGate:
    """A non-blocking counting gate: `with gate.slot() as admitted: if not admitted: ...`."""

    def __init__(self, limit: int = MAX_CONCURRENT_IMPORTS) -> None:
        self._slots = threading.BoundedSemaphore(limit)

    def try_acquire(self) -> bool:
        """Take a slot if one is free; never waits."""
        return self._slots.acquire(blocking=False)

    def release(self) -> None:
        """Give back a slot taken by `try_acquire` (ValueError if none was taken)."""
        self._slots.release()

    @contextmanager
    def slot(self) -> Iterator[bool]:
        """Yields whether a slot was free; a slot taken is given back on leaving, errors too."""
        admitted = self.try_acquire()
        try:
            yield admitted
        finally:
            if admitted:
                self.release()
