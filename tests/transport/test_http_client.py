"""The urllib3 sender under pyTelegramBotAPI: form and multipart calls, requests' exceptions."""

from __future__ import annotations

import socket

import pytest
import requests
import urllib3

from tests.support.emulator_fixtures import TEST_TOKEN
from wordbot.transport.http_client import BotApiHttp


def call(client: BotApiHttp, base: str, method: str, http="post", **kwargs):
    return client.request(http, f"{base}/bot{TEST_TOKEN}/{method}", **kwargs)


def test_a_form_call_reaches_the_emulator_and_its_json_comes_back(emulator):
    client = BotApiHttp(emulator.url)
    chat = emulator.private_chat(user_id=5)
    response = call(client, emulator.url, "sendMessage", params={"chat_id": 5, "text": "héllo"})
    assert response.status_code == 200
    assert response.json()["result"]["text"] == "héllo"
    assert chat.last_bot_message().text == "héllo"


def test_get_parameters_go_in_the_query_string(emulator):
    response = call(
        BotApiHttp(emulator.url),
        emulator.url,
        "getUpdates",
        http="get",
        params={"timeout": 0, "limit": 5},
    )
    assert response.json() == {"ok": True, "result": []}


def test_an_error_keeps_its_status_reason_and_description(emulator):
    response = call(BotApiHttp(emulator.url), emulator.url, "sendMessage", params={"text": "x"})
    assert (response.status_code, response.reason) == (400, "Bad Request")
    assert "chat" in response.json()["description"]


def test_a_file_goes_as_multipart_with_its_name_and_bytes(emulator):
    emulator.private_chat(user_id=5)
    response = call(
        BotApiHttp(emulator.url),
        emulator.url,
        "sendDocument",
        params={"chat_id": 5},
        files={"document": ("words.csv", b"a,b\r\n")},
    )
    document = response.json()["result"]["document"]
    assert document["file_name"] == "words.csv"
    assert emulator.document_bytes(document["file_id"]) == b"a,b\r\n"


def test_a_refused_connection_raises_requests_connection_error():
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    with pytest.raises(requests.ConnectionError):
        call(BotApiHttp(base), base, "getMe", http="get")


def test_a_silent_server_raises_requests_read_timeout():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        base = f"http://127.0.0.1:{server.getsockname()[1]}"
        with pytest.raises(requests.ReadTimeout):
            call(BotApiHttp(base), base, "getMe", http="get", timeout=(1, 0.2))


def test_a_proxy_from_the_environment_is_used(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.invalid:3128")
    monkeypatch.setenv("NO_PROXY", "")
    client = BotApiHttp("https://api.telegram.org")
    assert isinstance(client._pool, urllib3.ProxyManager)
    assert client._pool.proxy.host == "proxy.invalid"


def test_a_parameter_given_as_none_is_left_out_as_requests_does(emulator):
    emulator.private_chat(user_id=5)
    response = call(
        BotApiHttp(emulator.url),
        emulator.url,
        "sendMessage",
        params={"chat_id": 5, "text": "hi", "parse_mode": None, "reply_markup": None},
    )
    assert response.status_code == 200  # "None" would be an unknown parse mode
