"""Scheduling by the user's scheduler (SPEC §12): FSRS-6 through py-fsrs, or SM-2 (§4.4).

Pure: no clock, no global random, no storage. `decide_grade` is the one entry point a grade
goes through; it returns the card's next schedule, its review_log entry and whether the grade
suspended the card (a leech). `preview_intervals` gives the interval each grade would give,
for the button labels. `to_fsrs` / `to_sm2` convert a card when the user switches scheduler.

Decisions where the SPEC is silent:
* Fuzz. py-fsrs draws its fuzz from the module-level `random`, so py-fsrs runs with fuzzing
  off and the same fuzz (py-fsrs's ranges and formula, `_fuzzed_days`) is applied here from a
  number in [0, 1) the caller passes. `fuzz_for(pair_id, card)` derives that number from the
  card itself (id, counters, last review), so a grade and its preview agree, a redelivered
  press decides the same, and nothing depends on hidden state. `fuzz=None` means no fuzz.
* FSRS grades keep the SM-2 fields up to date, so switching back to SM-2 needs no
  conversion: `state` is REVIEW in FSRS's Review state and LEARNING in Learning/Relearning;
  `due_at` is FSRS's due (the one column selection reads); `interval_days` is the scheduled
  (fuzzed) interval whenever the card lands in Review (kept unchanged otherwise, as SM-2 keeps
  it through a lapse); `ease` moves as SM-2 would move it on a review card (Again −0.20,
  Hard −0.15, Easy +0.15, floor 1.3, learning grades leave it); `step` is 0 (FSRS's step is in
  `fsrs.step`); `reps` and `lapses` count exactly as §4.4 counts them (a successful review or
  the grade that graduates; Again on a Review card). `last_reviewed_at` is shared.
* SM-2 grades leave `fsrs` untouched; it goes stale. `to_fsrs` keeps a card's FSRS memory only
  while it is still the one that scheduled the card (its `due_at` equals the card's), and
  otherwise converts from the SM-2 fields:
  - new → stays new (no memory; FSRS's first grade starts it);
  - learning → FSRS Learning, step 0, no memory yet (FSRS starts the memory at the next grade,
    keeping due time, counters and history);
  - review → FSRS Review with the memory state of fsrs-rs's `memory_state_from_sm2` (ease E,
    interval I, SM-2 retention r = 0.9, d = −w20, F = 0.9^(1/d) − 1): the stability whose
    retrievability after I days is r, S = I·F/(r^(1/d) − 1) (= I for r = 0.9), and the
    difficulty for which FSRS's Good-recall stability growth at retention r equals E,
    D = 11 − (E − 1) / (e^w8 · S^−w9 · (e^((1−r)·w10) − 1)), clamped to 1–10.
    Due time unchanged, so no card falls due at the switch.
* `to_sm2` returns the card as it is: its SM-2 fields are current (see above).
* Leeches (both schedulers): the 8th lapse suspends the card; if the learner brings it back,
  every 4th lapse after it (12th, 16th, …) suspends it again (Anki's rule). Only the grade that
  crosses a threshold reports `suspended_now`, so the caller tells the user once.
* `state_before` in the review log is `new` for a card never graded, otherwise the state of the
  scheduler that grades (FSRS's learning/review/relearning, SM-2's learning/review).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from functools import lru_cache

from fsrs import Card as PyFsrsCard
from fsrs import Rating, State
from fsrs import Scheduler as PyFsrsScheduler
from fsrs.scheduler import DEFAULT_PARAMETERS as PY_FSRS_DEFAULT_PARAMETERS

from wordbot.domain.review_log import RATINGS, ReviewLogEntry
from wordbot.domain.srs import (
    MAXIMUM_INTERVAL_DAYS,
    MINIMUM_EASE,
    CardSchedule,
    CardState,
    FsrsMemory,
    FsrsState,
    Grade,
    grade_card,
)

__all__ = [
    "DEFAULT_DESIRED_RETENTION",
    "DEFAULT_PARAMETERS",
    "FSRS_LEARNING_STEPS",
    "FSRS_RELEARNING_STEPS",
    "LEECH_LAPSES",
    "GradeDecision",
    "SchedulerConfig",
    "SchedulerKind",
    "decide_grade",
    "fuzz_for",
    "is_leech_lapse",
    "memory_from_sm2",
    "parse_parameters",
    "preview_intervals",
    "schedule_grade",
    "to_fsrs",
    "to_sm2",
]

DEFAULT_PARAMETERS: tuple[float, ...] = tuple(PY_FSRS_DEFAULT_PARAMETERS)
DEFAULT_DESIRED_RETENTION = 0.9
FSRS_LEARNING_STEPS = (timedelta(minutes=1), timedelta(minutes=10))
FSRS_RELEARNING_STEPS = (timedelta(minutes=10),)
LEECH_LAPSES = 8
LEECH_REPEAT_LAPSES = 4
SM2_RETENTION = 0.9

_FUZZ_RANGES = ((2.5, 7.0, 0.15), (7.0, 20.0, 0.1), (20.0, math.inf, 0.05))
_STATES = {State.Learning: FsrsState.LEARNING, State.Review: FsrsState.REVIEW}
_STATES[State.Relearning] = FsrsState.RELEARNING
_PY_STATES = {ours: theirs for theirs, ours in _STATES.items()}
_EASE_CHANGES = {
    Grade.AGAIN: Decimal("-0.20"),
    Grade.HARD: Decimal("-0.15"),
    Grade.GOOD: Decimal(0),
    Grade.EASY: Decimal("0.15"),
}
_DAY_SECONDS = 86_400.0


class SchedulerKind(StrEnum):
    FSRS = "fsrs"
    SM2 = "sm2"


@dataclass(frozen=True, slots=True)
class SchedulerConfig:
    """How a user's cards are scheduled: which scheduler, FSRS's target and its weights
    (None: the FSRS-6 defaults)."""

    kind: SchedulerKind = SchedulerKind.FSRS
    desired_retention: float = DEFAULT_DESIRED_RETENTION
    parameters: tuple[float, ...] | None = None

    @property
    def weights(self) -> tuple[float, ...]:
        return DEFAULT_PARAMETERS if self.parameters is None else self.parameters


@dataclass(frozen=True, slots=True)
class GradeDecision:
    """What one grade does: the card's next schedule, its log entry, and whether it suspended
    the card just now (tell the user once)."""

    schedule: CardSchedule
    review: ReviewLogEntry
    suspended_now: bool


def decide_grade(
    card: CardSchedule,
    grade: Grade,
    now: datetime,
    config: SchedulerConfig,
    *,
    user_id: int,
    pair_id: int,
    fuzz: float | None,
    prompt_open_ms: int | None = None,
) -> GradeDecision:
    """The whole decision of a grade at `now` (aware) under the user's scheduler."""
    now = _as_utc(now)
    grade = Grade(grade)
    after = schedule_grade(card, grade, now, config, fuzz)
    review = ReviewLogEntry(
        user_id=user_id,
        pair_id=pair_id,
        rating=RATINGS[grade],
        reviewed_at=now,
        state_before=_state_before(card, config.kind),
        elapsed_days=_days(now - card.last_reviewed_at) if card.last_reviewed_at else 0.0,
        scheduled_days=_days(after.due_at - now),
        scheduler=config.kind.value,
        prompt_open_ms=prompt_open_ms,
    )
    return GradeDecision(
        schedule=after, review=review, suspended_now=after.suspended and not card.suspended
    )


def schedule_grade(
    card: CardSchedule,
    grade: Grade,
    now: datetime,
    config: SchedulerConfig,
    fuzz: float | None = None,
) -> CardSchedule:
    """The card's schedule after `grade` at `now` under `config` (leech rule included)."""
    now = _as_utc(now)
    grade = Grade(grade)
    if config.kind == SchedulerKind.SM2:
        after = grade_card(card, grade, now)
    else:
        after = _grade_fsrs(card, grade, now, config, fuzz)
    if after.lapses > card.lapses and is_leech_lapse(after.lapses):
        after = replace(after, suspended=True)
    return after


def preview_intervals(
    card: CardSchedule, now: datetime, config: SchedulerConfig, fuzz: float | None = None
) -> dict[Grade, timedelta]:
    """How far in the future each grade would schedule the card, in button order."""
    now = _as_utc(now)
    return {grade: schedule_grade(card, grade, now, config, fuzz).due_at - now for grade in Grade}


def is_leech_lapse(lapses: int) -> bool:
    """True when reaching `lapses` lapses suspends a card: the 8th, then every 4th after."""
    return lapses >= LEECH_LAPSES and (lapses - LEECH_LAPSES) % LEECH_REPEAT_LAPSES == 0


def fuzz_for(pair_id: int, card: CardSchedule) -> float:
    """A number in [0, 1) fixed by the card and its progress: the same before and after a crash,
    different after every grade."""
    last = card.last_reviewed_at.timestamp() if card.last_reviewed_at else 0.0
    return random.Random(f"{pair_id}:{card.reps}:{card.lapses}:{last}").random()


def parse_parameters(value: object) -> tuple[float, ...] | None:
    """Stored FSRS-6 weights (a list of 21 numbers within py-fsrs's bounds), else None."""
    if not isinstance(value, list | tuple) or len(value) != len(DEFAULT_PARAMETERS):
        return None
    if not all(isinstance(w, int | float) and not isinstance(w, bool) for w in value):
        return None
    weights = tuple(float(w) for w in value)
    try:
        _py_scheduler(weights, DEFAULT_DESIRED_RETENTION)
    except ValueError:
        return None
    return weights


def memory_from_sm2(
    ease: float,
    interval_days: float,
    parameters: tuple[float, ...] = DEFAULT_PARAMETERS,
    sm2_retention: float = SM2_RETENTION,
) -> tuple[float, float]:
    """(stability, difficulty) of an SM-2 review card, as fsrs-rs's `memory_state_from_sm2`."""
    w = parameters
    decay = -w[20]
    factor = 0.9 ** (1 / decay) - 1
    stability = max(float(interval_days), 0.001) * factor / (sm2_retention ** (1 / decay) - 1)
    growth = math.exp(w[8]) * stability ** -w[9] * math.expm1((1 - sm2_retention) * w[10])
    difficulty = 11 - (max(float(ease), MINIMUM_EASE) - 1) / growth
    return stability, min(10.0, max(1.0, difficulty))


def to_fsrs(card: CardSchedule, parameters: tuple[float, ...] | None = None) -> CardSchedule:
    """The card as an FSRS card (see the module docstring for the mapping)."""
    if card.fsrs is not None and card.fsrs.due_at == card.due_at:
        return card
    due_at = card.due_at if card.due_at is not None else card.last_reviewed_at
    match card.state:
        case CardState.NEW:
            return replace(card, fsrs=None)
        case CardState.LEARNING:
            memory = FsrsMemory(FsrsState.LEARNING, 0, None, None, due_at)
        case CardState.REVIEW:
            stability, difficulty = memory_from_sm2(
                card.ease, max(card.interval_days, 1), parameters or DEFAULT_PARAMETERS
            )
            memory = FsrsMemory(FsrsState.REVIEW, None, stability, difficulty, due_at)
    return replace(card, fsrs=memory)


def to_sm2(card: CardSchedule) -> CardSchedule:
    """The card as an SM-2 card: FSRS grades keep the SM-2 fields current, so it is unchanged."""
    return card


def _grade_fsrs(
    card: CardSchedule, grade: Grade, now: datetime, config: SchedulerConfig, fuzz: float | None
) -> CardSchedule:
    scheduler = _py_scheduler(config.weights, config.desired_retention)
    card = to_fsrs(card, config.parameters)
    before = card.fsrs
    py_card = PyFsrsCard(
        card_id=1,
        state=State.Learning if before is None else _PY_STATES[before.state],
        step=0 if before is None else before.step,
        stability=None if before is None else before.stability,
        difficulty=None if before is None else before.difficulty,
        due=now if before is None or before.due_at is None else before.due_at.astimezone(UTC),
        last_review=None if before is None else _utc_or_none(card.last_reviewed_at),
    )
    reviewed, _ = scheduler.review_card(py_card, Rating(RATINGS[grade]), now)
    state = _STATES[reviewed.state]
    due_at = reviewed.due
    interval_days = card.interval_days
    if state == FsrsState.REVIEW:
        interval_days = _fuzzed_days((reviewed.due - now).days, fuzz)
        due_at = now + timedelta(days=interval_days)
    was_review = before is not None and before.state == FsrsState.REVIEW
    ease = card.ease
    if was_review:
        ease = float(max(Decimal(str(MINIMUM_EASE)), _two_decimals(ease) + _EASE_CHANGES[grade]))
    successful = (was_review and grade != Grade.AGAIN) or (
        not was_review and state == FsrsState.REVIEW
    )
    return replace(
        card,
        state=CardState.REVIEW if state == FsrsState.REVIEW else CardState.LEARNING,
        due_at=due_at,
        last_reviewed_at=now,
        interval_days=interval_days,
        ease=ease,
        step=0,
        reps=card.reps + 1 if successful else card.reps,
        lapses=card.lapses + 1 if was_review and grade == Grade.AGAIN else card.lapses,
        fsrs=FsrsMemory(state, reviewed.step, reviewed.stability, reviewed.difficulty, due_at),
    )


@lru_cache(maxsize=256)
def _py_scheduler(parameters: tuple[float, ...], desired_retention: float) -> PyFsrsScheduler:
    """py-fsrs with SPEC §12's settings and its own fuzz off (ValueError on bad weights)."""
    return PyFsrsScheduler(
        parameters=parameters,
        desired_retention=desired_retention,
        learning_steps=FSRS_LEARNING_STEPS,
        relearning_steps=FSRS_RELEARNING_STEPS,
        maximum_interval=MAXIMUM_INTERVAL_DAYS,
        enable_fuzzing=False,
    )


def _fuzzed_days(days: int, fuzz: float | None) -> int:
    """py-fsrs's fuzz (`Scheduler._get_fuzzed_interval`) with `fuzz` in place of its random()."""
    if fuzz is None or days < 2.5:
        return days
    delta = 1.0
    for start, end, factor in _FUZZ_RANGES:
        delta += factor * max(min(float(days), end) - start, 0.0)
    max_days = min(round(days + delta), MAXIMUM_INTERVAL_DAYS)
    min_days = min(max(2, round(days - delta)), max_days)
    return min(round(fuzz * (max_days - min_days + 1) + min_days), MAXIMUM_INTERVAL_DAYS)


def _state_before(card: CardSchedule, kind: SchedulerKind) -> str:
    if card.state == CardState.NEW:
        return "new"
    if kind == SchedulerKind.FSRS and card.fsrs is not None:
        return card.fsrs.state.value
    return card.state.value


def _two_decimals(ease: float) -> Decimal:
    return Decimal(repr(float(ease))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _days(delta: timedelta) -> float:
    return delta.total_seconds() / _DAY_SECONDS


def _utc_or_none(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.astimezone(UTC)


def _as_utc(now: datetime) -> datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"now must be timezone-aware, got naive {now.isoformat()}")
    return now.astimezone(UTC)
