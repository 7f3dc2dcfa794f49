"""The retention dial's figures (SPEC §12) from fsrs-rs-python's simulator.

`simulate_dial` runs the simulator once per retention and seed (about 0.1 s each for 10,000
words over a year on this machine). fsrs-rs-python holds the GIL while it simulates, so in the
bot's own process every thread (every actor) would stand still meanwhile: the bot runs it
through `SimulatorProcess`, in a process of its own, from the dial worker's thread, never in a
user's actor. Where fsrs-rs-python cannot be imported, `dial_available` logs one line and is
False, and no dial is shown.

Decisions where the SPEC is silent:
* The simulator plays the bot's own rules: learning steps 2 (1 and 10 min), relearning 1,
  the 8th lapse suspends a card (leeches), no cap on reviews or time a day (the bot has none),
  `new_cards_per_day` new words a day, intervals up to 100 years.
* Its rating habits are the learner's own once they have graded enough
  (`wordbot.domain.retention_dial.rating_habits`), else fsrs-rs's defaults (Anki users').
* Each retention is simulated with the same three seeds and averaged, so the points differ by
  the retention, not by luck.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from functools import lru_cache
from multiprocessing.connection import wait
from types import ModuleType

from wordbot.domain.fsrs_schedule import LEECH_LAPSES, parse_parameters
from wordbot.domain.retention_dial import DialPoint, DialSituation, RatingHabits

__all__ = ["SEEDS", "SimulatorProcess", "dial_available", "simulate_dial"]

SEEDS = (11, 12, 13)
_NO_DAILY_CAP = 1e9  # seconds of work a day: the bot never holds reviews back
_MAX_INTERVAL_DAYS = 36_500.0

log = logging.getLogger(__name__)


def dial_available() -> bool:
    return _fsrs_rs() is not None


def simulate_dial(
    parameters: Sequence[float], situation: DialSituation, habits: RatingHabits | None = None
) -> tuple[DialPoint, ...] | None:
    """One point per retention of `situation`, for `parameters` and the learner's rating
    `habits` (None or a None share: the simulator's defaults); None without the simulator,
    for weights outside FSRS-6's bounds, or when the simulator fails (logged)."""
    fsrs_rs = _fsrs_rs()
    if fsrs_rs is None:
        return None
    weights = parse_parameters(list(parameters))
    if weights is None:  # fsrs-rs panics on them, and a panic is not an Exception
        log.warning("retention dial: parameters outside FSRS-6's bounds, no dial")
        return None
    config = fsrs_rs.default_simulator_config()
    config.deck_size = situation.deck_size
    config.learn_span = situation.days
    config.learn_limit = situation.new_cards_per_day
    config.max_cost_perday = _NO_DAILY_CAP
    config.max_ivl = _MAX_INTERVAL_DAYS
    config.suspend_after_lapses = LEECH_LAPSES
    if habits is not None and habits.first is not None:
        config.first_rating_prob = list(habits.first)
    if habits is not None and habits.review is not None:
        config.review_rating_prob = list(habits.review)
    points = []
    try:
        for retention in situation.retentions:
            reviews = recalled = 0.0
            for seed in SEEDS:
                result = fsrs_rs.simulate(list(weights), retention, config, seed)
                reviews += sum(result.review_cnt_per_day) + sum(result.learn_cnt_per_day)
                recalled += result.memorized_cnt_per_day[-1]
            points.append(DialPoint(retention, reviews / len(SEEDS), recalled / len(SEEDS)))
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as error:  # noqa: BLE001 - a Rust panic is pyo3's PanicException
        log.warning("retention dial: the simulator failed (%s: %s)", type(error).__name__, error)
        return None
    return tuple(points)


class SimulatorProcess:
    """`simulate_dial` in one child process (spawned on first use, kept for the next dial):
    the simulator holds the GIL, and there it holds only its own. A child that dies or hangs
    gives no dial (logged) and is replaced at the next one."""

    def __init__(self, timeout: float = 300.0) -> None:
        self._timeout = timeout
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def __call__(
        self,
        parameters: Sequence[float],
        situation: DialSituation,
        habits: RatingHabits | None = None,
    ) -> tuple[DialPoint, ...] | None:
        with self._lock:
            if self._pool is None:
                spawn = multiprocessing.get_context("spawn")  # no fork of a threaded process
                self._pool = ProcessPoolExecutor(
                    max_workers=1, mp_context=spawn, initializer=_exit_with_parent
                )
            pool = self._pool
        try:
            future = pool.submit(simulate_dial, tuple(parameters), situation, habits)
            return future.result(timeout=self._timeout)
        except (BrokenProcessPool, FutureTimeout) as error:
            log.warning("retention dial: the simulator process failed (%r)", error)
            self._discard(pool)
            return None

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    def _discard(self, pool: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._pool is pool:
                self._pool = None
        pool.shutdown(wait=False, cancel_futures=True)


def _exit_with_parent() -> None:
    """In the child: end when the bot's process ends, even killed (SIGKILL leaves no time to
    stop the child, and the child holds its own end of the task pipe open)."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        wait([parent.sentinel])
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


@lru_cache(maxsize=1)
def _fsrs_rs() -> ModuleType | None:
    """fsrs-rs-python, imported once; None (logged once) where it is unavailable."""
    try:
        import fsrs_rs_python
    except ImportError as error:
        log.warning("fsrs-rs-python unavailable (%s): no retention dial", error)
        return None
    return fsrs_rs_python
