"""The webhook endpoint over real HTTP on 127.0.0.1, and the emulator delivering to it (§16)."""

from __future__ import annotations

import json
import re
import threading
import urllib.error
import urllib.request

import pytest

from wordbot.transport.webhook_server import (
    SECRET_HEADER,
    WebhookApp,
    WebhookServer,
    new_secret_token,
)

SECRET = "s3cret_-TOKEN"
PATH = "/telegram/hook"
UPDATE = {"update_id": 7, "message": {"message_id": 1, "date": 0, "text": "hi"}}


class _Inbox:
    """Stands in for the inbox writer: records what was accepted, can be told to fail."""

    def __init__(self):
        self.updates: list[dict] = []
        self.failures = 0
        self.arrived = threading.Condition()

    def accept(self, updates):
        if self.failures:
            self.failures -= 1
            raise RuntimeError("database is locked")
        with self.arrived:
            self.updates.extend(updates)
            self.arrived.notify_all()

    def wait_for(self, count, timeout=10):
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.updates) >= count, timeout)


@pytest.fixture
def inbox():
    return _Inbox()


@pytest.fixture
def server(inbox):
    app = WebhookApp(f"https://bot.example.org{PATH}", SECRET, inbox.accept)
    running = WebhookServer(app, "127.0.0.1:0")
    running.start()
    running.url = f"http://127.0.0.1:{running.port}"
    yield running
    running.stop()


def _request(url, method="POST", body=None, secret=SECRET, content_type="application/json"):
    headers = {"Content-Type": content_type}
    if secret is not None:
        headers[SECRET_HEADER] = secret
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with direct.open(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_an_update_with_the_right_secret_is_accepted_and_answered_200(server, inbox):
    assert _request(server.url + PATH, body=UPDATE) == 200
    assert inbox.updates == [UPDATE]


@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET + "x", SECRET[:-1]])
def test_a_missing_or_wrong_secret_gets_403_and_changes_nothing(server, inbox, secret):
    assert _request(server.url + PATH, body=UPDATE, secret=secret) == 403
    assert inbox.updates == []


@pytest.mark.parametrize("path", ["/", "/telegram", PATH + "/", "/metrics", PATH + "x"])
def test_other_paths_get_404(server, inbox, path):
    assert _request(server.url + path, body=UPDATE) == 404
    assert inbox.updates == []


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_other_methods_get_405(server, inbox, method):
    assert _request(server.url + PATH, method=method, body=UPDATE) == 405
    assert inbox.updates == []


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"\xff\xfe", b"[1, 2]", b'{"message": {}}', b'"text"', b""],
    ids=["broken", "not_utf8", "a_list", "no_update_id", "a_string", "empty"],
)
def test_a_body_that_is_not_an_update_is_logged_and_answered_200(server, inbox, body, caplog):
    assert _request(server.url + PATH, body=body) == 200
    assert inbox.updates == []
    assert "webhook: dropped" in caplog.text


def test_an_update_the_inbox_cannot_take_gets_500_so_telegram_sends_it_again(server, inbox):
    inbox.failures = 1
    assert _request(server.url + PATH, body=UPDATE) == 500
    assert _request(server.url + PATH, body=UPDATE) == 200
    assert inbox.updates == [UPDATE]


def test_new_secret_tokens_are_32_allowed_characters_and_differ():
    tokens = {new_secret_token() for _ in range(20)}
    assert len(tokens) == 20
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{32}", token) for token in tokens)


# --- the emulator delivers to it, as Telegram would ------------------------------------------


class _Answers:
    """WSGI middleware recording each status the app answered, to wait on one."""

    def __init__(self, app):
        self.app = app
        self.statuses: list[str] = []
        self.answered = threading.Condition()

    def __call__(self, environ, start_response):
        def recording(status, headers):
            with self.answered:
                self.statuses.append(status.split()[0])
                self.answered.notify_all()
            return start_response(status, headers)

        return self.app(environ, recording)

    def wait_for(self, status, timeout=10):
        with self.answered:
            assert self.answered.wait_for(lambda: status in self.statuses, timeout)


@pytest.fixture
def local_server(inbox):
    """The server at a loopback URL the emulator accepts for setWebhook."""
    secret = new_secret_token()
    app = WebhookApp(f"http://127.0.0.1{PATH}", secret, inbox.accept)
    answers = _Answers(app)
    running = WebhookServer(answers, "127.0.0.1:0")
    running.start()
    running.hook_url = f"http://127.0.0.1:{running.port}{PATH}"
    running.secret = secret
    running.answers = answers
    yield running
    running.stop()


def test_the_emulator_delivers_updates_with_the_secret_in_order(
    emulator, telebot_bot, local_server, inbox
):
    chat = emulator.private_chat(1001)
    telebot_bot.set_webhook(url=local_server.hook_url, secret_token=local_server.secret)

    chat.send_text("first")
    chat.send_text("second")
    emulator.wait_for_confirmation(timeout=10)

    assert [u["message"]["text"] for u in inbox.updates] == ["first", "second"]
    assert emulator.pending_updates() == []


def test_an_update_refused_by_the_inbox_is_delivered_again(
    emulator, telebot_bot, local_server, inbox
):
    chat = emulator.private_chat(1001)
    inbox.failures = 1
    telebot_bot.set_webhook(url=local_server.hook_url, secret_token=local_server.secret)

    chat.send_text("retried")
    emulator.wait_for_confirmation(timeout=10)

    assert [u["message"]["text"] for u in inbox.updates] == ["retried"]
    assert telebot_bot.get_webhook_info().last_error_message.startswith(
        "Wrong response from the webhook: 500"
    )


def test_a_webhook_set_with_the_wrong_secret_is_refused_and_nothing_is_taken(
    emulator, telebot_bot, local_server, inbox
):
    chat = emulator.private_chat(1001)
    telebot_bot.set_webhook(url=local_server.hook_url, secret_token="not-the-secret")
    chat.send_text("refused")

    local_server.answers.wait_for("403")
    assert inbox.updates == []
    assert telebot_bot.get_webhook_info().pending_update_count == 1


def test_delete_webhook_stops_delivery_and_the_update_waits_for_polling(
    emulator, telebot_bot, local_server, inbox
):
    chat = emulator.private_chat(1001)
    telebot_bot.set_webhook(url=local_server.hook_url, secret_token=local_server.secret)
    chat.send_text("by webhook")
    inbox.wait_for(1)
    emulator.wait_for_confirmation(timeout=10)
    telebot_bot.delete_webhook()

    chat.send_text("by polling")
    (update,) = telebot_bot.get_updates(timeout=5, long_polling_timeout=0)

    assert update.message.text == "by polling"
    assert [u["message"]["text"] for u in inbox.updates] == ["by webhook"]


def test_the_server_reports_its_port_as_a_number(server):
    assert isinstance(server.port, int) and server.port > 0
