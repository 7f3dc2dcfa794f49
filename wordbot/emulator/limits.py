"""Telegram's flood limits on outgoing messages, approximated with token buckets.

Telegram documents: about 30 messages per second overall, no more than about one
message per second in one chat (short bursts tolerated), and at most 20 messages per
minute in a group. A message sent with `allow_paid_broadcast` ignores the 30/s limit and may
go at up to 1000 per second (for 0.1 Star each). `RateLimiter` models exactly that:

* a global bucket holding `global_per_second` tokens, refilled at `global_per_second`/s;
* a paid broadcast bucket holding `paid_per_second` tokens, refilled at `paid_per_second`/s,
  which paid broadcasts take from instead of the global one;
* a bucket per chat holding `burst` tokens, refilled at `per_chat_per_second`/s;
* for groups (negative chat ids) also a sliding 60-second window of `per_chat_per_minute`.

Every outgoing message (send or edit) takes one token from each bucket that applies. When
any of them is empty the call is refused with nothing taken, and `retry_after` is the whole
number of seconds (at least 1) until every bucket would let it through, as Telegram's
`retry_after` is.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from dataclasses import dataclass

__all__ = ["RateLimiter", "RateLimits"]


@dataclass(frozen=True, slots=True)
class RateLimits:
    global_per_second: float = 30.0
    per_chat_per_second: float = 1.0
    burst: int = 5
    per_chat_per_minute: int = 20
    paid_per_second: float = 1000.0


@dataclass(slots=True)
class _Bucket:
    capacity: float
    rate: float
    tokens: float
    updated: float

    def refill(self, now: float) -> None:
        elapsed = max(0.0, now - self.updated)  # a wall clock may step back
        self.tokens = min(self.capacity, self.tokens + elapsed * self.rate)
        self.updated = max(self.updated, now)

    def wait_seconds(self) -> float:
        return 0.0 if self.tokens >= 1.0 else (1.0 - self.tokens) / self.rate


class RateLimiter:
    """Admits or refuses outgoing messages; thread-safe; `now` is the emulator's clock in seconds."""

    def __init__(self, limits: RateLimits) -> None:
        self.limits = limits
        self._lock = threading.Lock()
        self._global: _Bucket | None = None
        self._paid: _Bucket | None = None
        self._chats: dict[int, _Bucket] = {}
        self._group_windows: dict[int, deque[float]] = {}

    def admit(self, chat_id: int, now: float, *, paid: bool = False) -> int | None:
        """Take a token for one message to `chat_id` (`paid`: a paid broadcast); None when
        admitted, else retry_after."""
        limits = self.limits
        with self._lock:
            if paid:
                if self._paid is None:
                    self._paid = _full_bucket(limits.paid_per_second, now)
                overall = self._paid
            else:
                if self._global is None:
                    self._global = _full_bucket(limits.global_per_second, now)
                overall = self._global
            chat = self._chats.get(chat_id)
            if chat is None:
                chat = _Bucket(float(limits.burst), limits.per_chat_per_second, limits.burst, now)
                self._chats[chat_id] = chat
            overall.refill(now)
            chat.refill(now)
            waits = [overall.wait_seconds(), chat.wait_seconds()]
            window = None
            if chat_id < 0:
                window = self._group_windows.setdefault(chat_id, deque())
                while window and window[0] <= now - 60.0:
                    window.popleft()
                if len(window) >= limits.per_chat_per_minute:
                    waits.append(window[0] + 60.0 - now)
            wait = max(waits)
            if wait > 0:
                return max(1, math.ceil(wait))
            overall.tokens -= 1.0
            chat.tokens -= 1.0
            if window is not None:
                window.append(now)
            return None


def _full_bucket(per_second: float, now: float) -> _Bucket:
    """A second's worth of messages at once, refilled at `per_second`."""
    return _Bucket(per_second, per_second, per_second, now)
