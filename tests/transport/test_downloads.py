"""Bounded downloads (SPEC §7.6) against a hostile file endpoint on 127.0.0.1: streamed, with
connect and read timeouts, capped at the import limit whether or not a size is announced."""

from __future__ import annotations

import pytest
import requests
from telebot import apihelper
from telebot.apihelper import ApiHTTPException

from tests.support.file_server import MB, HostileFileServer
from wordbot.domain.pairs import MAX_IMPORT_BYTES
from wordbot.transport.bot_api import make_bot
from wordbot.transport.http_client import BotApiHttp, FileTooLarge
from wordbot.transport.sender import Sender

TOKEN = "123456:download-test-token"
SHORT_TIMEOUT = (2.0, 0.3)  # connect, read: the stall test waits out only this


@pytest.fixture
def server():
    with HostileFileServer() as running:
        yield running


@pytest.fixture
def http(server):
    return BotApiHttp(server.url)


def test_a_small_file_is_downloaded_whole(server, http):
    assert http.download(server.file_url(TOKEN, "small"), MAX_IMPORT_BYTES) == b"a,b\nc,d\n\n"


def test_headers_then_a_stall_ends_in_a_read_timeout(server, http):
    with pytest.raises(requests.ReadTimeout):
        http.download(server.file_url(TOKEN, "stall"), MAX_IMPORT_BYTES, SHORT_TIMEOUT)


def test_a_body_larger_than_announced_is_cut_at_the_announced_size(server, http):
    content = http.download(server.file_url(TOKEN, "more-than-announced"), MAX_IMPORT_BYTES)
    assert content == b"x" * 100


def test_an_announced_size_over_the_cap_is_refused_before_reading(server, http):
    with pytest.raises(FileTooLarge) as refused:
        http.download(server.file_url(TOKEN, "announced-too-large"), MAX_IMPORT_BYTES)
    assert refused.value.size == 6 * MB


def test_no_announced_size_and_30_mb_of_body_is_cut_at_the_cap(server, http):
    with pytest.raises(FileTooLarge) as refused:
        http.download(server.file_url(TOKEN, "unannounced-30mb"), MAX_IMPORT_BYTES)
    assert MAX_IMPORT_BYTES < refused.value.size <= MAX_IMPORT_BYTES + 64 * 1024
    server.release.wait(10)  # the server notices the hang-up
    assert server.bytes_sent["unannounced-30mb"] < 30 * MB


def test_a_whole_download_has_a_deadline_however_slowly_bytes_arrive(server, http):
    ticks = iter(range(0, 1000, 100))  # each look at the clock: 100 s later

    with pytest.raises(requests.ReadTimeout):
        http.download(
            server.file_url(TOKEN, "unannounced-30mb"),
            MAX_IMPORT_BYTES,
            deadline_seconds=150,
            monotonic=lambda: next(ticks),
        )


def test_a_missing_file_raises_the_librarys_http_error(server, http):
    with pytest.raises(ApiHTTPException) as failed:
        http.download(server.file_url(TOKEN, "missing"), MAX_IMPORT_BYTES)
    assert failed.value.result.status_code == 404


# --- through the Sender, as an import uses it ------------------------------------------------


@pytest.fixture
def sender(server):
    saved = (
        apihelper.API_URL,
        apihelper.FILE_URL,
        apihelper.CUSTOM_REQUEST_SENDER,
        apihelper.session,
    )
    bot = make_bot(TOKEN, server.url)
    yield Sender(
        bot, sleep=lambda seconds: None, retry_budget_seconds=1.0, download_timeout=SHORT_TIMEOUT
    )
    (
        apihelper.API_URL,
        apihelper.FILE_URL,
        apihelper.CUSTOM_REQUEST_SENDER,
        apihelper.session,
    ) = saved


def test_sender_download_refuses_30_mb_whose_size_getfile_understated(server, sender):
    with pytest.raises(FileTooLarge):
        sender.download("unannounced-30mb", MAX_IMPORT_BYTES)


def test_sender_download_of_a_stalled_file_gives_up_with_none(server, sender):
    assert sender.download("stall", MAX_IMPORT_BYTES) is None


def test_sender_download_of_a_small_file_returns_it(server, sender):
    assert sender.download("small", MAX_IMPORT_BYTES) == b"a,b\nc,d\n\n"
