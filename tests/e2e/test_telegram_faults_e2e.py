"""Bot API faults against the real process (SPEC §7.2): outages and server errors are survived."""

from __future__ import annotations

import time

import pytest

pytestmark = pytest.mark.e2e

WAIT = 30.0


def test_a_ten_second_outage_is_survived_and_polling_resumes_by_itself(emulator, bot):
    chat = emulator.private_chat(user_id=6006)
    since = chat.mark()
    chat.send_text("/help")
    chat.wait_for_message(contains="WordBot", since=since, timeout=WAIT)

    with emulator.outage():
        time.sleep(10)  # the outage itself is what is being tested: real time must pass
        since = chat.mark()
        chat.send_text("/add sun, sol")  # queued while the bot cannot reach the API
    assert bot.process.poll() is None
    reply = chat.wait_for_message(contains="Imported", since=since, timeout=WAIT)
    assert reply.text == "Imported 1 new pairs, updated 0, skipped 0 rows."


def test_server_errors_on_sending_are_retried(emulator, bot):
    chat = emulator.private_chat(user_id=6007)
    emulator.inject_faults(method="sendMessage", status=502, count=3)
    since = chat.mark()
    chat.send_text("/help")
    assert "WordBot" in chat.wait_for_message(since=since, timeout=WAIT).text
    failed = [c for c in emulator.calls_to("sendMessage") if c.status == 502]
    assert len(failed) == 3


def test_a_chat_held_back_by_its_own_pace_never_delays_another_user(emulator, bot):
    """SPEC §7.3: user A floods (12 messages, paced to about one reply a second after a burst
    of 4); user B, writing afterwards, is answered before A's flood is through."""
    flooder = emulator.private_chat(user_id=6101)
    other = emulator.private_chat(user_id=6102)
    for n in range(12):
        flooder.send_text(f"/frobnicate{n}")
    flooder.wait_for_message(contains="/frobnicate0", since=0, timeout=WAIT)
    other.send_text("/help")
    answer = other.wait_for_message(contains="WordBot", since=0, timeout=WAIT)
    last = flooder.wait_for_message(contains="/frobnicate11", since=0, timeout=WAIT)
    assert answer.seq < last.seq
    assert [m.text.split()[3] for m in flooder.bot_messages()] == [
        f"/frobnicate{n}." for n in range(12)
    ]
