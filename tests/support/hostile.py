"""Hostile input for end-to-end tests: realistic non-text updates, random callback data, and a
byte-exact snapshot of one user's rows in the bot's SQLite file."""

from __future__ import annotations

import random
import sqlite3
import string
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = [
    "CALLBACK_ACTIONS",
    "CALLBACK_SCOPES",
    "callback_update",
    "channel_post_update",
    "message_update",
    "my_chat_member_update",
    "non_text_content",
    "private_chat",
    "random_callback_data",
    "user_rows",
    "user_json",
]

CALLBACK_SCOPES = ("tr", "gm", "clr", "st")
CALLBACK_ACTIONS = (
    "again",
    "hard",
    "good",
    "easy",
    "snooze_day",
    "snooze_week",
    "peek",
    "new",
    "yes",
    "no",
    "home",
    "cards",
    "reminders",
    "timezone",
    "close",
    "noop",
    "dec",
    "inc",
    "set1",
    "set10",
    "tgl_morning",
    "tzdec",
    "tzinc",
    "language",
    "lang_ru",
    "lang_en",
    "addtime",
    "on_0800",
    "rm_0800",
    "zone_0000000000",
)
_TOKEN_CHARS = string.ascii_letters + string.digits + "-_"
_GARBAGE_CHARS = (
    string.printable
    + ":::"
    + "".join(chr(code) for code in range(0, 32))
    + "\x7f\xa0\xe9\xff\u0130\u200b\u200f\u202e\u2028\ufeff\uffff"
    + "ж中文🙂👍🏽🇺🇦"
)

# The rows that make up one user's vocabulary, sessions and open menus, in a fixed order.
# Of the users row only what no reminder tick touches: settings and live confirmations.
_USER_TABLES = {
    "users": (
        "select id, chat_id, cards_per_session, reminder_morning, reminder_afternoon,"
        " reminder_evening, timezone_offset_hours, pending_input, confirm_token,"
        " confirm_message_id, settings_token, settings_message_id, settings_screen,"
        " timezone, reminder_times, language"
        " from users where id = ?"
    ),
    "word_pairs": "select * from word_pairs where user_id = ? order by id",
    "training_sessions": "select * from training_sessions where user_id = ? order by id",
    "game_sessions": "select * from game_sessions where user_id = ? order by id",
    "game_session_statistics": "select * from game_session_statistics where user_id = ? order by id",
    "outbox": "select * from outbox where user_id = ? order by id",
}


def user_rows(db_path: Path, user_id: int) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of `user_id` in the tables above, exactly as SQLite holds them."""
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as db:
        return {
            table: db.execute(query, (user_id,)).fetchall() for table, query in _USER_TABLES.items()
        }


def user_json(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": f"User{user_id}", "language_code": "en"}


def private_chat(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "first_name": f"User{user_id}", "type": "private"}


def message_update(user_id: int, message_id: int, **content: Any) -> dict[str, Any]:
    """A `message` update in the user's private chat carrying `content` (sticker=..., ...)."""
    return {
        "message": {
            "message_id": message_id,
            "from": user_json(user_id),
            "chat": private_chat(user_id),
            "date": int(time.time()),
            **content,
        }
    }


def non_text_content(kind: str, user_id: int) -> dict[str, Any]:
    """What Telegram puts in a Message for a sticker, photo, voice note... (as sent by clients)."""
    file = {"file_id": f"AgAD-{kind}-{user_id}", "file_unique_id": f"u-{kind}-{user_id}"}
    contents: dict[str, dict[str, Any]] = {
        "sticker": {
            "sticker": {
                **file,
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "emoji": "😀",
                "set_name": "HotCherry",
                "file_size": 23_000,
            }
        },
        "photo": {
            "photo": [
                {**file, "width": 90, "height": 67, "file_size": 1_300},
                {**file, "width": 1280, "height": 960, "file_size": 120_000},
            ],
            "caption": "house, casa",
        },
        "voice": {"voice": {**file, "duration": 3, "mime_type": "audio/ogg", "file_size": 9_000}},
        "video_note": {"video_note": {**file, "length": 240, "duration": 5, "file_size": 80_000}},
        "contact": {"contact": {"phone_number": "+15550100", "first_name": "Eve", "user_id": 666}},
        "location": {"location": {"latitude": 52.520008, "longitude": 13.404954}},
        "venue": {
            "location": {"latitude": 48.8584, "longitude": 2.2945},
            "venue": {
                "location": {"latitude": 48.8584, "longitude": 2.2945},
                "title": "Tour Eiffel",
                "address": "Champ de Mars",
            },
        },
        "poll": {
            "poll": {
                "id": f"5{user_id}",
                "question": "house, casa?",
                "options": [
                    {"text": "yes", "voter_count": 0},
                    {"text": "no", "voter_count": 0},
                ],
                "total_voter_count": 0,
                "is_closed": False,
                "is_anonymous": True,
                "type": "regular",
                "allows_multiple_answers": False,
            }
        },
        "dice": {"dice": {"emoji": "🎲", "value": 6}},
        "pinned": {  # a service message: no content kind the bot knows
            "pinned_message": {
                "message_id": 1,
                "chat": private_chat(user_id),
                "date": 0,
            }
        },
    }
    return contents[kind]


def channel_post_update(channel_id: int, text: str, edited: bool = False) -> dict[str, Any]:
    channel = {"id": channel_id, "title": "Word news", "type": "channel"}
    post = {
        "message_id": 7,
        "sender_chat": channel,
        "chat": channel,
        "date": int(time.time()),
        "text": text,
    }
    if edited:
        post["edit_date"] = int(time.time())
    return {"edited_channel_post" if edited else "channel_post": post}


def my_chat_member_update(user_id: int, bot_user: dict[str, Any], status: str) -> dict[str, Any]:
    """The user blocked ("kicked") or restarted ("member") the bot in their private chat."""
    old = "member" if status == "kicked" else "kicked"
    return {
        "my_chat_member": {
            "chat": private_chat(user_id),
            "from": user_json(user_id),
            "date": int(time.time()),
            "old_chat_member": {"user": bot_user, "status": old},
            "new_chat_member": {"user": bot_user, "status": status, "until_date": 0}
            if status == "kicked"
            else {"user": bot_user, "status": status},
        }
    }


def callback_update(query_id: str, user_id: int, **fields: Any) -> dict[str, Any]:
    """A callback query as sent for inline-mode messages (`inline_message_id`, no `message`)
    or for game buttons (`game_short_name`, no `data`)."""
    return {
        "callback_query": {
            "id": query_id,
            "from": user_json(user_id),
            "chat_instance": "-4242",
            **fields,
        }
    }


def random_callback_data(rng: random.Random, real: Sequence[str]) -> str:
    """One hostile callback_data: a third pure garbage, a third well-formed `scope:action:token`
    with a random token, a third a mutation of a real callback_data from `real` (never equal to
    one of them)."""
    kind = rng.randrange(3)
    if kind == 0:
        return "".join(rng.choice(_GARBAGE_CHARS) for _ in range(rng.randrange(0, 90)))
    if kind == 1:
        scope = rng.choice(CALLBACK_SCOPES)
        action = rng.choice(CALLBACK_ACTIONS)
        token = "".join(
            rng.choice(_TOKEN_CHARS) for _ in range(rng.choice((0, 1, 7, 8, 8, 16, 17)))
        )
        return f"{scope}:{action}:{token}"
    while True:
        mutated = _mutate(rng, rng.choice(real), real)
        if mutated not in real:
            return mutated


def _mutate(rng: random.Random, data: str, real: Sequence[str]) -> str:
    scope, action, token = (data.split(":") + ["", "", ""])[:3]
    choice = rng.randrange(12)
    if choice == 0 and token:  # one character of the token changed
        at = rng.randrange(len(token))
        return f"{scope}:{action}:{token[:at]}{rng.choice(_TOKEN_CHARS)}{token[at + 1 :]}"
    if choice == 1:  # the token under another scope
        return f"{rng.choice(CALLBACK_SCOPES)}:{action}:{token}"
    if choice == 2:  # the token with another action
        return f"{scope}:{rng.choice(CALLBACK_ACTIONS)}:{token}"
    if choice == 3:  # truncated anywhere
        return data[: rng.randrange(len(data))]
    if choice == 4:  # extended
        return data + "".join(rng.choice(_TOKEN_CHARS + ":") for _ in range(rng.randrange(1, 60)))
    if choice == 5:
        return data.swapcase()
    if choice == 6:  # another separator
        return data.replace(":", rng.choice(("::", ";", "|", " : ", "%3A", ":\x00")))
    if choice == 7:  # surrounding whitespace
        return rng.choice((" ", "\t", "\n", "\u200b")) + data + rng.choice(("", " ", "\n"))
    if choice == 8:  # a token of another real button
        other = rng.choice(real).rsplit(":", 1)[-1]
        return f"{scope}:{action}:{other}{rng.choice(('', 'x'))}"
    if choice == 9:  # an extra part
        return f"{data}:{rng.choice((token, 'x', '', '..'))}"
    if choice == 10:  # the parts reordered
        return f"{token}:{action}:{scope}"
    return f"{scope}:{action}:"  # no token at all
