"""Personal FSRS-6 parameters from a user's own review log (SPEC §12), by fsrs-rs-python.

CPU-heavy (a second or more for thousands of reviews): run it in a worker thread, never in a
user's actor. fsrs-rs-python is a compiled wheel; where it cannot be imported, fitting logs one
line and answers None, and the user keeps the defaults.

Decisions where the SPEC is silent:
* A card's history starts at its first grade as a new card (`state_before = 'new'`); grades
  logged before it (a card converted from SM-2, whose early history was never logged) are left
  out, and a later `new` grade (the card was Reset) starts a fresh history.
* Days between reviews are whole days of elapsed time (floor), as py-fsrs counts them when it
  schedules; same-day reviews are 0 days (FSRS-6's short-term memory).
* One training item per review after a card's first, holding the card's history up to it;
  items with no review a day or more after the previous one are left out (fsrs-rs needs one).
* Fitting is due when the user has at least `min_reviews` reviews, at least 50 more than at the
  last fit, and the last fit is at least 7 days old.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from functools import lru_cache
from types import ModuleType

from wordbot.domain.fsrs_schedule import DEFAULT_PARAMETERS, parse_parameters
from wordbot.domain.review_log import ReviewLogEntry

__all__ = [
    "MIN_NEW_REVIEWS",
    "OPTIMIZE_MIN_REVIEWS",
    "REFIT_AFTER",
    "card_histories",
    "fit_parameters",
    "fitting_due",
    "log_loss",
    "training_items",
]

OPTIMIZE_MIN_REVIEWS = 400
MIN_NEW_REVIEWS = 50
REFIT_AFTER = timedelta(days=7)

log = logging.getLogger(__name__)


def fitting_due(
    total_reviews: int,
    reviews_at_last_fit: int | None,
    fitted_at: datetime | None,
    now: datetime,
    min_reviews: int = OPTIMIZE_MIN_REVIEWS,
) -> bool:
    """Whether a user's parameters should be (re)fitted now."""
    if total_reviews < min_reviews:
        return False
    if total_reviews - (reviews_at_last_fit or 0) < MIN_NEW_REVIEWS:
        return False
    return fitted_at is None or now - fitted_at >= REFIT_AFTER


def card_histories(entries: Iterable[ReviewLogEntry]) -> list[list[tuple[int, int]]]:
    """Each card's reviews as (rating, whole days since the previous review), oldest first."""
    by_card: dict[int, list[ReviewLogEntry]] = defaultdict(list)
    for entry in entries:
        by_card[entry.pair_id].append(entry)
    histories: list[list[tuple[int, int]]] = []
    for reviews in by_card.values():
        reviews.sort(key=lambda entry: (entry.reviewed_at, entry.id or 0))
        history: list[tuple[int, int]] | None = None
        previous: datetime | None = None
        for entry in reviews:
            if entry.state_before == "new":
                if history:
                    histories.append(history)
                history = [(entry.rating, 0)]
            elif history is not None and previous is not None:
                history.append((entry.rating, (entry.reviewed_at - previous).days))
            previous = entry.reviewed_at
        if history:
            histories.append(history)
    return histories


def training_items(
    histories: Sequence[Sequence[tuple[int, int]]], *, long_term_only: bool = False
) -> list:
    """fsrs-rs-python FSRSItems: one per review after a card's first ([] without the library);
    with `long_term_only`, only items whose last review came a day or more after the one
    before (what fsrs-rs evaluates)."""
    fsrs_rs = _fsrs_rs()
    if fsrs_rs is None:
        return []
    items = []
    for history in histories:
        reviews = [fsrs_rs.FSRSReview(rating, days) for rating, days in history]
        first_long_term = next((i for i, (_, days) in enumerate(history) if days > 0), None)
        if first_long_term is None:
            continue
        start = max(2, first_long_term + 1)
        items.extend(
            fsrs_rs.FSRSItem(reviews[:end])
            for end in range(start, len(reviews) + 1)
            if not long_term_only or history[end - 1][1] > 0
        )
    return items


def fit_parameters(entries: Iterable[ReviewLogEntry]) -> tuple[float, ...] | None:
    """FSRS-6 weights fitted to `entries`, or None (no optimizer, too little data, or a fit
    outside py-fsrs's bounds)."""
    fsrs_rs = _fsrs_rs()
    if fsrs_rs is None:
        return None
    items = training_items(card_histories(entries))
    if not items:
        return None
    try:
        fitted = fsrs_rs.FSRS(list(DEFAULT_PARAMETERS)).compute_parameters(items)
    except Exception as error:  # the Rust optimizer raises plain exceptions for odd data
        log.warning("FSRS fitting failed on %d items: %s", len(items), error)
        return None
    return parse_parameters([round(w, 6) for w in fitted])


def log_loss(parameters: Sequence[float], entries: Iterable[ReviewLogEntry]) -> float | None:
    """How well `parameters` predict the recalls in `entries` (lower is better); None without
    the library or data."""
    fsrs_rs = _fsrs_rs()
    items = training_items(card_histories(entries), long_term_only=True)
    if fsrs_rs is None or not items:
        return None
    return fsrs_rs.FSRS(list(parameters)).evaluate(items).log_loss


@lru_cache(maxsize=1)
def _fsrs_rs() -> ModuleType | None:
    """fsrs-rs-python, imported once; None (logged once) where it is unavailable."""
    try:
        import fsrs_rs_python
    except ImportError as error:
        log.warning("fsrs-rs-python unavailable (%s): FSRS keeps its default parameters", error)
        return None
    return fsrs_rs_python
