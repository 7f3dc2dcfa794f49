"""A threaded TCP proxy on 127.0.0.1 that tests can cut, as if the server behind it crashed."""

from __future__ import annotations

import contextlib
import selectors
import socket
import struct
import threading

__all__ = ["TcpProxy"]

_CHUNK = 65536
_ACCEPT_POLL_SECONDS = 0.1
_CONNECT_TIMEOUT_SECONDS = 5.0


class TcpProxy:
    """Forwards every connection to `target_host:target_port` through a free local port.

    `break_connections()` cuts all open connections at once; `refuse(True)` makes new ones
    fail at once (accepted and reset), so a client sees the server gone rather than a hang.
    """

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.host = "127.0.0.1"
        self.port = 0
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._acceptor: threading.Thread | None = None
        self._stopping = threading.Event()
        self._refusing = False
        self._links: set[_Link] = set()
        self._accepted = 0
        self._refused = 0

    def __enter__(self) -> TcpProxy:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def accepted(self) -> int:
        """How many client connections were accepted and forwarded so far."""
        with self._lock:
            return self._accepted

    @property
    def refused(self) -> int:
        """How many client connections were reset because the proxy was refusing."""
        with self._lock:
            return self._refused

    @property
    def open_connections(self) -> int:
        with self._lock:
            return len(self._links)

    def start(self) -> TcpProxy:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.host, 0))
        listener.listen(64)
        listener.settimeout(_ACCEPT_POLL_SECONDS)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._stopping.clear()
        self._acceptor = threading.Thread(
            target=self._accept_loop, name=f"tcp-proxy-{self.port}", daemon=True
        )
        self._acceptor.start()
        return self

    def stop(self) -> None:
        """Stop accepting, cut every connection, and wait for the threads to end."""
        self._stopping.set()
        if self._acceptor is not None:
            self._acceptor.join(timeout=5)
            self._acceptor = None
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        threads = self.break_connections()
        for thread in threads:
            thread.join(timeout=5)

    def refuse(self, refusing: bool = True) -> None:
        """While refusing, a new connection is accepted and reset at once."""
        with self._lock:
            self._refusing = refusing

    def break_connections(self) -> list[threading.Thread]:
        """Cut every open client and upstream connection at once, like a server crash."""
        with self._lock:
            links = list(self._links)
            self._links.clear()
        for link in links:
            link.cut()
        return [link.thread for link in links]

    def _accept_loop(self) -> None:
        assert self._listener is not None
        while not self._stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                refusing = self._refusing
                self._refused += refusing
            if refusing or self._stopping.is_set():
                _reset(client)
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=_CONNECT_TIMEOUT_SECONDS)
            except OSError:
                _reset(client)
                continue
            with self._lock:
                if self._refusing:  # refused while connecting upstream
                    self._refused += 1
                    _reset(client)
                    _reset(upstream)
                    continue
                link = _Link(client, upstream, self._forget)
                self._links.add(link)
                self._accepted += 1
                link.thread.start()  # under the lock: break_connections() sees only started links

    def _forget(self, link: _Link) -> None:
        with self._lock:
            self._links.discard(link)


class _Link:
    """One client connection and its upstream, pumped both ways by one thread."""

    def __init__(self, client: socket.socket, upstream: socket.socket, on_end) -> None:
        self.client = client
        self.upstream = upstream
        self._on_end = on_end
        self._cut = threading.Event()
        for sock in (client, upstream):
            sock.settimeout(None)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.thread = threading.Thread(target=self._pump, name="tcp-proxy-link", daemon=True)

    def cut(self) -> None:
        """Shut both sockets down now; the pump thread notices and closes them."""
        self._cut.set()
        for sock in (self.client, self.upstream):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def _pump(self) -> None:
        peer = {self.client: self.upstream, self.upstream: self.client}
        try:
            with selectors.DefaultSelector() as selector:
                for sock in peer:
                    selector.register(sock, selectors.EVENT_READ)
                while not self._cut.is_set():
                    for key, _ in selector.select(timeout=1.0):
                        data = key.fileobj.recv(_CHUNK)
                        if not data or self._cut.is_set():
                            return
                        peer[key.fileobj].sendall(data)
        except OSError:
            return
        finally:
            self._close()
            self._on_end(self)

    def _close(self) -> None:
        for sock in (self.client, self.upstream):
            if self._cut.is_set():
                _reset(sock)
            else:
                sock.close()


def _reset(sock: socket.socket) -> None:
    """Close with an RST instead of a FIN: the peer learns at once that the other end is gone."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()
