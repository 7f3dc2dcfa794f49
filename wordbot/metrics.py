"""Prometheus metrics (SPEC §16): one registry of the bot's own (never the library's global
default), names prefixed `wordbot_`, served at /metrics on `metrics.listen` when it is set.

Labels hold only fixed vocabularies: Bot API method names, call outcomes, grade ratings. No
user id, chat id, text or token ever becomes a label. Depths and live actors are gauges read
by a callback at scrape time, so nothing has to keep them up to date.

Bot API call outcomes: `ok`; `failed` (Telegram refused it: a 4xx, or a 429 left owed);
`dropped` (faults retried until the retry budget was spent). Every 429 is counted in
`wordbot_bot_api_throttled_total`, every retry after a fault or a 429 in
`wordbot_bot_api_retries_total`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server

from wordbot.config import parse_listen

__all__ = ["CALL_OUTCOMES", "Metrics", "MetricsServer"]

log = logging.getLogger(__name__)

CALL_OUTCOMES = ("ok", "failed", "dropped")
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    """Every metric the bot exposes, on a registry of its own (`registry`)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry if registry is not None else CollectorRegistry()
        r = self.registry
        self.updates_received = Counter(
            "wordbot_updates_received", "Updates taken from Telegram into the inbox", registry=r
        )
        self.updates_handled = Counter(
            "wordbot_updates_handled", "Updates handled and removed from the inbox", registry=r
        )
        self.handling_seconds = Histogram(
            "wordbot_update_handling_seconds",
            "Time from an update's arrival to its handling being applied",
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.bot_api_calls = Counter(
            "wordbot_bot_api_calls",
            "Bot API calls by method and outcome (ok, failed, dropped)",
            ["method", "outcome"],
            registry=r,
        )
        self.bot_api_throttled = Counter(
            "wordbot_bot_api_throttled", "429 Too Many Requests answers", ["method"], registry=r
        )
        self.bot_api_retries = Counter(
            "wordbot_bot_api_retries", "Bot API calls tried again", ["method"], registry=r
        )
        self.inbox_depth = Gauge("wordbot_inbox_depth", "Updates in the inbox", registry=r)
        self.outbox_depth = Gauge("wordbot_outbox_depth", "Messages owed in the outbox", registry=r)
        self.live_actors = Gauge("wordbot_live_actors", "Live user session actors", registry=r)
        self.reminders_sent = Counter(
            "wordbot_reminders_sent", "Reminder sessions started", registry=r
        )
        self.paid_broadcasts = Counter(
            "wordbot_paid_broadcasts",
            "Messages sent with allow_paid_broadcast (0.1 Telegram Star each)",
            registry=r,
        )
        self.grades = Counter("wordbot_grades", "Grades given, by rating", ["rating"], registry=r)

    def bot_api_call(self, method: str, outcome: str) -> None:
        self.bot_api_calls.labels(method=method, outcome=outcome).inc()

    def throttled(self, method: str) -> None:
        self.bot_api_throttled.labels(method=method).inc()

    def retried(self, method: str) -> None:
        self.bot_api_retries.labels(method=method).inc()

    def update_handled(self, seconds: float) -> None:
        """One update handled, `seconds` after it arrived."""
        self.updates_handled.inc()
        self.handling_seconds.observe(seconds)

    def graded(self, rating: str) -> None:
        self.grades.labels(rating=rating).inc()

    def read_depths(
        self,
        inbox: Callable[[], float],
        outbox: Callable[[], float],
        live_actors: Callable[[], float],
    ) -> None:
        """Gauges read at scrape time; each callback must be quick and must not raise."""
        self.inbox_depth.set_function(inbox)
        self.outbox_depth.set_function(outbox)
        self.live_actors.set_function(live_actors)


class MetricsServer:
    """prometheus-client's WSGI server for `metrics.listen` ("host:port") in a daemon thread."""

    def __init__(self, metrics: Metrics, listen: str) -> None:
        self._metrics = metrics
        self._host, self._port = parse_listen(listen)
        self._server = None
        self._thread = None

    @property
    def port(self) -> int:
        """The port listened on (the one the OS chose for port 0)."""
        return self._server.server_address[1] if self._server is not None else self._port

    def start(self) -> None:
        self._server, self._thread = start_http_server(
            self._port, addr=self._host, registry=self._metrics.registry
        )
        log.info("metrics at http://%s:%d/metrics", self._host, self.port)

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = self._thread = None
