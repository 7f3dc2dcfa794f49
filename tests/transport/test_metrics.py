"""/metrics scraped over HTTP while the Sender talks to the emulator (SPEC §16)."""

from __future__ import annotations

import urllib.request

import pytest
from prometheus_client.parser import text_string_to_metric_families
from telebot import apihelper

from tests.support.emulator_fixtures import TEST_TOKEN
from wordbot.effects import AnswerCallback, SendText
from wordbot.metrics import Metrics, MetricsServer
from wordbot.transport.bot_api import make_bot
from wordbot.transport.sender import Sender

CHAT = 4004


@pytest.fixture
def metrics():
    metrics = Metrics()
    server = MetricsServer(metrics, "127.0.0.1:0")
    server.start()
    metrics.url = f"http://127.0.0.1:{server.port}/metrics"
    yield metrics
    server.stop()


@pytest.fixture
def sender(emulator, metrics):
    saved = apihelper.API_URL, apihelper.FILE_URL, apihelper.CUSTOM_REQUEST_SENDER
    emulator.private_chat(user_id=CHAT)
    yield Sender(make_bot(TEST_TOKEN, emulator.url), sleep=lambda s: None, metrics=metrics)
    apihelper.API_URL, apihelper.FILE_URL, apihelper.CUSTOM_REQUEST_SENDER = saved


def _scrape(url: str) -> dict[tuple[str, tuple], float]:
    with urllib.request.urlopen(url, timeout=5) as response:
        assert response.status == 200
        text = response.read().decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def _calls(method: str, outcome: str):
    return ("wordbot_bot_api_calls_total", (("method", method), ("outcome", outcome)))


def test_bot_api_calls_429s_and_retries_move_on_the_scraped_page(emulator, sender, metrics):
    before = _scrape(metrics.url)
    emulator.inject_faults(method="sendMessage", status=429, count=2, retry_after=3)
    emulator.inject_faults(method="answerCallbackQuery", status=400, count=1)

    assert sender.perform(SendText(CHAT, "hello")).ok
    assert sender.perform(SendText(CHAT, "again")).ok
    assert not sender.perform(AnswerCallback("q", None)).ok

    after = _scrape(metrics.url)
    assert _calls("sendMessage", "ok") not in before
    assert after[_calls("sendMessage", "ok")] == 2
    assert after[_calls("answerCallbackQuery", "failed")] == 1
    assert after[("wordbot_bot_api_throttled_total", (("method", "sendMessage"),))] == 2
    assert after[("wordbot_bot_api_retries_total", (("method", "sendMessage"),))] == 2


def test_a_call_dropped_after_faults_is_counted_as_dropped(emulator, sender, metrics):
    emulator.inject_faults(method="sendMessage", status=500, count=50)

    assert not sender.perform(SendText(CHAT, "never")).ok

    after = _scrape(metrics.url)
    assert after[_calls("sendMessage", "dropped")] == 1
    assert after[("wordbot_bot_api_retries_total", (("method", "sendMessage"),))] >= 6


def test_gauges_are_read_at_scrape_time_and_counters_start_at_zero(metrics):
    depth = {"inbox": 3, "outbox": 1}
    metrics.read_depths(lambda: depth["inbox"], lambda: depth["outbox"], lambda: 7)
    metrics.updates_received.inc(5)
    metrics.update_handled(0.02)
    metrics.graded("good")
    metrics.reminders_sent.inc()

    first = _scrape(metrics.url)
    depth["inbox"] = 0
    second = _scrape(metrics.url)

    assert first[("wordbot_inbox_depth", ())] == 3
    assert second[("wordbot_inbox_depth", ())] == 0
    assert second[("wordbot_outbox_depth", ())] == 1
    assert second[("wordbot_live_actors", ())] == 7
    assert second[("wordbot_updates_received_total", ())] == 5
    assert second[("wordbot_updates_handled_total", ())] == 1
    assert second[("wordbot_update_handling_seconds_count", ())] == 1
    assert second[("wordbot_grades_total", (("rating", "good"),))] == 1
    assert second[("wordbot_reminders_sent_total", ())] == 1


def test_every_metric_is_named_wordbot_and_labels_hold_no_user_data(emulator, sender, metrics):
    sender.perform(SendText(CHAT, "hello"))
    names = {name for name, _ in _scrape(metrics.url)}
    labels = {key for _, pairs in _scrape(metrics.url) for key, _ in pairs}
    assert all(name.startswith("wordbot_") for name in names)
    assert labels <= {"method", "outcome", "rating", "le"}
    assert TEST_TOKEN not in urllib.request.urlopen(metrics.url, timeout=5).read().decode()
