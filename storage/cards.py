"""Cards for training: word pairs with their SRS schedule, read in bulk and graded one at a time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from storage.models import WordPair
from storage.prepared import Prepared, slot
from wordbot.domain.srs import CardSchedule, CardState
from wordbot.domain.training import Card

__all__ = ["load_cards", "save_schedule"]


def load_cards(user_id: int, pair_ids: Sequence[int]) -> dict[int, Card]:
    """The user's cards among `pair_ids` (deleted ones are simply missing)."""
    if not pair_ids:
        return {}
    rows = WordPair.select().where((WordPair.user == user_id) & (WordPair.id.in_(list(pair_ids))))
    return {
        row.id: Card(
            pair_id=row.id,
            word1=row.word1,
            word2=row.word2,
            schedule=CardSchedule(
                state=CardState(row.state),
                due_at=row.due_at,
                last_reviewed_at=row.last_reviewed_at,
                interval_days=row.interval_days,
                ease=row.ease,
                step=row.step,
                reps=row.reps,
                lapses=row.lapses,
            ),
        )
        for row in rows
    }


_SCHEDULE_FIELDS = (
    WordPair.state,
    WordPair.due_at,
    WordPair.last_reviewed_at,
    WordPair.interval_days,
    WordPair.ease,
    WordPair.step,
    WordPair.reps,
    WordPair.lapses,
    WordPair.updated_at,
)
_SAVE_SCHEDULE = Prepared(
    lambda: WordPair.update({field: slot(field.name, field) for field in _SCHEDULE_FIELDS}).where(
        WordPair.id == slot("pair_id")
    )
)


def save_schedule(pair_id: int, schedule: CardSchedule, now: datetime) -> None:
    """A graded card's new schedule (a prepared statement: on every grade)."""
    _SAVE_SCHEDULE.execute(
        pair_id=pair_id,
        state=schedule.state.value,
        due_at=schedule.due_at,
        last_reviewed_at=schedule.last_reviewed_at,
        interval_days=schedule.interval_days,
        ease=schedule.ease,
        step=schedule.step,
        reps=schedule.reps,
        lapses=schedule.lapses,
        updated_at=now,
    )
