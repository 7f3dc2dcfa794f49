"""What /stats reads (SPEC §14): a learner's cards, review log and games, in four queries.

* Cards: one aggregate over the user's pairs (state × suspended), and one range scan of the
  `(user_id, due_at)` index for the learning/review cards due before the chart's horizon.
  The due cards come back one by one; the others fold into one counted row per state.
* Review log: the grades of the last REVIEW_LOG_DAYS days, on its `(user_id, reviewed_at)`
  index. The model is passed in: the `review_log` table arrives with the FSRS work.
* Games: the finished games of the last 30 days.

Suspended cards: the `suspended` column arrives with leeches (SPEC §12); until then every
card counts as not suspended.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from peewee import fn

from storage.models import GameSessionStatistics, ReviewLog, WordPair
from wordbot.domain.srs import CardState
from wordbot.domain.stats import (
    DUE_HORIZON_DAYS,
    WINDOW_DAYS,
    CardStat,
    GameResult,
    ReviewEvent,
)

__all__ = ["REVIEW_LOG_DAYS", "load_card_stats", "load_game_results", "load_review_events"]

REVIEW_LOG_DAYS = 400  # the best streak looks this far back
_DUE_STATES = (CardState.LEARNING.value, CardState.REVIEW.value)


def load_card_stats(user_id: int, now: datetime) -> list[CardStat]:
    """The user's cards as /stats needs them: every card due before now + the horizon on its
    own row, the rest counted per (state, suspended)."""
    suspended = getattr(WordPair, "suspended", None)
    group = [WordPair.state] if suspended is None else [WordPair.state, suspended]
    counts = Counter(
        {
            (CardState(row[0]), bool(row[1]) if suspended is not None else False): row[-1]
            for row in WordPair.select(*group, fn.COUNT(WordPair.id))
            .where(WordPair.user == user_id)
            .group_by(*group)
            .tuples()
        }
    )
    due = (
        WordPair.select(WordPair.state, WordPair.due_at)
        .where(
            (WordPair.user == user_id)
            & (WordPair.due_at < now + timedelta(days=DUE_HORIZON_DAYS))
            & WordPair.state.in_(_DUE_STATES)
        )
        .order_by(WordPair.due_at)
    )
    if suspended is not None:
        due = due.where(~suspended)
    cards = []
    for state, due_at in due.tuples():
        cards.append(CardStat(CardState(state), due_at))
        counts[(CardState(state), False)] -= 1
    cards.extend(
        CardStat(state, None, suspended=is_suspended, count=count)
        for (state, is_suspended), count in counts.items()
        if count > 0
    )
    return cards


def load_review_events(
    user_id: int, now: datetime, days: int = REVIEW_LOG_DAYS
) -> list[ReviewEvent]:
    """The user's grades of the last `days` days from the `review_log` table (SPEC §12),
    oldest first. A state is read in lower case ("Review" and "review" are the same state)."""
    review_log = ReviewLog
    query = (
        review_log.select(review_log.reviewed_at, review_log.rating, review_log.state_before)
        .where(
            (review_log.user == user_id)
            & (review_log.reviewed_at > now - timedelta(days=days))
            & (review_log.reviewed_at <= now)
        )
        .order_by(review_log.reviewed_at)
    )
    return [
        ReviewEvent(reviewed_at, rating, str(state_before).lower())
        for reviewed_at, rating, state_before in query.tuples()
    ]


def load_game_results(user_id: int, now: datetime) -> list[GameResult]:
    """The user's games that ended in the last 30 days (games still running are left out)."""
    stats = GameSessionStatistics
    query = stats.select(stats.ended_at, stats.correct, stats.attempted).where(
        (stats.user_id == user_id)
        & (stats.ended_at > now - timedelta(days=WINDOW_DAYS))
        & (stats.ended_at <= now)
    )
    return [
        GameResult(ended_at, correct, attempted) for ended_at, correct, attempted in query.tuples()
    ]
