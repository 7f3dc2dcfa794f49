"""A recording Outbound for actor tests: keeps every effect, numbers sent messages like Telegram."""

from __future__ import annotations

import itertools
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field

from wordbot.effects import Delivery, Effect, SendDocument, SendText


@dataclass
class RecordingOutbound:
    files: dict[str, bytes] = field(default_factory=dict)
    effects: list[Effect] = field(default_factory=list)
    fail_for_chat: set[int] = field(default_factory=set)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(100))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def perform(self, effect: Effect) -> Delivery:
        if getattr(effect, "chat_id", None) in self.fail_for_chat:
            raise RuntimeError("injected failure")
        with self._lock:
            self.effects.append(effect)
            if isinstance(effect, SendText | SendDocument):
                return Delivery(ok=True, message_id=next(self._ids))
        return Delivery(ok=True)

    def perform_soon(self, effect: Effect) -> Future[Delivery]:
        """At once, in this thread: tests see the same order every run."""
        future: Future[Delivery] = Future()
        try:
            future.set_result(self.perform(effect))
        except Exception as error:
            future.set_exception(error)
        return future

    def download(self, file_id: str, max_bytes: int = 20 * 1024 * 1024) -> bytes | None:
        return self.files.get(file_id)

    def texts(self, chat_id: int | None = None) -> list[str]:
        with self._lock:
            return [
                e.text
                for e in self.effects
                if isinstance(e, SendText) and (chat_id is None or e.chat_id == chat_id)
            ]
