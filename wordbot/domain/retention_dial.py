"""The retention dial (SPEC §12): for a learner's own FSRS-6 parameters, what each desired
retention costs in reviews a day and keeps in expected words recalled, and which one gives the
most knowledge per review. The figures come from fsrs-rs-python's simulator, run in the
background (`wordbot.learning.dial`); this module is the plain data and the rules around it.

Decisions where the SPEC is silent:
* Retentions shown: 80, 85, 90 and 95 %, and the learner's own when it is none of them.
* The simulation is the learner's situation where it is cheap to know: their word count (at
  least `MIN_DIAL_DECK`, so a learner with a handful of words still sees a trade-off), their new
  cards per day (the default 20 when they set 0, which would simulate nothing), a year.
* The simulated learner grades as this one does once they have graded enough: the shares of
  Again/Hard/Good/Easy on new cards' first grades and of Hard/Good/Easy on successful review
  grades, each from at least `MIN_HABIT_GRADES` logged grades (one added to every count, so no
  grade is impossible); below that, fsrs-rs's defaults (from Anki users).
* Reviews are the simulator's long-term reviews plus each new word's first sight; same-day
  learning steps are not counted (the simulator prices them, it does not count them).
* A dial belongs to the parameters it was computed for (their fit time; None for the FSRS-6
  defaults): other parameters make it `MISSING` (not shown). The same parameters with another
  new-cards setting, a word count more than 10 % (and 10 words) away, or the learner's own
  retention not among the points make it `STALE`: shown, and worked out again.
* Most knowledge per review = expected words recalled ÷ reviews; a tie goes to the higher
  retention (the same efficiency, more remembered).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

__all__ = [
    "DIAL_DAYS",
    "DIAL_RETENTIONS",
    "MIN_DIAL_DECK",
    "MIN_HABIT_GRADES",
    "DialFacts",
    "DialPoint",
    "DialShown",
    "DialSituation",
    "DialStatus",
    "RatingHabits",
    "RetentionDial",
    "best_point",
    "dial_retentions",
    "dial_situation",
    "dial_status",
    "parameters_key",
    "rating_habits",
]

DIAL_RETENTIONS = (0.80, 0.85, 0.90, 0.95)
DIAL_DAYS = 365
MIN_DIAL_DECK = 100
DEFAULT_NEW_PER_DAY = 20
MIN_HABIT_GRADES = 50
_DECK_DRIFT = 0.10
_DECK_SLACK = 10


@dataclass(frozen=True, slots=True)
class DialPoint:
    """One desired retention's outcome over the dial's days: reviews in all, and the expected
    number of words recalled at the end (the sum of every word's recall probability)."""

    retention: float
    reviews: float
    recalled: float

    def reviews_per_day(self, days: int) -> float:
        return self.reviews / days if days else 0.0

    @property
    def knowledge_per_review(self) -> float:
        return self.recalled / self.reviews if self.reviews > 0 else 0.0


@dataclass(frozen=True, slots=True)
class DialSituation:
    """What a dial simulates. `fitted_at` keys the parameters (None: the FSRS-6 defaults)."""

    fitted_at: datetime | None
    fitted_on_reviews: int | None
    deck_size: int
    new_cards_per_day: int
    retentions: tuple[float, ...]
    days: int = DIAL_DAYS

    @property
    def personal(self) -> bool:
        return self.fitted_at is not None


@dataclass(frozen=True, slots=True)
class RetentionDial:
    situation: DialSituation
    points: tuple[DialPoint, ...]
    computed_at: datetime

    def point(self, retention: float) -> DialPoint | None:
        return next((p for p in self.points if _same(p.retention, retention)), None)


@dataclass(frozen=True, slots=True)
class DialFacts:
    """What the Learning screen needs to know about a learner's dial: the cached one, their
    word count, and whether a dial can be worked out here at all (the simulator imports)."""

    dial: RetentionDial | None
    word_count: int
    available: bool = True


@dataclass(frozen=True, slots=True)
class DialShown:
    """The dial block of the Learning screen; `dial` None: it is being worked out."""

    dial: RetentionDial | None


@dataclass(frozen=True, slots=True)
class RatingHabits:
    """How a learner grades, as shares: `first` of Again/Hard/Good/Easy on a new card's first
    grade, `review` of Hard/Good/Easy on a successful review; None: the simulator's defaults."""

    first: tuple[float, float, float, float] | None = None
    review: tuple[float, float, float] | None = None


def rating_habits(counts: Mapping[tuple[str, int], int]) -> RatingHabits:
    """The habits in `counts` of logged grades by (state before the grade, rating 1–4)."""
    first = [counts.get(("new", rating), 0) for rating in (1, 2, 3, 4)]
    review = [counts.get(("review", rating), 0) for rating in (2, 3, 4)]
    return RatingHabits(_shares(first), _shares(review))


def _shares(counts: list[int]):
    if sum(counts) < MIN_HABIT_GRADES:
        return None
    total = sum(counts) + len(counts)
    return tuple((count + 1) / total for count in counts)


class DialStatus(StrEnum):
    MISSING = "missing"  # none for these parameters: say it is being worked out
    STALE = "stale"  # for these parameters, another situation: show it, work it out again
    FRESH = "fresh"


def dial_retentions(current: float) -> tuple[float, ...]:
    """The retentions a dial shows: the standard four and the learner's own, ascending."""
    retentions = set(DIAL_RETENTIONS)
    if not any(_same(current, shown) for shown in DIAL_RETENTIONS):
        retentions.add(round(current, 2))
    return tuple(sorted(retentions))


def parameters_key(parameters: Sequence[float] | None, fitted_at: datetime | None):
    """The fit time of the parameters in use; None when they are the defaults (never fitted,
    or the stored weights were unusable)."""
    return fitted_at if parameters is not None else None


def dial_situation(
    *,
    parameters: Sequence[float] | None,
    fitted_at: datetime | None,
    fitted_on_reviews: int | None,
    word_count: int,
    new_cards_per_day: int,
    desired_retention: float,
) -> DialSituation:
    """What the learner's dial should simulate now."""
    key = parameters_key(parameters, fitted_at)
    return DialSituation(
        fitted_at=key,
        fitted_on_reviews=fitted_on_reviews if key is not None else None,
        deck_size=max(word_count, MIN_DIAL_DECK),
        new_cards_per_day=new_cards_per_day if new_cards_per_day > 0 else DEFAULT_NEW_PER_DAY,
        retentions=dial_retentions(desired_retention),
    )


def dial_status(dial: RetentionDial | None, wanted: DialSituation) -> DialStatus:
    if dial is None or dial.situation.fitted_at != wanted.fitted_at or not dial.points:
        return DialStatus.MISSING
    had = dial.situation
    drift = max(_DECK_SLACK, _DECK_DRIFT * had.deck_size)
    fresh = (
        had.new_cards_per_day == wanted.new_cards_per_day
        and had.days == wanted.days
        and abs(had.deck_size - wanted.deck_size) <= drift
        and all(dial.point(retention) is not None for retention in wanted.retentions)
    )
    return DialStatus.FRESH if fresh else DialStatus.STALE


def best_point(points: Sequence[DialPoint]) -> DialPoint | None:
    """The point with the most knowledge per review (ties: the higher retention); None when
    no point has any review."""
    useful = [point for point in points if point.reviews > 0]
    if not useful:
        return None
    return max(useful, key=lambda point: (round(point.knowledge_per_review, 9), point.retention))


def _same(a: float, b: float) -> bool:
    return abs(a - b) < 0.005
