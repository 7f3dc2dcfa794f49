"""pyTelegramBotAPI pointed at `telegram.api_url`: the one place the library is configured."""

from __future__ import annotations

import requests
from requests.adapters import HTTPAdapter
from telebot import TeleBot, apihelper

from wordbot.transport.http_client import BotApiHttp

__all__ = ["make_bot"]

CONNECT_TIMEOUT_SECONDS = 10
READ_TIMEOUT_SECONDS = 30
POOLED_CONNECTIONS = 64  # kept-alive connections to the Bot API, shared by every thread


def make_bot(token: str, api_url: str) -> TeleBot:
    """A non-threaded TeleBot (the bot owns its polling loop and threads, LIBRARY-NOTES) whose
    calls go over one shared urllib3 pool (http_client) and downloads over one shared session."""
    base = api_url.rstrip("/")
    apihelper.API_URL = base + "/bot{0}/{1}"
    apihelper.FILE_URL = base + "/file/bot{0}/{1}"
    apihelper.CONNECT_TIMEOUT = CONNECT_TIMEOUT_SECONDS
    apihelper.READ_TIMEOUT = READ_TIMEOUT_SECONDS
    apihelper.session = _shared_session(base)  # file downloads
    apihelper.CUSTOM_REQUEST_SENDER = BotApiHttp(base).request  # every API call
    return TeleBot(token, threaded=False, parse_mode=None)


def _shared_session(api_url: str) -> requests.Session:
    """One session for all threads instead of telebot's one per thread (a live actor holds no
    connection of its own); the environment's proxy and CA settings (HTTPS_PROXY, NO_PROXY,
    REQUESTS_CA_BUNDLE) are read once here, not by scanning the environment on every request."""
    session = requests.Session()
    settings = session.merge_environment_settings(api_url, {}, None, None, None)
    session.proxies = settings["proxies"]
    session.verify = settings["verify"]
    session.trust_env = False
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=POOLED_CONNECTIONS)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
