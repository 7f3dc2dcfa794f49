"""The sandbox's terminal chat: talk to the bot through the local Bot API emulator.

Bot messages are printed as they arrive (from the emulator's server thread, under a print
lock), edits marked "(edited)", inline buttons numbered. The user's lines become messages;
a bare number presses a button; `:file PATH` sends a document; documents from the bot are
saved into the downloads directory. `:paste` gathers the following lines, until one holding
only `.`, into one message (e.g. `/add` with many pairs); lines are kept exactly as typed
there, `:` commands and numbers included. End of input in paste mode sends what was gathered.
(Telling pasted lines apart from typed ones by their timing is not reliable through Python's
buffered input, so a message spans lines only in paste mode.) Photos from the bot are saved
into the downloads directory too.
"""

from __future__ import annotations

import mimetypes
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from wordbot.emulator import BotApiEmulator, BotMessage, UserChat

__all__ = ["HELP", "render_message", "run_console"]

HELP = """\
Type a message and press Enter to send it to the bot; /commands work as in Telegram.
  N             press button [N] of the latest bot message that shows buttons
                (buttons are numbered from 1 on each message, row by row)
  :say TEXT     send TEXT as a message even if it is a number
  :paste [TEXT] send several lines as one message (e.g. `:paste /add` with many pairs):
                type or paste the lines, then a line holding only .
  :file PATH    send a file as a document (also :doc PATH)
  :reveal       show the latest message again with its spoilers uncovered
  :buttons      show the latest message with buttons again
  :help         this help
  :quit         leave (Ctrl-D works too)
Hidden answers (spoilers) show as ▒▒▒ until you :reveal them.
Documents and photos the bot sends are saved into {downloads}."""

PASTE_END = "."
SPOILER_MASK = "▒"
ANSWER_WAIT_SECONDS = 2.0
SETTLE_SECONDS = 0.3
SCRIPTED_REPLY_WAIT_SECONDS = 10.0


def render_message(message: BotMessage, *, reveal_spoilers: bool = False) -> str:
    """A bot message as terminal text: header, plain text, document or photo, numbered buttons."""
    marks = {"edited": " (edited)", "deleted": " (deleted)"}
    lines = [f"── bot · message {message.message_id}{marks.get(message.event, '')} ──"]
    if message.event == "deleted":
        return lines[0]
    if message.document is not None:
        name = message.document.get("file_name", message.document["file_id"])
        lines.append(f"📎 {name} ({message.document.get('file_size', 0)} bytes)")
    photo = message.largest_photo
    if photo is not None:
        size = f"{photo['width']}×{photo['height']}, {photo.get('file_size', 0)} bytes"
        lines.append(f"🖼 photo ({size})")
    text = message.text if reveal_spoilers else _masked(message)
    if text:
        lines.append(text)
    number = 0
    for row in message.buttons:
        labels = []
        for button in row:
            number += 1
            labels.append(f"[{number}] {button.text}")
        lines.append("  " + "   ".join(labels))
    return "\n".join(lines)


def _masked(message: BotMessage) -> str:
    """The text with every spoiler replaced by mask characters (offsets are UTF-16 units)."""
    units = message.text.encode("utf-16-le")
    spans = sorted(
        (entity["offset"], entity["offset"] + entity["length"])
        for entity in message.entities
        if entity["type"] == "spoiler"
    )
    if not spans:
        return message.text
    parts: list[str] = []
    position = 0
    for start, end in spans:
        start = max(start, position)
        if end <= start:
            continue
        parts.append(units[2 * position : 2 * start].decode("utf-16-le"))
        hidden = units[2 * start : 2 * end].decode("utf-16-le")
        parts.append(SPOILER_MASK * max(3, len(hidden)))
        position = end
    parts.append(units[2 * position :].decode("utf-16-le"))
    return "".join(parts)


def run_console(
    emulator: BotApiEmulator,
    chat: UserChat,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    downloads_dir: Path = Path("downloads"),
    reply_wait: float | None = None,
    banner: str | None = None,
) -> int:
    """Chat with the bot until :quit or end of input; returns the exit status (0).

    `banner`, when given, is printed first.
    `reply_wait`: after each line, wait up to this many seconds for the bot's answer before
    reading the next one. None means: wait when the input is not a terminal (a piped script
    then runs deterministically), do not wait when a person is typing.
    """
    stdin = stdin if stdin is not None else sys.stdin
    stdout = stdout if stdout is not None else sys.stdout
    if reply_wait is None:
        reply_wait = 0.0 if _is_terminal(stdin) else SCRIPTED_REPLY_WAIT_SECONDS
    console = _Console(emulator, chat, stdout, Path(downloads_dir), reply_wait)
    unsubscribe = emulator.subscribe(console.on_bot_message)
    try:
        if banner:
            console.say(banner)
        for line in iter(stdin.readline, ""):
            if not console.handle_line(line.rstrip("\r\n")):
                break
        else:
            console.end_of_input()
    except KeyboardInterrupt:
        console.say("")
    finally:
        unsubscribe()
    console.say("Bye.")
    return 0


def _image_suffix(data: bytes) -> str:
    if data.startswith(b"\x89PNG"):
        return ".png"
    if data.startswith(b"\xff\xd8"):
        return ".jpg"
    return ""


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class _Console:
    def __init__(
        self,
        emulator: BotApiEmulator,
        chat: UserChat,
        stdout: TextIO,
        downloads_dir: Path,
        reply_wait: float,
    ) -> None:
        self._emulator = emulator
        self._chat = chat
        self._stdout = stdout
        self._downloads = downloads_dir
        self._reply_wait = reply_wait
        self._print_lock = threading.Lock()
        self._pasted: list[str] | None = None  # the lines gathered in paste mode

    def say(self, text: str) -> None:
        with self._print_lock:
            print(text, file=self._stdout, flush=True)

    # -- from the server thread ---------------------------------------------------------

    def on_bot_message(self, message: BotMessage) -> None:
        if message.chat_id != self._chat.chat_id:
            return
        text = render_message(message)
        if message.document is not None and message.event == "sent":
            saved = self._save(message.document)
            text += f"\n   saved to {saved}"
        photo = message.largest_photo
        if photo is not None and message.event == "sent":
            saved = self._save(photo, f"photo-{message.message_id}")
            text += f"\n   saved to {saved}"
        self.say(text)

    def _save(self, document: dict, default_name: str | None = None) -> Path:
        """A file of the bot's into the downloads directory; a photo (no file name) is named
        `photo-<message id>` with the extension its content calls for."""
        self._downloads.mkdir(parents=True, exist_ok=True)
        data = self._emulator.document_bytes(document["file_id"])
        name = Path(document.get("file_name") or default_name or document["file_id"]).name
        if default_name is not None and not Path(name).suffix:
            name += _image_suffix(data)
        target = self._downloads / name
        number = 1
        while target.exists():
            number += 1
            target = self._downloads / f"{Path(name).stem} ({number}){Path(name).suffix}"
        target.write_bytes(data)
        return target

    # -- from the user ------------------------------------------------------------------

    def handle_line(self, line: str) -> bool:
        """Act on one input line; False when the user wants to leave."""
        if self._pasted is not None:
            self._paste_line(line)
            return True
        command = line.strip()
        if not command:
            return True
        word, _, rest = command.partition(" ")
        if word in (":quit", ":q", ":exit"):
            return False
        if word in (":help", ":h", "?"):
            self.say(HELP.format(downloads=self._downloads))
        elif word in (":file", ":doc"):
            self._send_file(rest.strip())
        elif word == ":say":
            self._send_text(rest)
        elif word == ":paste":
            self._pasted = [rest] if rest.strip() else []
            self.say(f"(paste mode: lines until one holding only {PASTE_END} form one message)")
        elif word == ":reveal":
            self._show_latest(lambda message: True, reveal=True)
        elif word == ":buttons":
            self._show_latest(lambda message: message.has_keyboard, reveal=False)
        elif command.isdigit() and self._keyboard_message() is not None:
            self._press(int(command))
        elif word.startswith(":"):
            self.say(f"Unknown console command {word}; type :help.")
        else:
            self._send_text(command)
        return True

    def end_of_input(self) -> None:
        """Input ended: a message being pasted is sent as it is."""
        if self._pasted is not None:
            self._paste_line(PASTE_END)

    def _paste_line(self, line: str) -> None:
        if line.strip() != PASTE_END:
            self._pasted.append(line)
            return
        text = "\n".join(self._pasted)
        self._pasted = None
        if not text.strip():
            self.say("(paste mode ended: nothing to send)")
            return
        lines = text.count("\n") + 1
        self.say(f"(sending {lines} line{'s' if lines > 1 else ''} as one message)")
        self._send_text(text)

    def _send_text(self, text: str) -> None:
        if not text.strip():
            return
        since = self._chat.mark()
        self._chat.send_text(text)
        self._settle(since)

    def _send_file(self, raw_path: str) -> None:
        if not raw_path:
            self.say("Usage: :file PATH")
            return
        path = Path(raw_path).expanduser()
        try:
            content = path.read_bytes()
        except OSError as error:
            self.say(f"Cannot read {path}: {error.strerror or error}")
            return
        since = self._chat.mark()
        mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        self._chat.send_document(file_name=path.name, content=content, mime_type=mime_type)
        self.say(f"(sent {path.name}, {len(content)} bytes)")
        self._settle(since)

    def _keyboard_message(self) -> BotMessage | None:
        return next((m for m in reversed(self._chat.bot_messages()) if m.has_keyboard), None)

    def _press(self, number: int) -> None:
        message = self._keyboard_message()
        if message is None:
            return
        buttons = message.flat_buttons()
        if not 1 <= number <= len(buttons):
            self.say(f"Message {message.message_id} has buttons 1 to {len(buttons)}.")
            return
        button = buttons[number - 1]
        if button.callback_data is None:
            self.say(f"[{number}] {button.text} is a link button; it would open a browser.")
            return
        since = self._chat.mark()
        self.say(f"(pressed [{number}] {button.text})")
        query_id = self._chat.press_data(message.message_id, button.callback_data)
        try:
            answer = self._chat.wait_for_callback_answer(query_id, timeout=ANSWER_WAIT_SECONDS)
        except TimeoutError:
            answer = None
        if answer is not None and answer.text:
            self.say(f"(notice: {answer.text})")
        self._settle(since)

    def _settle(self, since: int) -> None:
        """Wait for the bot's answer to settle (only when reply_wait > 0)."""
        if self._reply_wait <= 0:
            return
        change = self._chat.next_change(since, self._reply_wait)
        while change is not None:
            change = self._chat.next_change(change.seq, SETTLE_SECONDS)

    def _show_latest(self, wanted: Callable[[BotMessage], bool], reveal: bool) -> None:
        message = next((m for m in reversed(self._chat.bot_messages()) if wanted(m)), None)
        if message is None:
            self.say("No such message yet.")
            return
        self.say(render_message(message, reveal_spoilers=reveal))
