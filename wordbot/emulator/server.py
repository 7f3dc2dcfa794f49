"""The HTTP layer: routes `/bot{token}/{method}` and `/file/bot{token}/{path}` to the emulator.

Standard library only (ThreadingHTTPServer, HTTP/1.1 keep-alive, daemon threads). Request
lines up to MAX_REQUEST_LINE bytes are accepted, because pyTelegramBotAPI puts every parameter,
a 4096-character text included, into the URL. An outage closes the listening socket and every
open connection (clients see "connection refused"/"reset"); `resume()` binds the same port again.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import socket
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from wordbot.emulator.errors import ApiError, ConnectionDropped
from wordbot.emulator.params import UploadedFile, merge_params

__all__ = ["MAX_REQUEST_LINE", "MAX_UPLOAD_BYTES", "HttpListener", "RequestTarget"]

log = logging.getLogger(__name__)

MAX_REQUEST_LINE = 4 * 1024 * 1024
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
_API_PATH = re.compile(r"/bot(?P<token>[^/]+)/(?P<method>[^/]*)/?")
_FILE_PATH = re.compile(r"/file/bot(?P<token>[^/]+)/(?P<path>.+)")


class RequestTarget(Protocol):
    """What the HTTP layer serves: the token, the API calls and the stored files."""

    token: str

    def handle(
        self, method: str, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> tuple[int, dict[str, Any]]: ...

    def file_bytes(self, file_path: str) -> bytes | None: ...

    def refusing(self) -> bool: ...


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out at once, no 40 ms delayed-ACK stall
    server: _Server

    def handle_one_request(self) -> None:
        """BaseHTTPRequestHandler's, with a request-line limit of MAX_REQUEST_LINE, not 64 KiB."""
        try:
            self.raw_requestline = self.rfile.readline(MAX_REQUEST_LINE + 1)
            if len(self.raw_requestline) > MAX_REQUEST_LINE:
                self.requestline = self.request_version = self.command = ""
                self.send_error(HTTPStatus.REQUEST_URI_TOO_LONG)
                return
            if not self.raw_requestline:
                self.close_connection = True
                return
            if not self.parse_request():
                return
            if self.command not in ("GET", "POST"):
                self.send_error(HTTPStatus.METHOD_NOT_ALLOWED)
                return
            self._serve()
            self.wfile.flush()
        except (TimeoutError, ConnectionError, OSError) as error:
            log.debug("emulator connection ended: %s", error)
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base signature
        log.debug("emulator %s - %s", self.address_string(), format % args)

    def _serve(self) -> None:
        target = self.server.target
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_UPLOAD_BYTES:
            self.close_connection = True
            self._send_json(
                413, {"ok": False, "error_code": 413, "description": "Request Entity Too Large"}
            )
            return
        body = self.rfile.read(length) if length else b""
        if target.refusing():
            self._drop()
            return
        url = urlsplit(self.path)
        path = unquote(url.path)
        file_match = _FILE_PATH.fullmatch(path)
        api_match = _API_PATH.fullmatch(path)
        if file_match and self.command == "GET":
            self._serve_file(target, file_match["token"], file_match["path"])
            return
        if api_match is None:
            self._send_json(404, ApiError(404, "Not Found").payload())
            return
        if api_match["token"] != target.token:
            self._send_json(401, ApiError(401, "Unauthorized").payload())
            return
        try:
            params, files = merge_params(url.query, self.headers.get("Content-Type"), body)
            status, payload = target.handle(api_match["method"], params, files)
        except ApiError as error:
            status, payload = error.status, error.payload()
        except ConnectionDropped:
            self._drop()
            return
        self._send_json(status, payload)

    def _serve_file(self, target: RequestTarget, token: str, file_path: str) -> None:
        if token != target.token:
            self._send_json(401, ApiError(401, "Unauthorized").payload())
            return
        data = target.file_bytes(file_path)
        if data is None:
            self._send_json(404, ApiError(404, "Not Found").payload())
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _send_json(self, status: int, payload: dict[str, Any]) -> None:
        try:
            body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate (a hostile test's): as a \u escape
            body = json.dumps(payload).encode("ascii")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _drop(self) -> None:
        """End the exchange with no answer at all, as an unreachable server would."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], target: RequestTarget) -> None:
        self.target = target
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def drop_connections(self) -> None:
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class HttpListener:
    """Owns the listening socket and its serving thread; suspend/resume keep the same port."""

    def __init__(self, target: RequestTarget, host: str, port: int) -> None:
        self._target = target
        self.host = host
        self.port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> None:
        with self._lock:
            if self._server is not None:
                return
            server = _Server((self.host, self.port), self._target)
            self.port = server.server_address[1]
            self._server = server
            self._thread = threading.Thread(
                target=_serve_forever(server), name=f"bot-api-emulator:{self.port}", daemon=True
            )
            self._thread.start()

    def suspend(self) -> None:
        """Stop accepting, close the listening socket and every open connection."""
        with self._lock:
            server, thread = self._server, self._thread
            self._server = self._thread = None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        server.drop_connections()
        if thread is not None:
            thread.join(timeout=5)

    def resume(self) -> None:
        self.start()

    def stop(self) -> None:
        self.suspend()


def _serve_forever(server: _Server) -> Callable[[], None]:
    def run() -> None:
        server.serve_forever(poll_interval=0.05)

    return run
