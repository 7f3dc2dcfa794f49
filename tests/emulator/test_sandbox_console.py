"""The sandbox console: rendering bot messages, and a scripted chat with a fake bot over HTTP."""

from __future__ import annotations

import io
import json
import threading

import requests
from PIL import Image

from wordbot.emulator import BotMessage, Button
from wordbot.sandbox_console import render_message, run_console


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), (40, 90, 200)).save(buffer, "PNG")
    return buffer.getvalue()


PNG = _png()


def _message(**fields):
    defaults = dict(
        chat_id=1001,
        message_id=7,
        text="",
        html="",
        entities=(),
        buttons=(),
        reply_markup=None,
        document=None,
        edit_count=0,
        date=0,
        seq=1,
        event="sent",
    )
    return BotMessage(**{**defaults, **fields})


def test_render_numbers_buttons_row_by_row():
    message = _message(
        text="Translate: house → ?",
        buttons=((Button("Again", "a"), Button("Good", "g")), (Button("👀", "e"),)),
    )
    assert render_message(message) == (
        "── bot · message 7 ──\nTranslate: house → ?\n  [1] Again   [2] Good\n  [3] 👀"
    )


def test_render_hides_spoilers_unless_revealed_and_marks_edits():
    message = _message(
        text="😀 house → casa ✅",
        entities=({"type": "spoiler", "offset": 11, "length": 4},),
        edit_count=1,
        event="edited",
    )
    assert render_message(message) == "── bot · message 7 (edited) ──\n😀 house → ▒▒▒▒ ✅"
    assert render_message(message, reveal_spoilers=True).endswith("😀 house → casa ✅")


def test_render_shows_a_document():
    message = _message(
        text="2 pairs", document={"file_id": "f", "file_name": "words.csv", "file_size": 12}
    )
    assert render_message(message) == "── bot · message 7 ──\n📎 words.csv (12 bytes)\n2 pairs"


def test_render_shows_a_photo_by_its_largest_size():
    sizes = (
        {"file_id": "s", "width": 90, "height": 90, "file_size": 900},
        {"file_id": "f", "width": 900, "height": 900, "file_size": 51234},
    )
    message = _message(text="📊 Your progress", photo=sizes)
    assert render_message(message) == (
        "── bot · message 7 ──\n🖼 photo (900×900, 51234 bytes)\n📊 Your progress"
    )


class _FakeBot:
    """A scripted bot that long-polls the emulator with `requests` and answers."""

    def __init__(self, emulator):
        self.base = f"{emulator.url}/bot{emulator.token}/"
        self.files = f"{emulator.url}/file/bot{emulator.token}/"
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.run)
        self.session = requests.Session()

    def call(self, method, **params):
        answer = self.session.post(self.base + method, params=params, timeout=10).json()
        assert answer["ok"], answer
        return answer["result"]

    def run(self):
        offset = 0
        while not self.stopping.is_set():
            for update in self.call("getUpdates", offset=offset, timeout=1):
                offset = update["update_id"] + 1
                self.handle(update)

    def handle(self, update):
        if "callback_query" in update:
            query = update["callback_query"]
            self.call("answerCallbackQuery", callback_query_id=query["id"], text="Noted")
            self.call(
                "editMessageText",
                chat_id=query["message"]["chat"]["id"],
                message_id=query["message"]["message_id"],
                text=f"You chose <b>{query['data']}</b>",
                parse_mode="HTML",
            )
            return
        message = update["message"]
        chat_id = message["chat"]["id"]
        if "document" in message:
            path = self.call("getFile", file_id=message["document"]["file_id"])["file_path"]
            content = self.session.get(self.files + path, timeout=10).content
            answer = self.session.post(
                self.base + "sendDocument",
                params={"chat_id": chat_id, "caption": f"Got {len(content)} bytes"},
                files={"document": ("echo.csv", content.upper())},
                timeout=10,
            )
            assert answer.json()["ok"]
        elif message["text"] == "/stats":
            answer = self.session.post(
                self.base + "sendPhoto",
                params={"chat_id": chat_id, "caption": "Your progress"},
                files={"photo": ("stats.png", PNG)},
                timeout=10,
            )
            assert answer.json()["ok"], answer.json()
        elif message["text"] == "/start":
            keyboard = {
                "inline_keyboard": [
                    [{"text": "Alpha", "callback_data": "alpha"}],
                    [{"text": "Beta", "callback_data": "beta"}],
                ]
            }
            self.call(
                "sendMessage",
                chat_id=chat_id,
                text="Welcome, <b>Ann</b>! Answer: <tg-spoiler>casa</tg-spoiler>",
                parse_mode="HTML",
                reply_markup=json.dumps(keyboard),
            )
        else:
            self.call("sendMessage", chat_id=chat_id, text=f"You said: {message['text']}")

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stopping.set()
        self.thread.join(timeout=5)


def test_a_scripted_console_session(emulator, tmp_path):
    chat = emulator.private_chat(1001, first_name="Ann")
    upload = tmp_path / "words.csv"
    upload.write_bytes(b"house,casa\r\n")
    downloads = tmp_path / "downloads"
    script = io.StringIO(f"/start\n:reveal\n2\n:file {upload}\n:say 7\n:help\n:quit\nnever sent\n")
    output = io.StringIO()

    with _FakeBot(emulator):
        status = run_console(
            emulator,
            chat,
            stdin=script,
            stdout=output,
            downloads_dir=downloads,
            reply_wait=5,
            banner="Hello from the sandbox",
        )

    printed = output.getvalue()
    assert status == 0
    assert printed.startswith("Hello from the sandbox\n")
    assert "Welcome, Ann! Answer: ▒▒▒▒\n  [1] Alpha\n  [2] Beta" in printed
    assert "Welcome, Ann! Answer: casa" in printed
    assert "(pressed [2] Beta)" in printed
    assert "(notice: Noted)" in printed
    assert "(edited) ──\nYou chose beta" in printed
    assert "📎 echo.csv (12 bytes)\nGot 12 bytes" in printed
    assert (downloads / "echo.csv").read_bytes() == b"HOUSE,CASA\r\n"
    assert f"saved to {downloads / 'echo.csv'}" in printed
    assert "You said: 7" in printed
    assert ":file PATH" in printed
    assert "never sent" not in printed
    assert emulator.unknown_calls == []


def test_a_photo_from_the_bot_is_saved_and_its_path_printed(emulator, tmp_path):
    chat = emulator.private_chat(1001)
    downloads = tmp_path / "sandbox-downloads"
    output = io.StringIO()
    with _FakeBot(emulator):
        run_console(
            emulator, chat, io.StringIO("/stats\n/stats\n"), output, downloads, reply_wait=5
        )
    printed = output.getvalue()
    first, second = sorted(downloads.iterdir())
    assert first.read_bytes() == second.read_bytes() == PNG
    assert [first.suffix, second.suffix] == [".png", ".png"]
    assert f"saved to {first}" in printed and f"saved to {second}" in printed
    assert "🖼 photo" in printed and "Your progress" in printed


def test_end_of_input_ends_the_console(emulator, tmp_path):
    chat = emulator.private_chat(1001)
    output = io.StringIO()
    assert run_console(emulator, chat, io.StringIO(""), output, tmp_path, reply_wait=0) == 0
    assert output.getvalue().rstrip().endswith("Bye.")


def _said(emulator):
    """The texts the fake bot received, in order (it echoes each as "You said: …")."""
    return [
        message.text.removeprefix("You said: ")
        for message in emulator.private_chat(1001).bot_messages()
        if message.text.startswith("You said: ")
    ]


def test_paste_mode_sends_the_lines_until_a_lone_dot_as_one_message(emulator, tmp_path):
    chat = emulator.private_chat(1001)
    script = io.StringIO(
        ":paste /add\nhouse, casa\n\n7\n:quit\n  dog; perro\n.\nafter\n:paste\n .\n:quit\n"
    )
    output = io.StringIO()
    with _FakeBot(emulator):
        run_console(emulator, chat, script, output, tmp_path, reply_wait=5)
    assert _said(emulator) == ["/add\nhouse, casa\n\n7\n:quit\n  dog; perro", "after"]
    printed = output.getvalue()
    assert "(sending 6 lines as one message)" in printed
    assert "(paste mode ended: nothing to send)" in printed


def test_end_of_input_in_paste_mode_sends_what_was_gathered(emulator, tmp_path):
    chat = emulator.private_chat(1001)
    script = io.StringIO(":paste\nhouse, casa\ndog, perro\n")
    with _FakeBot(emulator):
        run_console(emulator, chat, script, io.StringIO(), tmp_path, reply_wait=5)
    assert _said(emulator) == ["house, casa\ndog, perro"]


def test_help_explains_paste_mode():
    from wordbot.sandbox_console import HELP

    assert ":paste" in HELP and "only ." in HELP
