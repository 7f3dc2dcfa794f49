"""BotApiEmulator: a local Telegram Bot API server for tests, benchmarks and the sandbox."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from wordbot.emulator.faults import FaultPlan
from wordbot.emulator.limits import RateLimiter, RateLimits
from wordbot.emulator.methods import BotApi
from wordbot.emulator.params import UploadedFile
from wordbot.emulator.persistence import load_chats, save_chats
from wordbot.emulator.records import BotMessage, Call, CallbackAnswer
from wordbot.emulator.server import HttpListener
from wordbot.emulator.state import EmulatorState
from wordbot.emulator.users import UserChat
from wordbot.emulator.webhook import WebhookDelivery

__all__ = ["DEFAULT_TOKEN", "BotApiEmulator", "Outage"]

DEFAULT_TOKEN = "123456:TEST"
OUTAGE_CLOCK_CHECK_SECONDS = 0.02  # how often a timed outage looks at the clock


class BotApiEmulator:
    """A real HTTP Bot API server on 127.0.0.1 that keeps chats, acts as users, and misbehaves
    on request (rate limits, injected errors, slow answers, outages).

    Point a bot at `emu.url` (its `telegram.api_url`). Every Bot API call is recorded in
    `calls` (unless `record_calls=False`, for long benchmarks); calls to methods the emulator
    does not implement answer 404 and land in `unknown_calls`. `strict_html=False` accepts a
    bare "&" as Telegram does (see html_text). `clock` (seconds since the epoch) dates
    messages, refills the rate-limit buckets and ends timed outages, so a test can drive all
    three with a fake clock; `first_update_id` continues a numbering; with `chats_file` the
    chats are loaded from it and saved on stop. Start it once; after `stop()` it refuses
    everything. All methods are thread-safe.
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        bot_username: str = "wordbot_test_bot",
        bot_first_name: str = "WordBot",
        strict_html: bool = True,
        clock: Callable[[], float] = time.time,
        record_calls: bool = True,
        first_update_id: int = 1,
        chats_file: Path | None = None,
    ) -> None:
        bot_id = token.split(":", 1)[0]
        self.token = token
        self.bot_user: dict[str, Any] = {
            "id": int(bot_id) if bot_id.isdigit() else 1,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self._state = EmulatorState(
            clock=clock, record_calls=record_calls, first_update_id=first_update_id
        )
        self._faults = FaultPlan()
        self._limiter: RateLimiter | None = None
        self._api = BotApi(
            self._state, self.bot_user, self._faults, lambda: self._limiter, strict_html
        )
        self._listener = HttpListener(self, host, port)
        self._webhooks = WebhookDelivery(self._state)
        self._outage_lock = threading.Lock()
        self._outage_watchers: list[threading.Thread] = []
        self._stopping = threading.Event()
        self._chats_file = chats_file
        if chats_file is not None:
            load_chats(self._state, chats_file)

    # -- lifecycle ----------------------------------------------------------------------

    def start(self) -> BotApiEmulator:
        self._listener.start()
        self._webhooks.start()
        return self

    def stop(self) -> None:
        """Stop serving; waiting long polls and held requests end at once."""
        with self._state.lock:
            self._state.closed = True
            self._state.changed.notify_all()
        self._stopping.set()
        with self._outage_lock:
            watchers, self._outage_watchers = self._outage_watchers, []
        for watcher in watchers:
            watcher.join(timeout=5)
        self._listener.stop()
        self._webhooks.stop()
        if self._chats_file is not None:
            save_chats(self._state, self._chats_file)

    def __enter__(self) -> BotApiEmulator:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The base URL, e.g. "http://127.0.0.1:43127" (the bot's `telegram.api_url`)."""
        return self._listener.url

    @property
    def port(self) -> int:
        return self._listener.port

    # -- the HTTP layer's view (server.RequestTarget) -----------------------------------

    def handle(
        self, method: str, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> tuple[int, dict[str, Any]]:
        return self._api.handle(method, params, files)

    def file_bytes(self, file_path: str) -> bytes | None:
        with self._state.lock:
            stored = self._state.files_by_path.get(file_path)
        return stored.data if stored is not None else None

    def refusing(self) -> bool:
        return self._state.closed or self._state.outage

    # -- chats and users ----------------------------------------------------------------

    def private_chat(
        self,
        user_id: int,
        first_name: str | None = None,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
    ) -> UserChat:
        """The private chat of user `user_id` with the bot (chat_id == user_id); made on first use."""
        state = self._state
        with state.lock:
            user = state.ensure_user(user_id, first_name, last_name, username, language_code)
            chat = {"id": user_id, "first_name": user["first_name"], "type": "private"}
            for key in ("last_name", "username"):
                if key in user:
                    chat[key] = user[key]
            state.ensure_chat(chat)
        return UserChat(state, user_id, user_id)

    def group_chat(
        self, chat_id: int, user_id: int, title: str = "Test group", first_name: str | None = None
    ) -> UserChat:
        """A group (a supergroup when the id starts with -100) where `user_id` writes."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        kind = "supergroup" if str(chat_id).startswith("-100") else "group"
        with self._state.lock:
            self._state.ensure_user(user_id, first_name)
            self._state.ensure_chat({"id": chat_id, "title": title, "type": kind})
        return UserChat(self._state, chat_id, user_id)

    def chat(self, chat_id: int) -> UserChat:
        """A chat the emulator already knows (from private_chat, group_chat or send_update)."""
        record = self._state.chat(chat_id)
        owner = record.chat["id"] if record.chat.get("type") == "private" else 0
        return UserChat(self._state, chat_id, owner)

    def send_update(self, update: dict[str, Any]) -> int:
        """Queue any update as is (update_id assigned when missing); returns its update_id.
        Chats and users it mentions become known, so the bot can answer them."""
        return self._state.enqueue_update(update)

    def redeliver(self, update_id: int) -> None:
        """Deliver an update again, as Telegram does when the bot's confirmation got lost."""
        with self._state.lock:
            update = dict(self._state.delivered[update_id])
        self._state.enqueue_update(update)

    def update_of_press(self, callback_query_id: str) -> int:
        """The update_id of the press that made callback query `callback_query_id`."""
        with self._state.lock:
            for update_id, update in reversed(self._state.delivered.items()):
                if update.get("callback_query", {}).get("id") == callback_query_id:
                    return update_id
        raise KeyError(callback_query_id)

    # -- what the bot did ---------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        """Every Bot API call so far, in arrival-of-answer order."""
        with self._state.lock:
            return list(self._state.calls)

    @property
    def unknown_calls(self) -> list[Call]:
        """Calls to methods the emulator does not implement (answered 404)."""
        with self._state.lock:
            return list(self._state.unknown_calls)

    @property
    def count_429(self) -> int:
        """How many calls were answered 429 (rate limits and injected)."""
        return self._state.count_429

    @property
    def count_paid_broadcasts(self) -> int:
        """How many messages were sent with `allow_paid_broadcast` (each costs 0.1 Star)."""
        return self._state.count_paid_broadcasts

    def calls_to(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def wait_for_call(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        timeout: float = 10.0,
        since: int = 0,
    ) -> Call:
        """The first call to `method` with index >= `since` that matches `predicate`."""
        state = self._state

        def find() -> Call | None:
            for call in state.calls[since:]:
                if call.method == method and (predicate is None or predicate(call)):
                    return call
            return None

        found = state.wait_until(find, timeout)
        if found is None:
            seen = sorted({call.method for call in state.calls})
            raise TimeoutError(f"no matching {method} call within {timeout}s; methods seen: {seen}")
        return found

    def callback_answers(self) -> list[CallbackAnswer]:
        with self._state.lock:
            return list(self._state.answers)

    def document_bytes(self, file_id: str) -> bytes:
        """The content of a file (uploaded by the bot or sent by a user)."""
        with self._state.lock:
            stored = self._state.files.get(file_id)
        if stored is None:
            raise KeyError(f"the emulator has no file {file_id!r}")
        return stored.data

    def bot_commands(self, scope_type: str = "default", language_code: str = "") -> list[dict]:
        """The command menu set with setMyCommands for a scope type ("default", ...)."""
        with self._state.lock:
            return list(self._state.commands.get((scope_type, language_code), []))

    @property
    def webhook_url(self) -> str | None:
        webhook = self._state.webhook
        return webhook.url if webhook is not None else None

    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed by the bot (a getUpdates offset above their id)."""
        return self._state.pending_updates()

    @property
    def confirmed_offset(self) -> int:
        """The highest offset the bot has confirmed (0 before any)."""
        return self._state.confirmed_offset

    def wait_for_poll(self, timeout: float = 10.0) -> None:
        """Block until a getUpdates call is waiting for updates (the bot is idle and polling)."""
        state = self._state
        if not state.wait_until(lambda: state.waiting_polls > 0, timeout):
            raise TimeoutError(f"no getUpdates call waited within {timeout}s")

    def wait_for_confirmation(self, update_id: int | None = None, timeout: float = 10.0) -> None:
        """Block until the bot has confirmed `update_id` (default: every update queued so far)."""
        state = self._state
        with state.lock:
            wanted = (state.next_update_id - 1 if update_id is None else update_id) + 1
        if not state.wait_until(lambda: state.confirmed_offset >= wanted, timeout):
            raise TimeoutError(f"update {wanted - 1} was not confirmed within {timeout}s")

    def mark(self) -> int:
        """The current change counter, for `since=` in the waiting helpers."""
        with self._state.lock:
            return self._state.seq

    def subscribe(self, callback: Callable[[BotMessage], None]) -> Callable[[], None]:
        """Call `callback(BotMessage)` for every bot message sent, edited or deleted (from the
        server thread, before the bot gets its answer); returns a function that unsubscribes."""
        return self._state.subscribe(callback)

    # -- limits and faults --------------------------------------------------------------

    def enforce_rate_limits(
        self,
        global_per_second: float = 30,
        per_chat_per_minute: int = 20,
        per_chat_per_second: float = 1,
        burst: int = 5,
        paid_per_second: float = 1000,
    ) -> None:
        """Answer 429 + retry_after like Telegram's flood control; see `limits.RateLimiter`.
        Messages sent with `allow_paid_broadcast` count against `paid_per_second` instead of
        `global_per_second`; every message counts against its chat's limits."""
        self._limiter = RateLimiter(
            RateLimits(
                global_per_second=global_per_second,
                per_chat_per_second=per_chat_per_second,
                burst=burst,
                per_chat_per_minute=per_chat_per_minute,
                paid_per_second=paid_per_second,
            )
        )

    def disable_rate_limits(self) -> None:
        self._limiter = None

    def inject_faults(
        self,
        method: str | None = None,
        status: int = 500,
        count: int = 1,
        retry_after: int | None = None,
        description: str | None = None,
        chat_id: int | None = None,
    ) -> None:
        """The next `count` calls to `method` (None: any method; `chat_id`: only calls to
        that chat) fail with `status` and do nothing; 429 carries `parameters.retry_after`
        (default 1)."""
        self._faults.add_fault(method, status, count, retry_after, description, chat_id)

    def inject_timeout(
        self, method: str | None = None, seconds: float = 5.0, count: int = 1
    ) -> None:
        """Hold the next `count` calls to `method` for `seconds` before handling them normally
        (the client may have given up by then, yet the call still takes effect)."""
        self._faults.add_delay(method, seconds, count)

    def announce_file_sizes(self, announce: bool) -> None:
        """Whether getFile answers carry `file_size` (optional in the Bot API; default yes)."""
        self._state.announce_file_sizes = announce

    def clear_faults(self) -> None:
        self._faults.clear()

    def set_outage(self, active: bool) -> None:
        """Begin or end an outage: the port stops listening and open connections are closed."""
        with self._outage_lock:
            state = self._state
            if state.closed or state.outage == active:
                return
            if not active:
                self._listener.resume()
            with state.lock:
                state.outage = active
                state.changed.notify_all()
            if active:
                self._listener.suspend()

    def outage(self, seconds: float | None = None) -> Outage:
        """Begin an outage now; it ends after `seconds` (if given), on `end()`, or when the
        returned object is used as a context manager and the block exits."""
        self.set_outage(True)
        outage = Outage(self)
        if seconds is not None:
            ends_at = self._state.clock() + seconds
            watcher = threading.Thread(
                target=self._end_outage_at, args=(outage, ends_at), name="outage", daemon=True
            )
            with self._outage_lock:
                self._outage_watchers.append(watcher)
            watcher.start()
        return outage

    def _end_outage_at(self, outage: Outage, ends_at: float) -> None:
        """End `outage` once the emulator's clock reaches `ends_at` (a fake clock in a test
        ends it when the test advances it, however slow the machine) or the emulator stops."""
        while not self._stopping.wait(OUTAGE_CLOCK_CHECK_SECONDS):
            if self._state.clock() >= ends_at:
                outage.end()
                return

    def wait_for_service(self, timeout: float = 10.0) -> None:
        """Block until no outage is in effect."""
        state = self._state
        if not state.wait_until(lambda: not state.outage, timeout):
            raise TimeoutError(f"the outage did not end within {timeout}s")

    @property
    def outage_active(self) -> bool:
        return self._state.outage

    @property
    def method_names(self) -> list[str]:
        """The Bot API methods the emulator implements."""
        return self._api.method_names


class Outage:
    """A running outage; `end()` (or leaving the `with` block) restores service."""

    def __init__(self, emulator: BotApiEmulator) -> None:
        self._emulator = emulator

    def end(self) -> None:
        self._emulator.set_outage(False)

    def wait(self, timeout: float = 10.0) -> None:
        """Block until the outage is over (e.g. one started with `seconds`)."""
        self._emulator.wait_for_service(timeout)

    def __enter__(self) -> Outage:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.end()
