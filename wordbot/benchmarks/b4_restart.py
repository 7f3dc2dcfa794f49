"""B4: restart of the real `wordbot run` process with N persisted training sessions (SPEC §9).

    python -m wordbot.benchmarks.b4_restart [--sessions 100000] [--presses 20] [--pending 1000]

N learners are seeded in SQLite (seed.py), each in a live /review session whose prompt was sent.
For `presses` of them the prompt is real: a first bot process started their sessions through
the emulator and was stopped. The emulator's chats are kept in a file, and a fresh emulator
serves the restart, so nothing of the first run is still waiting on it. Before the restart
`pending` other learners' /help updates are left in the inbox, written but not handled, as a
crash leaves them (issue 18: a non-empty inbox): start-up resumes them before it polls.

Start-up is measured from spawning the process to its first getUpdates waiting in the
emulator: the bot is polling, start-up recovery (`_recover_owed`) is done, and the scheduler's
start-up cleanup runs beside it in its own actor.
Then each of the `presses` users presses "Good" on their pre-restart prompt, one after the
other, each the first event of that user since the restart: the latency runs from the press
reaching the emulator to the bot's editMessageText of that prompt reaching it.

Prints JSON: start-up seconds (and the first Bot API call's, i.e. interpreter, imports,
database and migrations), the first press and the median and max press in milliseconds.
Targets: start-up ≤ 2 s, first press ≤ 50 ms.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from storage import inbox
from storage.database import close_database, open_database
from wordbot.benchmarks.bot_process import TOKEN, bot_environment, start_bot, stop_bot
from wordbot.benchmarks.seed import open_private_chats, seed_mid_session_learners
from wordbot.emulator import BotApiEmulator

TARGET_STARTUP_SECONDS = 2.0
TARGET_PRESS_MS = 50.0
WAIT = 60.0
PENDING_FIRST_UPDATE_ID = 10**9  # far above any update id the emulator hands out


class _EditWatch:
    """Times the editMessageText of one prompt (its text changes: graded) against the press."""

    def __init__(self, emulator: BotApiEmulator) -> None:
        self._lock = threading.Lock()
        self._wanted: tuple[int, int, str] | None = None
        self._edited_at = 0.0
        self._edited = threading.Event()
        self.unsubscribe = emulator.subscribe(self._on_message)

    def expect(self, prompt) -> None:
        with self._lock:
            self._wanted = (prompt.chat_id, prompt.message_id, prompt.text)
            self._edited.clear()

    def wait(self, timeout: float) -> float:
        """perf_counter() when the expected edit arrived."""
        if not self._edited.wait(timeout):
            raise TimeoutError(f"no edit of prompt {self._wanted} within {timeout}s")
        return self._edited_at

    def _on_message(self, message) -> None:
        if message.event != "edited":
            return
        with self._lock:
            if self._wanted is None or self._edited.is_set():
                return
            chat_id, message_id, text = self._wanted
            if (message.chat_id, message.message_id) == (chat_id, message_id) and (
                message.text != text
            ):
                self._edited_at = time.perf_counter()
                self._edited.set()


def _wait_for_answers(emulator: BotApiEmulator, user_ids: list[int]) -> int:
    """Every resumed /help was answered (the inbox's leftovers are handled, not dropped)."""
    for user_id in user_ids:
        emulator.private_chat(user_id=user_id).wait_for_message(
            lambda message: True, timeout=WAIT, since=0
        )
    return len(user_ids)


def _prompt(chat):
    return next(m for m in reversed(chat.bot_messages()) if m.has_keyboard)


def _start_sessions(emulator: BotApiEmulator, env: dict, folder: Path, users: list[int]) -> None:
    """The first run: each user sends /review and gets a prompt; then the bot stops."""
    process = start_bot(env, folder)
    try:
        emulator.wait_for_poll(timeout=WAIT)
        for user in users:
            emulator.private_chat(user_id=user).send_text("/review")
        for user in users:
            emulator.private_chat(user_id=user).wait_for_message(
                lambda message: message.has_keyboard, timeout=WAIT, since=0
            )
        emulator.wait_for_confirmation(timeout=WAIT)
    finally:
        stop_bot(process)


def _help_update(update_id: int, user_id: int, now: datetime) -> dict:
    """A private /help message as getUpdates returns it."""
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(now.timestamp()),
            "chat": {"id": user_id, "type": "private", "first_name": "Learner"},
            "from": {"id": user_id, "is_bot": False, "first_name": "Learner"},
            "text": "/help",
            "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
        },
    }


def _leave_pending(database: Path, user_ids: list[int], now: datetime) -> None:
    """Write one /help per learner to the inbox and handle none of them (a crash's leftovers)."""
    open_database(f"sqlite:///{database}")
    try:
        arrivals = [
            inbox.Arrival(update_id, user_id, user_id, _help_update(update_id, user_id, now))
            for update_id, user_id in enumerate(user_ids, PENDING_FIRST_UPDATE_ID)
        ]
        inbox.add_batch(arrivals, now)
        assert inbox.pending_count() == len(user_ids)
    finally:
        close_database()


def measure(sessions: int, presses: int, folder: Path, pending: int = 0) -> dict:
    database = folder / "wordbot.db"
    chats_file = folder / "chats.json"
    seeded_at = time.perf_counter()
    pressed = seed_mid_session_learners(database, sessions, fresh=presses, now=datetime.now(UTC))
    seed_seconds = time.perf_counter() - seeded_at
    with BotApiEmulator(token=TOKEN, chats_file=chats_file) as emulator:
        _start_sessions(emulator, bot_environment(emulator.url, database), folder, pressed)
    waiting = [user for user in range(len(pressed) + 1, sessions + 1)][:pending]
    _leave_pending(database, waiting, datetime.now(UTC))

    with BotApiEmulator(token=TOKEN, chats_file=chats_file) as emulator:
        open_private_chats(emulator, waiting)
        spawned_wall, spawned = time.time(), time.perf_counter()
        process = start_bot(bot_environment(emulator.url, database), folder)
        try:
            emulator.wait_for_poll(timeout=WAIT)
            startup = time.perf_counter() - spawned
            first_call = emulator.calls[0].time - spawned_wall
            watch = _EditWatch(emulator)
            latencies = []
            for user in pressed:
                chat = emulator.private_chat(user_id=user)
                prompt = _prompt(chat)
                watch.expect(prompt)
                began = time.perf_counter()
                chat.press(prompt, button="Good")
                latencies.append((watch.wait(WAIT) - began) * 1000)
            watch.unsubscribe()
            helped = _wait_for_answers(emulator, waiting)
        finally:
            stop_bot(process)
    return {
        "benchmark": "B4 restart with persisted training sessions",
        "sessions": sessions,
        "pending_inbox_entries": len(waiting),
        "pending_answered": helped,
        "presses": len(latencies),
        "seed_seconds": round(seed_seconds, 2),
        "startup_seconds": round(startup, 3),
        "first_api_call_seconds": round(first_call, 3),
        "first_press_ms": round(latencies[0], 2),
        "median_press_ms": round(statistics.median(latencies), 2),
        "max_press_ms": round(max(latencies), 2),
        "target_startup_seconds": TARGET_STARTUP_SECONDS,
        "target_press_ms": TARGET_PRESS_MS,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--presses", type=int, default=20)
    parser.add_argument("--pending", type=int, default=1000, help="inbox entries left unhandled")
    args = parser.parse_args(argv)
    if not 0 < args.presses <= args.sessions:
        parser.error("--presses must be between 1 and --sessions")
    with tempfile.TemporaryDirectory() as folder:
        figures = measure(args.sessions, args.presses, Path(folder), args.pending)
    json.dump(figures, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
