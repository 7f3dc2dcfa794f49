"""The bot's own long-polling loop: an offset is confirmed only after its batch was handled (SPEC §7.1)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import pykka
import requests
from telebot.apihelper import ApiTelegramException

from wordbot.transport.updates import Incoming, parse_update

__all__ = ["Poller"]

log = logging.getLogger(__name__)

HANDLE_TIMEOUT_SECONDS = 120.0
BATCH_LIMIT = 100


class Poller:
    """getUpdates → dispatch each update → wait until all are handled → record the last id."""

    def __init__(
        self,
        fetch: Callable[[int | None, int], list[dict[str, Any]]],
        dispatch: Callable[[Incoming], pykka.Future | None],
        load_last_update_id: Callable[[], int | None],
        save_last_update_id: Callable[[int], None],
        *,
        poll_timeout: int = 25,
    ) -> None:
        self._fetch = fetch
        self._dispatch = dispatch
        self._load_last = load_last_update_id
        self._save_last = save_last_update_id
        self._poll_timeout = poll_timeout
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="poller", daemon=True)
        self._last_handled: int | None = None

    def start(self) -> None:
        self._last_handled = self._load_last()
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop asking for updates; a batch being handled is finished first (up to `timeout`)."""
        self._stopped.set()
        self._thread.join(timeout=timeout)

    def _run(self) -> None:
        failures = 0
        while not self._stopped.is_set():
            offset = None if self._last_handled is None else self._last_handled + 1
            try:
                updates = self._fetch(offset, self._poll_timeout)
                failures = 0
            except (ApiTelegramException, requests.RequestException) as error:
                failures += 1
                wait = min(30.0, 0.5 * 2 ** min(failures, 6))
                log.warning("getUpdates failed (%s); retrying in %.1f s", error, wait)
                self._stopped.wait(wait)
                continue
            if updates:
                self.handle_batch(updates)

    def handle_batch(self, updates: list[dict[str, Any]]) -> None:
        """Dispatch a batch, wait for every update to be handled, then record the last id."""
        pending: list[pykka.Future] = []
        newest = self._last_handled
        for update in updates:
            update_id = update.get("update_id")
            if not isinstance(update_id, int):
                continue
            if self._last_handled is not None and update_id <= self._last_handled:
                log.info("skipping replayed update %s", update_id)
                continue
            newest = update_id if newest is None else max(newest, update_id)
            incoming = parse_update(update)
            if incoming is None:
                continue
            future = self._dispatch(incoming)
            if future is not None:
                pending.append(future)
        for future in pending:
            try:
                future.get(timeout=HANDLE_TIMEOUT_SECONDS)
            except pykka.Timeout:
                log.error("an update was not handled within %.0f s", HANDLE_TIMEOUT_SECONDS)
        if newest is not None and newest != self._last_handled:
            self._save_last(newest)
            self._last_handled = newest
