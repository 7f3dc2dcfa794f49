"""The bot's own long-polling loop: an offset is confirmed only after its batch was handled (SPEC §7.1)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pykka
import requests
from telebot.apihelper import ApiTelegramException

from wordbot.clock import Clock
from wordbot.transport.updates import Incoming, parse_update

__all__ = ["Poller"]

log = logging.getLogger(__name__)

HANDLE_TIMEOUT_SECONDS = 120.0
MAX_POLL_BACKOFF_SECONDS = 5.0  # while Telegram is unreachable, ask again at least this often
# Telegram numbers updates sequentially, but after a week without updates it may start anywhere:
# an older record says nothing about which ids are replays.
SEQUENTIAL_IDS_FOR = timedelta(days=7)

LastUpdate = tuple[int, datetime]


class Poller:
    """getUpdates → dispatch each update → wait until all are handled → record the last id."""

    def __init__(
        self,
        fetch: Callable[[int | None, int], list[dict[str, Any]]],
        dispatch: Callable[[Incoming], pykka.Future | None],
        load_last_update: Callable[[], LastUpdate | None],
        save_last_update: Callable[[int, datetime], None],
        clock: Clock,
        *,
        poll_timeout: int = 25,
    ) -> None:
        self._fetch = fetch
        self._dispatch = dispatch
        self._load_last = load_last_update
        self._save_last = save_last_update
        self._clock = clock
        self._poll_timeout = poll_timeout
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="poller", daemon=True)
        self._last: LastUpdate | None = None
        self._handling = threading.Event()

    def start(self) -> None:
        self._last = self._load_last()
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        """Stop asking for updates; a batch being handled is finished first (up to `timeout`).

        A long poll in flight is abandoned: whatever it returns is left unconfirmed, so
        Telegram delivers it again to the next start.
        """
        self._stopped.set()
        if self._handling.is_set():
            self._thread.join(timeout=timeout)

    def _run(self) -> None:
        failures = 0
        while not self._stopped.is_set():
            offset = None if self._last is None else self._last[0] + 1
            try:
                updates = self._fetch(offset, self._poll_timeout)
                failures = 0
            except (ApiTelegramException, requests.RequestException) as error:
                if self._stopped.is_set():
                    return
                failures += 1
                wait = min(MAX_POLL_BACKOFF_SECONDS, 0.5 * 2 ** min(failures, 6))
                log.warning("getUpdates failed (%s); retrying in %.1f s", error, wait)
                self._stopped.wait(wait)
                continue
            except Exception:
                log.exception("getUpdates failed unexpectedly; retrying in 5 s")
                self._stopped.wait(5)
                continue
            self._handling.set()  # before looking at _stopped: stop() then waits for the batch
            try:
                if updates and not self._stopped.is_set():  # stopping: leave them unconfirmed
                    self.handle_batch(updates)
            except Exception:
                # e.g. the database is down while recording the batch: the handlers answered
                # already and the in-memory last id keeps replays out; carry on polling.
                log.exception("handling a batch of updates failed; polling goes on")
            finally:
                self._handling.clear()

    def handle_batch(self, updates: list[dict[str, Any]]) -> None:
        """Dispatch a batch, wait for every update to be handled, then record the last id."""
        pending: list[pykka.Future] = []
        newest: int | None = None
        now = self._clock.now()
        for update in updates:
            update_id = update.get("update_id")
            if not isinstance(update_id, int):
                continue
            if self._is_replay(update_id, now):
                log.info("skipping replayed update %s", update_id)
                continue
            newest = update_id if newest is None else max(newest, update_id)
            incoming = parse_update(update)
            if incoming is not None:
                future = self._dispatch(incoming)
                if future is not None:
                    pending.append(future)
        for future in pending:
            try:
                future.get(timeout=HANDLE_TIMEOUT_SECONDS)
            except pykka.Timeout:
                log.error("an update was not handled within %.0f s", HANDLE_TIMEOUT_SECONDS)
        if newest is not None:
            self._last = (newest, self._clock.now())  # first: getUpdates confirms from here
            self._save_last(*self._last)

    def _is_replay(self, update_id: int, now: datetime) -> bool:
        if self._last is None:
            return False
        last_id, handled_at = self._last
        return update_id <= last_id and now - handled_at < SEQUENTIAL_IDS_FOR
