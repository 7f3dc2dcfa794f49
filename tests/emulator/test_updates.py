"""getUpdates over real HTTP: offsets, redelivery, long polling, conflicts, webhooks."""

from __future__ import annotations

import json
import threading
from concurrent.futures import Future
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from telebot.apihelper import ApiTelegramException

from wordbot.emulator import BotApiEmulator


def _api(emulator, method):
    return f"{emulator.url}/bot{emulator.token}/{method}"


def test_unconfirmed_updates_are_delivered_again(emulator, telebot_bot):
    chat = emulator.private_chat(1001, first_name="Ann")
    chat.send_text("/start")
    chat.send_text("hello")

    first = telebot_bot.get_updates(offset=0, timeout=5, long_polling_timeout=0)
    again = telebot_bot.get_updates(offset=0, timeout=5, long_polling_timeout=0)

    assert [update.message.text for update in first] == ["/start", "hello"]
    assert [update.update_id for update in again] == [update.update_id for update in first]
    assert len(emulator.pending_updates()) == 2


def test_an_offset_confirms_the_updates_below_it(emulator, telebot_bot):
    chat = emulator.private_chat(1001)
    for text in ("one", "two", "three"):
        chat.send_text(text)
    first_id = emulator.pending_updates()[0]["update_id"]

    rest = telebot_bot.get_updates(offset=first_id + 2, timeout=5, long_polling_timeout=0)

    assert [update.message.text for update in rest] == ["three"]
    assert emulator.confirmed_offset == first_id + 2
    assert [update["message"]["text"] for update in emulator.pending_updates()] == ["three"]


def test_limit_and_negative_offset(emulator, telebot_bot):
    chat = emulator.private_chat(1001)
    for number in range(5):
        chat.send_text(str(number))

    limited = telebot_bot.get_updates(offset=0, limit=2, timeout=5, long_polling_timeout=0)
    last_two = telebot_bot.get_updates(offset=-2, timeout=5, long_polling_timeout=0)

    assert [update.message.text for update in limited] == ["0", "1"]
    assert [update.message.text for update in last_two] == ["3", "4"]
    assert len(emulator.pending_updates()) == 2


def test_update_numbering_can_continue_a_previous_run():
    with BotApiEmulator(first_update_id=500) as emulator:
        emulator.private_chat(1001).send_text("hi")
        assert emulator.pending_updates()[0]["update_id"] == 500


def test_a_user_message_carries_the_telegram_fields(emulator, telebot_bot):
    emulator.private_chat(1001, first_name="Ann", username="ann").send_text("/add house, casa")

    update = telebot_bot.get_updates(timeout=5, long_polling_timeout=0)[0]

    assert update.message.chat.type == "private"
    assert update.message.from_user.first_name == "Ann"
    assert update.message.entities[0].type == "bot_command"
    assert (update.message.entities[0].offset, update.message.entities[0].length) == (0, 4)


def test_a_long_poll_wakes_when_an_update_arrives(emulator, telebot_bot):
    chat = emulator.private_chat(1001)
    poll = Background(lambda: telebot_bot.get_updates(timeout=30, long_polling_timeout=20))
    emulator.wait_for_poll(timeout=5)
    chat.send_text("wake up")

    updates = poll.result(timeout=10)  # well inside the 20 s the poll would otherwise wait

    assert [update.message.text for update in updates] == ["wake up"]


def test_a_long_poll_with_nothing_new_returns_empty_after_its_timeout(emulator, telebot_bot):
    poll = Background(lambda: telebot_bot.get_updates(timeout=5, long_polling_timeout=1))
    emulator.wait_for_poll(timeout=5)  # it waited for updates instead of answering at once
    assert poll.result(timeout=10) == []


def test_a_second_poller_ends_the_first_with_conflict(emulator):
    first = Background(lambda: requests.get(_api(emulator, "getUpdates"), params={"timeout": 20}))
    emulator.wait_for_poll(timeout=5)
    second = requests.get(_api(emulator, "getUpdates"), params={"timeout": 0})
    ended = first.result(timeout=10)

    assert second.json() == {"ok": True, "result": []}
    assert ended.status_code == 409
    assert "terminated by other getUpdates request" in ended.json()["description"]


def test_stop_ends_a_waiting_long_poll_with_a_dropped_connection(emulator):
    poll = Background(lambda: requests.get(_api(emulator, "getUpdates"), params={"timeout": 50}))
    emulator.wait_for_poll(timeout=5)
    emulator.stop()
    with pytest.raises(requests.ConnectionError):
        poll.result(timeout=10)  # well inside the 50 s the poll would otherwise wait


def test_arbitrary_updates_can_be_queued(emulator, telebot_bot):
    update_id = emulator.send_update(
        {
            "message": {
                "message_id": 50,
                "date": 0,
                "chat": {"id": 2002, "type": "private", "first_name": "Bo"},
                "from": {"id": 2002, "is_bot": False, "first_name": "Bo"},
                "sticker": {
                    "file_id": "s",
                    "file_unique_id": "s",
                    "type": "regular",
                    "width": 1,
                    "height": 1,
                    "is_animated": False,
                    "is_video": False,
                },
            }
        }
    )

    (update,) = telebot_bot.get_updates(timeout=5, long_polling_timeout=0)

    assert update.update_id == update_id
    assert update.message.sticker is not None
    assert telebot_bot.send_message(2002, "No stickers, please").chat.id == 2002


def test_allowed_updates_filters_what_is_delivered(emulator, telebot_bot):
    chat = emulator.private_chat(1001)
    chat.send_text("text")
    emulator.send_update(
        {"edited_message": {"message_id": 1, "date": 0, "chat": {"id": 1001, "type": "private"}}}
    )

    updates = telebot_bot.get_updates(
        allowed_updates=["edited_message"], timeout=5, long_polling_timeout=0
    )

    assert [update.edited_message is not None for update in updates] == [True]


def test_get_updates_is_refused_while_a_webhook_is_set(emulator, telebot_bot):
    receiver = _WebhookReceiver()
    with receiver:
        telebot_bot.set_webhook(url=receiver.url, secret_token="s3cret")
        with pytest.raises(ApiTelegramException) as error:
            telebot_bot.get_updates(timeout=5, long_polling_timeout=0)
        assert error.value.error_code == 409
        assert telebot_bot.get_webhook_info().url == receiver.url
        telebot_bot.delete_webhook()
    assert telebot_bot.get_webhook_info().url == ""


def test_a_webhook_receives_each_update_once_with_its_secret(emulator, telebot_bot):
    chat = emulator.private_chat(1001)
    receiver = _WebhookReceiver()
    with receiver:
        telebot_bot.set_webhook(url=receiver.url, secret_token="s3cret")
        chat.send_text("first")
        chat.send_text("second")
        emulator.wait_for_confirmation(timeout=5)
    assert [body["message"]["text"] for body in receiver.bodies] == ["first", "second"]
    assert receiver.secrets == ["s3cret", "s3cret"]
    assert emulator.pending_updates() == []


def test_a_failing_webhook_is_retried_and_reported(emulator, telebot_bot):
    chat = emulator.private_chat(1001)
    receiver = _WebhookReceiver(failures=1)
    with receiver:
        telebot_bot.set_webhook(url=receiver.url)
        chat.send_text("retried")
        emulator.wait_for_confirmation(timeout=5)
        info = telebot_bot.get_webhook_info()
    assert [body["message"]["text"] for body in receiver.bodies] == ["retried", "retried"]
    assert info.last_error_message.startswith("Wrong response from the webhook: 500")


class Background:
    """Runs `work` in a daemon thread; `result()` gives back what it returned or raises what it
    raised, so an assertion about a thread's outcome fails the test."""

    def __init__(self, work):
        self._future: Future = Future()
        threading.Thread(target=self._run, args=(work,), daemon=True).start()

    def _run(self, work):
        try:
            self._future.set_result(work())
        except BaseException as error:
            self._future.set_exception(error)

    def result(self, timeout: float):
        return self._future.result(timeout=timeout)


class _WebhookReceiver:
    """A tiny HTTP server on 127.0.0.1 that records the updates POSTed to it."""

    def __init__(self, failures=0):
        self.bodies = []
        self.secrets = []
        self.failures = failures
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.bodies.append(json.loads(body))
                receiver.secrets.append(self.headers.get("X-Telegram-Bot-Api-Secret-Token"))
                failing = receiver.failures > 0
                receiver.failures -= 1
                self.send_response(500 if failing else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/hook"

    def __enter__(self):
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def __exit__(self, *exc_info):
        self._server.shutdown()
        self._server.server_close()
