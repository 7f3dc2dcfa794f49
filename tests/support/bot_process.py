"""The real `wordbot run` process against the emulator: start, SIGKILL, SIGTERM, read its log.

Reminders are off unless a test turns them on (`reminders_on(...)` or its own
WORDBOT_REMINDERS_* / WORDBOT_SCHEDULER_TICK_SECONDS): a long test that spans 08:00 must
not get reminder prompts. "Off" is built from ordinary settings an operator has too: all
three slots at the minute that just passed when the process object is made (the next
occurrence is a day away, and a learner created after it never owes that one), and a tick
of a day, so even a learner who moves to another time zone gets nothing until a restart.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from wordbot.benchmarks.bot_process import run_command, start_bot
from wordbot.clock import TEST_CLOCK_OFFSET_ENV

__all__ = ["BotProcess", "E2E_TOKEN", "reminders_off", "reminders_on"]

E2E_TOKEN = "123456:E2E-secret-token-value"
START_TIMEOUT = 30.0
HANG_TIMEOUT = 60.0  # far beyond SPEC §7.5's 10 s: only a hang exceeds it


def reminders_off(now: datetime | None = None) -> dict[str, str]:
    """The environment that keeps reminders quiet for a day from `now` (see the docstring)."""
    just_passed = ((now or datetime.now(UTC)) - timedelta(minutes=2)).strftime("%H:%M")
    return {
        "WORDBOT_REMINDERS_MORNING": just_passed,
        "WORDBOT_REMINDERS_AFTERNOON": just_passed,
        "WORDBOT_REMINDERS_EVENING": just_passed,
        "WORDBOT_SCHEDULER_TICK_SECONDS": str(24 * 3600),
    }


def reminders_on(slot: str, clock_offset: timedelta = timedelta(0)) -> dict[str, str]:
    """All three slots at `slot` (HH:MM, UTC for a new learner), a 1 s tick, and the process's
    clock shifted by `clock_offset` (the test hook in wordbot.clock)."""
    return {
        "WORDBOT_REMINDERS_MORNING": slot,
        "WORDBOT_REMINDERS_AFTERNOON": slot,
        "WORDBOT_REMINDERS_EVENING": slot,
        "WORDBOT_SCHEDULER_TICK_SECONDS": "1",
        TEST_CLOCK_OFFSET_ENV: str(clock_offset.total_seconds()),
    }


class BotProcess:
    def __init__(self, emulator, workdir: Path, database_url: str | None = None, **env: str):
        self.emulator = emulator
        self.workdir = workdir
        self.database_url = database_url or f"sqlite:///{workdir / 'wordbot.db'}"
        offset = timedelta(seconds=float(env.get(TEST_CLOCK_OFFSET_ENV, 0)))
        self.extra_env = reminders_off(datetime.now(UTC) + offset) | env  # the process's now
        self.process: subprocess.Popen | None = None
        self.log_path = workdir / "wordbot.log"  # where start_bot writes it
        self.starts = 0

    def _env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("WORDBOT_")}
        env.update(
            WORDBOT_TELEGRAM_TOKEN=E2E_TOKEN,
            WORDBOT_TELEGRAM_API_URL=self.emulator.url,
            WORDBOT_DATABASE_URL=self.database_url,
            WORDBOT_LOGGING_LEVEL="DEBUG",
            PYTHONUNBUFFERED="1",
        )
        env.update(self.extra_env)
        return env

    def start(self) -> BotProcess:
        """Start the process and wait until it is ready (its command menu is registered just
        before polling starts; updates sent meanwhile wait in the emulator's queue)."""
        calls_before = len(self.emulator.calls)
        self.process = start_bot(self._env(), self.workdir)  # the benchmarks' launcher
        self.starts += 1
        self.emulator.wait_for_call("setMyCommands", since=calls_before, timeout=START_TIMEOUT)
        return self

    def run_to_exit(self, timeout: float = START_TIMEOUT) -> subprocess.CompletedProcess:
        """`wordbot run` in the foreground, for a process expected to exit by itself (e.g.
        refused at start-up); its stdout and stderr are captured, not logged."""
        return subprocess.run(
            run_command(),
            cwd=self.workdir,
            env=self._env(),
            capture_output=True,
            timeout=timeout,
        )

    def wait_until_idle(self, timeout: float = START_TIMEOUT) -> None:
        """Block until the bot has handled every update it received and delivered what that
        owes: no inbox entry pending, no outbox row, no live session, menu, /words message or
        question whose prompt's message id is unrecorded, no learner on /settings → Learning
        whose first retention dial is still being worked out. (Confirming an update only says it reached the inbox, SPEC §7.1.)"""
        self.emulator.wait_for_confirmation(timeout=timeout)  # every update is in the inbox
        deadline = time.monotonic() + timeout
        while True:
            # a redelivered update sits below the confirmed offset: wait for it too
            state = {"unconfirmed": len(self.emulator.pending_updates()), **self.backlog()}
            if not any(state.values()):
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"the bot is not idle after {timeout}s: {state}")
            time.sleep(0.02)

    def backlog(self) -> dict[str, int]:
        """What the bot still has to do, read from its database."""
        queries = {
            "inbox": "select count(*) from inbox where handled_at is null",
            "outbox": "select count(*) from outbox",
            "training prompts": "select count(*) from training_sessions"
            " where current_message_id is null",
            "game prompts": "select count(*) from game_sessions where current_message_id is null",
            # a /settings menu or /clear question is a prompt too, sent after the commit
            "settings prompts": "select count(*) from users"
            " where settings_token is not null and settings_message_id is null",
            "clear prompts": "select count(*) from users"
            " where confirm_token is not null and confirm_message_id is null",
            "words prompts": "select count(*) from users"
            " where words_token is not null and words_message_id is null",
            # /settings → Learning asked the background worker for a first retention dial
            "retention dials": "select count(*) from users where settings_screen = 'learning'"
            " and settings_token is not null"
            " and not exists (select 1 from retention_dials where retention_dials.user_id = users.id)",
        }
        with _connect(self.database_url) as cursor:
            counts = {}
            for name, query in queries.items():
                cursor.execute(query)
                counts[name] = cursor.fetchone()[0]
            return counts

    def kill(self) -> None:
        """SIGKILL: no cleanup of any kind, as in a crash."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def terminate(self, timeout: float = HANG_TIMEOUT) -> int:
        """SIGTERM; returns the exit code. `timeout` only catches a hang (TimeoutExpired)."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


@contextlib.contextmanager
def _connect(database_url: str):
    """A read-only cursor on the bot's database (SQLite file or PostgreSQL)."""
    if database_url.startswith("sqlite:"):
        path = database_url.split("://", 1)[1]
        path = path[1:] if path.startswith("/") else path
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            yield connection.cursor()
        finally:
            connection.close()
        return
    import psycopg2

    connection = psycopg2.connect(database_url)
    try:
        with connection.cursor() as cursor:
            yield cursor
    finally:
        connection.close()
