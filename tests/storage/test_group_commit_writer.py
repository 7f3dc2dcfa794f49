"""Group commit on SQLite and PostgreSQL: the units queued while the writer is busy commit in
one transaction; a unit at fault fails alone and its neighbours commit; a unit marked `alone`
commits in a transaction of its own; stop() commits what was queued and fails what it cannot,
and nobody waits forever. Order and counting, never timing: a gate holds the writer busy while
the test queues."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from peewee import IntegrityError

from storage import outbox
from storage.database import connection_scope, database
from storage.models import InboxEntry, Outbox
from storage.writer import GroupCommitWriter, InlineWriter, WriterStopped
from wordbot.effects import SendText

NOW = datetime(2026, 4, 2, 8, 30, tzinfo=UTC)
WAIT = 30.0  # a wait point's limit, not a measurement


@pytest.fixture
def writer(db):
    writer = GroupCommitWriter(max_batch=64).start()
    yield writer
    writer.stop()


def add_outbox(chat_id: int):
    """A unit: one row, and the transaction it ran in (peewee's object for it)."""

    def unit():
        Outbox.insert(chat_id=chat_id, user_id=chat_id, effect={}, created_at=NOW).execute()
        return database.top_transaction()

    return unit


def add_inbox(update_id: int, chat_id: int):
    """A unit that fails with a unique-key violation when `update_id` is already stored."""

    def unit():
        Outbox.insert(chat_id=chat_id, user_id=chat_id, effect={}, created_at=NOW).execute()
        InboxEntry.insert(
            update_id=update_id, chat_id=chat_id, user_id=chat_id, payload={}, received_at=NOW
        ).execute()
        return chat_id

    return unit


class Gate:
    """A unit that holds the writer until released, so the test can queue behind it."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()

    def __call__(self):
        self.entered.set()
        assert self.release.wait(WAIT), "the test never released the gate"
        return "gate"


def hold(writer: GroupCommitWriter) -> tuple[Gate, object]:
    gate = Gate()
    future = writer.submit(gate)
    assert gate.entered.wait(WAIT)
    return gate, future


def outbox_chats() -> list[int]:
    with connection_scope():
        return sorted(row.chat_id for row in Outbox.select(Outbox.chat_id))


def test_units_queued_while_the_writer_is_busy_commit_in_one_transaction(writer):
    gate, held = hold(writer)
    futures = [writer.submit(add_outbox(chat_id)) for chat_id in range(1, 21)]
    assert not any(future.done() for future in futures)
    gate.release.set()
    transactions = [future.result(WAIT) for future in futures]
    assert held.result(WAIT) == "gate"
    assert all(transaction is transactions[0] for transaction in transactions)
    assert writer.batches == 1
    assert outbox_chats() == list(range(1, 21))


def test_a_lone_unit_commits_at_once_without_waiting_for_company(writer):
    assert writer.run(add_outbox(5)) is not None
    assert outbox_chats() == [5]
    assert writer.batches == 0


def test_a_batch_is_capped_and_the_rest_commits_in_the_next(db):
    writer = GroupCommitWriter(max_batch=4).start()
    try:
        gate, _ = hold(writer)
        futures = [writer.submit(add_outbox(chat_id)) for chat_id in range(1, 11)]
        gate.release.set()
        transactions = [future.result(WAIT) for future in futures]
    finally:
        writer.stop()
    sizes = [
        sum(1 for other in transactions if other is transaction)
        for transaction in dict.fromkeys(transactions)
    ]
    assert sizes == [4, 4, 2]
    assert outbox_chats() == list(range(1, 11))


def test_a_poisoned_unit_fails_alone_and_its_neighbours_commit(writer):
    writer.run(add_inbox(update_id=500, chat_id=99))  # the update id the poisoned one repeats
    gate, _ = hold(writer)
    innocent = [writer.submit(add_inbox(update_id=600 + n, chat_id=n)) for n in range(1, 6)]
    poisoned = writer.submit(add_inbox(update_id=500, chat_id=7))
    more = [writer.submit(add_inbox(update_id=700 + n, chat_id=10 + n)) for n in range(1, 4)]
    gate.release.set()
    with pytest.raises(IntegrityError):
        poisoned.result(WAIT)
    assert [future.result(WAIT) for future in innocent + more] == [1, 2, 3, 4, 5, 11, 12, 13]
    # the poisoned unit's own first write was rolled back with it; everyone else's is there
    assert outbox_chats() == [1, 2, 3, 4, 5, 11, 12, 13, 99]
    assert writer.run(add_outbox(42)) is not None  # the writer carries on
    assert 42 in outbox_chats()


def test_a_unit_raising_an_error_of_its_own_fails_alone(writer):
    def broken():
        Outbox.insert(chat_id=3, user_id=3, effect={}, created_at=NOW).execute()
        raise ValueError("a bug in one unit")

    gate, _ = hold(writer)
    before = writer.submit(add_outbox(1))
    failing = writer.submit(broken)
    after = writer.submit(add_outbox(2))
    gate.release.set()
    with pytest.raises(ValueError, match="a bug in one unit"):
        failing.result(WAIT)
    before.result(WAIT), after.result(WAIT)
    assert outbox_chats() == [1, 2]


def test_a_unit_marked_alone_commits_in_a_transaction_of_its_own(writer):
    gate, _ = hold(writer)
    first = [writer.submit(add_outbox(n)) for n in (1, 2)]
    alone = writer.submit(add_outbox(3), alone=True)
    last = [writer.submit(add_outbox(n)) for n in (4, 5)]
    gate.release.set()
    one, two = (future.result(WAIT) for future in first)
    heavy = alone.result(WAIT)
    four, five = (future.result(WAIT) for future in last)
    assert one is two and four is five
    assert heavy is not one and heavy is not four and one is not four
    assert outbox_chats() == [1, 2, 3, 4, 5]


def test_stop_commits_what_was_queued_and_refuses_what_comes_after(db):
    writer = GroupCommitWriter().start()
    gate, _ = hold(writer)
    queued = [writer.submit(add_outbox(n)) for n in (1, 2, 3)]
    stopping = threading.Thread(target=writer.stop, daemon=True)
    stopping.start()
    gate.release.set()
    stopping.join(WAIT)
    assert not stopping.is_alive()
    assert all(future.result(WAIT) is not None for future in queued)
    late = writer.submit(add_outbox(4))
    with pytest.raises(WriterStopped):
        late.result(WAIT)
    assert outbox_chats() == [1, 2, 3]
    writer.stop()  # twice is fine


def test_stop_with_a_stuck_writer_fails_the_queued_units_instead_of_hanging(db):
    writer = GroupCommitWriter().start()
    gate, held = hold(writer)
    queued = [writer.submit(add_outbox(n)) for n in (1, 2)]
    writer.stop(timeout=0.1)  # the gate holds the writer: it cannot finish in time
    for future in queued:
        with pytest.raises(WriterStopped):
            future.result(WAIT)
    gate.release.set()  # the stuck unit finishes; nothing after it runs
    assert held.result(WAIT) == "gate"
    assert outbox_chats() == []


def test_a_unit_may_write_through_the_writer_again_from_inside(writer):
    def nested():
        writer.run(add_outbox(1))  # runs in the writer's own transaction, no deadlock
        return add_outbox(2)()

    assert writer.run(nested) is not None
    assert outbox_chats() == [1, 2]


def test_the_inline_writer_commits_in_the_callers_thread(db):
    inline = InlineWriter()
    assert inline.run(add_outbox(1)) is not None
    failed = inline.submit(add_inbox(update_id=1, chat_id=2))
    assert failed.result(WAIT) == 2
    with pytest.raises(IntegrityError):
        inline.run(add_inbox(update_id=1, chat_id=3))
    assert outbox_chats() == [1, 2]


def add_owed(chat_id: int | None, text: str):
    """A unit through the hot path's prepared write (held to the batch's end on PostgreSQL)."""

    def unit():
        outbox.add_to_outbox(chat_id, chat_id, [SendText(chat_id or 0, text)], NOW)
        return chat_id

    return unit


def test_a_poisoned_held_write_fails_its_unit_alone_and_reads_see_held_writes(writer):
    def reads_its_own_write():
        outbox.add_to_outbox(8, 8, [SendText(8, "mine")], NOW)
        return [effect.text for _, effect in outbox.unsent_for(8, 8)]

    gate, _ = hold(writer)
    good = writer.submit(add_owed(1, "one"))
    poisoned = writer.submit(add_owed(None, "no chat"))  # NOT NULL: refused, maybe at the end
    reader = writer.submit(reads_its_own_write)
    gate.release.set()
    with pytest.raises(IntegrityError):
        poisoned.result(WAIT)
    assert good.result(WAIT) == 1
    assert reader.result(WAIT) == ["mine"]
    assert outbox_chats() == [1, 8]
