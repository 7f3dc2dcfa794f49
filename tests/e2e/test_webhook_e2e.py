"""Webhook mode against the real process (SPEC §16): the emulator delivers updates by POST with
the secret the bot registered; a wrong or missing secret gets 403; after a SIGKILL a redelivered
update is applied once."""

from __future__ import annotations

import socket
import sqlite3
import urllib.error
import urllib.request

import pytest

from tests.support.bot_process import E2E_TOKEN, BotProcess
from tests.support.chat_steps import WAIT, add_pairs, next_prompt, press_and_see_edit

pytestmark = pytest.mark.e2e

USER = 4040
PAIRS = {"house": "casa", "dog": "perro"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def hook():
    port = free_port()
    return f"http://127.0.0.1:{port}/telegram/hook", f"127.0.0.1:{port}"


@pytest.fixture
def webhook_bot(emulator, tmp_path, hook):
    url, listen = hook
    process = BotProcess(
        emulator,
        tmp_path,
        WORDBOT_TELEGRAM_MODE="webhook",
        WORDBOT_TELEGRAM_WEBHOOK_URL=url,
        WORDBOT_TELEGRAM_WEBHOOK_LISTEN=listen,
    ).start()
    yield process
    process.close()
    assert E2E_TOKEN not in process.log_text()


def post(url: str, secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    body = b'{"update_id": 999999, "message": {"message_id": 1, "text": "/help"}}'
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=WAIT) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def attempts(tmp_path) -> int:
    with sqlite3.connect(tmp_path / "wordbot.db") as db:
        return db.execute("select score_attempted from game_sessions").fetchone()[0]


def update_of_message(emulator, message_id: int) -> int:
    """The update_id of the user's message `message_id` (what Telegram would deliver again)."""
    return next(
        update_id
        for update_id, update in reversed(emulator._state.delivered.items())
        if update.get("message", {}).get("message_id") == message_id
    )


def test_updates_arrive_by_webhook_and_a_wrong_secret_gets_403(emulator, webhook_bot, hook):
    url, _ = hook
    emulator.wait_for_call("setWebhook", timeout=WAIT)
    assert emulator.webhook_url == url
    assert not emulator.calls_to("deleteWebhook")  # webhook mode never deletes it
    chat = emulator.private_chat(user_id=USER)
    add_pairs(chat, PAIRS)
    since = chat.mark()
    chat.send_text("/review")
    press_and_see_edit(chat, next_prompt(chat, since), "Good")
    assert post(url, "not-the-secret") == 403
    assert post(url, None) == 403
    assert "WordBot is running (webhook" in webhook_bot.log_text()


def test_a_typed_answer_redelivered_after_a_kill_counts_once(emulator, webhook_bot, tmp_path):
    """A typed answer carries no token: only the inbox knows it was applied."""
    chat = emulator.private_chat(user_id=USER)
    add_pairs(chat, PAIRS)
    since = chat.mark()
    chat.send_text("/game")
    next_prompt(chat, since)
    answer = chat.send_text("wrong answer")
    webhook_bot.wait_until_idle()
    assert attempts(tmp_path) == 1
    webhook_bot.kill()

    emulator.redeliver(update_of_message(emulator, answer["message_id"]))  # no 200 was seen
    webhook_bot.start()
    webhook_bot.wait_until_idle()
    assert attempts(tmp_path) == 1
