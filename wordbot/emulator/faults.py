"""Injected failures: error answers and held (slow) requests, each for the next N matching calls."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from wordbot.emulator.errors import ApiError

__all__ = ["FaultPlan"]

_DESCRIPTIONS = {
    429: "Too Many Requests: retry after {retry_after}",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


@dataclass(slots=True)
class _Fault:
    method: str | None
    status: int
    remaining: int
    retry_after: int | None
    description: str | None
    chat_id: int | None = None  # None: any chat (and calls without one)

    def error(self) -> ApiError:
        retry_after = self.retry_after if self.retry_after is not None else 1
        template = self.description or _DESCRIPTIONS.get(self.status, "Injected failure")
        parameters = {"retry_after": retry_after} if self.status == 429 else None
        return ApiError(self.status, template.format(retry_after=retry_after), parameters)


@dataclass(slots=True)
class _Delay:
    method: str | None
    seconds: float
    remaining: int


class FaultPlan:
    """The faults still to happen; `method=None` matches every method (getUpdates included)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[_Fault] = []
        self._delays: list[_Delay] = []

    def add_fault(
        self,
        method: str | None,
        status: int,
        count: int,
        retry_after: int | None = None,
        description: str | None = None,
        chat_id: int | None = None,
    ) -> None:
        with self._lock:
            self._faults.append(_Fault(method, status, count, retry_after, description, chat_id))

    def add_delay(self, method: str | None, seconds: float, count: int) -> None:
        with self._lock:
            self._delays.append(_Delay(method, seconds, count))

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
            self._delays.clear()

    def take_delay(self, method: str) -> float:
        """Seconds to hold this call before answering (0 when none is planned)."""
        with self._lock:
            delay = _take(self._delays, method)
            return delay.seconds if delay else 0.0

    def take_fault(self, method: str, chat_id: object = None) -> ApiError | None:
        """The error this call (to `chat_id`, if it names one) must answer with, if planned."""
        with self._lock:
            fault = _take(self._faults, method, chat_id)
            return fault.error() if fault else None


def _take(plans: list, method: str, chat_id: object = None):  # type: ignore[no-untyped-def]
    for plan in plans:
        wanted_chat = getattr(plan, "chat_id", None)
        if wanted_chat is not None and str(wanted_chat) != str(chat_id):
            continue
        if plan.method is None or plan.method.lower() == method.lower():
            plan.remaining -= 1
            if plan.remaining <= 0:
                plans.remove(plan)
            return plan
    return None
