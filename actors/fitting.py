"""Personal FSRS-6 parameters in the background (SPEC §12): the Scheduler actor starts a pass
over the users due for a fit in a worker thread of its own, one pass (so one fit) at a time,
never in a user's actor. Each fit is stored with when and on how many reviews it was made, and
the user's live actor is told to read its learner again, so the weights apply to the next
grade.

Decisions where the SPEC is silent:
* A fit that gives nothing usable (no optimizer, odd data, weights out of bounds) is still
  recorded (time and review count), so it is tried again only after a week and 50 more reviews,
  and the user keeps the weights they had.
* Users are fitted in id order; a failing user is logged and the pass goes on.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from storage import review_log, users
from storage.database import database
from wordbot.learning.fitting import fit_parameters, fitting_due

__all__ = ["FittingWorker", "fit_due_users"]

log = logging.getLogger(__name__)

Fitted = Callable[[int, int], None]  # (chat_id, user_id) whose parameters were just stored


def fit_due_users(now: datetime, min_reviews: int, fitted: Fitted) -> list[int]:
    """Fit every user due at `now`, one after another; returns their ids. Blocking and
    CPU-heavy: call it from a worker thread."""
    with database.connection_context():
        candidates = review_log.fitting_candidates(min_reviews)
    done = []
    for candidate in candidates:
        due = fitting_due(
            candidate.reviews, candidate.fitted_on_reviews, candidate.fitted_at, now, min_reviews
        )
        if not due:
            continue
        try:
            with database.connection_context():
                entries = review_log.reviews_for_user(candidate.user_id)
            parameters = fit_parameters(entries)
            with database.connection_context():
                users.store_fitted_parameters(candidate.user_id, parameters, len(entries), now)
        except Exception:
            log.exception("fitting: user %s failed", candidate.user_id)
            continue
        log.info(
            "fitting: user %s %s on %d reviews",
            candidate.user_id,
            "fitted" if parameters is not None else "kept their parameters",
            len(entries),
        )
        done.append(candidate.user_id)
        fitted(candidate.chat_id, candidate.user_id)
    return done


class FittingWorker:
    """Runs `fit_due_users` in one daemon thread at a time; a start while one runs is skipped."""

    def __init__(self, min_reviews: int, fitted: Fitted) -> None:
        self._min_reviews = min_reviews
        self._fitted = fitted
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, now: datetime) -> bool:
        """Start a pass for `now`; False when the last one is still running."""
        if self.running:
            return False
        self._thread = threading.Thread(
            target=self._run, args=(now,), name="fsrs-fitting", daemon=True
        )
        self._thread.start()
        return True

    def join(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self, now: datetime) -> None:
        try:
            fit_due_users(now, self._min_reviews, self._fitted)
        except Exception:
            log.exception("fitting: the pass failed; the next one comes round")
