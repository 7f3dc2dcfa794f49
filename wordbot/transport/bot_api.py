"""pyTelegramBotAPI pointed at `telegram.api_url`: the one place the library is configured."""

from __future__ import annotations

from telebot import TeleBot, apihelper

__all__ = ["make_bot"]

CONNECT_TIMEOUT_SECONDS = 10
READ_TIMEOUT_SECONDS = 30


def make_bot(token: str, api_url: str) -> TeleBot:
    """A non-threaded TeleBot: the bot owns its polling loop and threads (LIBRARY-NOTES)."""
    base = api_url.rstrip("/")
    apihelper.API_URL = base + "/bot{0}/{1}"
    apihelper.FILE_URL = base + "/file/bot{0}/{1}"
    apihelper.CONNECT_TIMEOUT = CONNECT_TIMEOUT_SECONDS
    apihelper.READ_TIMEOUT = READ_TIMEOUT_SECONDS
    return TeleBot(token, threaded=False, parse_mode=None)
