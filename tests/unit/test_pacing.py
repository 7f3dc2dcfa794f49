"""Pacing with a fake clock: bursts, sustained rates, per-chat independence, pruning."""

from __future__ import annotations

import pytest

from wordbot.transport.pacing import Pacer, RateBucket


class FakeTime:
    """`meanwhile`: what other threads do while the next sleeper waits (run at its start)."""

    def __init__(self):
        self.now = 1000.0
        self.meanwhile = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        assert seconds > 0
        wake = self.now + seconds
        while self.meanwhile:
            self.meanwhile.pop(0)()
        self.now = max(self.now, wake)


def send_times(pacer, time, chats, broadcast=False):
    times = []
    for chat in chats:
        pacer.wait_turn(chat, broadcast=broadcast)
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


# --- broadcasts (reminders): paid on their own bucket, else after replies ---------------------


def test_paid_broadcasts_keep_their_own_global_pace():
    time = FakeTime()
    pacer = Pacer(25, 1, 4, broadcast_per_second=1000, clock=time.clock, sleep=time.sleep)
    times = send_times(pacer, time, range(2000), broadcast=True)
    assert times[:200] == [0.0] * 200  # a fifth of a second's worth at once
    assert times[-1] == pytest.approx((2000 - 200) / 1000)
    for start in range(0, len(times), 50):
        window = [t for t in times if times[start] <= t < times[start] + 1.0]
        assert len(window) <= 1200  # rate + rate/5, within Telegram's 1000/s bucket


def test_a_reply_is_not_slowed_by_a_paid_broadcast_backlog():
    time = FakeTime()
    pacer = Pacer(25, 1, 4, broadcast_per_second=1000, clock=time.clock, sleep=time.sleep)
    send_times(pacer, time, range(5000), broadcast=True)  # 4.8 s of broadcasts behind us
    reply_at = []
    time.meanwhile.append(lambda: reply_at.extend(send_times(pacer, time, [-1])))
    send_times(pacer, time, range(5000, 5010), broadcast=True)  # the next one waits: a reply
    assert reply_at == [pytest.approx(4.8)]  # at once, while the broadcast still waited


def test_paid_broadcasts_still_keep_each_chats_limit():
    time = FakeTime()
    pacer = Pacer(25, 1, 4, broadcast_per_second=1000, clock=time.clock, sleep=time.sleep)
    times = send_times(pacer, time, [7] * 6, broadcast=True)
    assert times == pytest.approx([0.0, 0.0, 0.0, 0.0, 1.0, 2.0])


def test_without_paid_broadcasts_a_reply_takes_the_slot_a_broadcast_waited_for():
    time = FakeTime()
    pacer = Pacer(1, 1, 1, clock=time.clock, sleep=time.sleep)  # one a second, no burst
    reply_at = []
    time.meanwhile.append(lambda: reply_at.extend(send_times(pacer, time, [3])))
    broadcasts = send_times(pacer, time, [1, 2], broadcast=True)
    assert reply_at == [1.0]  # came while the second broadcast waited: went first
    assert broadcasts == [0.0, 2.0]


def test_without_paid_broadcasts_a_broadcast_backlog_never_queues_a_reply():
    time = FakeTime()
    pacer = Pacer(25, 1, 4, clock=time.clock, sleep=time.sleep)
    send_times(pacer, time, range(100), broadcast=True)
    started = time.now - 1000.0
    reply_at = []
    time.meanwhile.append(lambda: reply_at.extend(send_times(pacer, time, [-1, -1])))
    send_times(pacer, time, range(100, 200), broadcast=True)
    assert reply_at[0] - started <= 1 / 25 + 1e-9  # the next free slot, not the backlog's end


def test_without_paid_broadcasts_broadcasts_keep_the_global_rate():
    time = FakeTime()
    pacer = Pacer(25, 1, 4, clock=time.clock, sleep=time.sleep)
    times = send_times(pacer, time, range(300), broadcast=True)
    assert times[-1] == pytest.approx((300 - 5) / 25)  # exactly as replies would go
    for start in range(len(times)):
        window = [t for t in times if times[start] <= t < times[start] + 1.0]
        assert len(window) <= 29
