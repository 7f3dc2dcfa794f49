"""Flood control, injected errors, slow answers and outages, seen from a real HTTP client."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import requests
from telebot.apihelper import ApiTelegramException

from tests.support.emulator_fixtures import TEST_TOKEN
from wordbot.clock import FakeClock
from wordbot.emulator import BotApiEmulator


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def emulator(clock: FakeClock) -> Iterator[BotApiEmulator]:
    """The emulator on a fake clock: rate buckets refill and timed outages end only when the
    test advances it, never because the machine stalled."""
    emu = BotApiEmulator(token=TEST_TOKEN, clock=lambda: clock.now().timestamp()).start()
    try:
        yield emu
    finally:
        emu.stop()


def _api(emulator, method):
    return f"{emulator.url}/bot{emulator.token}/{method}"


def test_flooding_a_chat_gets_429_with_retry_after(emulator, telebot_bot):
    chat = emulator.private_chat(1001)
    emulator.enforce_rate_limits(per_chat_per_second=1, burst=2)
    first = telebot_bot.send_message(1001, "one")
    telebot_bot.edit_message_text("one, edited", 1001, first.message_id)

    with pytest.raises(ApiTelegramException) as error:
        telebot_bot.send_message(1001, "three")

    assert error.value.error_code == 429
    assert error.value.result_json["parameters"]["retry_after"] == 1
    assert error.value.description == "Too Many Requests: retry after 1"
    assert emulator.count_429 == 1
    assert [m.text for m in chat.bot_messages()] == ["one, edited"]
    emulator.private_chat(1002)
    assert telebot_bot.send_message(1002, "another chat is not held up").chat.id == 1002


def test_a_flooded_chat_is_admitted_again_once_its_bucket_refills(emulator, telebot_bot, clock):
    chat = emulator.private_chat(1001)
    emulator.enforce_rate_limits(per_chat_per_second=1, burst=1)
    telebot_bot.send_message(1001, "one")
    clock.advance(seconds=0.5)
    with pytest.raises(ApiTelegramException):
        telebot_bot.send_message(1001, "too soon")
    clock.advance(seconds=0.5)
    telebot_bot.send_message(1001, "two")
    assert [m.text for m in chat.bot_messages()] == ["one", "two"]
    assert emulator.count_429 == 1


def test_a_paid_broadcast_goes_past_the_free_limit_and_is_recorded(emulator, telebot_bot):
    emulator.enforce_rate_limits(global_per_second=2, per_chat_per_second=5, burst=5)
    chats = [emulator.private_chat(user) for user in (1001, 1002, 1003, 1004)]
    telebot_bot.send_message(1001, "reply one")
    telebot_bot.send_message(1002, "reply two")
    with pytest.raises(ApiTelegramException) as error:
        telebot_bot.send_message(1003, "a third free message")
    assert error.value.error_code == 429
    telebot_bot.send_message(1003, "reminder", allow_paid_broadcast=True)
    telebot_bot.send_message(1004, "reminder", allow_paid_broadcast=True)
    assert [m.paid_broadcast for c in chats for m in c.bot_messages()] == [
        False,
        False,
        True,
        True,
    ]
    assert emulator.count_paid_broadcasts == 2
    assert emulator.count_429 == 1
    paid_calls = [c for c in emulator.calls_to("sendMessage") if "allow_paid_broadcast" in c.params]
    assert [c.status for c in paid_calls] == [200, 200]


def test_paid_broadcasts_beyond_their_own_limit_get_429(emulator, telebot_bot, clock):
    emulator.enforce_rate_limits(paid_per_second=3, per_chat_per_second=5, burst=5)
    for user in range(2001, 2006):
        emulator.private_chat(user)
    for user in (2001, 2002, 2003):
        telebot_bot.send_message(user, "reminder", allow_paid_broadcast=True)
    with pytest.raises(ApiTelegramException) as error:
        telebot_bot.send_message(2004, "reminder", allow_paid_broadcast=True)
    assert error.value.error_code == 429
    assert error.value.result_json["parameters"]["retry_after"] == 1
    assert telebot_bot.send_message(2004, "a free reply is still admitted").chat.id == 2004
    clock.advance(seconds=0.5)  # more than a third of a second: one paid token back
    telebot_bot.send_message(2005, "reminder", allow_paid_broadcast=True)
    assert emulator.count_paid_broadcasts == 4


@pytest.mark.parametrize("value", ["false", "0", "", "maybe"])
def test_allow_paid_broadcast_other_than_true_is_an_ordinary_send(emulator, value):
    emulator.enforce_rate_limits(global_per_second=1, paid_per_second=1000)
    emulator.private_chat(1001)
    emulator.private_chat(1002)
    params = {"chat_id": 1001, "text": "one", "allow_paid_broadcast": value}
    assert requests.post(_api(emulator, "sendMessage"), data=params, timeout=5).status_code == 200
    params = {"chat_id": 1002, "text": "two", "allow_paid_broadcast": value}
    assert requests.post(_api(emulator, "sendMessage"), data=params, timeout=5).status_code == 429
    assert emulator.count_paid_broadcasts == 0
    assert emulator.chat(1001).bot_messages()[0].paid_broadcast is False


def test_rate_limits_are_off_by_default(emulator, telebot_bot):
    emulator.private_chat(1001)
    for number in range(40):
        telebot_bot.send_message(1001, str(number))
    assert emulator.count_429 == 0


def test_an_injected_server_error_fails_once_and_does_nothing(emulator, telebot_bot):
    chat = emulator.private_chat(1001)
    emulator.inject_faults(method="sendMessage", status=502, count=1)

    with pytest.raises(ApiTelegramException) as error:
        telebot_bot.send_message(1001, "lost")
    telebot_bot.send_message(1001, "delivered")

    assert error.value.error_code == 502
    assert [m.text for m in chat.bot_messages()] == ["delivered"]
    assert [call.status for call in emulator.calls_to("sendMessage")] == [502, 200]


def test_faults_without_a_method_hit_any_call(emulator):
    emulator.inject_faults(status=500, count=2)
    statuses = [requests.get(_api(emulator, "getMe")).status_code for _ in range(3)]
    assert statuses == [500, 500, 200]


def test_an_injected_429_counts_and_carries_retry_after(emulator):
    emulator.private_chat(1001)
    emulator.inject_faults(method="sendMessage", status=429, retry_after=3)
    answer = requests.get(_api(emulator, "sendMessage"), params={"chat_id": 1001, "text": "x"})
    assert answer.status_code == 429
    assert answer.json()["parameters"] == {"retry_after": 3}
    assert emulator.count_429 == 1


def test_a_held_call_times_out_at_the_client_yet_takes_effect(emulator):
    chat = emulator.private_chat(1001)
    mark = chat.mark()
    emulator.inject_timeout(method="sendMessage", seconds=0.6, count=1)

    with pytest.raises(requests.Timeout):
        requests.get(
            _api(emulator, "sendMessage"), params={"chat_id": 1001, "text": "late"}, timeout=0.2
        )

    assert chat.wait_for_message(contains="late", since=mark, timeout=5).text == "late"


def test_an_outage_refuses_connections_until_it_ends(emulator):
    url = _api(emulator, "getMe")
    assert requests.get(url).ok

    with emulator.outage():
        assert emulator.outage_active
        with pytest.raises(requests.ConnectionError):
            requests.get(url, timeout=2)

    assert requests.get(url).json()["ok"] is True


def test_an_outage_with_a_duration_ends_by_itself(emulator, clock):
    outage = emulator.outage(seconds=0.3)
    with pytest.raises(requests.ConnectionError):
        requests.get(_api(emulator, "getMe"), timeout=2)
    clock.advance(seconds=0.29)
    with pytest.raises(requests.ConnectionError):
        requests.get(_api(emulator, "getMe"), timeout=2)
    clock.advance(seconds=0.01)
    outage.wait(timeout=5)
    assert requests.get(_api(emulator, "getMe")).ok


def test_an_outage_cuts_a_waiting_long_poll_and_keeps_the_updates(emulator, telebot_bot):
    chat = emulator.private_chat(1001)
    failures = []

    def poll():
        try:
            telebot_bot.get_updates(timeout=30, long_polling_timeout=20)
        except requests.ConnectionError as error:
            failures.append(error)

    poller = threading.Thread(target=poll)
    poller.start()
    emulator.wait_for_poll(timeout=5)
    emulator.set_outage(True)
    poller.join(timeout=5)
    chat.send_text("written during the outage")
    emulator.set_outage(False)

    assert len(failures) == 1
    updates = telebot_bot.get_updates(timeout=5, long_polling_timeout=0)
    assert [update.message.text for update in updates] == ["written during the outage"]
