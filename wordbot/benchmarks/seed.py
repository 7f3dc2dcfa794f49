"""Bulk seeding for the benchmarks: N learners × K cards straight into the real schema, fast.

    seed(url, SeedPlan(users=100_000, cards=20), now)            # B3: a reminder wave
    seed_mid_session_learners(path, 100_000, fresh=20, now=now)   # B4: persisted sessions
    seed_new_pairs(user_id, pairs, now)                           # tests: a full vocabulary

Learner ids are `first_user_id …`, each in its private chat (chat_id == user_id, as the
emulator's `private_chat`). Card ids are known: learner `u`'s cards follow each other in id
order. The schema is migrated first; rows go in with one prepared statement per table
(SQLite `executemany`, PostgreSQL `execute_values`) in one transaction per chunk.
"""

from __future__ import annotations

import json
import random
import statistics
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice
from pathlib import Path

from peewee import fn

from storage.database import close_database, database, is_sqlite, open_database
from storage.migrate import migrate
from storage.models import ALL_MODELS, TrainingSession, User, WordPair
from wordbot.domain.word_list import search_key
from wordbot.rendering.training import prompt_text

__all__ = [
    "latency_figures",
    "scratch_postgres_schema",
    "SeedPlan",
    "SeedReport",
    "empty_postgres",
    "open_private_chats",
    "prompt_message_id",
    "seed",
    "seed_mid_session_learners",
    "seed_new_pairs",
    "session_token",
]

CHUNK_ROWS = 20_000  # rows per transaction
SESSION_SIZE = 5  # cards in a seeded training session (the default cards_per_session)
_LONG_AGO = timedelta(days=3)  # learners joined before every slot of the last days


@dataclass(frozen=True, slots=True)
class SeedPlan:
    """What to seed. `cards_due`: every card a review card due before `now` (else new cards).
    `reminder_due`: each learner's next slot time has passed, all slots enabled, joined
    days ago, never reminded, so a reminder really sends a session (else the next slot is a
    day away). `training_sessions`: a live /review session per learner whose first prompt
    was sent (message id `prompt_message_id(u)`, token `session_token(u)`), except for the
    first `fresh` learners, who have cards and nothing else."""

    users: int
    cards: int
    first_user_id: int = 1
    cards_due: bool = True
    reminder_due: bool = True
    training_sessions: bool = False
    fresh: int = 0
    session_ttl: timedelta = timedelta(minutes=1440)

    @property
    def user_ids(self) -> range:
        return range(self.first_user_id, self.first_user_id + self.users)


@dataclass(frozen=True, slots=True)
class SeedReport:
    users: int
    cards: int
    training_sessions: int
    seconds: float


def session_token(user_id: int) -> str:
    """The current token of a seeded learner's training session (≤ 16 characters)."""
    return f"s{user_id:x}"


def prompt_message_id(user_id: int) -> int:
    """The message id of a seeded learner's sent prompt (the only message in their chat)."""
    return 1


def seed(url: str, plan: SeedPlan, now: datetime) -> SeedReport:
    """Migrate the database at `url` and seed `plan` into it; the proxy is closed afterwards."""
    began = time.perf_counter()
    open_database(url)
    try:
        migrate()
        with database.connection_context():
            first_pair_id = (WordPair.select(fn.MAX(WordPair.id)).scalar() or 0) + 1
            _insert(User, _user_fields(), _user_rows(plan, now))
            _insert(WordPair, _pair_fields(), _pair_rows(plan, now, first_pair_id))
            sessions = 0
            if plan.training_sessions:
                learners = plan.user_ids[plan.fresh :]
                rows = _session_rows(plan, learners, now, first_pair_id)
                _insert(TrainingSession, _session_fields(), rows)
                sessions = len(learners)
            if not is_sqlite():
                _advance_sequences()
    finally:
        close_database()
    return SeedReport(
        users=plan.users,
        cards=plan.users * plan.cards,
        training_sessions=sessions,
        seconds=time.perf_counter() - began,
    )


def seed_new_pairs(user_id: int, pairs: Iterable[tuple[str, str]], now: datetime) -> None:
    """New cards (word1, word2) for a learner who exists, in the database open now, as
    `vocabulary.upsert_pairs` writes them (their new_rank is their order here, not random):
    for tests that need a vocabulary near the size limit, without paying peewee's query
    building for each of 20,000 rows."""
    fields = (
        WordPair.user,
        WordPair.word1,
        WordPair.word2,
        WordPair.word1_key,
        WordPair.word2_key,
        WordPair.new_rank,
        WordPair.created_at,
        WordPair.updated_at,
    )
    rows = (
        (user_id, word1, word2, search_key(word1), search_key(word2), rank, now, now)
        for rank, (word1, word2) in enumerate(pairs)
    )
    _insert(WordPair, fields, rows)


def empty_postgres(url: str) -> None:
    """Migrate, then empty every table of the application (not the migration history): the
    benchmarks' PostgreSQL database must be one of their own."""
    open_database(url)
    try:
        migrate()
        with database.connection_context():
            names = ", ".join(f'"{model._meta.table_name}"' for model in ALL_MODELS)
            database.execute_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    finally:
        close_database()


def open_private_chats(emulator, user_ids: Iterable[int]) -> None:
    """Every learner's private chat exists in the emulator, as if each had talked to the bot."""
    for user_id in user_ids:
        emulator.private_chat(user_id=user_id)


def seed_mid_session_learners(
    database_path: Path, sessions: int, *, fresh: int, now: datetime, cards: int = SESSION_SIZE
) -> list[int]:
    """B4: `sessions` learners in an SQLite file, each mid-way through a /review session with
    a sent prompt, except the first `fresh`, who only have cards (to start real sessions
    through the emulator). Returns the fresh learners' ids."""
    plan = SeedPlan(
        users=sessions,
        cards=cards,
        cards_due=True,
        reminder_due=False,
        training_sessions=True,
        fresh=fresh,
    )
    seed(f"sqlite:///{database_path}", plan, now)
    return list(plan.user_ids[:fresh])


def _user_fields() -> tuple:
    return (
        User.id,
        User.chat_id,
        User.created_at,
        User.updated_at,
        User.next_reminder_at,
    )


def _user_rows(plan: SeedPlan, now: datetime) -> Iterator[tuple]:
    joined = now - _LONG_AGO
    next_at = now - timedelta(minutes=1) if plan.reminder_due else now + timedelta(days=1)
    for user_id in plan.user_ids:
        yield (user_id, user_id, joined, joined, next_at)


def _pair_fields() -> tuple:
    return (
        WordPair.id,
        WordPair.user,
        WordPair.word1,
        WordPair.word2,
        WordPair.state,
        WordPair.due_at,
        WordPair.last_reviewed_at,
        WordPair.interval_days,
        WordPair.reps,
        WordPair.new_rank,
        WordPair.created_at,
        WordPair.updated_at,
        WordPair.word1_key,
        WordPair.word2_key,
    )


def _pair_rows(plan: SeedPlan, now: datetime, first_pair_id: int) -> Iterator[tuple]:
    joined = now - _LONG_AGO
    if plan.cards_due:
        state, due_at, reviewed, interval, reps = "review", now - timedelta(hours=1), joined, 1, 1
    else:
        state, due_at, reviewed, interval, reps = "new", None, None, 0, 0
    pair_id = first_pair_id
    for user_id in plan.user_ids:
        for n in range(plan.cards):
            yield (
                pair_id,
                user_id,
                f"word{n}",
                f"slovo{n}",
                state,
                due_at,
                reviewed,
                interval,
                reps,
                n,
                joined,
                joined,
                f"word{n}",  # search_key of the words: already folded
                f"slovo{n}",
            )
            pair_id += 1


def _session_fields() -> tuple:
    return (
        TrainingSession.chat_id,
        TrainingSession.user_id,
        TrainingSession.pair_ids,
        TrainingSession.current_index,
        TrainingSession.current_token,
        TrainingSession.current_message_id,
        TrainingSession.current_prompt_text,
        TrainingSession.kind,
        TrainingSession.reviewed_count,
        TrainingSession.last_activity_at,
        TrainingSession.expires_at,
        TrainingSession.created_at,
        TrainingSession.updated_at,
    )


def _session_rows(
    plan: SeedPlan, learners: Sequence[int], now: datetime, first_pair_id: int
) -> Iterator[tuple]:
    size = min(SESSION_SIZE, plan.cards)
    text = prompt_text("word0", "slovo0", 1, size)
    expires_at = now + plan.session_ttl
    for user_id in learners:
        first = first_pair_id + (user_id - plan.first_user_id) * plan.cards
        pair_ids = json.dumps(list(range(first, first + size)))
        yield (
            user_id,
            user_id,
            pair_ids,
            0,
            session_token(user_id),
            prompt_message_id(user_id),
            text,
            "review",
            0,
            now,
            expires_at,
            now,
            now,
        )


def _insert(model, fields: Sequence, rows: Iterable[tuple]) -> None:
    """Insert `rows` (values in the order of `fields`, every other column its model default)
    in chunks, one transaction each."""
    given = {field.name for field in fields}
    defaulted = [
        field
        for field in model._meta.sorted_fields
        if field.name not in given and field.field_type != "BIGAUTO"
    ]
    tail = tuple(field.db_value(field.default) for field in defaulted)
    fields = (*fields, *defaulted)
    table = model._meta.table_name
    columns = ", ".join(f'"{field.column_name}"' for field in fields)
    converters = [_to_column(field) for field in fields[: len(fields) - len(defaulted)]]
    rows = iter(rows)
    while chunk := list(islice(rows, CHUNK_ROWS)):
        values = [
            (*(convert(value) for convert, value in zip(converters, row, strict=True)), *tail)
            for row in chunk
        ]
        with database.atomic():
            cursor = database.cursor()
            if is_sqlite():
                marks = ", ".join("?" * len(fields))
                cursor.executemany(f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', values)
            else:
                from psycopg2.extras import execute_values

                execute_values(
                    cursor, f'INSERT INTO "{table}" ({columns}) VALUES %s', values, page_size=1000
                )


def _to_column(field):
    """The driver-ready value of a field: datetimes through the field (naive UTC), JSON as
    text already, everything else as is."""
    if field.field_type in ("DATETIME", "TIMESTAMP"):
        cache: dict = {}

        def convert(value):
            if value not in cache:
                cache[value] = field.db_value(value)
            return cache[value]

        return convert
    return _same


def _same(value):
    return value


def _advance_sequences() -> None:
    """PostgreSQL: explicit ids do not move a serial sequence; move it past them."""
    for model in (WordPair, TrainingSession):
        table = model._meta.table_name
        database.execute_sql(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f'COALESCE((SELECT MAX(id) FROM "{table}"), 0) + 1, false)'
        )


@contextmanager
def scratch_postgres_schema(url: str) -> Iterator[str]:
    """A fresh schema on the PostgreSQL server at `url`, dropped afterwards; yields the
    connection option that puts the benchmark's tables in it."""
    import psycopg2

    schema = f"wordbot_bench_{random.randrange(10**8)}"
    admin = psycopg2.connect(url)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"-c search_path={schema}"
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA {schema} CASCADE")
        admin.close()


def latency_figures(timings_ms: list[float]) -> dict:
    """Median and 99th percentile of timings in milliseconds, rounded to microseconds."""
    ordered = sorted(timings_ms)
    return {
        "median_ms": round(statistics.median(ordered), 3),
        "p99_ms": round(ordered[max(0, int(len(ordered) * 0.99) - 1)], 3),
    }
