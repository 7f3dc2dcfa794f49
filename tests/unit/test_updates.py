"""parse_update: raw Bot API updates (JSON fixtures) into plain commands (SPEC §2, §7.1, §7.4)."""

from __future__ import annotations

import copy

import pytest

from wordbot.transport.updates import (
    ButtonPress,
    CommandMessage,
    DocumentMessage,
    OtherMessage,
    TextMessage,
    parse_update,
)

USER = {
    "id": 42,
    "is_bot": False,
    "first_name": "Ana",
    "username": "ana",
    "language_code": "es",
}
PRIVATE_CHAT = {"id": 42, "first_name": "Ana", "username": "ana", "type": "private"}
GROUP_CHAT = {"id": -1001234567890, "title": "Spanish class", "type": "supergroup"}
BOT_USER = {"id": 777, "is_bot": True, "first_name": "WordBot", "username": "WordBot"}


def _message_update(chat: dict | None = None, sender: dict | None = None, **content) -> dict:
    """An update with a `message`, shaped as getUpdates returns it."""
    message = {
        "message_id": 7,
        "from": copy.deepcopy(sender or USER),
        "chat": copy.deepcopy(chat or PRIVATE_CHAT),
        "date": 1717000000,
        **content,
    }
    return {"update_id": 1001, "message": message}


def _command(text: str, chat: dict | None = None) -> dict:
    entity = {"offset": 0, "length": len(text.split()[0]), "type": "bot_command"}
    return _message_update(chat=chat, text=text, entities=[entity])


def _private(cls, **fields):
    fields.setdefault("language_code", USER["language_code"])
    if cls in (TextMessage, CommandMessage):
        fields.setdefault("sender_name", "Ana (@ana)")
    return cls(update_id=1001, chat_id=42, user_id=42, chat_type="private", **fields)


PROMPT_MESSAGE = {
    "message_id": 55,
    "from": BOT_USER,
    "chat": PRIVATE_CHAT,
    "date": 1717000000,
    "text": "casa → ?",
    "reply_markup": {"inline_keyboard": [[{"text": "Show", "callback_data": "trn:show:AbC-d_9z"}]]},
}

CALLBACK_WITH_MESSAGE = {
    "update_id": 1002,
    "callback_query": {
        "id": "4382bfdwdsb323b2d9",
        "from": USER,
        "message": PROMPT_MESSAGE,
        "chat_instance": "-5823948573498",
        "data": "trn:show:AbC-d_9z",
    },
}

CALLBACK_INACCESSIBLE_MESSAGE = {
    "update_id": 1003,
    "callback_query": {
        "id": "4382bfdwdsb323b2da",
        "from": USER,
        "message": {"chat": PRIVATE_CHAT, "message_id": 55, "date": 0},
        "chat_instance": "-5823948573498",
        "data": "clr:yes:AbC-d_9z",
    },
}

CALLBACK_WITHOUT_DATA = {
    "update_id": 1004,
    "callback_query": {
        "id": "4382bfdwdsb323b2db",
        "from": USER,
        "message": PROMPT_MESSAGE,
        "chat_instance": "-5823948573498",
        "game_short_name": "quiz",
    },
}

CALLBACK_INLINE_MESSAGE = {
    "update_id": 1005,
    "callback_query": {
        "id": "4382bfdwdsb323b2dc",
        "from": USER,
        "inline_message_id": "AAAAAGx1c2VyOjQy",
        "chat_instance": "-5823948573498",
        "data": "trn:show:AbC-d_9z",
    },
}

DOCUMENT = {
    "file_name": "words.csv",
    "mime_type": "text/csv",
    "file_id": "BQACAgIAAxkBAAIBZ2ZfQ",
    "file_unique_id": "AgADZ2ZfQ",
    "file_size": 2048,
}


@pytest.mark.parametrize(
    ("update", "expected"),
    [
        pytest.param(
            _message_update(text="house, casa"),
            _private(TextMessage, message_id=7, text="house, casa"),
            id="private_text",
        ),
        pytest.param(
            _command("/add@WordBot house, casa\ndog, perro"),
            _private(
                CommandMessage,
                message_id=7,
                command="add",
                args="house, casa\ndog, perro",
                mention="WordBot",
            ),
            id="add_with_bot_name_keeps_both_lines",
        ),
        pytest.param(
            _command("/add\nhouse, casa\ndog, perro"),
            _private(CommandMessage, message_id=7, command="add", args="house, casa\ndog, perro"),
            id="add_with_list_on_next_lines",
        ),
        pytest.param(
            _command("/START"),
            _private(CommandMessage, message_id=7, command="start", args=""),
            id="command_lower_cased",
        ),
        pytest.param(
            _command("/"),
            _private(CommandMessage, message_id=7, command="", args=""),
            id="bare_slash_is_a_command",
        ),
        pytest.param(
            _command("/start@WordBot", chat=GROUP_CHAT),
            CommandMessage(
                update_id=1001,
                chat_id=-1001234567890,
                user_id=42,
                chat_type="supergroup",
                message_id=7,
                command="start",
                args="",
                mention="WordBot",
                language_code="es",
                sender_name="Ana (@ana)",
            ),
            id="group_command",
        ),
        pytest.param(
            _message_update(document=DOCUMENT, caption="my words"),
            _private(
                DocumentMessage,
                message_id=7,
                file_id="BQACAgIAAxkBAAIBZ2ZfQ",
                file_name="words.csv",
                mime_type="text/csv",
                file_size=2048,
            ),
            id="document",
        ),
        pytest.param(
            _message_update(document={"file_id": "BQAC", "file_unique_id": "AgAD"}),
            _private(
                DocumentMessage,
                message_id=7,
                file_id="BQAC",
                file_name=None,
                mime_type=None,
                file_size=None,
            ),
            id="document_without_optional_fields",
        ),
        pytest.param(
            CALLBACK_WITH_MESSAGE,
            ButtonPress(
                update_id=1002,
                chat_id=42,
                user_id=42,
                chat_type="private",
                callback_query_id="4382bfdwdsb323b2d9",
                message_id=55,
                data="trn:show:AbC-d_9z",
                language_code="es",
            ),
            id="callback_with_message",
        ),
        pytest.param(
            CALLBACK_INACCESSIBLE_MESSAGE,
            ButtonPress(
                update_id=1003,
                chat_id=42,
                user_id=42,
                chat_type="private",
                callback_query_id="4382bfdwdsb323b2da",
                message_id=55,
                data="clr:yes:AbC-d_9z",
                language_code="es",
            ),
            id="callback_with_inaccessible_message",
        ),
        pytest.param(
            CALLBACK_WITHOUT_DATA,
            ButtonPress(
                update_id=1004,
                chat_id=42,
                user_id=42,
                chat_type="private",
                callback_query_id="4382bfdwdsb323b2db",
                message_id=55,
                data="",
                language_code="es",
            ),
            id="callback_without_data",
        ),
        pytest.param(
            CALLBACK_INLINE_MESSAGE,
            ButtonPress(
                update_id=1005,
                chat_id=42,
                user_id=42,
                chat_type="private",
                callback_query_id="4382bfdwdsb323b2dc",
                message_id=None,
                data="trn:show:AbC-d_9z",
                language_code="es",
            ),
            id="callback_without_message",
        ),
    ],
)
def test_update_is_parsed_into_its_command(update, expected):
    assert parse_update(update) == expected


def test_a_reply_to_the_bot_carries_the_replied_message_and_its_text():
    update = _message_update(
        text="Thanks!",
        reply_to_message={"message_id": 90, "from": BOT_USER, "date": 1, "text": "From #id5"},
    )
    parsed = parse_update(update)
    assert (parsed.reply_to_message_id, parsed.reply_to_bot_text) == (90, "From #id5")


def test_a_reply_to_a_person_carries_no_text_and_a_broken_reply_is_ignored():
    person = {"message_id": 91, "from": USER, "date": 1, "text": "From #id5"}
    parsed = parse_update(_message_update(text="hi", reply_to_message=person))
    assert (parsed.reply_to_message_id, parsed.reply_to_bot_text) == (91, None)
    broken = parse_update(_message_update(text="hi", reply_to_message={"message_id": "x"}))
    assert broken.reply_to_message_id is None and broken.text == "hi"


def test_a_sender_without_names_has_no_sender_name():
    nameless = {"id": 42, "is_bot": False, "first_name": " "}
    assert parse_update(_message_update(text="hi", sender=nameless)).sender_name is None


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        pytest.param(
            {
                "sticker": {
                    "file_id": "CAACAgIAAxk",
                    "file_unique_id": "AgADbQ",
                    "type": "regular",
                    "width": 512,
                    "height": 512,
                    "is_animated": False,
                    "is_video": False,
                    "emoji": "😀",
                }
            },
            "sticker",
            id="sticker",
        ),
        pytest.param(
            {
                "photo": [
                    {"file_id": "AgAC1", "file_unique_id": "AQAD1", "width": 90, "height": 90},
                    {"file_id": "AgAC2", "file_unique_id": "AQAD2", "width": 800, "height": 800},
                ],
                "caption": "house, casa",
            },
            "photo",
            id="photo_with_caption",
        ),
        pytest.param(
            {
                "voice": {
                    "file_id": "AwACAgIAAxk",
                    "file_unique_id": "AgADvQ",
                    "duration": 3,
                    "mime_type": "audio/ogg",
                }
            },
            "voice",
            id="voice",
        ),
        pytest.param(
            {"contact": {"phone_number": "+34600000000", "first_name": "Ana", "user_id": 42}},
            "contact",
            id="contact",
        ),
        pytest.param({"new_chat_title": "Renamed"}, "unsupported", id="service_message"),
    ],
)
def test_non_text_message_is_other_message_of_its_kind(content, kind):
    assert parse_update(_message_update(**content)) == _private(
        OtherMessage, message_id=7, kind=kind
    )


EDITED_MESSAGE = {
    "update_id": 2001,
    "edited_message": {
        "message_id": 7,
        "from": USER,
        "chat": PRIVATE_CHAT,
        "date": 1717000000,
        "edit_date": 1717000100,
        "text": "house, casa",
    },
}
CHANNEL_POST = {
    "update_id": 2002,
    "channel_post": {
        "message_id": 3,
        "sender_chat": {"id": -1009876543210, "title": "News", "type": "channel"},
        "chat": {"id": -1009876543210, "title": "News", "type": "channel"},
        "date": 1717000000,
        "text": "/start",
    },
}
MY_CHAT_MEMBER = {
    "update_id": 2003,
    "my_chat_member": {
        "chat": PRIVATE_CHAT,
        "from": USER,
        "date": 1717000000,
        "old_chat_member": {"user": BOT_USER, "status": "member"},
        "new_chat_member": {"user": BOT_USER, "status": "kicked", "until_date": 0},
    },
}


@pytest.mark.parametrize(
    "update",
    [
        pytest.param(EDITED_MESSAGE, id="edited_message"),
        pytest.param(CHANNEL_POST, id="channel_post"),
        pytest.param(MY_CHAT_MEMBER, id="my_chat_member"),
        pytest.param(_message_update(sender=BOT_USER, text="/start"), id="message_from_a_bot"),
        pytest.param(
            {
                "update_id": 2004,
                "message": {
                    "message_id": 9,
                    "sender_chat": GROUP_CHAT,
                    "chat": GROUP_CHAT,
                    "date": 1717000000,
                    "text": "/start",
                },
            },
            id="message_without_from",
        ),
    ],
)
def test_update_the_bot_ignores_gives_none(update):
    assert parse_update(update) is None


@pytest.mark.parametrize(
    "update",
    [
        pytest.param({}, id="empty"),
        pytest.param({"message": _message_update(text="hi")["message"]}, id="missing_update_id"),
        pytest.param({"update_id": "abc", "message": {}}, id="update_id_not_a_number"),
        pytest.param({"update_id": None}, id="update_id_null"),
        pytest.param({"update_id": 1, "message": {"text": "hi"}}, id="message_without_chat"),
        pytest.param(
            {"update_id": 1, "message": {**_message_update(text="hi")["message"], "chat": []}},
            id="chat_is_a_list",
        ),
        pytest.param(
            {"update_id": 1, "message": {**_message_update(text="hi")["message"], "chat": "x"}},
            id="chat_is_a_string",
        ),
        pytest.param(
            {"update_id": 1, "message": {**_message_update(text="hi")["message"], "from": "ana"}},
            id="from_is_a_string",
        ),
        pytest.param(
            {"update_id": 1, "message": {**_message_update(text="hi")["message"], "chat": {}}},
            id="chat_without_id",
        ),
        pytest.param(
            {
                "update_id": 1,
                "message": {**_message_update(text="hi")["message"], "message_id": "seven"},
            },
            id="message_id_not_a_number",
        ),
        pytest.param(
            _message_update(document={"file_name": "words.csv"}), id="document_without_file_id"
        ),
        pytest.param({"update_id": 1, "message": "hello"}, id="message_is_a_string"),
        pytest.param({"update_id": 1, "callback_query": {"id": "q"}}, id="callback_without_from"),
        pytest.param(
            {"update_id": 1, "callback_query": {"id": "q", "from": 42}}, id="callback_from_int"
        ),
        pytest.param(
            {"update_id": 1, "callback_query": {"from": USER, "data": "x"}},
            id="callback_without_id",
        ),
        pytest.param(
            {
                "update_id": 1,
                "callback_query": {
                    "id": "q",
                    "from": USER,
                    "message": {"chat": {"type": "private"}, "message_id": 5},
                },
            },
            id="callback_chat_without_id",
        ),
        pytest.param([], id="list"),
        pytest.param(None, id="null"),
        pytest.param("garbage", id="string"),
        pytest.param(42, id="number"),
        pytest.param(
            {"update_id": float("inf")},
            id="update_id_infinity",
        ),
    ],
)
def test_garbage_update_gives_none_and_never_raises(update):
    assert parse_update(update) is None


@pytest.mark.parametrize(
    ("sender_code", "expected"),
    [("ru", "ru"), ("pt-BR", "pt-BR"), (None, None), (7, None), ("", None), ("x" * 200, None)],
)
def test_the_senders_language_code_is_kept_only_when_it_is_a_short_string(sender_code, expected):
    sender = {**USER, "language_code": sender_code}
    if sender_code is None:
        del sender["language_code"]
    parsed = parse_update(_message_update(sender=sender, text="hola"))
    assert parsed.language_code == expected
