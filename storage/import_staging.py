"""Big imports in chunks (SPEC §7.6): no write transaction of an import holds the writer long.

`stage_pairs` writes an import's pairs into `import_staging` a few hundred rows per
transaction, each its own, so other users' writes get the writer between chunks. The unit of
work then calls `apply_staged_pairs` inside its one transaction: one set-based statement
(`INSERT … SELECT … ON CONFLICT DO UPDATE`) upserts every staged row into word_pairs, together
with the inbox entry's removal and the outbox rows. Until that commit nothing of the import is
visible. The staged rows are deleted afterwards, in chunks of their own (`discard_staged`, by
the importing actor whether the import was applied, refused or failed): deleting 20,000 rows
inside the final transaction cost it a third more time. Rows a crash leaves behind belong to
an import id no unit of work will ever apply again (its inbox entry stages anew, under a new
id); `purge_abandoned` (the scheduler's cleanup, rows older than ABANDONED_AFTER) and
`discard_all` (start-up, when no import can be running) delete them.

All or nothing is kept by the apply: it refuses (raises, so the whole unit of work rolls back)
when the staged row count is not the one the decision was made on — e.g. cleanup removed
part of a stalled import — or when the user would end up over MAX_PAIRS_PER_USER.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from peewee import EXCLUDED, Value, chunked, fn

from storage.database import transaction
from storage.models import ImportStaging, WordPair
from storage.vocabulary import TooManyPairs, count_pairs
from wordbot.domain.pairs import MAX_PAIRS_PER_USER, PairInput, StagedPairs
from wordbot.domain.word_list import search_key

__all__ = [
    "ABANDONED_AFTER",
    "STAGE_CHUNK",
    "StagingIncomplete",
    "apply_staged_pairs",
    "discard_all",
    "discard_staged",
    "purge_abandoned",
    "stage_pairs",
    "staged_count",
]

STAGE_CHUNK = 500  # rows per staging transaction: a few milliseconds of the writer each
ABANDONED_AFTER = timedelta(hours=1)  # far longer than staging 20,000 rows takes
_NEW_RANK_LIMIT = 2**31 - 1
_DELETE_CHUNK = 2000  # staging rows deleted per transaction by the discards


class StagingIncomplete(Exception):
    """The staged rows are not the ones the decision counted; nothing is applied."""

    def __init__(self, import_id: str, expected: int, found: int) -> None:
        super().__init__(f"import {import_id}: {found} staged rows, expected {expected}")
        self.import_id = import_id
        self.expected = expected
        self.found = found


def stage_pairs(
    user_id: int,
    pairs: Sequence[PairInput],
    now: datetime,
    rng: random.Random,
    *,
    chunk: int = STAGE_CHUNK,
) -> StagedPairs:
    """Stage `pairs` (unique by word1) for `user_id` under a new import id, `chunk` rows per
    transaction; each row gets its search keys and the `new_rank` it has if it is new."""
    import_id = uuid.uuid4().hex
    for rows in chunked(pairs, chunk):
        _stage_chunk(
            [
                {
                    ImportStaging.import_id: import_id,
                    ImportStaging.user_id: user_id,
                    ImportStaging.word1: pair.word1,
                    ImportStaging.word2: pair.word2,
                    ImportStaging.word1_key: search_key(pair.word1),
                    ImportStaging.word2_key: search_key(pair.word2),
                    ImportStaging.new_rank: rng.randrange(_NEW_RANK_LIMIT),
                    ImportStaging.created_at: now,
                }
                for pair in rows
            ]
        )
    return StagedPairs(import_id=import_id, count=len(pairs))


def _stage_chunk(rows: list[dict]) -> None:
    """One short transaction of staged rows."""
    with transaction():
        ImportStaging.insert_many(rows).execute()


def staged_count(user_id: int, import_id: str) -> int:
    return (
        ImportStaging.select(fn.COUNT(ImportStaging.id))
        .where((ImportStaging.import_id == import_id) & (ImportStaging.user_id == user_id))
        .scalar()
    )


def apply_staged_pairs(user_id: int, staged: StagedPairs, now: datetime) -> int:
    """Upsert the staged rows of `staged` into the user's pairs inside the caller's
    transaction (or one of its own); the staged rows stay for `discard_staged`. New pairs start as `new` with their staged
    `new_rank`; an existing pair gets word2 (and its key) updated and keeps its history; an
    identical pair is left untouched. Returns the pairs inserted or updated.

    Raises StagingIncomplete or TooManyPairs and writes nothing."""
    ours = (ImportStaging.import_id == staged.import_id) & (ImportStaging.user_id == user_id)
    with transaction():
        found = staged_count(user_id, staged.import_id)
        if found != staged.count:
            raise StagingIncomplete(staged.import_id, staged.count, found)
        before = count_pairs(user_id)
        columns = [
            WordPair.user,
            WordPair.word1,
            WordPair.word2,
            WordPair.word1_key,
            WordPair.word2_key,
            WordPair.new_rank,
            WordPair.state,
            WordPair.interval_days,
            WordPair.ease,
            WordPair.step,
            WordPair.reps,
            WordPair.lapses,
            WordPair.suspended,
            WordPair.created_at,
            WordPair.updated_at,
        ]
        source = ImportStaging.select(
            ImportStaging.user_id,
            ImportStaging.word1,
            ImportStaging.word2,
            ImportStaging.word1_key,
            ImportStaging.word2_key,
            ImportStaging.new_rank,
            *(_default(field) for field in columns[6:13]),
            Value(now, converter=WordPair.created_at.db_value),
            Value(now, converter=WordPair.updated_at.db_value),
        ).where(ours)
        written = (
            WordPair.insert_from(source, columns)
            .on_conflict(
                conflict_target=[WordPair.user, WordPair.word1],
                update={
                    WordPair.word2: EXCLUDED.word2,
                    WordPair.word2_key: EXCLUDED.word2_key,
                    WordPair.updated_at: EXCLUDED.updated_at,
                },
                where=(WordPair.word2 != EXCLUDED.word2),
            )
            .as_rowcount()
            .execute()
        )
        after = count_pairs(user_id)
        if after > MAX_PAIRS_PER_USER:
            raise TooManyPairs(before, after - before)
    return written


def _default(field) -> Value:
    """A column's model default as a literal of the INSERT … SELECT (peewee's defaults are
    applied in Python, so the table has none of its own)."""
    return Value(field.default, converter=field.db_value)


def discard_staged(import_id: str) -> int:
    """Delete what is left of one import's staging rows, a chunk per transaction."""
    return _delete_in_chunks(ImportStaging.import_id == import_id)


def purge_abandoned(now: datetime) -> int:
    """Cleanup: staging rows older than ABANDONED_AFTER belong to an import that died."""
    return _delete_in_chunks(ImportStaging.created_at < now - ABANDONED_AFTER)


def discard_all() -> int:
    """Start-up (the instance lock is held, no import runs yet): every staging row is abandoned."""
    return _delete_in_chunks(None)


def _delete_in_chunks(condition) -> int:
    deleted = 0
    while True:
        with transaction():
            query = ImportStaging.select(ImportStaging.id).limit(_DELETE_CHUNK)
            if condition is not None:
                query = query.where(condition)
            ids = [row_id for (row_id,) in query.tuples()]
            if ids:
                ImportStaging.delete().where(ImportStaging.id.in_(ids)).execute()
        deleted += len(ids)
        if len(ids) < _DELETE_CHUNK:
            return deleted
