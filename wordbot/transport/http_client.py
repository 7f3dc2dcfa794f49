"""The HTTP layer under pyTelegramBotAPI: urllib3's connection pool, without requests' session.

pyTelegramBotAPI sends every Bot API call through a requests session, whose per-call machinery
(preparing the request, merging settings, hooks, cookies, adapters) costs about 0.5 ms of CPU —
more than the bot's own work for a grade, four times per grade. The library lets the request be
sent by a function of ours (`apihelper.CUSTOM_REQUEST_SENDER`); this one posts the same
parameters as a form over one shared urllib3 pool and raises requests' exceptions, so the
Sender's and the poller's error handling stay as they are.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3
from requests.utils import get_environ_proxies
from telebot.apihelper import ApiHTTPException
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
)

__all__ = ["BotApiHttp", "FileTooLarge"]

POOL_SIZE = 64  # kept-alive connections per host, shared by every thread
DOWNLOAD_TIMEOUT = (10.0, 30.0)  # connect, and read: the longest silence between two reads
DOWNLOAD_DEADLINE_SECONDS = 120.0  # a whole download, however slowly the bytes trickle in
_CHUNK_BYTES = 64 * 1024


class FileTooLarge(Exception):
    """The file is bigger than the caller accepts; at most that much of it was read."""

    def __init__(self, size: int) -> None:
        super().__init__(f"{size} bytes")
        self.size = size


class BotApiHttp:
    """Sends Bot API calls for pyTelegramBotAPI (`apihelper.CUSTOM_REQUEST_SENDER`)."""

    def __init__(self, api_url: str) -> None:
        """Proxy and CA settings are read from the environment once, here, as requests would
        read them per call (HTTPS_PROXY / NO_PROXY, REQUESTS_CA_BUNDLE)."""
        proxy = get_environ_proxies(api_url).get(urlsplit(api_url).scheme)
        tls = {
            "cert_reqs": "CERT_REQUIRED",
            "ca_certs": os.environ.get("REQUESTS_CA_BUNDLE") or requests.certs.where(),
        }
        if proxy:
            self._pool = urllib3.ProxyManager(proxy, maxsize=POOL_SIZE, **tls)
        else:
            self._pool = urllib3.PoolManager(maxsize=POOL_SIZE, **tls)

    def request(
        self,
        method: str,
        url: str,
        params: dict[str, Any] | None = None,
        files: dict[str, Any] | None = None,
        timeout: tuple[float, float] = (10, 30),
        proxies: Any = None,
    ) -> _Response:
        fields = {  # None means "not given", as requests treats it
            name: _field(value) for name, value in (params or {}).items() if value is not None
        }
        for name, value in (files or {}).items():
            fields[name] = _file(name, value)
        method = method.upper()
        options: dict[str, Any] = {
            "timeout": urllib3.Timeout(connect=timeout[0], read=timeout[1]),
            "retries": False,
            "redirect": False,
        }
        if method != "GET":  # a form body: urlencoded, or multipart with files
            options["encode_multipart"] = bool(files)
        try:
            response = self._pool.request(method, url, fields=fields or None, **options)
        except (ConnectTimeoutError, NewConnectionError) as error:
            raise requests.ConnectionError(error) from error
        except ReadTimeoutError as error:
            raise requests.ReadTimeout(error) from error
        except ProtocolError as error:  # the connection dropped mid-call
            raise requests.ConnectionError(error) from error
        except HTTPError as error:
            raise requests.RequestException(error) from error
        return _Response(response.status, response.reason or "", response.data)

    def download(
        self,
        url: str,
        max_bytes: int,
        timeout: tuple[float, float] = DOWNLOAD_TIMEOUT,
        deadline_seconds: float = DOWNLOAD_DEADLINE_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> bytes:
        """A file's bytes, streamed (SPEC §7.6). FileTooLarge as soon as it is known to be over
        `max_bytes`: from Content-Length before any is read, else once more than that has
        arrived, with or without a size announced. More bytes than Content-Length announced
        are never read. Errors are requests' (timeouts, a dropped connection) or
        ApiHTTPException for a non-200 answer, as pyTelegramBotAPI's own download raises."""
        try:
            response = self._pool.request(
                "GET",
                url,
                preload_content=False,
                timeout=urllib3.Timeout(connect=timeout[0], read=timeout[1]),
                retries=False,
                redirect=False,
            )
        except (ConnectTimeoutError, NewConnectionError) as error:
            raise requests.ConnectionError(error) from error
        except ReadTimeoutError as error:
            raise requests.ReadTimeout(error) from error
        except HTTPError as error:
            raise requests.ConnectionError(error) from error
        try:
            return _read_bounded(response, max_bytes, monotonic() + deadline_seconds, monotonic)
        except ReadTimeoutError as error:
            raise requests.ReadTimeout(error) from error
        except HTTPError as error:  # cut short, or more than announced on a closed connection
            raise requests.ConnectionError(error) from error
        finally:
            response.close()  # an unread rest is dropped with its connection, never drained
            response.release_conn()


def _read_bounded(
    response: urllib3.BaseHTTPResponse,
    max_bytes: int,
    deadline: float,
    monotonic: Callable[[], float],
) -> bytes:
    if response.status != 200:
        body = response.read(_CHUNK_BYTES)
        raise ApiHTTPException(
            "Download file", _Response(response.status, response.reason or "", body)
        )
    announced = response.headers.get("Content-Length", "")
    if announced.isdigit() and int(announced) > max_bytes:
        raise FileTooLarge(int(announced))
    chunks: list[bytes] = []
    size = 0
    for chunk in response.stream(_CHUNK_BYTES):
        size += len(chunk)
        if size > max_bytes:
            raise FileTooLarge(size)
        if monotonic() > deadline:
            raise requests.ReadTimeout(f"download took longer than its deadline ({size} bytes)")
        chunks.append(chunk)
    return b"".join(chunks)


class _Response:
    """What pyTelegramBotAPI reads of a response: status, reason, text and JSON."""

    __slots__ = ("content", "reason", "status_code")

    def __init__(self, status_code: int, reason: str, content: bytes) -> None:
        self.status_code = status_code
        self.reason = reason
        self.content = content

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.content)


def _field(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def _file(name: str, value: Any) -> tuple[str, bytes]:
    """A file part: pyTelegramBotAPI gives (file name, bytes or file object) or bare content."""
    file_name, content = value if isinstance(value, tuple) else (name, value)
    if hasattr(content, "read"):
        content = content.read()
    if isinstance(content, str):
        content = content.encode()
    return file_name, content
