"""The Sender against the emulator over HTTP: 429 retry_after honoured, faults retried, splitting."""

from __future__ import annotations

import pytest
from telebot import apihelper

from tests.support.emulator_fixtures import TEST_TOKEN
from wordbot.effects import (
    Button,
    EditPrompt,
    RemoveKeyboard,
    SendDocument,
    SendPhoto,
    SendText,
)
from wordbot.rendering.stats_chart import render_stats_png
from wordbot.transport.bot_api import make_bot
from wordbot.transport.sender import FileTooLarge, Sender

CHAT = 3003


@pytest.fixture
def sender_and_sleeps(emulator):
    saved = apihelper.API_URL, apihelper.FILE_URL
    sleeps: list[float] = []
    sender = Sender(make_bot(TEST_TOKEN, emulator.url), sleep=sleeps.append)
    emulator.private_chat(user_id=CHAT)
    yield sender, sleeps
    apihelper.API_URL, apihelper.FILE_URL = saved


def test_429_waits_retry_after_and_then_delivers(emulator, sender_and_sleeps):
    sender, sleeps = sender_and_sleeps
    emulator.inject_faults(method="sendMessage", status=429, count=2, retry_after=3)
    delivery = sender.perform(SendText(CHAT, "hello"))
    assert delivery.ok and delivery.message_id
    assert sleeps == [3.0, 3.0]
    assert [m.text for m in emulator.chat(CHAT).bot_messages()] == ["hello"]


def test_server_errors_are_retried_with_growing_backoff(emulator, sender_and_sleeps):
    sender, sleeps = sender_and_sleeps
    emulator.inject_faults(method="sendMessage", status=502, count=3)
    assert sender.perform(SendText(CHAT, "after faults")).ok
    assert len(sleeps) == 3 and sleeps[0] < sleeps[2]


def test_a_call_that_keeps_failing_is_dropped_not_raised(emulator, sender_and_sleeps):
    sender, sleeps = sender_and_sleeps
    emulator.inject_faults(method="sendMessage", status=500, count=50)
    delivery = sender.perform(SendText(CHAT, "never"))
    assert not delivery.ok
    assert 20 < sum(sleeps) <= 60  # bounded: about a minute of backing off, then dropped
    assert max(sleeps) <= 30 and len(sleeps) >= 6


def test_long_text_is_split_and_the_keyboard_goes_on_the_last_part(emulator, sender_and_sleeps):
    sender, _ = sender_and_sleeps
    text = "\n".join(f"line {n} " + "x" * 90 for n in range(100))
    keyboard = ((Button("OK", "x:ok:AAAAAAAA"),),)
    delivery = sender.perform(SendText(CHAT, text, keyboard))
    messages = emulator.chat(CHAT).bot_messages()
    assert len(messages) == 3
    assert [m.has_keyboard for m in messages] == [False, False, True]
    assert delivery.message_id == messages[-1].message_id
    assert "\n".join(m.text for m in messages) == text


def test_edit_without_keyboard_removes_buttons_and_not_modified_is_fine(
    emulator, sender_and_sleeps
):
    sender, _ = sender_and_sleeps
    keyboard = ((Button("Go", "x:go:AAAAAAAA"),),)
    sent = sender.perform(SendText(CHAT, "prompt", keyboard))
    assert sender.perform(EditPrompt(CHAT, sent.message_id, "prompt → done")).ok
    assert sender.perform(EditPrompt(CHAT, sent.message_id, "prompt → done")).ok
    assert sender.perform(RemoveKeyboard(CHAT, sent.message_id)).ok
    message = emulator.chat(CHAT).message(sent.message_id)
    assert message.text == "prompt → done" and not message.has_keyboard


def test_document_upload_and_download(emulator, sender_and_sleeps):
    sender, _ = sender_and_sleeps
    sent = sender.perform(SendDocument(CHAT, "words.csv", b"a,b\r\n", "1 pair"))
    document = emulator.chat(CHAT).message(sent.message_id).document
    assert document["file_name"] == "words.csv"
    assert sender.download(document["file_id"]) == b"a,b\r\n"
    assert sender.download("no-such-file") is None


def test_a_photo_goes_up_as_multipart_with_its_file_name_and_html_caption(
    emulator, sender_and_sleeps
):
    sender, _ = sender_and_sleeps
    png = render_stats_png([], [])
    delivery = sender.perform(SendPhoto(CHAT, png, "stats.png", "📊 <b>Your progress</b>"))
    message = emulator.chat(CHAT).message(delivery.message_id)
    assert delivery.ok and message.text == "📊 Your progress"
    assert emulator.document_bytes(message.largest_photo["file_id"]) == png
    (call,) = [call for call in emulator.calls if call.method == "sendPhoto"]
    assert call.files == {"photo": ("stats.png", len(png))}


def test_a_photo_without_caption_and_a_refused_photo(emulator, sender_and_sleeps):
    sender, sleeps = sender_and_sleeps
    assert sender.perform(SendPhoto(CHAT, render_stats_png([], []), "stats.png")).ok
    refused = sender.perform(SendPhoto(CHAT, b"not a picture", "stats.png"))
    assert not refused.ok and not refused.transient
    assert "IMAGE_PROCESS_FAILED" in refused.error and sleeps == []


@pytest.mark.parametrize("announced", [True, False], ids=["size-announced", "no-size"])
def test_a_download_over_the_cap_is_refused_whether_or_not_getfile_gives_a_size(
    emulator, sender_and_sleeps, announced
):
    sender, _ = sender_and_sleeps
    emulator.announce_file_sizes(announced)
    sent = sender.perform(SendDocument(CHAT, "words.csv", b"x" * 11, "big"))
    file_id = emulator.chat(CHAT).message(sent.message_id).document["file_id"]

    with pytest.raises(FileTooLarge) as refused:
        sender.download(file_id, max_bytes=10)

    assert refused.value.size == 11
    assert sender.download(file_id, max_bytes=11) == b"x" * 11


def test_a_wave_to_300_users_gets_no_429_from_telegram_limits(emulator):
    """Many actor threads send at once; the pacer keeps the bot under Telegram's limits."""
    from concurrent.futures import ThreadPoolExecutor

    from wordbot.transport.pacing import Pacer

    saved = apihelper.API_URL, apihelper.FILE_URL
    try:
        users = range(10_000, 10_300)
        for user in users:
            emulator.private_chat(user_id=user)
        emulator.enforce_rate_limits(global_per_second=30, per_chat_per_second=1, burst=5)
        sender = Sender(make_bot(TEST_TOKEN, emulator.url), pacer=Pacer(25, 1, 4))
        with ThreadPoolExecutor(max_workers=50) as pool:
            results = list(
                pool.map(lambda u: sender.perform(SendText(u, "Time to review!")), users)
            )
        assert all(result.ok for result in results)
        assert emulator.count_429 == 0
        assert sum(len(emulator.chat(u).bot_messages()) for u in users) == 300
    finally:
        apihelper.API_URL, apihelper.FILE_URL = saved


def test_a_proxy_error_page_is_retried_and_never_raised():
    """telebot raises ApiHTTPException for a non-JSON 502 (a proxy's HTML page)."""
    from types import SimpleNamespace

    from telebot.apihelper import ApiHTTPException

    calls = []

    class FlakyBot:
        def send_message(self, *args, **kwargs):
            calls.append(1)
            if len(calls) < 3:
                raise ApiHTTPException(
                    "sendMessage",
                    SimpleNamespace(status_code=502, reason="Bad Gateway", text="<html>"),
                )
            return SimpleNamespace(message_id=77)

    sleeps: list[float] = []
    delivery = Sender(FlakyBot(), sleep=sleeps.append).perform(SendText(1, "hi"))
    assert delivery.ok and delivery.message_id == 77 and len(sleeps) == 2


def test_a_retry_after_over_a_minute_is_not_waited_out_but_left_for_later(
    emulator, sender_and_sleeps
):
    sender, sleeps = sender_and_sleeps
    emulator.inject_faults(method="sendMessage", status=429, count=1, retry_after=3600)
    delivery = sender.perform(SendText(CHAT, "later"))
    assert not delivery.ok and delivery.transient and not delivery.blocked
    assert sleeps == []
    assert emulator.chat(CHAT).bot_messages() == []


def test_a_retry_after_of_a_minute_is_still_waited_out(emulator, sender_and_sleeps):
    sender, sleeps = sender_and_sleeps
    emulator.inject_faults(method="sendMessage", status=429, count=1, retry_after=60)
    assert sender.perform(SendText(CHAT, "soon")).ok
    assert sleeps == [60.0]


def test_a_user_who_blocked_the_bot_is_reported_blocked_and_not_retried(
    emulator, sender_and_sleeps
):
    sender, sleeps = sender_and_sleeps
    emulator.chat(CHAT).block_bot()
    delivery = sender.perform(SendText(CHAT, "anyone there?"))
    assert not delivery.ok and delivery.blocked and not delivery.transient
    assert sleeps == []
    assert len(emulator.calls_to("sendMessage")) == 1


def test_a_fault_for_one_chat_leaves_other_chats_alone(emulator, sender_and_sleeps):
    sender, sleeps = sender_and_sleeps
    other = CHAT + 1
    emulator.private_chat(user_id=other)
    emulator.inject_faults(
        method="sendMessage", status=429, count=1, retry_after=3600, chat_id=CHAT
    )
    assert sender.perform(SendText(other, "served")).ok
    assert not sender.perform(SendText(CHAT, "held")).ok
    assert sender.perform(SendText(CHAT, "now")).ok and sleeps == []


def test_with_paid_broadcast_a_reminder_is_paid_and_a_reply_is_not(emulator):
    from wordbot.metrics import Metrics

    saved = apihelper.API_URL, apihelper.FILE_URL
    try:
        emulator.private_chat(user_id=CHAT)
        metrics = Metrics()
        sender = Sender(make_bot(TEST_TOKEN, emulator.url), metrics=metrics, paid_broadcast=True)
        keyboard = ((Button("Good", "tr:good:AAAAAAAA"),),)
        assert sender.perform(SendText(CHAT, "Time to review", keyboard, broadcast=True)).ok
        assert sender.perform(SendText(CHAT, "a reply")).ok
        messages = emulator.chat(CHAT).bot_messages()
        assert [(m.text, m.paid_broadcast) for m in messages] == [
            ("Time to review", True),
            ("a reply", False),
        ]
        reminder, reply = emulator.calls_to("sendMessage")
        assert reminder.params["allow_paid_broadcast"] in (True, "True", "true")
        assert "allow_paid_broadcast" not in reply.params
        assert metrics.paid_broadcasts._value.get() == 1
    finally:
        apihelper.API_URL, apihelper.FILE_URL = saved


def test_without_paid_broadcast_a_reminder_is_an_ordinary_send(emulator, sender_and_sleeps):
    sender, _ = sender_and_sleeps
    assert sender.perform(SendText(CHAT, "Time to review", broadcast=True)).ok
    (call,) = emulator.calls_to("sendMessage")
    assert "allow_paid_broadcast" not in call.params
    assert emulator.chat(CHAT).bot_messages()[0].paid_broadcast is False
    assert emulator.count_paid_broadcasts == 0


def test_a_paid_wave_goes_past_the_free_limit_without_429_and_replies_stay_free(emulator):
    """Reminders on the paid bucket, replies on the free one, both under Telegram's limits."""
    from concurrent.futures import ThreadPoolExecutor

    from wordbot.transport.pacing import Pacer

    saved = apihelper.API_URL, apihelper.FILE_URL
    try:
        reminded, replied = range(20_000, 20_300), range(30_000, 30_020)
        for user in [*reminded, *replied]:
            emulator.private_chat(user_id=user)
        emulator.enforce_rate_limits(global_per_second=30, per_chat_per_second=1, burst=5)
        pacer = Pacer(25, 1, 4, broadcast_per_second=1000)
        sender = Sender(make_bot(TEST_TOKEN, emulator.url), pacer=pacer, paid_broadcast=True)
        effects = [SendText(u, "Time to review!", broadcast=True) for u in reminded]
        effects[::15] = [SendText(u, "a reply") for u in replied]  # replies amid the wave
        with ThreadPoolExecutor(max_workers=50) as pool:
            results = list(pool.map(sender.perform, effects))
        assert all(result.ok for result in results)
        assert emulator.count_429 == 0
        for effect in effects:
            (message,) = emulator.chat(effect.chat_id).bot_messages()
            assert message.paid_broadcast is effect.broadcast
        assert emulator.count_paid_broadcasts == 280
    finally:
        apihelper.API_URL, apihelper.FILE_URL = saved
