"""`wordbot run` under a stand-in for systemd: READY, WATCHDOG and STOPPING (SPEC §16)."""

from __future__ import annotations

import socket

import pytest

from tests.support.bot_process import BotProcess

pytestmark = pytest.mark.e2e


def _receive_until(sock, wanted: str, seen: list[str]) -> list[str]:
    while wanted not in seen:
        seen.append(sock.recv(4096).decode())  # the socket's timeout bounds the wait
    return seen


def test_run_notifies_ready_watchdog_and_stopping_on_sigterm(emulator, tmp_path):
    path = tmp_path / "notify"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(str(path))
        sock.settimeout(30)
        bot = BotProcess(emulator, tmp_path, NOTIFY_SOCKET=str(path), WATCHDOG_USEC="60000000")
        try:
            bot.start()
            seen = _receive_until(sock, "READY=1", [])
            seen = _receive_until(sock, "WATCHDOG=1", seen)
            code = bot.terminate()
            seen = _receive_until(sock, "STOPPING=1", seen)
        finally:
            bot.close()

    assert code == 0
    assert seen.index("READY=1") < seen.index("STOPPING=1")
    assert seen[-1] == "STOPPING=1"
