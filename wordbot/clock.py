"""Time as an injected dependency: the system clock in production, a fake one in tests.

`WORDBOT_TEST_CLOCK_OFFSET_SECONDS` is a test hook, not configuration: end-to-end tests
set it so the real process runs on a shifted wall clock (a reminder slot a known number
of seconds ahead, whatever the hour the test starts). Unset, as in production, the clock
is the plain system clock. It is read by `wordbot run` only.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Protocol

__all__ = ["TEST_CLOCK_OFFSET_ENV", "Clock", "FakeClock", "SystemClock", "system_clock"]

TEST_CLOCK_OFFSET_ENV = "WORDBOT_TEST_CLOCK_OFFSET_SECONDS"


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class SystemClock:
    """The wall clock, shifted by `offset` (zero except under the test hook)."""

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self.offset = offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


def system_clock(environ: Mapping[str, str]) -> SystemClock:
    """The system clock, shifted by the test hook's seconds if `environ` sets it (a float,
    negative allowed); ValueError naming the variable if it is not a number."""
    raw = environ.get(TEST_CLOCK_OFFSET_ENV, "").strip()
    if not raw:
        return SystemClock()
    try:
        seconds = float(raw)
    except ValueError:
        raise ValueError(
            f"{TEST_CLOCK_OFFSET_ENV}: expected a number of seconds, got {raw!r}"
        ) from None
    return SystemClock(timedelta(seconds=seconds))


class FakeClock:
    """A clock that only moves when a test advances it."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        with self._lock:
            self._now += delta if delta is not None else timedelta(**kwargs)
            return self._now

    def set(self, moment: datetime) -> None:
        with self._lock:
            self._now = moment
