"""make_bot: one HTTP session for every thread, the environment's proxy settings read once."""

from __future__ import annotations

import threading

from telebot import apihelper

from tests.support.emulator_fixtures import TEST_TOKEN
from wordbot.transport.bot_api import make_bot


def test_every_thread_uses_the_one_session(emulator):
    make_bot("1:x", emulator.url)
    seen = []
    threads = [
        threading.Thread(target=lambda: seen.append(apihelper._get_req_session())) for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(session) for session in seen}) == 1
    assert seen[0] is apihelper.session


def test_proxy_settings_come_from_the_environment_once(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.invalid:3128")
    monkeypatch.setenv("NO_PROXY", "")
    make_bot("1:x", "https://api.telegram.org")
    session = apihelper.session
    assert session.proxies.get("https") == "http://proxy.invalid:3128"
    assert session.trust_env is False  # requests no longer scans the environment per call
    monkeypatch.delenv("HTTPS_PROXY")
    assert session.proxies.get("https") == "http://proxy.invalid:3128"


def test_a_local_api_url_is_not_proxied(monkeypatch, emulator):
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.invalid:3128")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    bot = make_bot(TEST_TOKEN, emulator.url)
    assert apihelper.session.proxies == {}
    assert bot.get_me().is_bot  # reached the emulator directly
