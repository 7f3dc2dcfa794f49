"""The outbound sender: performs effects on the Bot API, honouring 429 retry_after and retrying faults."""

from __future__ import annotations

import io
import logging
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

import requests
from telebot import TeleBot, apihelper
from telebot.apihelper import (
    ApiException,
    ApiHTTPException,
    ApiInvalidJSONException,
    ApiTelegramException,
)
from telebot.types import InlineKeyboardButton, InlineKeyboardMarkup, InputFile

from wordbot.effects import (
    AnswerCallback,
    Delivery,
    EditPrompt,
    Effect,
    Keyboard,
    RemoveKeyboard,
    SendDocument,
    SendPhoto,
    SendText,
)
from wordbot.metrics import Metrics
from wordbot.transport.http_client import DOWNLOAD_TIMEOUT, BotApiHttp, FileTooLarge
from wordbot.transport.message_split import split_message
from wordbot.transport.pacing import Pacer
from wordbot.transport.workers import Workers

__all__ = ["FileTooLarge", "Sender"]

log = logging.getLogger(__name__)

MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
_NOT_MODIFIED = "message is not modified"
_BLOCKED = "bot was blocked by the user"
MAX_RETRY_AFTER_SECONDS = 60.0  # a longer retry_after is not waited out (SPEC §7.6)
CONCURRENT_CALLS = 16  # threads for effects performed alongside their actor's own call


class Sender:
    """Performs effects in the calling thread (`perform`) or alongside it on a few workers
    (`perform_soon`, in the caller's thread when none is free), so a chat waiting on a retry
    never blocks others.

    A broadcast message (`SendText.broadcast`, a reminder) is paced as one (pacing.Pacer); with
    `paid_broadcast` it goes with `allow_paid_broadcast` (Telegram's paid limit, 0.1 Star each).
    Replies never carry it."""

    def __init__(
        self,
        bot: TeleBot,
        *,
        pacer: Pacer | None = None,
        retry_budget_seconds: float = 60.0,
        max_backoff_seconds: float = 30.0,
        max_429_retries: int = 5,
        sleep: Callable[[float], None] = time.sleep,
        download_timeout: tuple[float, float] = DOWNLOAD_TIMEOUT,
        metrics: Metrics | None = None,
        max_retry_after_seconds: float = MAX_RETRY_AFTER_SECONDS,
        paid_broadcast: bool = False,
    ) -> None:
        self._bot = bot
        self._paid_broadcast = paid_broadcast
        self._pacer = pacer
        self._retry_budget = retry_budget_seconds
        self._max_backoff = max_backoff_seconds
        self._max_429 = max_429_retries
        self._max_retry_after = max_retry_after_seconds
        self._sleep = sleep
        self._jitter = random.Random()
        self._jitter_lock = threading.Lock()
        self._workers = Workers(CONCURRENT_CALLS, "sender")
        self._download_timeout = download_timeout
        self._metrics = metrics if metrics is not None else Metrics()  # a private registry
        self._files = BotApiHttp(_file_url("", ""))  # streamed, bounded downloads

    def perform(self, effect: Effect) -> Delivery:
        """Carry out one effect; failures are logged and reported, never raised."""
        match effect:
            case SendText(chat_id, text, keyboard, broadcast):
                parts = split_message(text)
                paid = True if broadcast and self._paid_broadcast else None
                delivery = Delivery(ok=True)
                for index, part in enumerate(parts):
                    last = index == len(parts) - 1
                    delivery = self._send(
                        "sendMessage",
                        lambda part=part, last=last: self._bot.send_message(
                            chat_id,
                            part,
                            parse_mode="HTML",
                            reply_markup=_markup(keyboard) if last else None,
                            link_preview_options=None,
                            allow_paid_broadcast=paid,
                        ),
                        chat_id,
                        broadcast=broadcast,
                    )
                    if paid and delivery.ok:
                        self._metrics.paid_broadcasts.inc()
                return delivery
            case EditPrompt(chat_id, message_id, text, keyboard):
                return self._send(
                    "editMessageText",
                    lambda: self._bot.edit_message_text(
                        split_message(text)[0],
                        chat_id=chat_id,
                        message_id=message_id,
                        parse_mode="HTML",
                        reply_markup=_markup(keyboard),
                    ),
                    chat_id,
                )
            case RemoveKeyboard(chat_id, message_id):
                return self._send(
                    "editMessageReplyMarkup",
                    lambda: self._bot.edit_message_reply_markup(
                        chat_id, message_id, reply_markup=None
                    ),
                    chat_id,
                )
            case AnswerCallback(callback_query_id, text):
                return self._send(
                    "answerCallbackQuery",
                    lambda: self._bot.answer_callback_query(callback_query_id, text=text),
                )
            case SendDocument(chat_id, file_name, content, caption):
                return self._send(
                    "sendDocument",
                    lambda: self._bot.send_document(
                        chat_id,
                        content,
                        visible_file_name=file_name,
                        caption=caption,
                        parse_mode="HTML",
                    ),
                    chat_id,
                )
            case SendPhoto(chat_id, photo, file_name, caption):
                return self._send(
                    "sendPhoto",
                    lambda: self._bot.send_photo(
                        chat_id,
                        InputFile(io.BytesIO(photo), file_name=file_name),
                        caption=caption,
                        parse_mode="HTML",
                    ),
                    chat_id,
                )
        raise TypeError(f"unknown effect {effect!r}")

    def perform_soon(self, effect: Effect) -> Future[Delivery]:
        """Carry out an effect on one of the sender's threads, while the caller goes on."""
        return self._workers.submit(lambda: self.perform(effect))

    def download(self, file_id: str, max_bytes: int = MAX_DOWNLOAD_BYTES) -> bytes | None:
        """A user's file, or None when Telegram cannot give it (logged); FileTooLarge when
        it is bigger than `max_bytes`: as getFile announces it, as the download announces
        it, or as it turns out while streamed (SPEC §7.6)."""
        file = self._call("getFile", lambda: self._bot.get_file(file_id)).result
        if file is None:
            return None
        if (file.file_size or 0) > max_bytes:
            raise FileTooLarge(file.file_size)
        url = _file_url(self._bot.token, file.file_path)
        return self._call(
            "download", lambda: self._files.download(url, max_bytes, self._download_timeout)
        ).result

    def _send(
        self,
        method: str,
        call: Callable[[], Any],
        chat_id: int | None = None,
        *,
        broadcast: bool = False,
    ) -> Delivery:
        """A paced call that shows up in a chat: a message, an edit, a document."""
        outcome = self._call(method, call, paced_chat=chat_id, broadcast=broadcast)
        return Delivery(
            ok=outcome.ok,
            message_id=getattr(outcome.result, "message_id", None),
            error=outcome.error,
            transient=outcome.transient,
            blocked=outcome.blocked,
        )

    def _call(
        self,
        method: str,
        call: Callable[[], Any],
        paced_chat: int | None = None,
        *,
        broadcast: bool = False,
    ) -> _Outcome:
        """SPEC §7.2: 429 waits `retry_after`; 5xx, timeouts and connection errors back off
        exponentially with jitter until about `retry_budget_seconds` were spent waiting; then
        the call is logged and dropped. Nothing is raised.

        SPEC §7.6: a `retry_after` over `max_retry_after_seconds` is not waited out: the call
        fails for now (transient), so an owed message stays in the outbox and the caller's
        actor moves on. A 403 "bot was blocked" is reported as `blocked`, never retried."""
        waited, attempt, throttled = 0.0, 0, 0
        while True:
            attempt += 1
            if self._pacer is not None and paced_chat is not None:
                self._pacer.wait_turn(paced_chat, broadcast=broadcast)
            try:
                result = call()
                self._metrics.bot_api_call(method, "ok")
                return _Outcome(ok=True, result=result)
            except ApiTelegramException as error:
                if error.error_code == 400 and _NOT_MODIFIED in str(error.description):
                    self._metrics.bot_api_call(method, "ok")
                    return _Outcome(ok=True)
                if error.error_code == 429:
                    self._metrics.throttled(method)
                wait = _retry_after(error) if error.error_code == 429 else 0.0
                if error.error_code == 429 and wait > self._max_retry_after:
                    log.warning("%s: 429, retry_after %.0f s; left owed", method, wait)
                    self._metrics.bot_api_call(method, "failed")
                    return _Outcome(ok=False, error=str(error.description), transient=True)
                if error.error_code == 429 and throttled < self._max_429:
                    throttled += 1
                    log.warning("%s: 429, retrying after %.1f s", method, wait)
                    self._metrics.retried(method)
                    self._sleep(wait)
                    continue
                if error.error_code < 500 or error.error_code == 429:
                    log.warning("%s failed: %s", method, error.description)
                    self._metrics.bot_api_call(method, "failed")
                    transient = error.error_code == 429
                    blocked = error.error_code == 403 and _BLOCKED in str(error.description)
                    return _Outcome(
                        ok=False,
                        error=str(error.description),
                        transient=transient,
                        blocked=blocked,
                    )
                problem: object = error
            except (requests.RequestException, ApiHTTPException, ApiInvalidJSONException) as error:
                # a proxy's 502 page or a cut-off body: a fault of the transport, retried
                status = getattr(getattr(error, "result", None), "status_code", 500)
                if status < 500 and not isinstance(error, requests.RequestException):
                    log.warning("%s failed: %s", method, error)
                    self._metrics.bot_api_call(method, "failed")
                    return _Outcome(ok=False, error=str(error))
                problem = error
            except ApiException as error:
                log.warning("%s failed: %s", method, error)
                self._metrics.bot_api_call(method, "failed")
                return _Outcome(ok=False, error=str(error))
            wait = self._backoff_seconds(attempt)
            if waited + wait > self._retry_budget:
                log.error("%s dropped after %d attempts: %s", method, attempt, problem)
                self._metrics.bot_api_call(method, "dropped")
                return _Outcome(ok=False, error=type(problem).__name__, transient=True)
            log.warning("%s: %s; retry %d in %.1f s", method, problem, attempt, wait)
            self._metrics.retried(method)
            self._sleep(wait)
            waited += wait

    def _backoff_seconds(self, attempt: int) -> float:
        with self._jitter_lock:
            jitter = self._jitter.uniform(0.5, 1.0)
        return min(self._max_backoff, 0.5 * 2 ** (attempt - 1)) * jitter


@dataclass(frozen=True, slots=True)
class _Outcome:
    ok: bool
    result: Any = None
    error: str | None = None
    transient: bool = False
    blocked: bool = False


def _file_url(token: str, file_path: str) -> str:
    """Where a file is downloaded from: `telegram.api_url`'s file endpoint (bot_api.make_bot)."""
    template = apihelper.FILE_URL or "https://api.telegram.org/file/bot{0}/{1}"
    return template.format(token, file_path)


def _retry_after(error: ApiTelegramException) -> float:
    parameters = (error.result_json or {}).get("parameters") or {}
    return float(parameters.get("retry_after", 1))


def _markup(keyboard: Keyboard | None) -> InlineKeyboardMarkup | None:
    if keyboard is None:
        return None
    markup = InlineKeyboardMarkup()
    for row in keyboard:
        markup.row(*(InlineKeyboardButton(b.text, callback_data=b.data) for b in row))
    return markup
