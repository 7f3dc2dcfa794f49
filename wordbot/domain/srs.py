"""Spaced-repetition scheduling (SPEC §4.4): the next CardSchedule of a card for each grade.

SM-2 family with Anki-like defaults. Pure: no clock and no storage; the caller passes an aware
`now`, takes one outcome (`grade_card`) or all four (`next_states`) and saves the one it needs.

Decisions where the SPEC is silent:
* `reps` counts successful reviews: Hard/Good/Easy on a review card, plus the grade that
  graduates a learning card (Good on the last step, or Easy). Other learning grades
  (Again, Hard, Good before the last step) leave it unchanged.
* `lapses` counts Again on a review card only; Again while learning is not a lapse.
* A lapse keeps `interval_days` (the interval before the lapse, for information); the card
  graduates again with 1 or 4 days like a new card.
* Intervals round half up (4.5 → 5 days, not Python's banker's 4) and are computed in
  Decimal, so `I·E` is exact (25 × 2.3 is 57.5 → 58, where floats give 57.4999…).
* Ease is kept at two decimals (2.5 − 0.15 is exactly 2.35) and is read at two decimals and
  at least MINIMUM_EASE, so stored float noise or a too-low value cannot leak into intervals.
* Intervals are capped at MAXIMUM_INTERVAL_DAYS (Anki's default, 100 years), so `due_at`
  stays a valid datetime however many Easy grades follow.
* `step` indexes LEARNING_STEPS from 0 and is reset to 0 on graduation; a NEW card is on
  step 0, and a stored step past the last (e.g. after the steps were shortened) counts as
  the last step.
* `now` may be in any time zone but must be aware; results are in UTC.
* A CardSchedule also carries the card's FSRS memory (`fsrs`, None until FSRS first grades or
  converts it) and whether it is `suspended` (§12); SM-2 grades leave both as they are.
  FSRS grades live in `wordbot.domain.fsrs_schedule`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

__all__ = [
    "EASY_GRADUATION_DAYS",
    "GRADUATION_DAYS",
    "LEARNING_STEPS",
    "MAXIMUM_INTERVAL_DAYS",
    "MINIMUM_EASE",
    "STARTING_EASE",
    "CardSchedule",
    "CardState",
    "FsrsMemory",
    "FsrsState",
    "Grade",
    "grade_card",
    "next_states",
    "parse_grade",
]


class CardState(StrEnum):
    """Where a card is: never graded, on the learning steps, or on day intervals."""

    NEW = "new"
    LEARNING = "learning"
    REVIEW = "review"


class Grade(StrEnum):
    """The learner's answer to a prompt, worst to best."""

    AGAIN = "again"
    HARD = "hard"
    GOOD = "good"
    EASY = "easy"


LEARNING_STEPS = (timedelta(minutes=10), timedelta(days=1))
STARTING_EASE = 2.5
MINIMUM_EASE = 1.3
GRADUATION_DAYS = 1
EASY_GRADUATION_DAYS = 4
MAXIMUM_INTERVAL_DAYS = 36_500

_LAPSE_EASE_PENALTY = Decimal("0.20")
_HARD_EASE_PENALTY = Decimal("0.15")
_EASY_EASE_BONUS = Decimal("0.15")
_HARD_INTERVAL_FACTOR = Decimal("1.2")
_EASY_INTERVAL_BONUS = Decimal("1.3")
_MINIMUM_EASE = Decimal(str(MINIMUM_EASE))
_HUNDREDTH = Decimal("0.01")
_ONE = Decimal(1)


class FsrsState(StrEnum):
    """FSRS's own card states (py-fsrs `State`), stored beside the SM-2 state."""

    LEARNING = "learning"
    REVIEW = "review"
    RELEARNING = "relearning"


@dataclass(frozen=True, slots=True)
class FsrsMemory:
    """A card's FSRS-6 memory: stability (days), difficulty (1–10), state, step and due time.

    `stability`/`difficulty` are None for a card on the learning steps that FSRS has not yet
    graded (a new card or a converted SM-2 learning card); `step` is None in REVIEW.
    """

    state: FsrsState
    step: int | None
    stability: float | None
    difficulty: float | None
    due_at: datetime


@dataclass(frozen=True, slots=True)
class CardSchedule:
    """The SRS fields of a word pair; a fresh instance is a new card that was never graded."""

    state: CardState = CardState.NEW
    due_at: datetime | None = None
    last_reviewed_at: datetime | None = None
    interval_days: int = 0
    ease: float = STARTING_EASE
    step: int = 0
    reps: int = 0
    lapses: int = 0
    fsrs: FsrsMemory | None = None
    suspended: bool = False


def grade_card(card: CardSchedule, grade: Grade, now: datetime) -> CardSchedule:
    """The card's schedule after the learner answers `grade` at `now` (aware; ValueError if naive)."""
    now = _as_utc(now)
    grade = Grade(grade)
    if card.state == CardState.REVIEW:
        return _grade_review_card(card, grade, now)
    return _grade_learning_card(card, grade, now)


def next_states(card: CardSchedule, now: datetime) -> dict[Grade, CardSchedule]:
    """Every possible outcome of answering at `now`, keyed by grade in button order."""
    now = _as_utc(now)
    return {grade: grade_card(card, grade, now) for grade in Grade}


def parse_grade(text: str) -> Grade | None:
    """The grade named by `text` (`again`, ` Good `; case and outer spaces ignored), else None."""
    try:
        return Grade(text.strip().casefold())
    except ValueError:
        return None


def _as_utc(now: datetime) -> datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"now must be timezone-aware, got naive {now.isoformat()}")
    return now.astimezone(UTC)


def _grade_learning_card(card: CardSchedule, grade: Grade, now: datetime) -> CardSchedule:
    last_step = len(LEARNING_STEPS) - 1
    step = 0 if card.state == CardState.NEW else min(max(card.step, 0), last_step)
    match grade:
        case Grade.AGAIN:
            return _on_learning_step(card, 0, now)
        case Grade.HARD:
            return _on_learning_step(card, step, now)
        case Grade.GOOD if step < last_step:
            return _on_learning_step(card, step + 1, now)
        case Grade.GOOD:
            return _graduated(card, GRADUATION_DAYS, now)
        case Grade.EASY:
            return _graduated(card, EASY_GRADUATION_DAYS, now)


def _on_learning_step(card: CardSchedule, step: int, now: datetime) -> CardSchedule:
    return replace(
        card,
        state=CardState.LEARNING,
        step=step,
        due_at=now + LEARNING_STEPS[step],
        last_reviewed_at=now,
    )


def _graduated(card: CardSchedule, interval_days: int, now: datetime) -> CardSchedule:
    return replace(
        card,
        state=CardState.REVIEW,
        step=0,
        interval_days=interval_days,
        due_at=now + timedelta(days=interval_days),
        last_reviewed_at=now,
        reps=card.reps + 1,
    )


def _grade_review_card(card: CardSchedule, grade: Grade, now: datetime) -> CardSchedule:
    ease = _read_ease(card.ease)
    interval = Decimal(card.interval_days)
    match grade:
        case Grade.AGAIN:
            lapsed = _on_learning_step(card, 0, now)
            new_ease = max(_MINIMUM_EASE, ease - _LAPSE_EASE_PENALTY)
            return replace(lapsed, ease=float(new_ease), lapses=card.lapses + 1)
        case Grade.HARD:
            new_ease = max(_MINIMUM_EASE, ease - _HARD_EASE_PENALTY)
            interval_days = _whole_days(interval * _HARD_INTERVAL_FACTOR)
        case Grade.GOOD:
            new_ease = ease
            interval_days = _whole_days(interval * ease)
        case Grade.EASY:
            new_ease = ease + _EASY_EASE_BONUS
            interval_days = _whole_days(interval * ease * _EASY_INTERVAL_BONUS)
    return replace(
        card,
        ease=float(new_ease),
        interval_days=interval_days,
        due_at=now + timedelta(days=interval_days),
        last_reviewed_at=now,
        reps=card.reps + 1,
    )


def _read_ease(ease: float) -> Decimal:
    """The stored ease as an exact two-decimal number, at least the floor."""
    exact = Decimal(repr(float(ease))).quantize(_HUNDREDTH, rounding=ROUND_HALF_UP)
    return max(_MINIMUM_EASE, exact)


def _whole_days(days: Decimal) -> int:
    """Days rounded half up, at least 1 and at most MAXIMUM_INTERVAL_DAYS."""
    rounded = int(days.quantize(_ONE, rounding=ROUND_HALF_UP))
    return min(MAXIMUM_INTERVAL_DAYS, max(1, rounded))
