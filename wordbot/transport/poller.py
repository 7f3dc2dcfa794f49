"""The bot's own long-polling loop (SPEC §7.1): an update is confirmed to Telegram only once it
and every update before it were handled, and the last handled id is stored.

Updates are dispatched as they arrive; the poller never waits for a batch to finish, so a
slow user (a flood held back by its own pacing, a big import) delays nobody else. What it
confirms is the watermark: everything below the oldest update still in flight. Telegram
delivers the unconfirmed ones again; those already in flight are not dispatched again.

The next getUpdates confirms the watermark at once, so it is written to the database only
when that confirmation is held up — getUpdates failing (an outage) — and at stop: a restart
then skips what was handled but never confirmed. (The changes an update makes are guarded
per user anyway, SPEC §7.3.)
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pykka
import requests
from telebot.apihelper import ApiTelegramException

from wordbot import systemd
from wordbot.clock import Clock
from wordbot.transport.updates import Incoming, parse_update

__all__ = ["Poller"]

log = logging.getLogger(__name__)

MAX_POLL_BACKOFF_SECONDS = 5.0  # while Telegram is unreachable, ask again at least this often
BUSY_WAIT_SECONDS = 0.2  # with updates in flight and none finishing: look again this often
# With updates still in flight a getUpdates brings them all back (up to 100 to decode: a third
# of the bot's CPU in a profile of B2), so while any are in flight the poller asks at most
# this often; once all are handled it asks at once.
REFETCH_SPACING_SECONDS = 0.02
# Telegram numbers updates sequentially, but after a week without updates it may start anywhere:
# an older record says nothing about which ids are replays.
SEQUENTIAL_IDS_FOR = timedelta(days=7)

LastUpdate = tuple[int, datetime]


class Poller:
    """getUpdates → dispatch each new update → confirm and record the handled watermark."""

    def __init__(
        self,
        fetch: Callable[[int | None, int], list[dict[str, Any]]],
        dispatch: Callable[[Incoming, pykka.Future], bool],
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
        self._last: LastUpdate | None = None  # every update up to this id is handled
        self._stored: LastUpdate | None = None  # what the database holds
        self._in_flight: dict[int, pykka.Future] = {}
        self._newest: int | None = None  # the newest update id seen and not a replay
        self._oldest: int | None = None  # the first one of this run
        self._handled: set[int] = set()  # handled above the watermark (not yet confirmed)
        self._finished = threading.Event()  # an update in flight was handled
        self._last_fetch = 0.0  # time.monotonic() of the last getUpdates

    def start(self) -> None:
        self._last = self._stored = self._load_last()
        self._thread.start()

    def stop(self, timeout: float = 0.5) -> None:
        """Stop asking for updates. Updates in flight are finished by their actors; what is
        not confirmed by then Telegram delivers again to the next start."""
        self._stopped.set()
        self._thread.join(timeout=timeout)
        self._store_while_unconfirmed()

    def _run(self) -> None:
        failures = 0
        while not self._stopped.is_set():
            systemd.watchdog()  # WATCHDOG=1 each turn (SPEC §16); a no-op outside systemd
            try:
                if self._in_flight:
                    # Telegram answers at once while anything is unconfirmed: rather than
                    # fetch the in-flight updates again in the middle of their handling, wait
                    # until one of them is handled (a new update waits at most this long).
                    self._finished.wait(BUSY_WAIT_SECONDS)
                self._finished.clear()
                self.record_progress()
                if self._in_flight:
                    self._stopped.wait(
                        self._last_fetch + REFETCH_SPACING_SECONDS - time.monotonic()
                    )
                offset = None if self._last is None else self._last[0] + 1
                timeout = 0 if self._in_flight else self._poll_timeout
                self._last_fetch = time.monotonic()
                updates = self._fetch(offset, timeout)
                failures = 0
                if self._stopped.is_set():
                    return  # stopping: leave them unconfirmed
                self.dispatch_new(updates)
            except (ApiTelegramException, requests.RequestException) as error:
                if self._stopped.is_set():
                    return
                failures += 1
                wait = min(MAX_POLL_BACKOFF_SECONDS, 0.5 * 2 ** min(failures, 6))
                log.warning("getUpdates failed (%s); retrying in %.1f s", error, wait)
                self._store_while_unconfirmed()
                self._stopped.wait(wait)
            except Exception:
                # anything unforeseen (a malformed answer, a failing dispatch): the in-memory
                # watermark keeps replays out; carry on polling.
                log.exception("polling step failed; polling goes on")
                self._stopped.wait(1)

    def dispatch_new(self, updates: list[dict[str, Any]]) -> int:
        """Dispatch updates not seen before, in order; returns how many were new."""
        now = self._clock.now()
        new = 0
        for update in updates:
            update_id = update.get("update_id")
            if not isinstance(update_id, int) or update_id in self._in_flight:
                continue
            if update_id in self._handled:  # handled, not yet confirmed: delivered again
                continue
            if self._is_replay(update_id, now):
                continue
            new += 1
            self._newest = update_id if self._newest is None else max(self._newest, update_id)
            self._oldest = update_id if self._oldest is None else min(self._oldest, update_id)
            incoming = parse_update(update)
            completion = _Completion(self._finished)
            if incoming is not None and self._dispatch(incoming, completion):
                self._in_flight[update_id] = completion
            else:
                self._handled.add(update_id)
        return new

    def record_progress(self) -> None:
        """Drop finished updates; move the watermark up (below the oldest still in flight)."""
        for update_id in [u for u, future in self._in_flight.items() if _done(future)]:
            del self._in_flight[update_id]
            self._handled.add(update_id)
        if self._newest is None:
            return
        watermark = min(self._in_flight) - 1 if self._in_flight else self._newest
        if self._last is None and watermark < self._oldest:
            return  # the very first update is still in flight
        if self._last is None or watermark > self._last[0]:
            self._last = (watermark, self._clock.now())  # getUpdates confirms from here
            self._handled = {u for u in self._handled if u > watermark}

    def store_progress(self) -> None:
        """Write the watermark to the database, if it moved since the last write."""
        if self._last is not None and self._last != self._stored:
            self._save_last(*self._last)
            self._stored = self._last

    def _store_while_unconfirmed(self) -> None:
        """Confirming is held up (getUpdates fails, or the bot stops): a restart must know."""
        try:
            self.record_progress()
            self.store_progress()
        except Exception:  # e.g. the database is down too: the next failure tries again
            log.exception("storing the last handled update failed")

    def _is_replay(self, update_id: int, now: datetime) -> bool:
        if self._last is None or update_id > self._last[0]:
            return False
        if now - self._last[1] < SEQUENTIAL_IDS_FOR:
            return True
        self._last = self._newest = self._oldest = None  # a week of silence: ids may restart
        return False


class _Completion(pykka.ThreadingFuture):
    """Set by whoever handled the update; wakes the poller to confirm it and fetch more."""

    def __init__(self, finished: threading.Event) -> None:
        super().__init__()
        self._finished = finished

    def set(self, value: Any = None) -> None:
        super().set(value)
        self._finished.set()

    def set_exception(self, exc_info: Any = None) -> None:
        super().set_exception(exc_info)
        self._finished.set()


def _done(future: pykka.Future, timeout: float = 0) -> bool:
    try:
        future.get(timeout=timeout)
    except pykka.Timeout:
        return False
    except Exception:  # the handler failed: it is finished all the same
        return True
    return True
