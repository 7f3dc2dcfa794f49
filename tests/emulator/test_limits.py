"""Flood-control buckets and the fault plan, driven with explicit times (no sleeping)."""

from __future__ import annotations

from wordbot.emulator.faults import FaultPlan
from wordbot.emulator.limits import RateLimiter, RateLimits


def test_a_private_chat_gets_its_burst_then_one_message_a_second():
    limiter = RateLimiter(RateLimits(per_chat_per_second=1, burst=3))
    assert [limiter.admit(1001, 0.0) for _ in range(3)] == [None, None, None]
    assert limiter.admit(1001, 0.0) == 1
    assert limiter.admit(1001, 0.5) == 1
    assert limiter.admit(1001, 1.0) is None
    assert limiter.admit(1001, 1.0) == 1


def test_a_busy_chat_does_not_limit_another_chat():
    limiter = RateLimiter(RateLimits(burst=1))
    assert limiter.admit(1, 0.0) is None
    assert limiter.admit(1, 0.0) == 1
    assert limiter.admit(2, 0.0) is None


def test_the_global_limit_spans_all_chats():
    limiter = RateLimiter(RateLimits(global_per_second=30, burst=1))
    assert all(limiter.admit(chat, 0.0) is None for chat in range(30))
    assert limiter.admit(999, 0.0) == 1
    assert limiter.admit(999, 1 / 30) is None


def test_a_group_is_limited_per_minute():
    limiter = RateLimiter(RateLimits(per_chat_per_second=100, burst=100, per_chat_per_minute=20))
    assert all(limiter.admit(-100123, second * 0.1) is None for second in range(20))
    assert limiter.admit(-100123, 2.0) == 58
    assert limiter.admit(-100123, 60.0) is None


def test_a_refused_message_takes_no_token():
    limiter = RateLimiter(RateLimits(per_chat_per_second=1, burst=1))
    assert limiter.admit(1, 0.0) is None
    for _ in range(5):
        assert limiter.admit(1, 0.5) == 1
    assert limiter.admit(1, 1.0) is None


def test_paid_broadcasts_have_a_global_bucket_of_their_own():
    limiter = RateLimiter(RateLimits(global_per_second=30, paid_per_second=1000, burst=1))
    assert all(limiter.admit(chat, 0.0) is None for chat in range(30))
    assert limiter.admit(30, 0.0) == 1  # the free 30/s are spent
    assert all(limiter.admit(chat, 0.0, paid=True) is None for chat in range(100, 1100))
    assert limiter.admit(2000, 0.0, paid=True) == 1  # so are the paid 1000/s
    assert limiter.admit(2000, 0.001, paid=True) is None  # refilled at 1000/s
    assert limiter.admit(31, 0.001) == 1  # paid sends never refill the free bucket


def test_paid_broadcasts_do_not_spend_the_free_bucket():
    limiter = RateLimiter(RateLimits(global_per_second=30, paid_per_second=1000, burst=1))
    assert all(limiter.admit(chat, 0.0, paid=True) is None for chat in range(500))
    assert all(limiter.admit(chat, 0.0) is None for chat in range(1000, 1030))


def test_a_paid_broadcast_still_keeps_its_chats_limit():
    limiter = RateLimiter(RateLimits(per_chat_per_second=1, burst=2))
    assert limiter.admit(7, 0.0, paid=True) is None
    assert limiter.admit(7, 0.0) is None
    assert limiter.admit(7, 0.0, paid=True) == 1
    assert limiter.admit(7, 1.0, paid=True) is None


def test_the_paid_pace_is_configurable():
    limiter = RateLimiter(RateLimits(paid_per_second=10, burst=1))
    assert all(limiter.admit(chat, 0.0, paid=True) is None for chat in range(10))
    assert limiter.admit(10, 0.0, paid=True) == 1
    assert limiter.admit(10, 0.1, paid=True) is None


def test_faults_hit_the_next_matching_calls_only():
    plan = FaultPlan()
    plan.add_fault("sendMessage", 502, count=2)
    assert plan.take_fault("getUpdates") is None
    first, second = plan.take_fault("sendMessage"), plan.take_fault("sendMessage")
    assert (first.status, first.description) == (502, "Bad Gateway")
    assert second is not None
    assert plan.take_fault("sendMessage") is None


def test_an_injected_429_carries_retry_after():
    plan = FaultPlan()
    plan.add_fault(None, 429, count=1, retry_after=7)
    error = plan.take_fault("editMessageText")
    assert error.payload() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 7",
        "parameters": {"retry_after": 7},
    }


def test_delays_are_counted_down():
    plan = FaultPlan()
    plan.add_delay("getFile", 1.5, count=1)
    assert plan.take_delay("getFile") == 1.5
    assert plan.take_delay("getFile") == 0.0
