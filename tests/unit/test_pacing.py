"""Pacing with a fake clock: bursts, sustained rates, per-chat independence, pruning."""

from __future__ import annotations

import pytest

from wordbot.transport.pacing import Pacer, RateBucket


class FakeTime:
    def __init__(self):
        self.now = 1000.0

    def clock(self):
        return self.now

    def sleep(self, seconds):
        assert seconds > 0
        self.now += seconds


def send_times(pacer, time, chats):
    times = []
    for chat in chats:
        pacer.wait_turn(chat)
        times.append(round(time.now - 1000.0, 6))
    return times


def test_bucket_allows_a_burst_then_the_rate():
    bucket = RateBucket(rate=1.0, burst=4)
    assert [bucket.reserve(0.0) for _ in range(6)] == [0.0, 0.0, 0.0, 0.0, 1.0, 2.0]


def test_an_interactive_reply_goes_out_at_once():
    time = FakeTime()
    pacer = Pacer(25, 1, 4, clock=time.clock, sleep=time.sleep)
    assert send_times(pacer, time, [7, 7]) == [0.0, 0.0]  # the edit and the next prompt


def test_a_flood_from_one_chat_is_slowed_to_its_rate():
    time = FakeTime()
    pacer = Pacer(25, 1, 4, clock=time.clock, sleep=time.sleep)
    times = send_times(pacer, time, [7] * 10)
    assert times[:4] == [0.0, 0.0, 0.0, 0.0]
    assert times[4:] == pytest.approx([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])


def test_a_wave_to_many_chats_keeps_the_global_rate():
    time = FakeTime()
    pacer = Pacer(25, 1, 4, clock=time.clock, sleep=time.sleep)
    times = send_times(pacer, time, range(300))
    for start in range(len(times)):
        window = [t for t in times if times[start] <= t < times[start] + 1.0]
        assert len(window) <= 29  # below Telegram's ~30/s in every second
    assert times[-1] == pytest.approx((300 - 5) / 25)  # 25/s sustained after a burst of 5


def test_a_chat_waiting_on_its_own_bucket_does_not_delay_others():
    time = FakeTime()
    waits = []

    def sleep(seconds):
        waits.append(seconds)
        time.sleep(seconds)

    pacer = Pacer(25, 1, 1, clock=time.clock, sleep=sleep)
    pacer.wait_turn(1)
    pacer.wait_turn(2)  # chat 2 is not held back by chat 1's bucket
    assert waits == []
    pacer.wait_turn(1)
    assert waits == [pytest.approx(1.0)]


def test_idle_chat_buckets_are_forgotten():
    time = FakeTime()
    pacer = Pacer(1000, 1, 4, clock=time.clock, sleep=time.sleep)
    send_times(pacer, time, range(999))
    time.now += 10
    send_times(pacer, time, [5000])
    assert pacer.live_chats() == 1
