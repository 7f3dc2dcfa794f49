"""/words queries (SPEC §13): a page of a user's pairs, searched and sorted by the stored keys,
one card's details, and the edits of the card view. Every query is keyed on the user's id, so
a pair id of another user reads as missing and is never written.

The keys `word1_key`/`word2_key` (migration 0008) hold `search_key` of each side: sorting
and matching on them is the same on SQLite and PostgreSQL and uses the
`(user_id, word1_key, id)` index.

The `suspended` column belongs to another change; until it exists `card_details` reports
`suspended=None` and `set_suspended` raises SuspensionUnsupported.
"""

from __future__ import annotations

import random
from datetime import datetime

from peewee import SQL, NodeList, fn

from storage.database import database
from storage.models import WordPair
from wordbot.domain.srs import CardSchedule, CardState
from wordbot.domain.word_list import (
    CardDetails,
    EditOutcome,
    WordsItem,
    WordsPage,
    plan_page,
    search_key,
    search_needle,
)

__all__ = [
    "SuspensionUnsupported",
    "card_details",
    "word1_owner",
    "delete_pair",
    "edit_pair",
    "reset_pair",
    "set_suspended",
    "suspension_supported",
    "words_page",
]

_NEW_RANK_LIMIT = 2**31 - 1  # as storage.vocabulary draws it


class SuspensionUnsupported(RuntimeError):
    """word_pairs has no `suspended` column yet."""


def words_page(user_id: int, query: str | None, page: int, without: int | None = None) -> WordsPage:
    """Page `page` (0-based, clamped) of the user's pairs matching `query` on either side;
    `without`: a pair left out (one being deleted in the same unit of work)."""
    condition = WordPair.user == user_id
    if without is not None:
        condition &= WordPair.id != without
    needle = search_needle(query)
    if needle is not None:
        pattern = _like_contains(needle)
        condition &= _like(WordPair.word1_key, pattern) | _like(WordPair.word2_key, pattern)
    total = WordPair.select(fn.COUNT(WordPair.id)).where(condition).scalar()
    plan = plan_page(total, page)
    rows = (
        WordPair.select(WordPair.id, WordPair.word1, WordPair.word2)
        .where(condition)
        .order_by(WordPair.word1_key, WordPair.id)
        .offset(plan.offset)
        .limit(plan.limit)
        .tuples()
    )
    return WordsPage(
        items=tuple(WordsItem(pair_id, word1, word2) for pair_id, word1, word2 in rows),
        page=plan.page,
        page_count=plan.page_count,
        total=total,
    )


def suspension_supported() -> bool:
    return "suspended" in WordPair._meta.fields


def card_details(user_id: int, pair_id: int) -> CardDetails | None:
    """The card view's facts of the user's pair; None when it is not theirs or gone."""
    row = WordPair.get_or_none((WordPair.id == pair_id) & (WordPair.user == user_id))
    if row is None:
        return None
    return CardDetails(
        pair_id=row.id,
        word1=row.word1,
        word2=row.word2,
        state=CardState(row.state),
        due_at=row.due_at,
        reps=row.reps,
        lapses=row.lapses,
        suspended=bool(row.suspended) if suspension_supported() else None,
    )


def word1_owner(user_id: int, word1: str) -> int | None:
    """The id of the user's pair whose word1 is exactly `word1`, if any."""
    return (
        WordPair.select(WordPair.id)
        .where((WordPair.user == user_id) & (WordPair.word1 == word1))
        .scalar()
    )


def edit_pair(user_id: int, pair_id: int, word1: str, word2: str, now: datetime) -> EditOutcome:
    """Replace the pair's text, keeping its schedule and history; refused when `word1` is
    another pair's of the same user. Both sides come trimmed and validated (`parse_pairs_text`)."""
    with database.atomic():
        mine = (WordPair.id == pair_id) & (WordPair.user == user_id)
        if not WordPair.select(WordPair.id).where(mine).exists():
            return EditOutcome.NOT_FOUND
        taken = (
            WordPair.select(WordPair.id)
            .where(
                (WordPair.user == user_id) & (WordPair.word1 == word1) & (WordPair.id != pair_id)
            )
            .exists()
        )
        if taken:
            return EditOutcome.WORD1_TAKEN
        WordPair.update(
            word1=word1,
            word2=word2,
            word1_key=search_key(word1),
            word2_key=search_key(word2),
            updated_at=now,
        ).where(mine).execute()
    return EditOutcome.EDITED


def delete_pair(user_id: int, pair_id: int) -> bool:
    """Remove the user's pair; False when there was none. (Its review log and session
    references are the caller's to remove in the same unit of work.)"""
    deleted = (
        WordPair.delete().where((WordPair.id == pair_id) & (WordPair.user == user_id)).execute()
    )
    return deleted > 0


def reset_pair(user_id: int, pair_id: int, now: datetime, rng: random.Random) -> bool:
    """The card becomes new again: every SM-2 field as a fresh card's and a new `new_rank`;
    its words, and its history in the review log, stay. False when the pair is not the user's."""
    fresh = CardSchedule()
    updated = (
        WordPair.update(
            state=fresh.state.value,
            due_at=fresh.due_at,
            last_reviewed_at=fresh.last_reviewed_at,
            interval_days=fresh.interval_days,
            ease=fresh.ease,
            step=fresh.step,
            reps=fresh.reps,
            lapses=fresh.lapses,
            new_rank=rng.randrange(_NEW_RANK_LIMIT),
            updated_at=now,
        )
        .where((WordPair.id == pair_id) & (WordPair.user == user_id))
        .execute()
    )
    return updated > 0


def set_suspended(user_id: int, pair_id: int, suspended: bool, now: datetime) -> bool:
    """Suspend or unsuspend the user's pair; False when it is not theirs."""
    if not suspension_supported():
        raise SuspensionUnsupported("word_pairs has no suspended column yet")
    updated = (
        WordPair.update({WordPair._meta.fields["suspended"]: suspended, WordPair.updated_at: now})
        .where((WordPair.id == pair_id) & (WordPair.user == user_id))
        .execute()
    )
    return updated > 0


def _like_contains(needle: str) -> str:
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _like(field, pattern: str):
    """`field LIKE pattern ESCAPE '\\'`, the same on SQLite and PostgreSQL (keys are folded)."""
    return NodeList((field, SQL("LIKE"), pattern, SQL("ESCAPE '\\'")))
