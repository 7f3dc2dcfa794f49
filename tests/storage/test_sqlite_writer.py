"""SQLite's writers queue on one lock in the process: with fewer pooled connections than
writing threads none of them deadlocks (a connection is taken before the lock), and a failed
transaction gives the lock back."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from storage.database import close_database, connection_scope, database, open_database
from storage.migrate import migrate
from storage.models import Outbox

NOW = datetime(2026, 4, 2, 8, 30, tzinfo=UTC)


@pytest.fixture
def sqlite(tmp_path):
    open_database(f"sqlite:///{tmp_path / 'wordbot.db'}", max_connections=4)
    migrate()
    yield
    close_database()
    database.initialize(None)


def add(chat_id: int) -> None:
    Outbox.insert(chat_id=chat_id, user_id=chat_id, effect={}, created_at=NOW).execute()


def test_crowded_writers_never_deadlock_with_fewer_connections_than_threads(sqlite):
    errors = []

    def writer(chat_id: int) -> None:
        try:
            for _ in range(20):
                with connection_scope():
                    add(chat_id)  # autocommit
                    with database.atomic():  # and a transaction
                        add(chat_id)
                        add(chat_id)
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,), daemon=True) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a writer is stuck (deadlock)"
    assert errors == []
    with connection_scope():
        assert Outbox.select().count() == 12 * 20 * 3


def test_a_failed_transaction_gives_the_writer_lock_back(sqlite):
    with connection_scope(), pytest.raises(RuntimeError), database.atomic():
        add(1)
        raise RuntimeError("boom")
    done = threading.Event()

    def other_thread() -> None:
        with connection_scope():
            add(2)
        done.set()

    threading.Thread(target=other_thread, daemon=True).start()
    assert done.wait(10), "the lock was not given back"
    with connection_scope():
        assert [row.chat_id for row in Outbox.select()] == [2]
