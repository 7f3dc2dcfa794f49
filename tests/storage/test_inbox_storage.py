"""The inbox on SQLite and PostgreSQL (SPEC §7.1): replays known, per-user bound, order kept."""

from datetime import UTC, datetime, timedelta

from storage import inbox
from storage.inbox import Arrival

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def arrival(update_id: int, user_id: int = 7) -> Arrival:
    return Arrival(update_id, user_id, user_id, {"update_id": update_id, "n": update_id})


def test_a_batch_is_stored_in_order_and_a_redelivery_is_a_replay(db):
    first = inbox.add_batch([arrival(10), arrival(11, user_id=8), arrival(12)], NOW)
    assert [e.update_id for e in first.stored] == [10, 11, 12]
    assert first.stored[0].payload == {"update_id": 10, "n": 10}
    again = inbox.add_batch([arrival(11, user_id=8), arrival(13)], NOW)
    assert [e.update_id for e in again.stored] == [13] and again.replays == 1
    assert [e.update_id for e in inbox.pending_entries()] == [10, 11, 12, 13]


def test_a_handled_entry_is_no_longer_pending_but_still_known(db):
    (entry,) = inbox.add_batch([arrival(20)], NOW).stored
    inbox.mark_handled(entry.entry_id, NOW)
    assert inbox.pending_entries() == [] and inbox.pending_count() == 0
    assert inbox.add_batch([arrival(20)], NOW).replays == 1
    assert inbox.purge_handled(NOW + timedelta(days=1)) == 0  # still redeliverable
    assert inbox.purge_handled(NOW + timedelta(days=3)) == 1
    assert inbox.newest_update_id() is None


def test_entries_beyond_the_per_user_bound_are_dropped_for_that_user_only(db):
    flood = [arrival(100 + n) for n in range(5)] + [arrival(200, user_id=9)]
    result = inbox.add_batch(flood, NOW, max_pending=3)
    assert [e.update_id for e in result.stored] == [100, 101, 102, 200]
    assert result.dropped == [(7, 7), (7, 7)]
    inbox.mark_handled(result.stored[0].entry_id, NOW)
    later = inbox.add_batch([arrival(105), arrival(106)], NOW, max_pending=3)
    assert [e.update_id for e in later.stored] == [105] and later.dropped == [(7, 7)]


def test_a_replay_from_a_user_at_the_bound_is_a_replay_not_a_drop(db):
    stored = inbox.add_batch([arrival(300 + n) for n in range(3)], NOW, max_pending=3).stored
    assert len(stored) == 3
    again = inbox.add_batch([arrival(301), arrival(301), arrival(399)], NOW, max_pending=3)
    assert again.stored == [] and again.replays == 2 and again.dropped == [(7, 7)]
    assert [e.update_id for e in inbox.pending_entries()] == [300, 301, 302]
