"""The fault-injection TCP proxy itself: forwards both ways, cuts open connections, refuses new ones."""

from __future__ import annotations

import contextlib
import socket
import threading

import pytest

from tests.support.tcp_proxy import TcpProxy

WAIT = 5.0


@pytest.fixture
def echo_server():
    """A threaded echo server on a free port; yields its port."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    stopping = threading.Event()
    clients: list[socket.socket] = []

    def echo(conn: socket.socket) -> None:
        with conn, contextlib.suppress(OSError):
            while data := conn.recv(4096):
                conn.sendall(data)

    def serve() -> None:
        while not stopping.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            clients.append(conn)
            threading.Thread(target=echo, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stopping.set()
    thread.join(timeout=5)
    listener.close()
    for conn in clients:
        with contextlib.suppress(OSError):
            conn.shutdown(socket.SHUT_RDWR)


@pytest.fixture
def proxy(echo_server):
    with TcpProxy("127.0.0.1", echo_server) as running:
        yield running


def connect(proxy: TcpProxy) -> socket.socket:
    return socket.create_connection((proxy.host, proxy.port), timeout=WAIT)


def round_trip(sock: socket.socket, payload: bytes) -> bytes:
    sock.sendall(payload)
    received = b""
    while len(received) < len(payload):
        chunk = sock.recv(65536)
        if not chunk:
            break
        received += chunk
    return received


def is_cut(sock: socket.socket) -> bool:
    """True when the other end is gone: EOF or a reset, seen within WAIT (a socket that
    stays open raises TimeoutError and fails the test)."""
    try:
        sock.sendall(b"x")
        return sock.recv(1) == b""
    except (ConnectionResetError, BrokenPipeError):
        return True


def is_refused(proxy: TcpProxy) -> bool:
    """A new connection is reset: while connecting (the reset can beat connect()) or right after."""
    try:
        sock = connect(proxy)
    except ConnectionResetError:
        return True
    with sock:
        return is_cut(sock)


def test_bytes_go_both_ways_through_the_proxy(proxy):
    with connect(proxy) as sock:
        assert round_trip(sock, b"hello") == b"hello"
        big = bytes(range(256)) * 2000  # larger than one chunk
        assert round_trip(sock, big) == big
    assert proxy.accepted == 1


def test_break_cuts_open_connections_at_once_and_new_ones_work(proxy):
    first, second = connect(proxy), connect(proxy)
    with first, second:
        assert round_trip(first, b"a") == b"a"
        assert round_trip(second, b"b") == b"b"
        proxy.break_connections()
        assert is_cut(first) and is_cut(second)  # within the sockets' WAIT timeout
    with connect(proxy) as third:
        assert round_trip(third, b"again") == b"again"


def test_refusing_resets_new_connections_until_allowed_again(proxy):
    with connect(proxy) as kept:
        assert round_trip(kept, b"up") == b"up"  # accepted and forwarded before refusing
        proxy.refuse(True)
        assert is_refused(proxy)  # within the socket's WAIT timeout
        assert proxy.refused == 1
        assert round_trip(kept, b"still") == b"still"  # refusing alone keeps open ones
        proxy.refuse(False)
        with connect(proxy) as allowed:
            assert round_trip(allowed, b"back") == b"back"


def test_after_stop_the_port_is_closed(echo_server):
    proxy = TcpProxy("127.0.0.1", echo_server).start()
    sock = connect(proxy)
    proxy.stop()
    with sock:
        assert is_cut(sock)
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((proxy.host, proxy.port), timeout=WAIT).close()
