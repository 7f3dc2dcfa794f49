"""systemd notify over a real datagram socket (SPEC §16)."""

from __future__ import annotations

import os
import socket
import uuid

import pytest

from wordbot import systemd


@pytest.fixture
def notify_socket(tmp_path):
    """A datagram socket standing in for systemd's; yields (NOTIFY_SOCKET value, socket)."""
    path = tmp_path / "notify"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(str(path))
        sock.settimeout(5)
        yield str(path), sock


def _received(sock) -> str:
    return sock.recv(4096).decode()


def test_ready_watchdog_and_stopping_reach_the_notify_socket(notify_socket):
    address, sock = notify_socket
    environ = {"NOTIFY_SOCKET": address, "WATCHDOG_USEC": "30000000"}

    assert systemd.ready(environ)
    assert systemd.watchdog(environ)
    assert systemd.stopping(environ)

    assert [_received(sock) for _ in range(3)] == ["READY=1", "WATCHDOG=1", "STOPPING=1"]


def test_an_abstract_namespace_socket_is_reached_through_its_at_sign():
    name = f"wordbot-test-{uuid.uuid4().hex}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind("\0" + name)
        sock.settimeout(5)

        assert systemd.ready({"NOTIFY_SOCKET": "@" + name})

        assert _received(sock) == "READY=1"


def test_the_process_environment_is_read_when_none_is_given(notify_socket, monkeypatch):
    address, sock = notify_socket
    monkeypatch.setenv("NOTIFY_SOCKET", address)

    assert systemd.notify("STATUS=polling")

    assert _received(sock) == "STATUS=polling"


@pytest.mark.parametrize(
    "environ",
    [{}, {"NOTIFY_SOCKET": ""}, {"NOTIFY_SOCKET": "vsock:2:1234"}],
    ids=["unset", "empty", "unsupported"],
)
def test_without_a_notify_socket_nothing_is_sent_and_nothing_fails(environ):
    assert systemd.ready(environ) is False
    assert systemd.stopping(environ) is False
    assert systemd.watchdog({**environ, "WATCHDOG_USEC": "1000000"}) is False


def test_a_missing_socket_is_logged_not_raised(tmp_path, caplog):
    assert systemd.ready({"NOTIFY_SOCKET": str(tmp_path / "gone")}) is False
    assert "systemd notify READY failed" in caplog.text


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, None),
        ({"WATCHDOG_USEC": "90000000"}, 90.0),
        ({"WATCHDOG_USEC": "500000"}, 0.5),
        ({"WATCHDOG_USEC": "0"}, None),
        ({"WATCHDOG_USEC": "soon"}, None),
        ({"WATCHDOG_USEC": "90000000", "WATCHDOG_PID": "1"}, None),
        ({"WATCHDOG_USEC": "90000000", "WATCHDOG_PID": str(os.getpid())}, 90.0),
    ],
)
def test_watchdog_interval_is_read_from_watchdog_usec_for_this_process(environ, expected):
    assert systemd.watchdog_interval(environ) == expected


def test_watchdog_is_not_sent_when_the_unit_has_no_watchdog(notify_socket):
    address, sock = notify_socket
    sock.settimeout(0)

    assert systemd.watchdog({"NOTIFY_SOCKET": address}) is False

    with pytest.raises(BlockingIOError):
        sock.recv(4096)
