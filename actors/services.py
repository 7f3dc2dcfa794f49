"""What every actor needs from outside: settings, the clock and the outbound sender."""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass
from typing import Protocol

from wordbot.clock import Clock
from wordbot.config import Settings
from wordbot.effects import Delivery, Effect

__all__ = ["Outbound", "Services"]


class Outbound(Protocol):
    def perform(self, effect: Effect) -> Delivery: ...

    def perform_soon(self, effect: Effect) -> Future[Delivery]: ...

    def download(self, file_id: str, max_bytes: int = ...) -> bytes | None: ...


@dataclass(frozen=True, slots=True)
class Services:
    settings: Settings
    clock: Clock
    outbound: Outbound
