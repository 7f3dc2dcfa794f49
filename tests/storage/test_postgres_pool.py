"""The PostgreSQL connection pool under concurrent writers: more writing threads than pooled
connections, every write lands once, no thread errors or gets stuck."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from storage import users
from storage.database import close_database, connection_scope, database, open_database
from storage.migrate import migrate
from storage.models import Outbox, User
from tests.support.databases import POSTGRES_SKIP_REASON, POSTGRES_URL, postgres_schema

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not POSTGRES_URL, reason=POSTGRES_SKIP_REASON),
]

NOW = datetime(2026, 4, 2, 8, 30, tzinfo=UTC)
WRITERS = 12
ROUNDS = 20
SHARED_USER = 1


@pytest.fixture
def small_pool():
    """A fresh schema behind a pool of 4 connections (fewer than the writers)."""
    schemas = postgres_schema()
    schema = next(schemas)
    open_database(POSTGRES_URL, max_connections=4, options=f"-c search_path={schema}")
    try:
        migrate()
        with connection_scope():
            users.ensure_learner(SHARED_USER, SHARED_USER, NOW)
        yield
    finally:
        close_database()
        database.initialize(None)
        schemas.close()


def test_concurrent_writers_on_the_pool_lose_no_update_and_raise_nothing(small_pool):
    errors: list[BaseException] = []

    def writer(chat_id: int) -> None:
        try:
            for _ in range(ROUNDS):
                with connection_scope():
                    Outbox.insert(
                        chat_id=chat_id, user_id=chat_id, effect={}, created_at=NOW
                    ).execute()
                    with database.atomic():  # a transaction on a shared row
                        User.update(missed_reminders=User.missed_reminders + 1).where(
                            User.id == SHARED_USER
                        ).execute()
                        Outbox.insert(
                            chat_id=chat_id, user_id=chat_id, effect={"n": 1}, created_at=NOW
                        ).execute()
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [
        threading.Thread(target=writer, args=(100 + n,), daemon=True) for n in range(WRITERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not any(thread.is_alive() for thread in threads), "a writer is stuck"
    assert errors == []
    with connection_scope():
        assert Outbox.select().count() == WRITERS * ROUNDS * 2
        per_chat = {row.chat_id for row in Outbox.select(Outbox.chat_id).distinct()}
        assert per_chat == {100 + n for n in range(WRITERS)}
        assert users.load_learner(SHARED_USER).missed_reminders == WRITERS * ROUNDS
