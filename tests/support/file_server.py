"""A hostile file endpoint on 127.0.0.1 for download tests: it stalls, lies about sizes and
streams more than anyone should accept. Started and stopped by the test (a context manager)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

__all__ = ["HostileFileServer"]

MB = 1024 * 1024
_CHUNK = b"x" * (64 * 1024)


class HostileFileServer:
    """Serves `/file/bot<token>/<behaviour>` and a getFile that announces `file_size`.

    Behaviours: `small` (10 bytes, announced), `stall` (headers and 10 of 1000 announced bytes,
    then nothing until the server stops), `more-than-announced` (announces 100 bytes, sends
    2 MB), `announced-too-large` (announces 6 MB), `unannounced-30mb` (no size, 30 MB),
    `missing` (404)."""

    def __init__(self, file_size: int = 10) -> None:
        self.release = threading.Event()
        self.bytes_sent: dict[str, int] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802 (the standard library's name)
                behaviour = self.path.rsplit("/", 1)[-1].split("?", 1)[0]
                if "/getFile" in self.path:
                    return self._json(
                        {"file_id": "f", "file_unique_id": "u", "file_size": file_size}
                    )
                self._behaviour(behaviour)

            do_POST = do_GET  # noqa: N815

            def _json(self, result):
                file_path = self.path.rsplit("file_id=", 1)[-1].split("&", 1)[0]
                body = json.dumps({"ok": True, "result": {**result, "file_path": file_path}})
                self._send(200, body.encode(), {"Content-Type": "application/json"})

            def _behaviour(self, behaviour):
                if behaviour == "small":
                    self._send(200, b"a,b\nc,d\n\n", {})
                elif behaviour == "stall":
                    self._head(200, {"Content-Length": "1000"})
                    self._write(behaviour, b"0123456789")
                    server.release.wait(30)
                elif behaviour == "more-than-announced":
                    self._head(200, {"Content-Length": "100"})
                    self._stream(behaviour, 2 * MB)
                elif behaviour == "announced-too-large":
                    self._head(200, {"Content-Length": str(6 * MB)})
                    self._stream(behaviour, 6 * MB)
                elif behaviour == "unannounced-30mb":
                    self._head(200, {"Connection": "close"})
                    self._stream(behaviour, 30 * MB)
                else:
                    self._send(404, b'{"ok":false,"error_code":404}', {})

            def _send(self, status, body, headers):
                self._head(status, {**headers, "Content-Length": str(len(body))})
                self.wfile.write(body)

            def _head(self, status, headers):
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()

            def _stream(self, behaviour, total):
                sent = 0
                while sent < total and not server.release.is_set():
                    self._write(behaviour, _CHUNK)
                    sent += len(_CHUNK)
                self.close_connection = True

            def _write(self, behaviour, data):
                try:
                    self.wfile.write(data)
                    self.wfile.flush()
                except OSError:  # the client hung up: what the test wants to see
                    server.release.set()
                    return
                server.bytes_sent[behaviour] = server.bytes_sent.get(behaviour, 0) + len(data)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def file_url(self, token: str, behaviour: str) -> str:
        return f"{self.url}/file/bot{token}/{behaviour}"

    def __enter__(self) -> HostileFileServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
