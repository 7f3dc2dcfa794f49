"""Hostile input against one real `wordbot run` process (SPEC §2, §3, §7.4).

One bot per module. A victim user is set up first: 3 pairs, an open /clear confirmation, a
/settings menu, an active /review and an active /game. Every case then acts as its own fresh
user and checks: the bot answers briefly or ignores (as the case says), its own data is
written whole or not at all, the process lives, no traceback is logged, and the victim's rows
in the SQLite file are byte-for-byte what they were.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import random
import sqlite3
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.support.bot_process import E2E_TOKEN, BotProcess
from tests.support.hostile import (
    callback_update,
    channel_post_update,
    message_update,
    my_chat_member_update,
    non_text_content,
    private_chat,
    random_callback_data,
    user_json,
    user_rows,
)
from wordbot.emulator import BotApiEmulator
from wordbot.emulator.records import BotMessage
from wordbot.emulator.users import UserChat

# One bot for the module, its cases in order: under xdist (README) all on one worker.
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("hostile_arena")]

VICTIM = 7_000_001
VICTIM_PAIRS = {"house": "casa", "dog": "perro", "cat": "gato"}
FIRST_ATTACKER = 7_100_001
WAIT = 20.0
HANDLED_WAIT = 2.0  # for what must already be there once the update is confirmed

STALE = "This button is no longer active."
UNKNOWN = "Send /help to see what I can do."
UNSUPPORTED = "I understand text, commands and .csv/.txt files."
HINT = "Send /review to train your words"
NOT_SAVED = "Nothing was saved."
# Bot API calls that show up in a chat (a reply, an edit, a file) or answer a press.
VISIBLE_METHODS = frozenset(
    {"sendMessage", "editMessageText", "editMessageReplyMarkup", "sendDocument"}
)
# Rows of a user that hostile input must never change (the users row is created on first
# contact, so it is compared only for the victim).
SESSION_TABLES = (
    "word_pairs",
    "training_sessions",
    "game_sessions",
    "game_session_statistics",
    "outbox",
)


# -- the module's bot and its victim ---------------------------------------------------------


@dataclass
class Victim:
    chat: UserChat
    clear_question: BotMessage
    settings_menu: BotMessage
    review_prompt: BotMessage
    game_prompt: BotMessage
    game_answer: str  # what the victim's game expects now
    rows: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)

    def callback_data(self) -> list[str]:
        messages = (self.clear_question, self.settings_menu, self.review_prompt, self.game_prompt)
        return [button.callback_data for m in messages for button in m.flat_buttons()]

    def data_of(self, message: BotMessage, label: str) -> str:
        button = message.find_button(label)
        assert button is not None and button.callback_data, (label, message)
        return button.callback_data


@dataclass
class Arena:
    emulator: BotApiEmulator
    bot: BotProcess
    db_path: Path
    victim: Victim
    _user_ids: itertools.count = field(default_factory=lambda: itertools.count(FIRST_ATTACKER))

    def attacker(self) -> Attacker:
        return Attacker(self, next(self._user_ids))

    def victim_rows(self) -> dict[str, list[tuple[Any, ...]]]:
        self.bot.wait_until_idle()  # rows as they settle, not mid-delivery
        return user_rows(self.db_path, VICTIM)


class Attacker:
    """A fresh user; `begin()` marks where the hostile step starts (after any preparation)."""

    def __init__(self, arena: Arena, user_id: int) -> None:
        self.arena = arena
        self.emulator = arena.emulator
        self.user_id = user_id
        self.chat = arena.emulator.private_chat(user_id)
        self._target: BotMessage | None = None
        self.begin()

    def begin(self) -> None:
        self.arena.bot.wait_until_idle()  # the preparation is fully handled
        self.since = self.chat.mark()
        self.calls = len(self.emulator.calls)
        self.rows = self.own_rows()

    def ask(self, text: str, contains: str | None = None, **wait: Any) -> BotMessage:
        since = self.chat.mark()
        self.chat.send_text(text)
        return self.chat.wait_for_message(contains=contains, since=since, timeout=WAIT, **wait)

    def target(self) -> BotMessage:
        """A bot message in this user's own chat to press forged buttons on."""
        if self._target is None:
            self._target = self.ask("/help", "WordBot")
        return self._target

    def send(self, update: dict[str, Any]) -> None:
        self.emulator.send_update(update)

    def own_rows(self) -> dict[str, list[tuple[Any, ...]]]:
        self.arena.bot.wait_until_idle()  # rows as they settle, not mid-delivery
        rows = user_rows(self.arena.db_path, self.user_id)
        return {table: rows[table] for table in SESSION_TABLES}

    def pairs(self) -> int:
        return len(self.own_rows()["word_pairs"])

    def changes(self) -> list[BotMessage]:
        """Every bot message change in this user's chat since `begin()`."""
        return _changes(self.chat, self.since)

    def visible_calls(self) -> list[Any]:
        return [
            call
            for call in self.emulator.calls[self.calls :]
            if call.method in VISIBLE_METHODS or call.method == "answerCallbackQuery"
        ]

    def export(self) -> list[tuple[str, ...]]:
        since = self.chat.mark()
        self.chat.send_text("/export")
        message = self.chat.wait_for_message(
            predicate=lambda m: m.document, since=since, timeout=WAIT
        )
        content = self.emulator.document_bytes(message.document["file_id"])
        assert content.startswith(codecs.BOM_UTF8)
        return [tuple(row) for row in csv.reader(io.StringIO(content[3:].decode(), newline=""))]


def _ask(chat: UserChat, text: str, **wait: Any) -> BotMessage:
    since = chat.mark()
    chat.send_text(text)
    return chat.wait_for_message(since=since, timeout=WAIT, **wait)


@pytest.fixture(scope="module")
def arena(tmp_path_factory) -> Arena:
    workdir = tmp_path_factory.mktemp("hostile")
    with BotApiEmulator(token=E2E_TOKEN) as emulator:
        bot = BotProcess(
            emulator,
            workdir,
            # Pacing is not under test here: let 10,000 answers out as fast as they come.
            WORDBOT_TELEGRAM_MAX_MESSAGES_PER_SECOND="100000",
            WORDBOT_TELEGRAM_PER_CHAT_PER_SECOND="100000",
            WORDBOT_TELEGRAM_PER_CHAT_BURST="100000",
        ).start()
        try:
            chat = emulator.private_chat(VICTIM, first_name="Victoria")
            lines = "\n".join(
                f"{word}, {translation}" for word, translation in VICTIM_PAIRS.items()
            )
            _ask(chat, f"/add {lines}", contains="Imported 3 new pairs")
            clear_question = _ask(chat, "/clear", contains="Delete all")
            settings_menu = _ask(chat, "/settings", predicate=lambda m: m.has_keyboard)
            review_prompt = _ask(chat, "/review", predicate=lambda m: m.has_keyboard)
            game_prompt = _ask(chat, "/game", contains="Translate:")
            shown = game_prompt.text.removeprefix("Translate: ").removesuffix(" → ?")
            answers = {**VICTIM_PAIRS, **{b: a for a, b in VICTIM_PAIRS.items()}}
            victim = Victim(
                chat, clear_question, settings_menu, review_prompt, game_prompt, answers[shown]
            )
            bot.wait_until_idle()
            arena = Arena(emulator, bot, workdir / "wordbot.db", victim)
            victim.rows = arena.victim_rows()
            assert len(victim.rows["word_pairs"]) == 3
            (learner,) = victim.rows["users"]
            assert learner[8] and learner[10]  # the /clear question and /settings are live
            assert len(victim.rows["training_sessions"]) == 1
            assert len(victim.rows["game_sessions"]) == 1
            yield arena
        finally:
            bot.close()
    assert E2E_TOKEN not in bot.log_text(), "the token leaked into the log"


# -- what a case expects -------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    """One short message containing `contains`, in the attacker's chat (or the victim's)."""

    contains: str
    max_chars: int = 300
    where: str = "attacker"


@dataclass(frozen=True)
class Answer:
    """The press is answered with `text`; no chat changes and none of the user's rows."""

    text: str | None = STALE


@dataclass(frozen=True)
class Ignored:
    """Nothing visible happens and none of the user's rows change."""


Act = Callable[[Attacker], str | None]  # returns the callback query id of a press
Check = Callable[[Attacker], None]


@dataclass(frozen=True)
class Case:
    act: Act
    expect: Reply | Answer | Ignored
    pairs: int = 0  # the attacker's word_pairs rows afterwards
    check: Check | None = None


def case(name: str, act: Act, expect, pairs: int = 0, check: Check | None = None, marks=()):
    return pytest.param(Case(act, expect, pairs, check), id=name, marks=marks)


# -- acts ------------------------------------------------------------------------------------


def text(message: str) -> Act:
    def act(a: Attacker) -> None:
        a.chat.send_text(message)

    return act


def document(file_name: str | None, content: bytes, mime_type: str | None = "text/csv") -> Act:
    def act(a: Attacker) -> None:
        a.chat.send_document(file_name=file_name, content=content, mime_type=mime_type)

    return act


def update(build: Callable[[Attacker], dict[str, Any]]) -> Act:
    def act(a: Attacker) -> None:
        a.send(build(a))

    return act


def non_text(kind: str) -> Act:
    return update(lambda a: message_update(a.user_id, 9_000, **non_text_content(kind, a.user_id)))


def press(data: str | Callable[[Victim], str], inaccessible: bool = False) -> Act:
    """A forged press on a bot message in the attacker's own chat."""

    def act(a: Attacker) -> str:
        target = a.target()
        a.begin()
        value = data(a.arena.victim) if callable(data) else data
        return a.chat.press_data(target, value, inaccessible=inaccessible)

    return act


def press_on_victims(message: str, label: str) -> Act:
    """The attacker presses a real button of the victim's message, in the victim's chat."""

    def act(a: Attacker) -> str:
        victim = a.arena.victim
        shown = getattr(victim, message)
        return victim.chat.press_data(shown, victim.data_of(shown, label), user_id=a.user_id)

    return act


def stale_clear_after_cancel(a: Attacker) -> str:
    a.ask("/add keep, me", "Imported 1")
    question = a.ask("/clear", "Delete all")
    a.chat.press(question, "Cancel")
    a.chat.wait_for_message(contains="Nothing was deleted", timeout=WAIT)
    a.begin()
    return a.chat.press_data(question, question.buttons[0][0].callback_data)


def stale_prompt_after_finished_session(a: Attacker) -> str:
    a.ask("/add alpha, beta", "Imported 1")
    prompt = a.ask("/getpair", predicate=lambda m: m.has_keyboard)
    a.chat.press(prompt, "Good")
    a.chat.wait_for_message(predicate=lambda m: m.text.endswith("→ Good"), timeout=WAIT)
    a.begin()
    return a.chat.press_data(prompt, prompt.buttons[0][3].callback_data)


def old_copy_after_review_resumed(a: Attacker) -> str:
    a.ask("/add alpha, beta\ngamma, delta", "Imported 2")
    old = a.ask("/review", predicate=lambda m: m.has_keyboard)
    a.ask("/review", predicate=lambda m: m.has_keyboard and m.message_id != old.message_id)
    a.arena.bot.wait_until_idle()
    a.begin()
    return a.chat.press_data(old, old.buttons[0][2].callback_data)


def old_game_prompt_after_new_game(a: Attacker) -> str:
    a.ask("/add alpha, beta", "Imported 1")
    old = a.ask("/game", "Translate:")
    a.ask("/game new", predicate=lambda m: "Translate:" in m.text and m.event == "sent")
    a.arena.bot.wait_until_idle()
    a.begin()
    return a.chat.press_data(old, old.buttons[0][0].callback_data)


def edited_message(a: Attacker) -> None:
    since = a.chat.mark()
    sent = a.chat.send_text("/add keep, me")
    a.chat.wait_for_message(contains="Imported 1", since=since, timeout=WAIT)
    a.arena.bot.wait_until_idle()
    a.begin()
    a.chat.edit_text(sent["message_id"], "/add evil, pair\n/clear")


def huge_file_without_size(a: Attacker) -> None:
    """A 6 MB document whose message omits file_size (it is optional in the Bot API): the
    file is stored by sending it in a group, where the bot ignores documents."""
    group = a.emulator.group_chat(-(10**12) - a.user_id, a.user_id)
    sent = group.send_document("big.csv", b"a,b\n" * (6 * 1024 * 1024 // 4), "text/csv")
    a.arena.bot.wait_until_idle()
    a.begin()
    sized = sent["document"]
    a.send(
        message_update(a.user_id, 9_001, document={k: sized[k] for k in sized if k != "file_size"})
    )


def forged_answer_in_victims_chat(a: Attacker) -> None:
    """An update no client can make: the attacker 'writes' the victim's game answer in the
    victim's private chat. It must not count as the victim's answer."""
    a.send(
        {
            "message": {
                "message_id": 9_002,
                "from": user_json(a.user_id),
                "chat": private_chat(VICTIM),
                "date": int(time.time()),
                "text": a.arena.victim.game_answer,
            }
        }
    )


def victims_answer_in_own_chat(a: Attacker) -> None:
    a.chat.send_text(a.arena.victim.game_answer)


def message_from_a_bot(a: Attacker) -> dict[str, Any]:
    built = message_update(a.user_id, 9_003, text="/clear")
    built["message"]["from"] = {"id": a.user_id, "is_bot": True, "first_name": "Evil"}
    return built


def message_without_sender(a: Attacker) -> dict[str, Any]:
    built = message_update(a.user_id, 9_004, text="/add a, b")
    del built["message"]["from"]
    return built


def malformed_chat_id(a: Attacker) -> dict[str, Any]:
    built = message_update(a.user_id, 9_005, text="/add a, b")
    built["message"]["chat"] = {"id": "not-a-number", "type": "private"}
    return built


def inline_query(a: Attacker) -> dict[str, Any]:
    return {
        "inline_query": {"id": "99", "from": user_json(a.user_id), "query": "casa", "offset": ""}
    }


def inline_message_press(a: Attacker) -> str:
    query_id = f"inline-{a.user_id}"
    a.send(
        callback_update(
            query_id,
            a.user_id,
            inline_message_id="AAAAAEXAMPLE",
            data=a.arena.victim.data_of(a.arena.victim.review_prompt, "Good"),
        )
    )
    return query_id


def game_short_name_press(a: Attacker) -> str:
    target = a.target()
    a.begin()
    query_id = f"game-{a.user_id}"
    message = {
        "message_id": target.message_id,
        "from": a.emulator.bot_user,
        "chat": private_chat(a.user_id),
        "date": target.date,
        "text": target.text,
    }
    a.send(callback_update(query_id, a.user_id, message=message, game_short_name="tetris"))
    return query_id


# -- checks ----------------------------------------------------------------------------------


def exports(*pairs: tuple[str, str]) -> Check:
    def check(a: Attacker) -> None:
        assert sorted(a.export()) == sorted(pairs)

    return check


def exports_and_prompts(*pairs: tuple[str, str]) -> Check:
    """The export round-trips exactly, and a /getpair prompt shows both sides as typed."""

    def check(a: Attacker) -> None:
        assert sorted(a.export()) == sorted(pairs)
        prompt = a.ask("/getpair", predicate=lambda m: m.has_keyboard)
        assert any(word1 in prompt.text and word2 in prompt.text for word1, word2 in pairs)

    return check


def victims_game_untouched(a: Attacker) -> None:
    assert a.arena.victim_rows()["game_sessions"] == a.arena.victim.rows["game_sessions"]


def reimports_own_export(a: Attacker) -> None:
    """SPEC §3.3: export then import round-trips exactly."""
    exported = a.export()
    since = a.chat.mark()
    a.chat.send_text("/export")
    message = a.chat.wait_for_message(predicate=lambda m: m.document, since=since, timeout=WAIT)
    content = a.emulator.document_bytes(message.document["file_id"])
    other = a.arena.attacker()
    since = other.chat.mark()
    other.chat.send_document("vocabulary.csv", content, "text/csv")
    reply = other.chat.wait_for_message(since=since, timeout=WAIT)
    assert reply.text.startswith(f"Imported {len(exported)} new pairs"), reply.text
    assert sorted(other.export()) == sorted(exported)


# -- the table -------------------------------------------------------------------------------


def _csv_rows(count: int) -> bytes:
    return "".join(f"word{n},slovo{n}\n" for n in range(count)).encode()


_UTF16_TEXT = "word1,word2\r\ncafé,кофе\r\nhouse,casa\r\n🐶,dog\r\n"
_UTF16_PAIRS = (("café", "кофе"), ("house", "casa"), ("🐶", "dog"))
_MARKUP_PAIRS = (
    ("<b>&_*[", "<script>alert(1)</script>"),
    ("*bold* _it_ `code`", "[link](http://x.y) ~strike~ ||spoiler||"),
    ("&amp; &lt;b&gt;", "</tg-spoiler><i>"),
)
_INVISIBLE_PAIRS = (
    ("\u200bhouse\u200d", "\u202ecasa\u202c"),
    ("שלום", "hello"),
    ("\u2067مرحبا\u2069", "hi\u200f"),
)
_EMOJI_PAIRS = (("🐶", "🐕\u200d🦺"), ("👍🏽", "🇺🇦"), ("🏳️\u200d🌈", "🌈"))


def _add(pairs: tuple[tuple[str, str], ...]) -> str:
    return "/add " + "\n".join(f"{word1}, {word2}" for word1, word2 in pairs)


CASES = [
    # garbage callback data on the attacker's own message
    case("cb_bytes_ish", press("\x00\x01\x7f\xff\xfe:\u0130\ufeff\x1b[0m"), Answer()),
    case("cb_over_64_bytes", press("tr:good:" + "A" * 80), Answer()),
    case("cb_over_64_bytes_unicode", press("tr:good:" + "ж" * 40), Answer()),
    case("cb_empty", press(""), Answer()),
    case("cb_colons", press("::"), Answer()),
    case("cb_no_token", press("tr:good:"), Answer()),
    case("cb_path_traversal", press("tr:good:../../"), Answer()),
    case("cb_sql", press("'; drop table users;--"), Answer()),
    case("cb_sql_in_token", press("clr:yes:x' OR '1'='1"), Answer()),
    case("cb_unknown_scope", press("zz:good:AAAAAAAA"), Answer()),
    case("cb_settings_forged", press("st:set10:AAAAAAAA"), Answer()),
    case("cb_inaccessible_garbage", press("%s%n%x", inaccessible=True), Answer()),
    case("cb_without_data", game_short_name_press, Answer()),
    # other users' buttons
    case(
        "victims_grade_on_own_chat", press(lambda v: v.data_of(v.review_prompt, "Good")), Answer()
    ),
    case("victims_peek_on_own_chat", press(lambda v: v.data_of(v.game_prompt, "👀")), Answer()),
    case(
        "victims_clear_on_own_chat",
        press(lambda v: v.data_of(v.clear_question, "🗑 Delete all")),
        Answer(),
    ),
    case(
        "victims_settings_on_own_chat",
        press(lambda v: v.data_of(v.settings_menu, "Close")),
        Answer(),
    ),
    case(
        "victims_grade_inaccessible",
        press(lambda v: v.data_of(v.review_prompt, "Easy"), inaccessible=True),
        Answer(),
    ),
    case("victims_grade_on_victims_message", press_on_victims("review_prompt", "Easy"), Answer()),
    case("victims_peek_on_victims_message", press_on_victims("game_prompt", "👀"), Answer()),
    case(
        "victims_clear_on_victims_message",
        press_on_victims("clear_question", "🗑 Delete all"),
        Answer(),
    ),
    case(
        "victims_settings_on_victims_message", press_on_victims("settings_menu", "Close"), Answer()
    ),
    case("victims_grade_from_inline_message", inline_message_press, Answer()),
    # stale buttons
    case("stale_clear_after_cancel", stale_clear_after_cancel, Answer(), pairs=1),
    case("stale_prompt_after_session_end", stale_prompt_after_finished_session, Answer(), pairs=1),
    case("stale_copy_after_review_resumed", old_copy_after_review_resumed, Answer(), pairs=2),
    case("stale_game_prompt_after_new_game", old_game_prompt_after_new_game, Answer(), pairs=1),
    # unknown and odd commands
    case("cmd_frobnicate", text("/frobnicate"), Reply("I don't know /frobnicate")),
    case("cmd_slash_only", text("/"), Reply(UNKNOWN)),
    case("cmd_slash_at", text("/@"), Reply(UNKNOWN)),
    case("cmd_html_in_name", text("/x<b>&y"), Reply("I don't know /x<b>&y")),
    case("cmd_200_chars", text("/" + "q" * 200), Reply(UNKNOWN, max_chars=300)),
    case(
        "cmd_4096_chars",
        text("/" + "q" * 4095),
        Reply(UNKNOWN, max_chars=300),
    ),
    case(
        "cmd_add_for_other_bot",
        text("/add@OtherBot house, casa"),
        Ignored(),
    ),
    case(
        "cmd_add_for_this_bot",
        text("/add@wordbot_test_bot house, casa"),
        Reply("Imported 1 new pairs"),
        pairs=1,
    ),
    case(
        "cmd_add_25000_lines",
        text("/add " + "\n".join(f"a{n}, b{n}" for n in range(25_000))),
        Reply("Too many rows"),
    ),
    # messages the bot cannot use
    *(
        case(f"msg_{kind}", non_text(kind), Reply(UNSUPPORTED))
        for kind in (
            "sticker",
            "photo",
            "voice",
            "video_note",
            "contact",
            "location",
            "venue",
            "poll",
            "dice",
            "pinned",
        )
    ),
    case("msg_empty_text", text(""), Reply(HINT)),
    case("msg_whitespace_only", text(" \t\n \u3000 "), Reply(HINT)),
    case("msg_4096_chars", text("w" * 4096), Reply(HINT)),
    case("msg_nul_only", text("\x00\x00"), Reply(HINT)),
    case(
        "msg_victims_game_answer",
        victims_answer_in_own_chat,
        Reply(HINT),
        check=victims_game_untouched,
    ),
    case(
        "msg_forged_into_victims_chat",
        forged_answer_in_victims_chat,
        Ignored(),  # SPEC §7.6 / issue 16: no reply goes to a chat that is not the sender's
        check=victims_game_untouched,
    ),
    # updates the bot ignores
    case("upd_edited_message", edited_message, Ignored(), pairs=1),
    case(
        "upd_channel_post",
        update(lambda a: channel_post_update(-(10**12) - a.user_id, "/clear")),
        Ignored(),
    ),
    case(
        "upd_edited_channel_post",
        update(lambda a: channel_post_update(-(10**12) - a.user_id, "/add a, b", edited=True)),
        Ignored(),
    ),
    case(
        "upd_blocked_the_bot",
        update(lambda a: my_chat_member_update(a.user_id, a.emulator.bot_user, "kicked")),
        Ignored(),
    ),
    case(
        "upd_restarted_the_bot",
        update(lambda a: my_chat_member_update(a.user_id, a.emulator.bot_user, "member")),
        Ignored(),
    ),
    case("upd_message_from_a_bot", update(message_from_a_bot), Ignored()),
    case("upd_message_without_sender", update(message_without_sender), Ignored()),
    case("upd_malformed_chat_id", update(malformed_chat_id), Ignored()),
    case("upd_inline_query", update(inline_query), Ignored()),
    # files
    case("file_binary", document("photo.csv", bytes(range(256)) * 40), Reply("binary file")),
    case(
        "file_6mb",
        document("big.csv", b"a,b\n" * (6 * 1024 * 1024 // 4)),
        Reply("larger than 5 MB"),
    ),
    case(
        "file_6mb_without_size",
        huge_file_without_size,
        Reply("5 MB"),
    ),
    case("file_empty", document("empty.csv", b""), Reply("I found no word pairs there")),
    case("file_no_name_no_type", document(None, b"a,b\n", None), Reply("I can import .csv")),
    case(
        "file_exe",
        document("setup.exe", b"MZ\x90\x00", "application/octet-stream"),
        Reply("I can import .csv"),
    ),
    case(
        "file_utf16_le_bom",
        document("le.csv", codecs.BOM_UTF16_LE + _UTF16_TEXT.encode("utf-16-le")),
        Reply("Imported 3 new pairs, updated 0, skipped 0 rows."),
        pairs=3,
        check=exports(*_UTF16_PAIRS),
    ),
    case(
        "file_utf16_be_bom",
        document("be.txt", codecs.BOM_UTF16_BE + _UTF16_TEXT.encode("utf-16-be"), "text/plain"),
        Reply("Imported 3 new pairs, updated 0, skipped 0 rows."),
        pairs=3,
        check=exports(*_UTF16_PAIRS),
    ),
    case(
        "file_latin1",
        document("latin.csv", "café,coffee\nthé,tea\n".encode("latin-1")),
        Reply("not UTF-8"),
    ),
    case("file_50000_rows", document("many.csv", _csv_rows(50_000)), Reply("Too many rows")),
    case(
        "file_20000_rows",
        document("limit.csv", _csv_rows(20_000)),
        Reply("Imported 20000 new pairs, updated 0, skipped 0 rows."),
        pairs=20_000,
    ),
    case(
        "file_json_named_csv",
        document("words.csv", b'{\n  "house": "casa",\n  "dog": "perro"\n}\n', "application/json"),
        Reply(NOT_SAVED),
    ),
    case(
        "file_4000_char_word",
        document("long.csv", f"{'x' * 4000},long\nok,fine\n".encode()),
        Reply("Imported 1 new pairs, updated 0, skipped 1 rows."),
        pairs=1,
    ),
    # words that must come back exactly as typed
    case(
        "words_html_markdown",
        text(_add(_MARKUP_PAIRS)),
        Reply("Imported 3 new pairs, updated 0, skipped 0 rows."),
        pairs=3,
        check=exports_and_prompts(*_MARKUP_PAIRS),
    ),
    case(
        "words_4000_chars",
        text(f"/add {'x' * 4000}, long\nok, fine\nshort, {'y' * 4000}"),
        Reply("Imported 1 new pairs, updated 0, skipped 2 rows."),
        pairs=1,
        check=exports(("ok", "fine")),
    ),
    case(
        "words_zero_width_and_rtl",
        text(_add(_INVISIBLE_PAIRS)),
        Reply("Imported 3 new pairs, updated 0, skipped 0 rows."),
        pairs=3,
        check=exports_and_prompts(*_INVISIBLE_PAIRS),
    ),
    case(
        "words_emoji_only",
        text(_add(_EMOJI_PAIRS)),
        Reply("Imported 3 new pairs, updated 0, skipped 0 rows."),
        pairs=3,
        check=exports_and_prompts(*_EMOJI_PAIRS),
    ),
    case(
        "words_with_nul",  # no file or PostgreSQL text could carry it back: skipped, counted
        text("/add ho\x00use, ca\x00sa\nok, fine"),
        Reply("Imported 1 new pairs, updated 0, skipped 1 rows."),
        pairs=1,
        check=reimports_own_export,
    ),
]


@pytest.mark.parametrize("hostile", CASES)
def test_hostile_input_gets_a_short_reply_or_is_ignored(arena: Arena, hostile: Case) -> None:
    log_start = arena.bot.log_path.stat().st_size
    attacker = arena.attacker()
    victim_since = arena.victim.chat.mark()
    query_id = hostile.act(attacker)
    arena.bot.wait_until_idle(timeout=60)  # every update so far is fully handled

    match hostile.expect:
        case Reply(contains, max_chars, where):
            chat = attacker.chat if where == "attacker" else arena.victim.chat
            since = attacker.since if where == "attacker" else victim_since
            # Handled means answered: the reply is there already, or never comes.
            reply = chat.wait_for_message(contains=contains, since=since, timeout=HANDLED_WAIT)
            assert len(reply.text) <= max_chars, reply.text
            sent = [m for m in _changes(chat, since) if m.event == "sent"]
            assert len(sent) == 1, [m.text[:80] for m in sent]
        case Answer(expected):
            answered = arena.emulator.wait_for_call(
                "answerCallbackQuery",
                predicate=lambda call: call.params.get("callback_query_id") == query_id,
                since=attacker.calls,
                timeout=WAIT,
            )
            assert answered.params.get("text") == expected
            assert attacker.changes() == []
            assert attacker.own_rows() == attacker.rows
        case Ignored():
            assert attacker.changes() == []
            assert attacker.visible_calls() == []
            assert attacker.own_rows() == attacker.rows

    assert attacker.pairs() == hostile.pairs
    if hostile.check is not None:
        hostile.check(attacker)
    if not (isinstance(hostile.expect, Reply) and hostile.expect.where == "victim"):
        assert _changes(arena.victim.chat, victim_since) == []
    assert arena.victim_rows() == arena.victim.rows
    assert arena.bot.process.poll() is None, "the bot process died"
    new_log = arena.bot.log_text()[log_start:]
    assert "Traceback" not in new_log, new_log[-3000:]


def _changes(chat: UserChat, since: int) -> list[BotMessage]:
    found, seq = [], since
    while (change := chat.next_change(seq, timeout=0)) is not None:
        found.append(change)
        seq = change.seq
    return found


def test_a_double_tap_on_a_grade_counts_once(arena: Arena) -> None:
    """Two presses of the same grade reach the bot before it answered the first."""
    a = arena.attacker()
    a.ask("/add alpha, beta\ngamma, delta", "Imported 2")
    prompt = a.ask("/review", predicate=lambda m: m.has_keyboard)
    a.begin()
    good = prompt.find_button("Good").callback_data
    first = a.chat.press_data(prompt, good)
    second = a.chat.press_data(prompt, good)
    arena.bot.wait_until_idle()

    assert a.chat.wait_for_callback_answer(first, timeout=WAIT).text is None
    assert a.chat.wait_for_callback_answer(second, timeout=WAIT).text == STALE
    edits = [m for m in a.changes() if m.message_id == prompt.message_id]
    assert [m.text.endswith("→ Good") for m in edits] == [True]
    with sqlite3.connect(f"file:{arena.db_path}?mode=ro", uri=True) as db:
        assert db.execute(
            "select reviewed_count from training_sessions where user_id = ?", (a.user_id,)
        ).fetchall() == [(1,)]
        assert db.execute(
            "select count(*) from word_pairs where user_id = ? and last_reviewed_at is not null",
            (a.user_id,),
        ).fetchone() == (1,)
    assert arena.victim_rows() == arena.victim.rows


RANDOM_PRESSES = 10_000
RANDOM_BATCH = 50  # the inbox holds at most 50 waiting updates per user (SPEC §7.1)


def _answers_to(emulator, wanted: set[str]) -> list:
    """The callback answers to `wanted`, once every one has arrived: a press's answer goes out
    alongside its handling, so the bot can be idle a moment before the last answers land."""
    deadline = time.monotonic() + WAIT
    while True:
        answers = [a for a in emulator.callback_answers() if a.query_id in wanted]
        if {a.query_id for a in answers} >= wanted or time.monotonic() > deadline:
            return answers
        time.sleep(0.05)


def test_random_callback_data_from_another_user_changes_nothing(arena: Arena) -> None:
    """10,000 presses of random, well-formed-but-forged and mutated-from-the-victim's callback
    data, by a second user on the buttons of their own live prompts (and on inaccessible
    messages): every one is answered "no longer active" exactly once, and neither the
    presser's nor the victim's rows change."""
    rng = random.Random(2026)
    a = arena.attacker()
    a.ask("/add one, uno\ntwo, dos\nthree, tres", "Imported 3")
    targets = [
        a.target(),
        a.ask("/clear", "Delete all"),
        a.ask("/settings", predicate=lambda m: m.has_keyboard),
        a.ask("/review", predicate=lambda m: m.has_keyboard),
        a.ask("/game", "Translate:"),
    ]
    a.begin()
    real = arena.victim.callback_data()
    victim_since = arena.victim.chat.mark()
    log_start = arena.bot.log_path.stat().st_size

    started = time.monotonic()
    query_ids: list[str] = []
    for _ in range(RANDOM_PRESSES // RANDOM_BATCH):
        for _ in range(RANDOM_BATCH):
            data = random_callback_data(rng, real)
            if rng.random() < 0.1:
                message_id = rng.choice((rng.randrange(1, 10**9), targets[0].message_id))
                query_ids.append(a.chat.press_data(message_id, data, inaccessible=True))
            else:
                query_ids.append(a.chat.press_data(rng.choice(targets), data))
        arena.bot.wait_until_idle(timeout=60)
        assert arena.bot.process.poll() is None, "the bot process died"
    elapsed = time.monotonic() - started
    print(f"\n{RANDOM_PRESSES} random presses handled in {elapsed:.1f} s")

    wanted = set(query_ids)
    answers = _answers_to(arena.emulator, wanted)
    assert Counter(answer.query_id for answer in answers) == Counter(wanted)
    assert {answer.text for answer in answers} == {STALE}
    assert a.changes() == []
    assert a.own_rows() == a.rows
    assert arena.victim_rows() == arena.victim.rows
    assert _changes(arena.victim.chat, victim_since) == []
    assert "Traceback" not in arena.bot.log_text()[log_start:]


def test_after_it_all_the_bot_lives_and_the_victim_carries_on(arena: Arena) -> None:
    assert arena.bot.process.poll() is None, "the bot process died"
    assert "/export" in arena.attacker().ask("/help", "WordBot").text
    assert arena.victim_rows() == arena.victim.rows
    victim = arena.victim

    victim.chat.press(victim.review_prompt, "Good")
    graded = victim.chat.wait_for_message(
        predicate=lambda m: m.message_id == victim.review_prompt.message_id, timeout=WAIT
    )
    assert graded.text.endswith("→ Good") and not graded.has_keyboard
    since = victim.chat.mark()
    victim.chat.send_text(victim.game_answer)
    answered = victim.chat.wait_for_message(
        predicate=lambda m: m.message_id == victim.game_prompt.message_id, since=since, timeout=WAIT
    )
    assert answered.text.endswith("✅")
    assert "Traceback" not in arena.bot.log_text()
    assert arena.emulator.unknown_calls == []
