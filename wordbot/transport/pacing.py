"""Outbound pacing (SPEC §7.3): a global rate and a token bucket per chat.

Each caller waits in its own thread for its own slot, so a chat held back by its bucket never
delays other chats (no head-of-line blocking). Both limits use the generic cell rate algorithm:
a "theoretical arrival time" per bucket, moved on by one interval per message, with a burst
tolerance of (burst − 1) intervals.

Broadcasts (reminders, which the bot sends on its own) never delay replies. With paid
broadcasts on they have a global bucket of their own (Telegram's paid limit is separate from
its free ~30/s). Otherwise they share the global bucket with replies but never reserve a slot
ahead: one broadcast at a time waits for a slot free at that moment, so a reply that comes
meanwhile takes the next slot, and a backlog of broadcasts queues behind the replies.
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

    def free_at(self) -> float:
        """The earliest moment a message may go without reserving ahead."""
        return self._arrival - self._tolerance


def _global_bucket(rate: float) -> RateBucket:
    # A fifth of a second's worth at once: replies stay instant, any 1 s window stays
    # below rate + rate/5 (25/s configured → at most 29 in a second, Telegram allows 30).
    return RateBucket(rate, max(1, int(rate / 5)))


class Pacer:
    """`broadcast_per_second`: the global pace of broadcasts on a bucket of their own (paid
    broadcasts); None: they share the global bucket, after replies."""

    def __init__(
        self,
        global_per_second: float,
        per_chat_per_second: float,
        per_chat_burst: int,
        *,
        broadcast_per_second: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._global = _global_bucket(global_per_second)
        self._broadcasts = (
            None if broadcast_per_second is None else _global_bucket(broadcast_per_second)
        )
        # one broadcast at a time waits for a free slot of the shared bucket
        self._broadcast_turn = threading.Lock()
        self._chat_rate = per_chat_per_second
        self._chat_burst = per_chat_burst
        self._chats: dict[int, RateBucket] = {}
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._calls = 0

    def wait_turn(self, chat_id: int | None, *, broadcast: bool = False) -> None:
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
        if not broadcast:
            self._wait_reserved(self._global)
        elif self._broadcasts is not None:
            self._wait_reserved(self._broadcasts)
        else:
            self._wait_for_a_free_slot()

    def _wait_reserved(self, bucket: RateBucket) -> None:
        with self._lock:
            send_at = bucket.reserve(self._clock())
        self._wait_until(send_at)

    def _wait_for_a_free_slot(self) -> None:
        """A broadcast on the shared bucket: only a slot free now, re-checked after each wait,
        because a reply may have taken the one it waited for."""
        with self._broadcast_turn:
            while True:
                with self._lock:
                    now = self._clock()
                    free_at = self._global.free_at()
                    if free_at <= now:
                        self._global.reserve(now)
                        return
                self._sleep(free_at - now)

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
