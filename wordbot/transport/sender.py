"""The outbound sender: performs effects on the Bot API, honouring 429 retry_after and retrying faults."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests
from telebot import TeleBot
from telebot.apihelper import ApiTelegramException
from telebot.types import InlineKeyboardButton, InlineKeyboardMarkup

from wordbot.rendering.html import split_message
from wordbot.transport.effects import (
    AnswerCallback,
    Delivery,
    EditPrompt,
    Effect,
    Keyboard,
    RemoveKeyboard,
    SendDocument,
    SendText,
)

__all__ = ["Sender"]

log = logging.getLogger(__name__)

MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
_NOT_MODIFIED = "message is not modified"


class Sender:
    """Performs effects in the calling thread, so a chat waiting on a retry never blocks others."""

    def __init__(
        self,
        bot: TeleBot,
        *,
        max_attempts: int = 5,
        max_backoff_seconds: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._bot = bot
        self._max_attempts = max_attempts
        self._max_backoff = max_backoff_seconds
        self._sleep = sleep
        self._jitter = random.Random()
        self._jitter_lock = threading.Lock()

    def perform(self, effect: Effect) -> Delivery:
        """Carry out one effect; failures are logged and reported, never raised."""
        match effect:
            case SendText(chat_id, text, keyboard):
                parts = split_message(text)
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
                        ),
                    )
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
                )
            case RemoveKeyboard(chat_id, message_id):
                return self._send(
                    "editMessageReplyMarkup",
                    lambda: self._bot.edit_message_reply_markup(
                        chat_id, message_id, reply_markup=None
                    ),
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
                )
        raise TypeError(f"unknown effect {effect!r}")

    def download(self, file_id: str, max_bytes: int = MAX_DOWNLOAD_BYTES) -> bytes | None:
        """A user's file, or None when Telegram cannot give it (logged)."""
        file = self._call("getFile", lambda: self._bot.get_file(file_id)).result
        if file is None or (file.file_size or 0) > max_bytes:
            return None
        return self._call("download", lambda: self._bot.download_file(file.file_path)).result

    def _send(self, method: str, call: Callable[[], Any]) -> Delivery:
        outcome = self._call(method, call)
        return Delivery(
            ok=outcome.ok,
            message_id=getattr(outcome.result, "message_id", None),
            error=outcome.error,
        )

    def _call(self, method: str, call: Callable[[], Any]) -> _Outcome:
        for attempt in range(1, self._max_attempts + 1):
            try:
                return _Outcome(ok=True, result=call())
            except ApiTelegramException as error:
                if error.error_code == 429:
                    wait = _retry_after(error)
                    log.warning("%s: 429, retrying after %.1f s", method, wait)
                    self._sleep(wait)
                    continue
                if error.error_code == 400 and _NOT_MODIFIED in str(error.description):
                    return _Outcome(ok=True)
                if error.error_code >= 500 and attempt < self._max_attempts:
                    self._backoff(method, attempt, error)
                    continue
                log.warning("%s failed: %s", method, error.description)
                return _Outcome(ok=False, error=str(error.description))
            except (requests.ConnectionError, requests.Timeout) as error:
                if attempt < self._max_attempts:
                    self._backoff(method, attempt, error)
                    continue
                log.error("%s failed after %d attempts: %s", method, attempt, error)
                return _Outcome(ok=False, error=type(error).__name__)
        log.error("%s dropped after %d attempts", method, self._max_attempts)
        return _Outcome(ok=False, error="gave up")

    def _backoff(self, method: str, attempt: int, error: object) -> None:
        with self._jitter_lock:
            jitter = self._jitter.uniform(0.5, 1.0)
        wait = min(self._max_backoff, 0.5 * 2 ** (attempt - 1)) * jitter
        log.warning("%s: %s; retry %d in %.1f s", method, error, attempt, wait)
        self._sleep(wait)


@dataclass(frozen=True, slots=True)
class _Outcome:
    ok: bool
    result: Any = None
    error: str | None = None


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
