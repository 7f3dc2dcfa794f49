"""One logged grade (SPEC §12 review_log): what the learner answered, when, and what followed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from wordbot.domain.srs import Grade

__all__ = ["RATINGS", "ReviewLogEntry", "grade_of_rating"]

RATINGS = {Grade.AGAIN: 1, Grade.HARD: 2, Grade.GOOD: 3, Grade.EASY: 4}
_GRADES = {rating: grade for grade, rating in RATINGS.items()}


@dataclass(frozen=True, slots=True)
class ReviewLogEntry:
    """A grade as the review_log keeps it; `id` is None until stored.

    `state_before` is `new`, `learning`, `review` or `relearning` (the scheduler's own state of
    the card before the grade); `elapsed_days` is the exact time since the card's previous
    review in days (0.0 for a new card); `scheduled_days` the exact time until the card's new
    due time; `scheduler` is `fsrs` or `sm2`; `prompt_open_ms` how long the prompt was open
    (None when unknown).
    """

    user_id: int
    pair_id: int
    rating: int
    reviewed_at: datetime
    state_before: str
    elapsed_days: float
    scheduled_days: float
    scheduler: str
    prompt_open_ms: int | None = None
    id: int | None = None

    @property
    def grade(self) -> Grade:
        return _GRADES[self.rating]


def grade_of_rating(rating: int) -> Grade:
    """The grade of an FSRS rating 1–4 (KeyError otherwise)."""
    return _GRADES[rating]
