"""M: resident memory of the real `wordbot run` process with N live user actors mid-session.

    python -m wordbot.benchmarks.m_memory [--users 2000]

N learners with a few cards each are seeded in SQLite; the bot runs with `actors.max_live` above
N and idle passivation far away, and every user sends /review at once. When every user's first
prompt has reached the emulator (and the bot has confirmed every update), each user's actor is
live mid-session. Prints JSON: VmRSS and VmHWM of the process (MB) before and after, its thread
count, and the resident memory added per live actor (target: RSS ≤ 300 MB for 2,000).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from wordbot.benchmarks.bot_process import (
    TOKEN,
    bot_environment,
    process_status,
    start_bot,
    stop_bot,
)
from wordbot.benchmarks.seed import SeedPlan, seed
from wordbot.emulator import BotApiEmulator

TARGET_RSS_MB = 300
CARDS_PER_USER = 5
START_TIMEOUT = 60.0


class _PromptCounter:
    """Counts the chats that got a prompt (a sent message with a keyboard); `all_in` is set
    when every expected chat has one."""

    def __init__(self, emulator: BotApiEmulator, expected: int) -> None:
        self._expected = expected
        self._chats: set[int] = set()
        self._lock = threading.Lock()
        self.all_in = threading.Event()
        self.unsubscribe = emulator.subscribe(self._on_message)

    @property
    def count(self) -> int:
        with self._lock:
            return len(self._chats)

    def _on_message(self, message) -> None:
        if message.event != "sent" or not message.has_keyboard:
            return
        with self._lock:
            self._chats.add(message.chat_id)
            if len(self._chats) >= self._expected:
                self.all_in.set()


def measure(users: int, folder: Path) -> dict:
    database_path = folder / "wordbot.db"
    plan = SeedPlan(users=users, cards=CARDS_PER_USER, reminder_due=False)
    seed(f"sqlite:///{database_path}", plan, datetime.now(UTC))
    with BotApiEmulator(token=TOKEN, record_calls=False) as emulator:
        env = bot_environment(
            emulator.url,
            database_path,
            WORDBOT_ACTORS_MAX_LIVE=str(users + 100),
            WORDBOT_ACTORS_IDLE_SECONDS="86400",
        )
        process = start_bot(env, folder)
        try:
            emulator.wait_for_poll(timeout=START_TIMEOUT)
            idle = process_status(process.pid)
            prompts = _PromptCounter(emulator, users)
            began = time.perf_counter()
            for user in range(1, users + 1):
                emulator.private_chat(user_id=user).send_text("/review")
            if not prompts.all_in.wait(START_TIMEOUT + users * 0.05):
                raise TimeoutError(f"only {prompts.count} of {users} users got their prompt")
            drive_seconds = time.perf_counter() - began
            emulator.wait_for_confirmation(timeout=START_TIMEOUT)
            loaded = process_status(process.pid)
            prompts.unsubscribe()
        finally:
            stop_bot(process)
    actor_threads = loaded.threads - idle.threads
    return {
        "benchmark": "M resident memory, live user actors mid-session",
        "users": users,
        "prompts": prompts.count,
        "drive_seconds": round(drive_seconds, 2),
        "idle_rss_mb": round(idle.rss_kb / 1024, 1),
        "idle_threads": idle.threads,
        "rss_mb": round(loaded.rss_kb / 1024, 1),
        "peak_rss_mb": round(loaded.hwm_kb / 1024, 1),
        "threads": loaded.threads,
        "actor_threads": actor_threads,
        "rss_per_actor_kb": round((loaded.rss_kb - idle.rss_kb) / max(1, users), 1),
        "target_rss_mb": TARGET_RSS_MB,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=2000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        figures = measure(args.users, Path(folder))
    json.dump(figures, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
