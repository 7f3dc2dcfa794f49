"""The webhook endpoint (SPEC §16): Telegram POSTs each update to `telegram.webhook_url`, which
the operator's TLS proxy forwards to this server on `telegram.webhook_listen`.

Only the URL's path is served, POST only (405 otherwise, 404 for any other path). A request
without the right X-Telegram-Bot-Api-Secret-Token gets 403 and changes nothing. The JSON update
goes to the injected `accept(updates)` (the inbox writer); the answer is 200 once it returns.
If `accept` raises, the answer is 500 and Telegram delivers the update again. A body that is
not a JSON update (or is over MAX_BODY_BYTES) is logged and answered 200: a non-2xx would make
Telegram retry it forever. The server is waitress (pure Python, a small thread pool).
"""

from __future__ import annotations

import hmac
import json
import logging
import secrets
import string
import threading
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from waitress import wasyncore
from waitress.server import create_server

from wordbot.config import parse_listen

__all__ = ["SECRET_HEADER", "WebhookApp", "WebhookServer", "new_secret_token"]

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SECRET_ALPHABET = string.ascii_letters + string.digits + "_-"
SECRET_LENGTH = 32
MAX_BODY_BYTES = 1024 * 1024  # an update is a few kilobytes; Telegram's own cap is far lower
SERVER_THREADS = 4

Accept = Callable[[list[dict[str, Any]]], None]


def new_secret_token() -> str:
    """A fresh secret_token for setWebhook: 32 characters of A–Z a–z 0–9 _ - (new each start)."""
    return "".join(secrets.choice(SECRET_ALPHABET) for _ in range(SECRET_LENGTH))


class WebhookApp:
    """The WSGI application: checks path, method and secret, then hands the update on."""

    def __init__(self, webhook_url: str, secret_token: str, accept: Accept) -> None:
        self.path = urlsplit(webhook_url).path or "/"
        self._secret = secret_token.encode("utf-8")
        self._accept = accept

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "") != self.path:
            return _answer(start_response, "404 Not Found")
        if environ.get("REQUEST_METHOD") != "POST":
            return _answer(start_response, "405 Method Not Allowed", [("Allow", "POST")])
        given = environ.get("HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN", "").encode("utf-8", "replace")
        if not hmac.compare_digest(given, self._secret):
            return _answer(start_response, "403 Forbidden")
        update = _read_update(environ)
        if update is None:
            return _answer(start_response, "200 OK")
        try:
            self._accept([update])
        except Exception:
            log.exception(
                "webhook: update %s not accepted; Telegram will send it again",
                update.get("update_id"),
            )
            return _answer(start_response, "500 Internal Server Error")
        return _answer(start_response, "200 OK")


class WebhookServer:
    """`WebhookApp` (any WSGI app) served by waitress on `listen` ("host:port") in a thread."""

    def __init__(
        self, app: Callable[..., Iterable[bytes]], listen: str, threads: int = SERVER_THREADS
    ) -> None:
        self._app = app
        self._host, self._port = parse_listen(listen)
        self._threads = threads
        self._map: dict[int, Any] = {}
        self._server = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The port listened on (the one the OS chose for port 0)."""
        return int(self._server.effective_port) if self._server is not None else self._port

    def is_serving(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        self._server = create_server(
            self._app,
            map=self._map,
            host=self._host,
            port=self._port,
            threads=self._threads,
            max_request_body_size=MAX_BODY_BYTES,
            ident="wordbot",
        )
        self._thread = threading.Thread(target=self._server.run, name="webhook", daemon=True)
        self._thread.start()
        log.info("webhook server listening on %s:%d", self._host, self.port)

    def stop(self) -> None:
        """Stop listening, close open connections and the worker threads."""
        if self._server is None:
            return
        server, self._server = self._server, None
        # Sockets are closed in the server's own thread (a thunk run by its trigger), never
        # under its select(); the loop ends once its map is empty.
        server.trigger.pull_trigger(lambda: wasyncore.close_all(self._map))
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        server.task_dispatcher.shutdown(timeout=5)


def _read_update(environ: dict[str, Any]) -> dict[str, Any] | None:
    """The update in the body, or None (logged) when there is none to take."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = -1
    if not 0 < length <= MAX_BODY_BYTES:
        log.warning("webhook: dropped a body of unusable length %s", environ.get("CONTENT_LENGTH"))
        return None
    body = environ["wsgi.input"].read(length)
    try:
        update = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        log.warning("webhook: dropped a body that is not JSON (%d bytes)", len(body))
        return None
    if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
        log.warning("webhook: dropped JSON that is not an update (%d bytes)", len(body))
        return None
    return update


def _answer(
    start_response: Callable[..., Any], status: str, headers: list[tuple[str, str]] | None = None
) -> list[bytes]:
    start_response(status, [("Content-Length", "0"), *(headers or [])])
    return []
