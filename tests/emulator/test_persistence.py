"""Chats saved on stop and loaded on start: buttons of old messages still work after a restart."""

from __future__ import annotations

from telebot import TeleBot
from telebot.types import InlineKeyboardButton, InlineKeyboardMarkup

from tests.support.emulator_fixtures import TEST_TOKEN, telebot_pointed_at
from wordbot.emulator import BotApiEmulator


def test_messages_keyboards_and_numbering_survive_a_restart(tmp_path):
    path = tmp_path / "chats.json"
    with BotApiEmulator(token=TEST_TOKEN, chats_file=path) as first:
        chat = first.private_chat(user_id=42, first_name="Ann")
        chat.send_text("/start")
        markup = InlineKeyboardMarkup()
        markup.row(InlineKeyboardButton("Good", callback_data="tr:good:AAAAAAAA"))
        with telebot_pointed_at(first):
            sent = TeleBot(TEST_TOKEN, threaded=False).send_message(
                42, "<b>a</b> → b", parse_mode="HTML", reply_markup=markup
            )
        updates_so_far = first.pending_updates()[-1]["update_id"]
    with BotApiEmulator(token=TEST_TOKEN, chats_file=path) as second:
        chat = second.chat(42)
        restored = chat.message(sent.message_id)
        assert restored.text == "a → b" and restored.has_keyboard
        query = chat.press(restored, button="Good")
        update = second.pending_updates()[-1]
        assert update["update_id"] > updates_so_far
        assert update["callback_query"]["id"] == query
        assert update["callback_query"]["data"] == "tr:good:AAAAAAAA"
        assert chat.send_text("hi")["message_id"] == sent.message_id + 1


def test_a_missing_or_broken_file_starts_empty(tmp_path):
    broken = tmp_path / "chats.json"
    broken.write_text("{not json")
    with BotApiEmulator(token=TEST_TOKEN, chats_file=broken) as emulator:
        assert emulator.private_chat(user_id=1).send_text("x")["message_id"] == 1
