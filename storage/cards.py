"""Cards for training: word pairs with their SRS schedule, read in bulk and graded one at a time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from peewee import chunked

from storage.models import WordPair
from storage.prepared import Prepared, among, slot
from wordbot.domain.srs import CardSchedule, CardState, FsrsMemory, FsrsState
from wordbot.domain.training import Card

__all__ = ["CARD_COLUMNS", "card_from_row", "load_cards", "load_cards_by_id", "save_schedule"]

_BATCH = 1000  # pair ids per statement (one parameter: `among`)


def load_cards(user_id: int, pair_ids: Sequence[int]) -> dict[int, Card]:
    """The user's cards among `pair_ids` (deleted ones are simply missing)."""
    if not pair_ids:
        return {}
    rows = WordPair.select().where((WordPair.user == user_id) & (WordPair.id.in_(list(pair_ids))))
    return {row.id: card_from_row(row) for row in rows}


def load_cards_by_id(pair_ids: Sequence[int]) -> dict[int, tuple[int, Card]]:
    """Cards of any users by pair id, with their owner's user id (a wave's prompts, in bulk)."""
    found: dict[int, tuple[int, Card]] = {}
    for batch in chunked(list(dict.fromkeys(pair_ids)), _BATCH):
        for row in WordPair.select().where(among(WordPair.id, batch)):
            found[row.id] = (row.user_id, card_from_row(row))
    return found


CARD_COLUMNS = (
    WordPair.id,
    WordPair.user,
    WordPair.word1,
    WordPair.word2,
    WordPair.state,
    WordPair.due_at,
    WordPair.last_reviewed_at,
    WordPair.interval_days,
    WordPair.ease,
    WordPair.step,
    WordPair.reps,
    WordPair.lapses,
    WordPair.fsrs_state,
    WordPair.fsrs_step,
    WordPair.fsrs_stability,
    WordPair.fsrs_difficulty,
    WordPair.fsrs_due_at,
    WordPair.suspended,
)  # what a Card is made of, and its owner


def card_from_values(values: Sequence) -> Card:
    """A card from a raw row of CARD_COLUMNS as the driver gives it (a wave reads thousands:
    only the datetimes and the flag need converting)."""
    (pair_id, _, word1, word2, state, due_at, last_reviewed_at, interval_days, ease, step) = values[
        :10
    ]
    (reps, lapses, fsrs_state, fsrs_step, stability, difficulty, fsrs_due_at, suspended) = values[
        10:18
    ]
    fsrs = None
    if fsrs_state is not None and fsrs_due_at is not None:
        fsrs = FsrsMemory(
            FsrsState(fsrs_state), fsrs_step, stability, difficulty, _utc(fsrs_due_at)
        )
    return Card(
        pair_id=pair_id,
        word1=word1,
        word2=word2,
        schedule=CardSchedule(
            state=CardState(state),
            due_at=_utc(due_at),
            last_reviewed_at=_utc(last_reviewed_at),
            interval_days=interval_days,
            ease=ease,
            step=step,
            reps=reps,
            lapses=lapses,
            fsrs=fsrs,
            suspended=bool(suspended),
        ),
    )


def _utc(value):
    return None if value is None else WordPair.due_at.python_value(value)


def card_from_row(row: WordPair) -> Card:
    """A card from a word_pairs row (a model instance or any object with its columns)."""
    return Card(
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
            fsrs=_fsrs_memory(row),
            suspended=row.suspended,
        ),
    )


def _fsrs_memory(row: WordPair) -> FsrsMemory | None:
    if row.fsrs_state is None or row.fsrs_due_at is None:
        return None
    return FsrsMemory(
        state=FsrsState(row.fsrs_state),
        step=row.fsrs_step,
        stability=row.fsrs_stability,
        difficulty=row.fsrs_difficulty,
        due_at=row.fsrs_due_at,
    )


_SCHEDULE_FIELDS = (
    WordPair.state,
    WordPair.due_at,
    WordPair.last_reviewed_at,
    WordPair.interval_days,
    WordPair.ease,
    WordPair.step,
    WordPair.reps,
    WordPair.lapses,
    WordPair.fsrs_state,
    WordPair.fsrs_step,
    WordPair.fsrs_stability,
    WordPair.fsrs_difficulty,
    WordPair.fsrs_due_at,
    WordPair.suspended,
    WordPair.updated_at,
)
_SAVE_SCHEDULE = Prepared(
    lambda: WordPair.update({field: slot(field.name, field) for field in _SCHEDULE_FIELDS}).where(
        WordPair.id == slot("pair_id")
    ),
    deferrable=True,
)


def save_schedule(pair_id: int, schedule: CardSchedule, now: datetime) -> None:
    """A graded card's new schedule (a prepared statement: on every grade)."""
    memory = schedule.fsrs
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
        fsrs_state=None if memory is None else memory.state.value,
        fsrs_step=None if memory is None else memory.step,
        fsrs_stability=None if memory is None else memory.stability,
        fsrs_difficulty=None if memory is None else memory.difficulty,
        fsrs_due_at=None if memory is None else memory.due_at,
        suspended=schedule.suspended,
        updated_at=now,
    )
