"""Sending, editing, buttons, documents and commands over real HTTP, with Telegram's errors."""

from __future__ import annotations

import pytest
import requests
from telebot.apihelper import ApiTelegramException
from telebot.types import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup


def _keyboard(*labels):
    markup = InlineKeyboardMarkup()
    markup.row(*(InlineKeyboardButton(label, callback_data=label.lower()) for label in labels))
    return markup


def _api(emulator, method):
    return f"{emulator.url}/bot{emulator.token}/{method}"


def _refusal(call):
    with pytest.raises(ApiTelegramException) as error:
        call()
    return error.value.error_code, error.value.description


def test_get_me_names_the_bot(telebot_bot):
    me = telebot_bot.get_me()
    assert (me.id, me.is_bot, me.username) == (123456, True, "wordbot_test_bot")


def test_a_sent_message_is_kept_with_its_keyboard(emulator, telebot_bot):
    chat = emulator.private_chat(1001)

    sent = telebot_bot.send_message(
        1001, "Pick <b>one</b>", parse_mode="HTML", reply_markup=_keyboard("Again", "Good")
    )

    kept = chat.last_bot_message()
    assert sent.text == "Pick one"
    assert (kept.message_id, kept.text, kept.html) == (
        sent.message_id,
        "Pick one",
        "Pick <b>one</b>",
    )
    assert kept.buttons == ((("Again", "again"), ("Good", "good")),)
    assert kept.has_keyboard and not kept.edited


def test_message_ids_increase_per_chat_across_user_and_bot(emulator, telebot_bot):
    ann, bo = emulator.private_chat(1001), emulator.private_chat(1002)
    assert ann.send_text("hi")["message_id"] == 1
    assert telebot_bot.send_message(1001, "hello").message_id == 2
    assert telebot_bot.send_message(1002, "hello").message_id == 1
    assert bo.send_text("hi")["message_id"] == 2


def test_user_data_escaped_in_html_shows_exactly(emulator, telebot_bot):
    emulator.private_chat(1001)
    sent = telebot_bot.send_message(1001, "&lt;b&gt;&amp;_*[", parse_mode="HTML")
    assert sent.text == "<b>&_*["


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("<b>&_*[", "can't parse entities: "),
        ("<b>unclosed", "can't parse entities: Can't find end tag"),
        ("1 < 2", "can't parse entities: Unsupported start tag"),
        ("Tom & Jerry", 'can\'t parse entities: Character "&"'),
        ("<blink>x</blink>", 'can\'t parse entities: Unsupported start tag "blink"'),
    ],
)
def test_bad_html_is_refused_with_400(emulator, telebot_bot, text, reason):
    emulator.private_chat(1001)
    code, description = _refusal(lambda: telebot_bot.send_message(1001, text, parse_mode="HTML"))
    assert code == 400
    assert description.startswith("Bad Request: " + reason)


def test_empty_and_whitespace_texts_are_refused(emulator, telebot_bot):
    emulator.private_chat(1001)
    assert _refusal(lambda: telebot_bot.send_message(1001, " \n ")) == (
        400,
        "Bad Request: message text is empty",
    )
    assert _refusal(lambda: telebot_bot.send_message(1001, "<b></b>", parse_mode="HTML"))[0] == 400


def test_the_4096_limit_counts_text_after_parsing(emulator, telebot_bot):
    emulator.private_chat(1001)
    cyrillic = "ж" * 4096
    assert telebot_bot.send_message(1001, f"<b>{cyrillic}</b>", parse_mode="HTML").text == cyrillic
    assert _refusal(lambda: telebot_bot.send_message(1001, cyrillic + "!")) == (
        400,
        "Bad Request: message is too long",
    )


def test_a_30_kb_query_string_is_accepted(emulator):
    emulator.private_chat(1001)
    text = "😀ж" * 2048  # 4096 characters, ~30 KB once URL-encoded
    answer = requests.post(_api(emulator, "sendMessage"), params={"chat_id": 1001, "text": text})
    assert len(answer.request.url) > 30_000
    assert answer.json()["result"]["text"] == text


def test_a_request_line_far_over_64_kib_gets_an_api_answer(emulator):
    emulator.private_chat(1001)
    answer = requests.get(
        _api(emulator, "sendMessage"), params={"chat_id": 1001, "text": "ж" * 30_000}
    )
    assert len(answer.request.url) > 150_000
    assert answer.status_code == 400
    assert answer.json()["description"] == "Bad Request: message is too long"


def test_parameters_in_json_and_form_bodies_are_understood(emulator):
    emulator.private_chat(1001)
    markup = {"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}
    as_json = requests.post(
        _api(emulator, "sendMessage"),
        json={"chat_id": 1001, "text": "json", "reply_markup": markup},
    )
    as_form = requests.post(_api(emulator, "sendMessage"), data={"chat_id": "1001", "text": "form"})
    assert as_json.json()["result"]["reply_markup"] == markup
    assert as_form.json()["result"]["text"] == "form"


def test_unknown_chat_wrong_token_and_unknown_method(emulator, telebot_bot):
    assert _refusal(lambda: telebot_bot.send_message(999, "hi")) == (
        400,
        "Bad Request: chat not found",
    )
    wrong_token = requests.get(f"{emulator.url}/bot1:WRONG/getMe")
    unknown = requests.get(_api(emulator, "sendPigeon"))
    assert (wrong_token.status_code, wrong_token.json()) == (
        401,
        {"ok": False, "error_code": 401, "description": "Unauthorized"},
    )
    assert (unknown.status_code, unknown.json()) == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found"},
    )
    assert [call.method for call in emulator.unknown_calls] == ["sendPigeon"]


def test_editing_text_replaces_it_and_drops_an_unrepeated_keyboard(emulator, telebot_bot):
    chat = emulator.private_chat(1001)
    sent = telebot_bot.send_message(1001, "Question", reply_markup=_keyboard("Good"))

    telebot_bot.edit_message_text(
        "Question — <i>good</i>", 1001, sent.message_id, parse_mode="HTML"
    )

    edited = chat.message(sent.message_id)
    assert (edited.text, edited.edit_count, edited.has_keyboard) == ("Question — good", 1, False)
    assert [change.event for change in chat.history()] == ["sent", "edited"]


def test_editing_the_keyboard_alone(emulator, telebot_bot):
    chat = emulator.private_chat(1001)
    sent = telebot_bot.send_message(1001, "Settings", reply_markup=_keyboard("Close"))

    telebot_bot.edit_message_reply_markup(1001, sent.message_id, reply_markup=_keyboard("A", "B"))
    assert [b.text for b in chat.message(sent.message_id).flat_buttons()] == ["A", "B"]
    telebot_bot.edit_message_reply_markup(1001, sent.message_id, reply_markup=None)

    assert chat.message(sent.message_id).reply_markup is None
    assert chat.message(sent.message_id).text == "Settings"


def test_edits_that_telegram_refuses(emulator, telebot_bot):
    chat = emulator.private_chat(1001)
    sent = telebot_bot.send_message(1001, "Same", reply_markup=_keyboard("Good"))
    user_message = chat.send_text("mine")["message_id"]

    not_modified = _refusal(
        lambda: telebot_bot.edit_message_text(
            "Same", 1001, sent.message_id, reply_markup=_keyboard("Good")
        )
    )
    missing = _refusal(lambda: telebot_bot.edit_message_text("x", 1001, 999))
    not_mine = _refusal(lambda: telebot_bot.edit_message_text("x", 1001, user_message))
    no_keyboard_twice = telebot_bot.edit_message_reply_markup(1001, sent.message_id)

    assert not_modified[1].startswith("Bad Request: message is not modified:")
    assert missing == (400, "Bad Request: message to edit not found")
    assert not_mine == (400, "Bad Request: message can't be edited")
    assert no_keyboard_twice.reply_markup is None
    assert _refusal(lambda: telebot_bot.edit_message_reply_markup(1001, sent.message_id))[
        1
    ].startswith("Bad Request: message is not modified")


def test_callback_data_over_64_bytes_is_refused(emulator, telebot_bot):
    emulator.private_chat(1001)
    markup = InlineKeyboardMarkup()
    markup.row(InlineKeyboardButton("Too long", callback_data="ж" * 33))
    assert _refusal(lambda: telebot_bot.send_message(1001, "x", reply_markup=markup)) == (
        400,
        "Bad Request: BUTTON_DATA_INVALID",
    )
    markup = InlineKeyboardMarkup()
    markup.row(InlineKeyboardButton("Fits", callback_data="ж" * 32))
    assert telebot_bot.send_message(1001, "x", reply_markup=markup).reply_markup is not None


def test_a_press_reaches_the_bot_and_its_answer_is_kept(emulator, telebot_bot):
    chat = emulator.private_chat(1001)
    sent = telebot_bot.send_message(1001, "Grade?", reply_markup=_keyboard("Again", "Good"))

    query_id = chat.press(sent.message_id, button="Good")
    (update,) = telebot_bot.get_updates(timeout=5, long_polling_timeout=0)
    telebot_bot.answer_callback_query(update.callback_query.id, "Saved")

    assert update.callback_query.id == query_id
    assert update.callback_query.data == "good"
    assert update.callback_query.message.message_id == sent.message_id
    assert update.callback_query.from_user.id == 1001
    assert [(a.data, a.text) for a in chat.callback_answers()] == [("good", "Saved")]
    assert _refusal(lambda: telebot_bot.answer_callback_query(query_id))[1] == (
        "Bad Request: query is too old and response timeout expired or query ID is invalid"
    )
    assert _refusal(lambda: telebot_bot.answer_callback_query("nonsense"))[0] == 400


def test_a_document_round_trip(emulator, telebot_bot):
    chat = emulator.private_chat(1001)
    content = '\ufeffhouse,casa\r\nдом,"a, b"\r\n'.encode()

    sent = telebot_bot.send_document(
        1001,
        content,
        visible_file_name="vocabulary-20240101.csv",
        caption="<b>2</b> pairs",
        parse_mode="HTML",
    )
    file = telebot_bot.get_file(sent.document.file_id)

    assert sent.document.file_name == "vocabulary-20240101.csv"
    assert sent.document.mime_type == "text/csv"
    assert sent.caption == "2 pairs"
    assert telebot_bot.download_file(file.file_path) == content
    assert emulator.document_bytes(sent.document.file_id) == content
    assert chat.last_bot_message().document["file_size"] == len(content)
    resent = telebot_bot.send_document(1001, sent.document.file_id)
    assert resent.document.file_id == sent.document.file_id


def test_a_users_document_can_be_fetched_by_the_bot(emulator, telebot_bot):
    chat = emulator.private_chat(1001)
    chat.send_document(file_name="words.csv", content=b"a,b\n", mime_type="text/csv")

    (update,) = telebot_bot.get_updates(timeout=5, long_polling_timeout=0)
    document = update.message.document

    assert (document.file_name, document.mime_type, document.file_size) == (
        "words.csv",
        "text/csv",
        4,
    )
    assert telebot_bot.download_file(telebot_bot.get_file(document.file_id).file_path) == b"a,b\n"


def test_get_file_refuses_files_over_20_mb(emulator, telebot_bot):
    chat = emulator.private_chat(1001)
    chat.send_document(file_name="huge.csv", content=b"x" * (20 * 1024 * 1024 + 1))
    (update,) = telebot_bot.get_updates(timeout=5, long_polling_timeout=0)
    assert _refusal(lambda: telebot_bot.get_file(update.message.document.file_id)) == (
        400,
        "Bad Request: file is too big",
    )


def test_long_captions_are_refused(emulator, telebot_bot):
    emulator.private_chat(1001)
    assert _refusal(
        lambda: telebot_bot.send_document(1001, b"x", visible_file_name="a.txt", caption="c" * 1025)
    ) == (
        400,
        "Bad Request: message caption is too long",
    )


def test_bot_commands_are_kept(emulator, telebot_bot):
    commands = [BotCommand("review", "Review due cards"), BotCommand("game", "Play")]
    assert telebot_bot.set_my_commands(commands)
    assert [c.command for c in telebot_bot.get_my_commands()] == ["review", "game"]
    assert emulator.bot_commands()[0] == {"command": "review", "description": "Review due cards"}
    assert _refusal(lambda: telebot_bot.set_my_commands([BotCommand("Bad-Name", "x")]))[0] == 400
    telebot_bot.delete_my_commands()
    assert telebot_bot.get_my_commands() == []


def test_every_call_is_recorded(emulator, telebot_bot):
    emulator.private_chat(1001)
    telebot_bot.send_message(1001, "hi")
    call = emulator.wait_for_call("sendMessage", lambda c: c.params["text"] == "hi", timeout=1)
    assert (call.status, call.params["chat_id"]) == (200, "1001")
    assert emulator.unknown_calls == []


def test_a_blocked_user_gives_403(emulator, telebot_bot):
    emulator.private_chat(1001).block_bot()
    assert _refusal(lambda: telebot_bot.send_message(1001, "hi")) == (
        403,
        "Forbidden: bot was blocked by the user",
    )
