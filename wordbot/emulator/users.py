"""The user's side of a chat: what a test (or the sandbox console) does as a Telegram user,
and what it waits for from the bot. Thread-safe; waits sleep on the state's condition."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from typing import Any

from wordbot.emulator.html_text import utf16_length
from wordbot.emulator.records import BotMessage, Button, CallbackAnswer
from wordbot.emulator.state import CallbackRecord, ChatRecord, EmulatorState, MessageRecord

__all__ = ["NoSuchButton", "UserChat"]

_BOT_COMMAND = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])")

MessageRef = int | BotMessage | Any  # anything with a `message_id`, e.g. a telebot Message


class NoSuchButton(LookupError):
    """press() named a button the message does not show."""


class UserChat:
    """A private chat or a group, acted in by `user_id` (any method can act as another user).

    Waiting helpers look at bot message *changes*: a new message or an edit (each edit of a
    message is a separate change, matched on the message's text right after it). With
    `since=None` they consider changes after this chat's latest user action (send_text,
    send_document, press, ...), i.e. "the bot's answer to what I just did"; pass `since=0` for
    the whole history, or a seq (`mark()`, `BotMessage.seq`) to start after it.
    """

    def __init__(self, state: EmulatorState, chat_id: int, user_id: int) -> None:
        self._state = state
        self.chat_id = chat_id
        self.user_id = user_id

    def __repr__(self) -> str:
        return f"UserChat(chat_id={self.chat_id}, user_id={self.user_id})"

    @property
    def _chat(self) -> ChatRecord:
        return self._state.chat(self.chat_id)

    # -- acting as the user -------------------------------------------------------------

    def send_text(self, text: str, *, user_id: int | None = None) -> dict[str, Any]:
        """The user writes `text`; bot commands get their bot_command entities. Returns the Message."""
        entities = [
            {
                "type": "bot_command",
                "offset": utf16_length(text[: match.start()]),
                "length": utf16_length(match[0]),
            }
            for match in _BOT_COMMAND.finditer(text)
        ]
        return self._user_message(user_id, text=text, entities=tuple(entities))

    def send_document(
        self,
        file_name: str,
        content: bytes,
        mime_type: str | None = None,
        caption: str | None = None,
        *,
        user_id: int | None = None,
    ) -> dict[str, Any]:
        """The user sends a file; the bot can getFile and download it. Returns the Message."""
        stored = self._state.store_file(content, file_name, mime_type)
        return self._user_message(user_id, document=stored.document(), caption=caption)

    def edit_text(
        self, message_id: int, text: str, *, user_id: int | None = None
    ) -> dict[str, Any]:
        """The user edits their own message: an `edited_message` update."""
        state = self._state
        with state.lock:
            chat = self._chat
            record = chat.messages.get(message_id)
            if record is None or record.from_bot:
                raise LookupError(f"chat {self.chat_id} has no user message {message_id}")
            record.text = text
            record.edit_count += 1
            record.edit_date = state.now()
            message = record.to_api(chat.chat)
            chat.last_action_seq = state.next_seq()
            state.enqueue_update({"edited_message": message})
            return message

    def press(self, message: MessageRef, button: str, *, user_id: int | None = None) -> str:
        """Press the button labelled `button` (its text, or else its callback_data) on the bot
        message as it is now; returns the callback query id."""
        state = self._state
        with state.lock:
            record = self._bot_record(message)
            current = record.snapshot(0, "sent")
            chosen: Button | None = current.find_button(button)
            if chosen is None or chosen.callback_data is None:
                shown = [b.text for b in current.flat_buttons()] or "no buttons"
                reason = "is not a callback button" if chosen else "has no such button"
                raise NoSuchButton(
                    f"message {record.message_id} in chat {self.chat_id} {reason}: "
                    f"{button!r} (it shows {shown})"
                )
            return self._callback(record.message_id, chosen.callback_data, user_id, False)

    def press_data(
        self,
        message: MessageRef,
        data: str,
        *,
        user_id: int | None = None,
        inaccessible: bool = False,
    ) -> str:
        """A raw callback query with any `data` (a forged or stale press); `inaccessible`
        sends the message as Telegram does for old ones (date 0, no content; the message need
        not exist then)."""
        with self._state.lock:
            if inaccessible:
                message_id = _message_id(message)
            else:
                message_id = self._bot_record(message).message_id
            return self._callback(message_id, data, user_id, inaccessible)

    def block_bot(self, blocked: bool = True) -> None:
        """The user blocks (or unblocks) the bot: sends to this chat answer 403."""
        with self._state.lock:
            self._chat.blocked = blocked

    def mark(self) -> int:
        """A point in time to pass as `since=`: only later changes count."""
        with self._state.lock:
            return self._state.seq

    # -- looking at the bot's messages --------------------------------------------------

    def bot_messages(self) -> list[BotMessage]:
        """The bot's messages in this chat as they are now (deleted ones left out), oldest first."""
        with self._state.lock:
            latest = self._chat.latest
            return [latest[message_id] for message_id in sorted(latest)]

    def last_bot_message(self) -> BotMessage | None:
        messages = self.bot_messages()
        return messages[-1] if messages else None

    def message(self, message_id: int) -> BotMessage:
        """The bot message `message_id` as it is now."""
        with self._state.lock:
            found = self._chat.latest.get(message_id)
        if found is None:
            raise LookupError(f"chat {self.chat_id} has no bot message {message_id}")
        return found

    def history(self) -> list[BotMessage]:
        """Every change of every bot message in this chat, in order."""
        with self._state.lock:
            return list(self._chat.history)

    def messages(self) -> list[dict[str, Any]]:
        """All messages of the chat, the user's and the bot's, as Bot API Message objects."""
        with self._state.lock:
            chat = self._chat
            return [chat.messages[key].to_api(chat.chat) for key in sorted(chat.messages)]

    def callback_answers(self) -> list[CallbackAnswer]:
        """The bot's answers to presses in this chat, in the order it answered."""
        with self._state.lock:
            return [answer for answer in self._state.answers if answer.chat_id == self.chat_id]

    def wait_for_callback_answer(self, query_id: str, timeout: float = 10.0) -> CallbackAnswer:
        def answered() -> CallbackAnswer | None:
            return next(
                (answer for answer in self._state.answers if answer.query_id == query_id), None
            )

        found = self._state.wait_until(answered, timeout)
        if found is None:
            raise TimeoutError(
                f"callback query {query_id} was not answered within {timeout}s\n"
                + self.transcript()
            )
        return found

    def wait_for_message(
        self,
        predicate: Callable[[BotMessage], bool] | None = None,
        contains: str | None = None,
        timeout: float = 10.0,
        since: int | BotMessage | None = None,
        include_edits: bool = True,
    ) -> BotMessage:
        """The first bot message change after `since` matching `predicate` and `contains`."""
        start = self._since(since)

        def matches(message: BotMessage) -> bool:
            if message.event == "deleted" or (not include_edits and message.event == "edited"):
                return False
            if contains is not None and contains not in message.text:
                return False
            return predicate is None or bool(predicate(message))

        found = self._wait_change(matches, start, timeout)
        if found is None:
            wanted = f"containing {contains!r}" if contains is not None else "matching"
            raise TimeoutError(
                f"no bot message {wanted} in chat {self.chat_id} within {timeout}s "
                f"(after seq {start})\n{self.transcript()}"
            )
        return found

    def next_change(self, since: int, timeout: float) -> BotMessage | None:
        """The first bot message change (sent, edited or deleted) after `since`, or None."""
        return self._wait_change(lambda message: True, since, timeout)

    def transcript(self) -> str:
        """The chat as text, for failure messages."""
        with self._state.lock:
            chat = self._chat
            lines = [f"--- chat {self.chat_id} ---"]
            for message_id in sorted(chat.messages):
                record = chat.messages[message_id]
                lines.append(_transcript_line(record))
            return "\n".join(lines)

    # -- internals ----------------------------------------------------------------------

    def _wait_change(
        self, matches: Callable[[BotMessage], bool], start: int, timeout: float
    ) -> BotMessage | None:
        def find() -> BotMessage | None:
            history = self._chat.history
            begin = bisect.bisect_right(history, start, key=lambda message: message.seq)
            return next((message for message in history[begin:] if matches(message)), None)

        return self._state.wait_until(find, timeout)

    def _since(self, since: int | BotMessage | None) -> int:
        if isinstance(since, BotMessage):
            return since.seq
        if since is None:
            with self._state.lock:
                return self._chat.last_action_seq
        return since

    def _user(self, user_id: int | None) -> dict[str, Any]:
        return self._state.ensure_user(self.user_id if user_id is None else user_id)

    def _user_message(self, user_id: int | None, **content: Any) -> dict[str, Any]:
        state = self._state
        with state.lock:
            chat = self._chat
            record = MessageRecord(
                chat_id=self.chat_id,
                message_id=chat.new_message_id(),
                date=state.now(),
                sender=self._user(user_id),
                from_bot=False,
                **content,
            )
            chat.messages[record.message_id] = record
            message = record.to_api(chat.chat)
            chat.last_action_seq = state.next_seq()
            state.enqueue_update({"message": message})
            return message

    def _bot_record(self, message: MessageRef) -> MessageRecord:
        message_id = _message_id(message)
        record = self._chat.messages.get(message_id)
        if record is None or not record.from_bot:
            raise LookupError(f"chat {self.chat_id} has no bot message {message_id}")
        return record

    def _callback(self, message_id: int, data: str, user_id: int | None, inaccessible: bool) -> str:
        state = self._state
        chat = self._chat
        user = self._user(user_id)
        query_id = f"{state.random_token(10)}{state.new_id()}"
        state.callbacks[query_id] = CallbackRecord(
            query_id, self.chat_id, message_id, user["id"], data
        )
        if inaccessible:
            message = {"chat": chat.chat, "message_id": message_id, "date": 0}
        else:
            message = chat.messages[message_id].to_api(chat.chat)
        chat.last_action_seq = state.next_seq()
        state.enqueue_update(
            {
                "callback_query": {
                    "id": query_id,
                    "from": user,
                    "message": message,
                    "chat_instance": chat.chat_instance,
                    "data": data,
                }
            }
        )
        return query_id


def _message_id(message: MessageRef) -> int:
    """A message id, from an int, a BotMessage or anything with `message_id` (a telebot Message)."""
    return int(getattr(message, "message_id", message))


def _transcript_line(record: MessageRecord) -> str:
    who = (
        "bot" if record.from_bot else f"user {record.sender.get('first_name', record.sender['id'])}"
    )
    body = record.text if record.text is not None else ""
    if record.document is not None:
        body = f"[document {record.document.get('file_name', '')}] {record.caption or ''}".strip()
    if record.photo:
        largest = record.photo[-1]
        body = f"[photo {largest['width']}x{largest['height']}] {record.caption or ''}".strip()
    line = f"#{record.message_id} {who}: {body}"
    if record.reply_markup:
        rows = record.reply_markup.get("inline_keyboard", [])
        labels = " | ".join(button.get("text", "") for row in rows for button in row)
        line += f"  [{labels}]"
    if record.edit_count:
        line += f"  (edited {record.edit_count}x)"
    return line
