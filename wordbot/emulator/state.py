"""Everything the emulator remembers: users, chats and their messages, the update queue,
uploaded files, callback queries, bot commands and the call log, behind one lock.

One condition variable (`changed`) is notified on every change; long polls and the
test-facing waits sleep on it, never in polling loops.
"""

from __future__ import annotations

import itertools
import logging
import random
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from wordbot.emulator.errors import ApiError, ConnectionDropped
from wordbot.emulator.records import BotMessage, Button, Call, CallbackAnswer

REMEMBERED_UPDATES = 10_000  # updates kept for `redeliver`

__all__ = [
    "CallbackRecord",
    "ChatRecord",
    "EmulatorState",
    "FileRecord",
    "MessageRecord",
    "Webhook",
]

log = logging.getLogger(__name__)

Subscriber = Callable[[BotMessage], None]


@dataclass(slots=True)
class MessageRecord:
    """A message as Telegram keeps it; `sender` is the API `User` dict of its author."""

    chat_id: int
    message_id: int
    date: int
    sender: dict[str, Any]
    from_bot: bool
    text: str | None = None
    html: str | None = None
    entities: tuple[dict[str, Any], ...] = ()
    caption: str | None = None
    caption_html: str | None = None
    caption_entities: tuple[dict[str, Any], ...] = ()
    document: dict[str, Any] | None = None
    photo: list[dict[str, Any]] | None = None  # the API `PhotoSize` array
    reply_markup: dict[str, Any] | None = None
    edit_count: int = 0
    edit_date: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    paid_broadcast: bool = False  # sent with allow_paid_broadcast

    def to_api(self, chat: dict[str, Any]) -> dict[str, Any]:
        """The Bot API `Message` object."""
        message: dict[str, Any] = {
            "message_id": self.message_id,
            "from": self.sender,
            "chat": chat,
            "date": self.date,
        }
        if self.edit_date is not None:
            message["edit_date"] = self.edit_date
        message.update(self.extra)
        if self.text is not None:
            message["text"] = self.text
            if self.entities:
                message["entities"] = list(self.entities)
        if self.document is not None:
            message["document"] = dict(self.document)
        if self.photo is not None:
            message["photo"] = [dict(size) for size in self.photo]
        if self.caption is not None:
            message["caption"] = self.caption
            if self.caption_entities:
                message["caption_entities"] = list(self.caption_entities)
        if self.reply_markup is not None:
            message["reply_markup"] = self.reply_markup
        return message

    def snapshot(self, seq: int, event: str) -> BotMessage:
        if self.document is not None or self.photo is not None:
            text, html, entities = (
                self.caption or "",
                self.caption_html or "",
                self.caption_entities,
            )
        else:
            text, html, entities = self.text or "", self.html or "", self.entities
        return BotMessage(
            chat_id=self.chat_id,
            message_id=self.message_id,
            text=text,
            html=html,
            entities=entities,
            buttons=keyboard_buttons(self.reply_markup),
            reply_markup=self.reply_markup,
            document=dict(self.document) if self.document is not None else None,
            edit_count=self.edit_count,
            date=self.date,
            seq=seq,
            event=event,
            photo=tuple(dict(size) for size in self.photo) if self.photo is not None else None,
            paid_broadcast=self.paid_broadcast,
        )


@dataclass(slots=True)
class ChatRecord:
    chat: dict[str, Any]  # the API `Chat` object
    chat_instance: str
    messages: dict[int, MessageRecord] = field(default_factory=dict)
    next_message_id: int = 1
    history: list[BotMessage] = field(default_factory=list)  # every bot message change
    latest: dict[int, BotMessage] = field(default_factory=dict)  # current bot messages by id
    last_action_seq: int = 0  # seq of the latest user action in this chat
    blocked: bool = False  # the user blocked the bot: sends answer 403

    @property
    def chat_id(self) -> int:
        return self.chat["id"]

    def new_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id


@dataclass(slots=True)
class FileRecord:
    file_id: str
    file_unique_id: str
    file_path: str
    file_name: str | None
    mime_type: str | None
    data: bytes

    def document(self) -> dict[str, Any]:
        """The API `Document` object."""
        document: dict[str, Any] = {"file_id": self.file_id, "file_unique_id": self.file_unique_id}
        if self.file_name is not None:
            document["file_name"] = self.file_name
        if self.mime_type is not None:
            document["mime_type"] = self.mime_type
        document["file_size"] = len(self.data)
        return document

    def photo_size(self, width: int, height: int) -> dict[str, Any]:
        """The API `PhotoSize` object of this file."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "width": width,
            "height": height,
            "file_size": len(self.data),
        }


@dataclass(slots=True)
class CallbackRecord:
    query_id: str
    chat_id: int | None
    message_id: int | None
    user_id: int
    data: str | None
    answered: bool = False


@dataclass(slots=True)
class Webhook:
    url: str
    secret_token: str | None
    max_connections: int
    allowed_updates: list[str] | None
    last_error_date: int | None = None
    last_error_message: str | None = None


def keyboard_buttons(markup: dict[str, Any] | None) -> tuple[tuple[Button, ...], ...]:
    """Rows of (text, callback_data) of an inline keyboard; () when there is none."""
    if not markup:
        return ()
    return tuple(
        tuple(Button(button.get("text", ""), button.get("callback_data")) for button in row)
        for row in markup.get("inline_keyboard", ())
    )


def update_type(update: dict[str, Any]) -> str:
    return next((key for key in update if key != "update_id"), "")


class EmulatorState:
    """The shared store; hold `lock` (re-entrant) for compound reads and every write."""

    def __init__(
        self,
        clock: Callable[[], float] = time.time,
        record_calls: bool = True,
        first_update_id: int = 1,
    ) -> None:
        self.clock = clock
        self.record_calls = record_calls
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.users: dict[int, dict[str, Any]] = {}
        self.chats: dict[int, ChatRecord] = {}
        self.updates: deque[dict[str, Any]] = deque()
        # every update queued lately, confirmed or not, so a test can have one delivered again
        self.delivered: OrderedDict[int, dict[str, Any]] = OrderedDict()
        self.next_update_id = first_update_id
        self.announce_file_sizes = True  # getFile's file_size (optional in the Bot API)
        self.confirmed_offset = 0
        self.callbacks: dict[str, CallbackRecord] = {}
        self.answers: list[CallbackAnswer] = []
        self.files: dict[str, FileRecord] = {}
        self.files_by_path: dict[str, FileRecord] = {}
        self.calls: list[Call] = []
        self.call_count = 0
        self.unknown_calls: list[Call] = []
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.webhook: Webhook | None = None
        self.allowed_updates: list[str] | None = None
        self.seq = 0
        self.count_429 = 0
        self.count_paid_broadcasts = 0  # messages sent with allow_paid_broadcast
        self.closed = False
        self.outage = False
        self._poll_generation = 0
        self.waiting_polls = 0  # getUpdates calls now waiting for an update
        self._subscribers: list[Subscriber] = []
        self._ids = itertools.count(1)
        self._random = random.Random()

    # -- clock and ordering -------------------------------------------------------------

    def now(self) -> int:
        return int(self.clock())

    def next_seq(self) -> int:
        with self.lock:
            self.seq += 1
            return self.seq

    def new_id(self) -> int:
        return next(self._ids)

    def random_token(self, digits: int = 12) -> str:
        with self.lock:
            return "".join(self._random.choice("0123456789") for _ in range(digits))

    # -- users and chats ----------------------------------------------------------------

    def ensure_user(
        self,
        user_id: int,
        first_name: str | None = None,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
    ) -> dict[str, Any]:
        with self.lock:
            user = self.users.get(user_id)
            if user is None:
                user = {
                    "id": user_id,
                    "is_bot": False,
                    "first_name": first_name or f"User{user_id}",
                }
                if last_name:
                    user["last_name"] = last_name
                if username:
                    user["username"] = username
                if language_code:
                    user["language_code"] = language_code
                self.users[user_id] = user
            return user

    def ensure_chat(self, chat: dict[str, Any]) -> ChatRecord:
        with self.lock:
            record = self.chats.get(chat["id"])
            if record is None:
                record = ChatRecord(chat=dict(chat), chat_instance=self.random_token(19))
                self.chats[chat["id"]] = record
            return record

    def chat(self, chat_id: int) -> ChatRecord:
        with self.lock:
            record = self.chats.get(chat_id)
            if record is None:
                raise KeyError(f"the emulator has no chat {chat_id}")
            return record

    # -- updates ------------------------------------------------------------------------

    def enqueue_update(self, update: dict[str, Any]) -> int:
        """Queue an update (numbering it when it has no update_id) and wake the pollers."""
        with self.lock:
            update = dict(update)
            if "update_id" not in update:
                update["update_id"] = self.next_update_id
            self.next_update_id = max(self.next_update_id, update["update_id"] + 1)
            self._register_chats_of(update)
            self.updates.append(update)
            self.delivered[update["update_id"]] = update
            if len(self.delivered) > REMEMBERED_UPDATES:
                self.delivered.popitem(last=False)
            self.changed.notify_all()
            return update["update_id"]

    def _register_chats_of(self, update: dict[str, Any]) -> None:
        for key, value in update.items():
            if not isinstance(value, dict):
                continue
            message = value.get("message", value) if key == "callback_query" else value
            chat = message.get("chat") if isinstance(message, dict) else None
            if isinstance(chat, dict) and "id" in chat:
                self.ensure_chat(chat)
            sender = value.get("from")
            if isinstance(sender, dict) and "id" in sender:
                self.users.setdefault(sender["id"], dict(sender))

    def confirm(self, offset: int) -> None:
        """Forget updates below `offset` (Telegram's confirmation); negative keeps the last -offset."""
        with self.lock:
            if offset < 0:
                keep = -offset
                while len(self.updates) > keep:
                    dropped = self.updates.popleft()
                    self.confirmed_offset = max(self.confirmed_offset, dropped["update_id"] + 1)
                return
            while self.updates and self.updates[0]["update_id"] < offset:
                self.updates.popleft()
            self.confirmed_offset = max(self.confirmed_offset, offset)
            self.changed.notify_all()

    def drop_pending_updates(self) -> None:
        with self.lock:
            if self.updates:
                self.confirmed_offset = max(
                    self.confirmed_offset, self.updates[-1]["update_id"] + 1
                )
            self.updates.clear()
            self.changed.notify_all()

    def pending_updates(self) -> list[dict[str, Any]]:
        with self.lock:
            return [dict(update) for update in self.updates]

    def take_updates(
        self, offset: int | None, limit: int, timeout: float, allowed: list[str] | None
    ) -> list[dict[str, Any]]:
        """getUpdates: confirm below `offset`, then wait up to `timeout` s for something to return.

        A newer getUpdates ends a waiting one with 409 Conflict, as Telegram does.
        """
        deadline = time.monotonic() + timeout
        with self.lock:
            self._poll_generation += 1
            generation = self._poll_generation
            self.changed.notify_all()
            if allowed is not None:
                self.allowed_updates = allowed
            if offset:
                self.confirm(offset)
            waiting = False
            try:
                while True:
                    if self.closed or self.outage:
                        raise ConnectionDropped()
                    if generation != self._poll_generation:
                        raise ApiError(
                            409,
                            "Conflict: terminated by other getUpdates request; "
                            "make sure that only one bot instance is running",
                        )
                    batch = self._deliverable(limit)
                    remaining = deadline - time.monotonic()
                    if batch or remaining <= 0:
                        return batch
                    if not waiting:
                        waiting = True
                        self.waiting_polls += 1
                        self.changed.notify_all()
                    self.changed.wait(remaining)
            finally:
                if waiting:
                    self.waiting_polls -= 1

    def _deliverable(self, limit: int) -> list[dict[str, Any]]:
        allowed = self.allowed_updates
        batch = []
        for update in self.updates:
            if allowed and update_type(update) not in allowed:
                continue
            batch.append(update)
            if len(batch) >= limit:
                break
        return batch

    # -- bot messages and events ----------------------------------------------------------

    def record_bot_event(self, record: MessageRecord, event: str) -> BotMessage:
        """Snapshot a bot message after a change, log it in the chat's history, wake waiters."""
        with self.lock:
            self.seq += 1
            snapshot = record.snapshot(self.seq, event)
            chat = self.chats[record.chat_id]
            chat.history.append(snapshot)
            if event == "deleted":
                chat.latest.pop(record.message_id, None)
            else:
                chat.latest[record.message_id] = snapshot
            self.changed.notify_all()
            return snapshot

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        with self.lock:
            self._subscribers.append(subscriber)

        def unsubscribe() -> None:
            with self.lock:
                if subscriber in self._subscribers:
                    self._subscribers.remove(subscriber)

        return unsubscribe

    def publish(self, events: Iterable[BotMessage]) -> None:
        """Tell subscribers about bot message changes; call without holding the lock."""
        with self.lock:
            subscribers = list(self._subscribers)
        for event in events:
            for subscriber in subscribers:
                try:
                    subscriber(event)
                except Exception:
                    log.exception("emulator subscriber failed on %s", event)

    # -- files --------------------------------------------------------------------------

    def store_file(
        self,
        data: bytes,
        file_name: str | None,
        mime_type: str | None,
        folder: str = "documents",
    ) -> FileRecord:
        with self.lock:
            number = self.new_id()
            suffix = ""
            if file_name and "." in file_name:
                suffix = "." + file_name.rsplit(".", 1)[1][:10]
            record = FileRecord(
                file_id=f"BQACAgIAAx-emu-{number}-{self.random_token(8)}",
                file_unique_id=f"AgADemu{number}",
                file_path=f"{folder}/file_{number}{suffix}",
                file_name=file_name,
                mime_type=mime_type,
                data=bytes(data),
            )
            self.files[record.file_id] = record
            self.files_by_path[record.file_path] = record
            return record

    # -- calls --------------------------------------------------------------------------

    def record_call(
        self,
        method: str,
        params: dict[str, Any],
        files: dict[str, tuple[str, int]],
        status: int,
        description: str | None,
        known: bool,
    ) -> Call:
        with self.lock:
            call = Call(
                index=self.call_count,
                method=method,
                params=params,
                files=files,
                time=self.clock(),
                status=status,
                description=description,
            )
            self.call_count += 1
            if self.record_calls:
                self.calls.append(call)
            if not known:
                self.unknown_calls.append(call)
            if status == 429:
                self.count_429 += 1
            self.changed.notify_all()
            return call

    # -- waiting ------------------------------------------------------------------------

    def wait_until(self, predicate: Callable[[], Any], timeout: float) -> Any:
        """Wait on `changed` until `predicate()` is truthy (returned) or the timeout (None)."""
        with self.lock:
            return self.changed.wait_for(predicate, timeout) or None

    def interrupt(self) -> None:
        with self.lock:
            self.changed.notify_all()
