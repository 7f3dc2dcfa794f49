"""The bot's own long-polling loop (SPEC §7.1): fetch a batch, hand it to the inbox, confirm.

A batch is confirmed to Telegram (the next getUpdates' offset) as soon as `intake` has written
it to the inbox, never after handling, so no user's slow or flooding traffic holds back anyone
else's updates. If writing fails (the database is down), the offset stays where it was and
Telegram delivers the batch again. This thread makes no Bot API call besides getUpdates.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import requests
from telebot.apihelper import ApiTelegramException

__all__ = ["Poller"]

log = logging.getLogger(__name__)

MAX_POLL_BACKOFF_SECONDS = 5.0  # while Telegram is unreachable, ask again at least this often
CONFLICT = 409  # "terminated by other getUpdates request"

Fetch = Callable[[int | None, int], list[dict[str, Any]]]


class Poller:
    """getUpdates → intake (the inbox write) → the next getUpdates confirms the batch."""

    def __init__(
        self,
        fetch: Fetch,
        intake: Callable[[list[dict[str, Any]]], None],
        *,
        poll_timeout: int = 25,
        heartbeat: Callable[[], None] = lambda: None,
    ) -> None:
        self._fetch = fetch
        self._intake = intake
        self._poll_timeout = poll_timeout
        self._heartbeat = heartbeat
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="poller", daemon=True)
        self.offset: int | None = None  # the next update id to ask for: all below are in the inbox

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 0.5) -> None:
        """Stop asking for updates. A batch written but not yet confirmed is delivered again to
        the next start, which recognises it in the inbox."""
        self._stopped.set()
        self._thread.join(timeout=timeout)

    def _run(self) -> None:
        failures = 0
        while not self._stopped.is_set():
            self._heartbeat()
            try:
                updates = self._fetch(self.offset, self._poll_timeout)
                failures = 0
                if self._stopped.is_set():
                    return  # stopping: leave them unconfirmed
                self.take(updates)
            except (ApiTelegramException, requests.RequestException) as error:
                if self._stopped.is_set():
                    return
                failures += 1
                wait = min(MAX_POLL_BACKOFF_SECONDS, 0.5 * 2 ** min(failures, 6))
                if getattr(error, "error_code", None) == CONFLICT:
                    log.error(
                        "getUpdates answered 409: another process is polling this token; "
                        "retrying in %.1f s",
                        wait,
                    )
                else:
                    log.warning("getUpdates failed (%s); retrying in %.1f s", error, wait)
                self._stopped.wait(wait)
            except Exception:
                # the inbox could not be written (e.g. the database is down): the batch stays
                # unconfirmed and comes again
                failures += 1
                log.exception("writing updates to the inbox failed; they will come again")
                self._stopped.wait(min(MAX_POLL_BACKOFF_SECONDS, 0.5 * 2 ** min(failures, 6)))

    def take(self, updates: list[dict[str, Any]]) -> None:
        """Write a batch to the inbox; only then does the offset move past it (confirming it)."""
        ids = [u.get("update_id") for u in updates if isinstance(u.get("update_id"), int)]
        if not ids:
            return
        self._intake(updates)
        self.offset = max(ids) + 1
