"""The review log (SPEC §12): one row per grade, written in the grade's own transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from peewee import fn

from storage.models import ReviewLog, User
from storage.prepared import Prepared, slot
from wordbot.domain.review_log import ReviewLogEntry

__all__ = [
    "FittingCandidate",
    "add_review",
    "record_review",
    "count_reviews",
    "delete_pair_reviews",
    "delete_review",
    "delete_reviews_since",
    "fitting_candidates",
    "rating_counts",
    "reviews_for_user",
]


@dataclass(frozen=True, slots=True)
class FittingCandidate:
    """A user with enough logged reviews for a fit, and when they were last fitted."""

    user_id: int
    chat_id: int
    reviews: int
    fitted_on_reviews: int | None
    fitted_at: datetime | None


def add_review(entry: ReviewLogEntry) -> int:
    """Store a grade's entry; returns its id (call inside the grade's transaction)."""
    return ReviewLog.insert(
        user=entry.user_id,
        pair=entry.pair_id,
        rating=entry.rating,
        reviewed_at=entry.reviewed_at,
        state_before=entry.state_before,
        elapsed_days=entry.elapsed_days,
        scheduled_days=entry.scheduled_days,
        scheduler=entry.scheduler,
        prompt_open_ms=entry.prompt_open_ms,
    ).execute()


_RECORD = Prepared(
    lambda: ReviewLog.insert(
        {
            ReviewLog.user: slot("user_id"),
            ReviewLog.pair: slot("pair_id"),
            ReviewLog.rating: slot("rating"),
            ReviewLog.reviewed_at: slot("reviewed_at", ReviewLog.reviewed_at),
            ReviewLog.state_before: slot("state_before"),
            ReviewLog.elapsed_days: slot("elapsed_days"),
            ReviewLog.scheduled_days: slot("scheduled_days"),
            ReviewLog.scheduler: slot("scheduler"),
            ReviewLog.prompt_open_ms: slot("prompt_open_ms"),
        }
    ).returning(),
    deferrable=True,
)


def record_review(entry: ReviewLogEntry) -> None:
    """`add_review` for the grade path: a prepared statement, no id read back (so a writer may
    send it with the batch's other writes in one round trip)."""
    _RECORD.execute(
        user_id=entry.user_id,
        pair_id=entry.pair_id,
        rating=entry.rating,
        reviewed_at=entry.reviewed_at,
        state_before=entry.state_before,
        elapsed_days=entry.elapsed_days,
        scheduled_days=entry.scheduled_days,
        scheduler=entry.scheduler,
        prompt_open_ms=entry.prompt_open_ms,
    )


def delete_review(review_id: int) -> bool:
    """Remove one entry (an undone grade, §13); False when it was already gone."""
    return ReviewLog.delete().where(ReviewLog.id == review_id).execute() > 0


def delete_reviews_since(user_id: int, pair_id: int, reviewed_at: datetime) -> int:
    """Remove the user's entries of a pair from `reviewed_at` on: an undone grade's row (§13;
    the grade was the user's latest, so nothing later of that pair exists)."""
    return (
        ReviewLog.delete()
        .where(
            (ReviewLog.user == user_id)
            & (ReviewLog.pair == pair_id)
            & (ReviewLog.reviewed_at >= reviewed_at)
        )
        .execute()
    )


def delete_pair_reviews(user_id: int, pair_id: int) -> int:
    """Remove a deleted pair's history (§13; the foreign key cascades too, this says so)."""
    return (
        ReviewLog.delete()
        .where((ReviewLog.user == user_id) & (ReviewLog.pair == pair_id))
        .execute()
    )


def reviews_for_user(user_id: int) -> list[ReviewLogEntry]:
    """The user's whole history, oldest first (what parameter fitting reads)."""
    rows = (
        ReviewLog.select()
        .where(ReviewLog.user == user_id)
        .order_by(ReviewLog.reviewed_at, ReviewLog.id)
        .tuples()
    )
    return [
        ReviewLogEntry(
            id=row_id,
            user_id=user,
            pair_id=pair,
            rating=rating,
            reviewed_at=reviewed_at,
            state_before=state_before,
            elapsed_days=elapsed_days,
            scheduled_days=scheduled_days,
            scheduler=scheduler,
            prompt_open_ms=prompt_open_ms,
        )
        for (
            row_id,
            user,
            pair,
            rating,
            reviewed_at,
            state_before,
            elapsed_days,
            scheduled_days,
            scheduler,
            prompt_open_ms,
        ) in rows
    ]


def count_reviews(user_id: int) -> int:
    return ReviewLog.select(fn.COUNT(ReviewLog.id)).where(ReviewLog.user == user_id).scalar()


def fitting_candidates(min_reviews: int) -> list[FittingCandidate]:
    """Users with at least `min_reviews` logged reviews (one aggregate over the log; whether a
    fit is due now is `wordbot.learning.fitting.fitting_due`'s decision)."""
    reviews = fn.COUNT(ReviewLog.id)
    query = (
        ReviewLog.select(User.id, User.chat_id, reviews, User.fitted_on_reviews, User.fitted_at)
        .join(User, on=(ReviewLog.user == User.id))
        .group_by(User.id, User.chat_id, User.fitted_on_reviews, User.fitted_at)
        .having(reviews >= min_reviews)
        .order_by(User.id)
    )
    return [FittingCandidate(*row) for row in query.tuples()]


def rating_counts(user_id: int) -> dict[tuple[str, int], int]:
    """The user's logged grades of new and review cards by (state before, rating): their
    rating habits, for the retention dial's simulated learner."""
    query = (
        ReviewLog.select(ReviewLog.state_before, ReviewLog.rating, fn.COUNT(ReviewLog.id))
        .where((ReviewLog.user == user_id) & ReviewLog.state_before.in_(("new", "review")))
        .group_by(ReviewLog.state_before, ReviewLog.rating)
    )
    return {(state, rating): count for state, rating, count in query.tuples()}
