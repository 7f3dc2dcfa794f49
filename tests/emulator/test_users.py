"""The test-facing side: acting as users and waiting for the bot, over a real bot connection."""

from __future__ import annotations

import threading

import pytest
from telebot.types import InlineKeyboardButton, InlineKeyboardMarkup

from wordbot.emulator import NoSuchButton


def _keyboard(*labels):
    markup = InlineKeyboardMarkup()
    markup.row(*(InlineKeyboardButton(label, callback_data=f"cb:{label}") for label in labels))
    return markup


def test_press_finds_a_button_by_text_or_by_callback_data(emulator, telebot_bot):
    chat = emulator.private_chat(1001)
    sent = telebot_bot.send_message(1001, "Grade", reply_markup=_keyboard("Again", "Good"))

    chat.press(sent.message_id, button="Good")
    chat.press(sent.message_id, button="cb:Again")

    updates = telebot_bot.get_updates(timeout=5, long_polling_timeout=0)
    assert [update.callback_query.data for update in updates] == ["cb:Good", "cb:Again"]


def test_pressing_a_button_that_is_not_there_is_a_clear_error(emulator, telebot_bot):
    chat = emulator.private_chat(1001)
    sent = telebot_bot.send_message(1001, "Grade", reply_markup=_keyboard("Good"))
    telebot_bot.edit_message_reply_markup(1001, sent.message_id)

    with pytest.raises(NoSuchButton, match="has no such button: 'Good'"):
        chat.press(sent.message_id, button="Good")
    with pytest.raises(LookupError):
        chat.press(999, button="Good")


def test_forged_and_inaccessible_presses(emulator, telebot_bot):
    chat = emulator.private_chat(1001)
    sent = telebot_bot.send_message(1001, "Grade", reply_markup=_keyboard("Good"))

    chat.press_data(sent.message_id, data="forged")
    chat.press_data(sent.message_id, data="cb:Good", user_id=666)
    chat.press_data(12345, data="old", inaccessible=True)

    forged, stranger, old = telebot_bot.get_updates(timeout=5, long_polling_timeout=0)
    assert forged.callback_query.data == "forged"
    assert stranger.callback_query.from_user.id == 666
    assert old.callback_query.message.date == 0


def test_wait_for_message_sees_the_answer_to_the_latest_action(emulator, telebot_bot):
    chat = emulator.private_chat(1001)
    telebot_bot.send_message(1001, "Old news")
    chat.send_text("/start")

    def bot():
        (update,) = telebot_bot.get_updates(timeout=5, long_polling_timeout=5)
        telebot_bot.send_message(update.message.chat.id, "Welcome!")

    worker = threading.Thread(target=bot)
    worker.start()
    answer = chat.wait_for_message(timeout=5)
    worker.join()

    assert answer.text == "Welcome!"
    assert chat.wait_for_message(contains="Old", since=0, timeout=1).text == "Old news"


def test_edits_count_as_changes_unless_excluded(emulator, telebot_bot):
    chat = emulator.private_chat(1001)
    mark = chat.mark()
    sent = telebot_bot.send_message(1001, "Prompt")
    telebot_bot.edit_message_text("Prompt ✅", 1001, sent.message_id)

    edited = chat.wait_for_message(contains="✅", since=mark, timeout=1)
    first = chat.wait_for_message(since=mark, include_edits=False, timeout=1)

    assert (edited.event, edited.edit_count) == ("edited", 1)
    assert (first.event, first.text) == ("sent", "Prompt")


def test_a_timeout_shows_the_transcript(emulator, telebot_bot):
    chat = emulator.private_chat(1001, first_name="Ann")
    chat.send_text("/review")
    telebot_bot.send_message(1001, "Nothing to review right now.", reply_markup=_keyboard("OK"))

    with pytest.raises(TimeoutError) as error:
        chat.wait_for_message(contains="Well done", since=0, timeout=0.1)

    assert "#1 user Ann: /review" in str(error.value)
    assert "#2 bot: Nothing to review right now.  [OK]" in str(error.value)


def test_subscribers_hear_every_bot_message_change(emulator, telebot_bot):
    emulator.private_chat(1001)
    heard = []
    unsubscribe = emulator.subscribe(lambda message: heard.append((message.event, message.text)))

    sent = telebot_bot.send_message(1001, "a")
    telebot_bot.edit_message_text("b", 1001, sent.message_id)
    telebot_bot.delete_message(1001, sent.message_id)
    unsubscribe()
    telebot_bot.send_message(1001, "unheard")

    assert heard == [("sent", "a"), ("edited", "b"), ("deleted", "b")]


def test_a_group_chat_has_members(emulator, telebot_bot):
    group = emulator.group_chat(chat_id=-100123, user_id=1001)
    group.send_text("/start@wordbot_test_bot")

    (update,) = telebot_bot.get_updates(timeout=5, long_polling_timeout=0)
    telebot_bot.send_message(-100123, "WordBot works in private chats only.")

    assert update.message.chat.type == "supergroup"
    assert update.message.from_user.id == 1001
    assert update.message.entities[0].length == len("/start@wordbot_test_bot")
    assert group.last_bot_message().text == "WordBot works in private chats only."


def test_a_user_can_edit_their_message(emulator, telebot_bot):
    chat = emulator.private_chat(1001)
    message_id = chat.send_text("hous")["message_id"]
    chat.edit_text(message_id, "house")

    _, edited = telebot_bot.get_updates(timeout=5, long_polling_timeout=0)

    assert edited.edited_message.text == "house"
    assert edited.edited_message.message_id == message_id


def test_waiting_for_a_callback_answer(emulator, telebot_bot):
    chat = emulator.private_chat(1001)
    sent = telebot_bot.send_message(1001, "Grade", reply_markup=_keyboard("Good"))
    query_id = chat.press(sent, button="Good")
    telebot_bot.answer_callback_query(query_id, text="This button is stale", show_alert=True)

    answer = chat.wait_for_callback_answer(query_id, timeout=1)

    assert (answer.text, answer.show_alert, answer.message_id) == (
        "This button is stale",
        True,
        sent.message_id,
    )
