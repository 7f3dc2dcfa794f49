"""The retention dial in the background (SPEC §12): the Scheduler actor hands learners to a
`DialWorker`, which works their dials out one at a time in a thread of its own, never in a
user's actor, and caches each in the database (`storage.retention_dials`). The Learning screen
reads the cache.

Decisions where the SPEC is silent:
* The queue holds at most `DIAL_QUEUE` learners; a learner already queued is not queued twice,
  and one asked for while the queue is full is dropped (logged): their screen keeps saying the
  dial is being worked out, and the next visit asks again.
* A dial that is fresh when its turn comes is not worked out again (a learner who opened the
  screen twice, or one fitted and asking at once).
* The thread ends when the queue is empty and starts again with the next request.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from datetime import datetime

from actors.messages import SessionKey
from storage import retention_dials, review_log, users, vocabulary
from storage.database import database
from wordbot.domain.fsrs_schedule import DEFAULT_PARAMETERS
from wordbot.domain.retention_dial import (
    DialStatus,
    RetentionDial,
    dial_situation,
    dial_status,
    rating_habits,
)
from wordbot.learning.dial import simulate_dial

__all__ = ["DIAL_QUEUE", "DialWorker", "work_out_dial"]

DIAL_QUEUE = 256

log = logging.getLogger(__name__)

Compute = Callable[[SessionKey], object]


def work_out_dial(key: SessionKey, now: datetime, simulate=simulate_dial) -> RetentionDial | None:
    """Work out and store `key`'s dial unless the stored one is fresh; returns the dial in
    the cache (None: no learner, or no simulator). Blocking and CPU-heavy: a worker thread's
    job, and the bot passes a `SimulatorProcess` as `simulate` (the default runs in this
    process, holding the GIL). No connection is held while the simulator runs."""
    with database.connection_context():
        learner = users.load_learner(key.user_id)
        if learner is None:
            return None
        word_count = vocabulary.count_pairs(key.user_id)
        stored = retention_dials.load_dial(key.user_id)
    wanted = dial_situation(
        parameters=learner.fsrs_parameters,
        fitted_at=learner.fitted_at,
        fitted_on_reviews=learner.fitted_on_reviews,
        word_count=word_count,
        new_cards_per_day=learner.new_cards_per_day,
        desired_retention=learner.desired_retention,
    )
    if dial_status(stored, wanted) is DialStatus.FRESH:
        return stored
    parameters = learner.fsrs_parameters if wanted.personal else DEFAULT_PARAMETERS
    with database.connection_context():
        habits = rating_habits(review_log.rating_counts(key.user_id))
    points = simulate(parameters, wanted, habits)
    if points is None:
        return None
    dial = RetentionDial(wanted, points, now)
    with database.connection_context():
        retention_dials.store_dial(key.user_id, dial)
    log.info(
        "retention dial: user %s worked out (%s parameters, %d words)",
        key.user_id,
        "personal" if wanted.personal else "default",
        wanted.deck_size,
    )
    return dial


class DialWorker:
    """One learner's dial at a time, in one daemon thread, from a bounded queue of learners."""

    def __init__(self, compute: Compute, capacity: int = DIAL_QUEUE) -> None:
        self._compute = compute
        self._capacity = capacity
        self._queue: deque[SessionKey] = deque()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._idle = threading.Event()
        self._idle.set()

    def want(self, key: SessionKey) -> bool:
        """Queue `key`'s dial; False when the queue is full (dropped, logged)."""
        with self._lock:
            if key in self._queue:
                return True
            if len(self._queue) >= self._capacity:
                log.warning("retention dial: queue full, %s dropped", key)
                return False
            self._queue.append(key)
            if self._thread is None:
                self._idle.clear()
                self._thread = threading.Thread(
                    target=self._run, name="retention-dial", daemon=True
                )
                self._thread.start()
        return True

    @property
    def queued(self) -> int:
        with self._lock:
            return len(self._queue)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until the queue is empty and nothing is being worked out; False on timeout."""
        return self._idle.wait(timeout)

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._queue:
                    self._thread = None
                    self._idle.set()
                    return
                key = self._queue.popleft()
            try:
                self._compute(key)
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException:  # noqa: BLE001 - a Rust panic too: the worker must live on
                log.exception("retention dial: %s failed; the next visit asks again", key)
