"""The numbers of /stats (SPEC §14) from a learner's cards, review log and games.

Pure: `now` and the learner's time zone come in as arguments; every "day" is a calendar day
in that zone (`datetime.astimezone(zone).date()`), so a review at 23:30 in Berlin counts on
that Berlin day whatever the UTC date is.

Decisions where the SPEC is silent:
* Suspended cards count as suspended only, not under their state, so new + learning + review +
  suspended is the number of pairs. They are never due.
* Only learning and review cards with a `due_at` are due; new cards are never "due".
* "Due now": `due_at <= now`. "Due today": due before the learner's next midnight, overdue
  included. "Next 7 days": today and the six days after it, overdue included (so it is never
  smaller than "due today").
* A `due_at` of None on a learning/review card means "not due within the chart's horizon":
  storage may fold cards due later than DUE_HORIZON_DAYS into such rows.
* A streak day is a local day with at least one review. The current streak runs back from
  today, or from yesterday when today has no review yet: a streak that ran through yesterday
  is not broken until the learner's day ends without a review. The best streak is the longest
  run in the review log given (storage reads about 400 days), and never less than the current.
* True retention: of the grades given to cards in the review state (`state_before ==
  "review"`; learning, relearning and new cards are left out) in the last 30 days, the share
  that was not Again (rating 1). None when there was no such grade.
* Game accuracy: correct ÷ attempted over the games that ended in the last 30 days; None when
  nothing was attempted.
* "Last 30 days" is the window `(now − 30 days, now]`, the same for retention and games.
* Series: reviews per local day for the 30 days ending today (oldest first), and cards due per
  local day for the 30 days starting today, with everything overdue counted on today.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from wordbot.domain.srs import CardState

__all__ = [
    "AGAIN_RATING",
    "DUE_HORIZON_DAYS",
    "SERIES_DAYS",
    "WINDOW_DAYS",
    "CardStat",
    "DayCount",
    "GameResult",
    "LearnerStats",
    "ReviewEvent",
    "compute_stats",
    "local_day",
    "streaks",
]

SERIES_DAYS = 30
WINDOW_DAYS = 30
DUE_HORIZON_DAYS = SERIES_DAYS + 1  # a due_at later than now + this never shows in /stats
AGAIN_RATING = 1
_REVIEW_STATE = "review"


@dataclass(frozen=True, slots=True)
class CardStat:
    """One card, or `count` cards that agree on all three fields (storage may fold them)."""

    state: CardState
    due_at: datetime | None
    suspended: bool = False
    count: int = 1


@dataclass(frozen=True, slots=True)
class ReviewEvent:
    """One grade from the review log: rating 1–4 (Again, Hard, Good, Easy)."""

    reviewed_at: datetime
    rating: int
    state_before: str


@dataclass(frozen=True, slots=True)
class GameResult:
    """One finished game."""

    ended_at: datetime
    correct: int
    attempted: int


@dataclass(frozen=True, slots=True)
class DayCount:
    day: date
    count: int


@dataclass(frozen=True, slots=True)
class LearnerStats:
    """Everything /stats shows; `retention` and `game_accuracy` are 0.0–1.0 or None."""

    today: date
    new: int
    learning: int
    review: int
    suspended: int
    due_now: int
    due_today: int
    due_week: int
    reviews_today: int
    current_streak: int
    best_streak: int
    retention: float | None
    retention_grades: int
    game_accuracy: float | None
    game_attempts: int
    scheduler: str
    personal_parameters: bool
    reviews_per_day: tuple[DayCount, ...]
    due_per_day: tuple[DayCount, ...]

    @property
    def pairs(self) -> int:
        return self.new + self.learning + self.review + self.suspended


def local_day(moment: datetime, zone: tzinfo) -> date:
    """The learner's calendar day of an aware moment."""
    return moment.astimezone(zone).date()


def streaks(review_days: Iterable[date], today: date) -> tuple[int, int]:
    """(current, best) runs of consecutive days with a review; see the module docstring."""
    days = set(review_days)
    start = today if today in days else today - timedelta(days=1)
    current = 0
    while start - timedelta(days=current) in days:
        current += 1
    best = 0
    for day in days:
        if day - timedelta(days=1) in days:
            continue  # not the first day of a run
        length = 1
        while day + timedelta(days=length) in days:
            length += 1
        best = max(best, length)
    return current, max(best, current)


def compute_stats(
    cards: Iterable[CardStat],
    reviews: Iterable[ReviewEvent],
    games: Iterable[GameResult],
    now: datetime,
    zone: tzinfo,
    *,
    scheduler: str,
    personal_parameters: bool,
) -> LearnerStats:
    """Every number of SPEC §14 for one learner at `now` (aware) in time zone `zone`."""
    today = local_day(now, zone)
    week_end = today + timedelta(days=6)
    series_end = today + timedelta(days=SERIES_DAYS - 1)
    by_state: Counter[CardState] = Counter()
    suspended = due_now = due_today = due_week = 0
    due_by_day: Counter[date] = Counter()
    for card in cards:
        if card.suspended:
            suspended += card.count
            continue
        by_state[card.state] += card.count
        if card.state is CardState.NEW or card.due_at is None:
            continue
        day = max(local_day(card.due_at, zone), today)
        if card.due_at <= now:
            due_now += card.count
        if day == today:
            due_today += card.count
        if day <= week_end:
            due_week += card.count
        if day <= series_end:
            due_by_day[day] += card.count

    window_start = now - timedelta(days=WINDOW_DAYS)
    review_days: set[date] = set()
    reviews_by_day: Counter[date] = Counter()
    retention_grades = remembered = 0
    for review in reviews:
        day = local_day(review.reviewed_at, zone)
        review_days.add(day)
        reviews_by_day[day] += 1
        if window_start < review.reviewed_at <= now and review.state_before == _REVIEW_STATE:
            retention_grades += 1
            remembered += review.rating != AGAIN_RATING
    current_streak, best_streak = streaks((d for d in review_days if d <= today), today)

    correct = attempted = 0
    for game in games:
        if window_start < game.ended_at <= now:
            correct += game.correct
            attempted += game.attempted

    past = [today - timedelta(days=offset) for offset in range(SERIES_DAYS - 1, -1, -1)]
    future = [today + timedelta(days=offset) for offset in range(SERIES_DAYS)]
    return LearnerStats(
        today=today,
        new=by_state[CardState.NEW],
        learning=by_state[CardState.LEARNING],
        review=by_state[CardState.REVIEW],
        suspended=suspended,
        due_now=due_now,
        due_today=due_today,
        due_week=due_week,
        reviews_today=reviews_by_day[today],
        current_streak=current_streak,
        best_streak=best_streak,
        retention=remembered / retention_grades if retention_grades else None,
        retention_grades=retention_grades,
        game_accuracy=correct / attempted if attempted else None,
        game_attempts=attempted,
        scheduler=scheduler,
        personal_parameters=personal_parameters,
        reviews_per_day=tuple(DayCount(day, reviews_by_day[day]) for day in past),
        due_per_day=tuple(DayCount(day, due_by_day[day]) for day in future),
    )
