"""Outbound pacing (SPEC §7.3): a global rate and a token bucket per chat.

Each caller waits in its own thread for its own slot, so a chat held back by its bucket never
delays other chats (no head-of-line blocking). Both limits use the generic cell rate algorithm:
a "theoretical arrival time" per bucket, moved on by one interval per message, with a burst
tolerance of (burst − 1) intervals.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

__all__ = ["Pacer", "RateBucket"]

_PRUNE_EVERY = 1000


class RateBucket:
    """`rate` messages per second on average, up to `burst` at once. Not thread-safe alone."""

    __slots__ = ("_arrival", "_interval", "_tolerance")

    def __init__(self, rate: float, burst: int) -> None:
        self._interval = 1.0 / rate
        self._tolerance = (max(1, burst) - 1) * self._interval
        self._arrival = float("-inf")

    def reserve(self, now: float) -> float:
        """Claim the next slot; returns the moment the message may go (>= now)."""
        send_at = max(now, self._arrival - self._tolerance)
        self._arrival = max(self._arrival, now) + self._interval
        return send_at

    def idle_since(self, now: float) -> bool:
        """True when the bucket is full again, i.e. it can be forgotten."""
        return self._arrival <= now


class Pacer:
    def __init__(
        self,
        global_per_second: float,
        per_chat_per_second: float,
        per_chat_burst: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        # A fifth of a second's worth at once: replies stay instant, any 1 s window stays
        # below rate + rate/5 (25/s configured → at most 29 in a second, Telegram allows 30).
        self._global = RateBucket(global_per_second, max(1, int(global_per_second / 5)))
        self._chat_rate = per_chat_per_second
        self._chat_burst = per_chat_burst
        self._chats: dict[int, RateBucket] = {}
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._calls = 0

    def wait_turn(self, chat_id: int | None) -> None:
        """Block the calling thread until this chat, then the bot as a whole, may send."""
        if chat_id is not None:
            with self._lock:
                now = self._clock()
                bucket = self._chats.get(chat_id)
                if bucket is None:
                    bucket = self._chats[chat_id] = RateBucket(self._chat_rate, self._chat_burst)
                send_at = bucket.reserve(now)
                self._prune(now)
            self._wait_until(send_at)
        with self._lock:
            send_at = self._global.reserve(self._clock())
        self._wait_until(send_at)

    def live_chats(self) -> int:
        with self._lock:
            return len(self._chats)

    def _wait_until(self, moment: float) -> None:
        delay = moment - self._clock()
        if delay > 0:
            self._sleep(delay)

    def _prune(self, now: float) -> None:
        """Forget full buckets now and then, so memory follows active chats, not all chats."""
        self._calls += 1
        if self._calls % _PRUNE_EVERY == 0:
            for chat_id in [c for c, b in self._chats.items() if b.idle_since(now)]:
                del self._chats[chat_id]
