"""systemd's notify protocol (sd_notify, SPEC §16): READY=1, WATCHDOG=1 and STOPPING=1 as
datagrams to the Unix socket named by NOTIFY_SOCKET (`@name` is the abstract namespace).

Every function is a no-op outside systemd (no NOTIFY_SOCKET) and never raises: a notify that
fails is logged, and the bot goes on. The environment is read on each call, not at import.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable, Mapping

__all__ = ["Heartbeat", "notify", "ready", "stopping", "watchdog", "watchdog_interval"]

log = logging.getLogger(__name__)


def notify(state: str, environ: Mapping[str, str] | None = None) -> bool:
    """Send `state` (e.g. "READY=1") to systemd; True when it was sent."""
    environ = os.environ if environ is None else environ
    address = environ.get("NOTIFY_SOCKET", "")
    if address.startswith("@"):
        address = "\0" + address[1:]
    elif not address.startswith("/"):
        return False  # not under systemd (or a vsock address, which WordBot does not use)
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.connect(address)
            sock.sendall(state.encode("utf-8"))
    except OSError as error:
        log.warning("systemd notify %s failed: %s", state.split("=", 1)[0], error)
        return False
    return True


def ready(environ: Mapping[str, str] | None = None) -> bool:
    """The bot serves: polling runs, or the webhook is set and its server listens."""
    return notify("READY=1", environ)


def stopping(environ: Mapping[str, str] | None = None) -> bool:
    """Shutdown has begun (on SIGTERM)."""
    return notify("STOPPING=1", environ)


def watchdog(environ: Mapping[str, str] | None = None) -> bool:
    """The polling/serving loop is alive; call it once per turn of the loop. Sent only when
    the unit asks for a watchdog (WatchdogSec, seen as WATCHDOG_USEC) for this process."""
    if watchdog_interval(environ) is None:
        return False
    return notify("WATCHDOG=1", environ)


def watchdog_interval(environ: Mapping[str, str] | None = None) -> float | None:
    """The unit's WatchdogSec in seconds, or None without a watchdog for this process. The
    loop must call `watchdog()` well within it (systemd suggests every half interval)."""
    environ = os.environ if environ is None else environ
    pid = environ.get("WATCHDOG_PID")
    if pid and pid != str(os.getpid()):
        return None
    try:
        usec = int(environ.get("WATCHDOG_USEC", ""))
    except ValueError:
        return None
    return usec / 1_000_000 if usec > 0 else None


class Heartbeat:
    """WATCHDOG=1 every half watchdog interval while `alive()` holds, for a service without a
    loop of its own (the webhook server); nothing at all without a watchdog."""

    def __init__(
        self, beat: Callable[[], object], alive: Callable[[], bool], interval: float | None = None
    ) -> None:
        self._beat = beat
        self._alive = alive
        self._interval = interval if interval is not None else watchdog_interval()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="watchdog", daemon=True)

    def start(self) -> None:
        if self._interval:
            self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        if self._thread.is_alive():
            self._thread.join(timeout=1)

    def _run(self) -> None:
        while not self._stopped.wait(self._interval / 2):
            if self._alive():
                self._beat()
