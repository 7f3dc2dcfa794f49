"""B2: throughput of concurrent users grading as fast as they can, pacing lifted (SPEC §9).

    python -m wordbot.benchmarks.b2_throughput [--users 200] [--seconds 20]
        [--postgres-url postgresql://…] [--sm2-too]

N simulated users each press "Good" on their newest prompt the moment it reaches the emulator;
when a /review session ends ("Well done …") the user starts the next one. Graded cards per
second (the graded prompts' edits) and Bot API calls per second are counted over `--seconds`
after a warm-up, for the real `wordbot run` process on SQLite, on PostgreSQL when
`--postgres-url` names a database of its own (its tables are emptied), and for the baseline
bot (answer, edit, send; no actors, no database) on the same emulator, in the same run: as
pyTelegramBotAPI comes (the targets' yardstick) and on WordBot's own transport (context).

The bot process's CPU time (user + system, /proc/<pid>/stat) over the same window gives CPU
ms per graded card, for WordBot and for both baselines; `cpu_ratio_to_same_transport` divides
WordBot's by the baseline's on WordBot's own transport (the floor: no actors, no database).

The seeded learners schedule with FSRS-6, as new learners do (SPEC §12). `--sm2-too` adds a
SQLite run with the same learners on SM-2, side by side: `fsrs_cpu_ratio_to_sm2` is the FSRS
run's CPU per grade over the SM-2 run's (issue 12: within 10 %).

Targets: ≥ 400 graded/s on SQLite, ≥ 300/s on PostgreSQL, each ≥ 0.6 × the baseline; CPU per
grade ≤ 1.15 × the same-transport baseline's (issue 18).
"""

from __future__ import annotations

import argparse
import json
import queue
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from storage.database import close_database, database, open_database
from storage.models import User
from wordbot.benchmarks.bot_process import (
    TOKEN,
    bot_environment,
    cpu_seconds,
    start_baseline,
    start_bot,
    stop_bot,
)
from wordbot.benchmarks.seed import SeedPlan, empty_postgres, open_private_chats, seed
from wordbot.emulator import BotApiEmulator
from wordbot.rendering.training import well_done

TARGETS = {"sqlite": 400.0, "postgresql": 300.0}
TARGET_BASELINE_SHARE = 0.6
TARGET_CPU_RATIO = 1.15  # bot CPU per grade against the baseline on WordBot's own transport
SESSION_CARDS = 20  # cards per /review session: a session start every 20 grades
DRIVERS = 8  # threads pressing for the simulated users
WAIT = 60.0


class _Graders:
    """The simulated users: every new prompt is pressed at once, every ended session restarted.
    Counts graded prompts (edits of a prompt's text) as they happen."""

    def __init__(self, emulator: BotApiEmulator, users: range) -> None:
        self._emulator = emulator
        self._users = users
        self._work: queue.SimpleQueue = queue.SimpleQueue()
        self._lock = threading.Lock()
        self.graded = 0
        self._ended_prefix = well_done(0).split(" 0 ")[0]
        self._unsubscribe = emulator.subscribe(self._on_message)
        self._stopped = threading.Event()
        self._threads = [threading.Thread(target=self._drive, daemon=True) for _ in range(DRIVERS)]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()
        for user_id in self._users:
            self._work.put((user_id, None))

    def stop(self) -> None:
        self._stopped.set()
        self._unsubscribe()
        for _ in self._threads:
            self._work.put(None)
        for thread in self._threads:
            thread.join(timeout=5)

    def _on_message(self, message) -> None:
        """Runs on the emulator's thread: only note what to do next."""
        if message.event == "edited":
            with self._lock:
                self.graded += 1
        elif message.event == "sent" and message.text.startswith(self._ended_prefix):
            self._work.put((message.chat_id, None))  # it carries "↩ Undo": check it first
        elif message.event == "sent" and message.has_keyboard:
            self._work.put((message.chat_id, message))

    def _drive(self) -> None:
        while not self._stopped.is_set():
            item = self._work.get()
            if item is None:
                return
            chat_id, prompt = item
            chat = self._emulator.chat(chat_id)
            if prompt is None:
                chat.send_text("/review")
            else:
                chat.press(prompt, button="Good")


def _measure(
    emulator: BotApiEmulator, users: range, warmup: float, seconds: float, pid: int
) -> dict:
    """Grades, Bot API calls and the bot process's CPU time over `seconds` after a warm-up."""
    graders = _Graders(emulator, users)
    graders.start()
    try:
        time.sleep(warmup)  # a benchmark's clock: sessions start, caches warm
        graded0, calls0, began = graders.graded, len(emulator.calls), time.perf_counter()
        cpu0 = cpu_seconds(pid)
        time.sleep(seconds)
        graded, calls = graders.graded - graded0, len(emulator.calls) - calls0
        cpu = cpu_seconds(pid) - cpu0
        elapsed = time.perf_counter() - began
    finally:
        graders.stop()
    return {
        "graded_per_second": round(graded / elapsed, 1),
        "api_calls_per_second": round(calls / elapsed, 1),
        "graded": graded,
        "seconds": round(elapsed, 2),
        "cpu_seconds": round(cpu, 2),
        "cpu_ms_per_graded": round(1000 * cpu / max(graded, 1), 3),
        "errors": sum(1 for call in emulator.calls if call.status != 200),
    }


def _seeded(url: str, users: int, cards: int, scheduler: str = "fsrs") -> None:
    seed(url, SeedPlan(users=users, cards=cards, reminder_due=False), datetime.now(UTC))
    open_database(url)
    try:
        with database.connection_context():
            User.update(cards_per_session=SESSION_CARDS, scheduler=scheduler).execute()
    finally:
        close_database()


def _run_wordbot(url: str, folder: Path, args: argparse.Namespace) -> dict:
    users = range(1, args.users + 1)
    with BotApiEmulator(token=TOKEN, record_calls=True) as emulator:
        open_private_chats(emulator, users)
        env = bot_environment(emulator.url, folder / "unused.db", WORDBOT_DATABASE_URL=url)
        process = start_bot(env, folder)
        try:
            emulator.wait_for_poll(timeout=WAIT)
            return _measure(emulator, users, args.warmup, args.seconds, process.pid)
        finally:
            stop_bot(process)


def _run_baseline(args: argparse.Namespace, same_transport: bool = False) -> dict:
    users = range(1, args.users + 1)
    with BotApiEmulator(token=TOKEN) as emulator:
        open_private_chats(emulator, users)
        process = start_baseline(emulator.url, same_transport)
        try:
            emulator.wait_for_poll(timeout=WAIT)
            return _measure(emulator, users, args.warmup, args.seconds, process.pid)
        finally:
            stop_bot(process)


def run(args: argparse.Namespace, folder: Path) -> dict:
    cards = 200  # enough for every user's sessions during the run, so none runs dry
    report: dict = {"benchmark": "B2 concurrent grading", "users": args.users, "runs": {}}
    sqlite = folder / "wordbot.db"
    _seeded(f"sqlite:///{sqlite}", args.users, cards)
    report["runs"]["sqlite"] = _run_wordbot(f"sqlite:///{sqlite}", folder, args)
    if args.sm2_too:
        sm2 = folder / "sm2.db"
        _seeded(f"sqlite:///{sm2}", args.users, cards, scheduler="sm2")
        report["runs"]["sqlite_sm2"] = _run_wordbot(f"sqlite:///{sm2}", folder, args)
        ratio = report["runs"]["sqlite"]["cpu_ms_per_graded"] / max(
            report["runs"]["sqlite_sm2"]["cpu_ms_per_graded"], 1e-9
        )
        report["fsrs_cpu_ratio_to_sm2"] = round(ratio, 3)
        report["target_fsrs_cpu_ratio_to_sm2"] = 1.1
    if args.postgres_url:
        empty_postgres(args.postgres_url)
        _seeded(args.postgres_url, args.users, cards)
        report["runs"]["postgresql"] = _run_wordbot(args.postgres_url, folder, args)
    report["runs"]["baseline"] = baseline = _run_baseline(args)
    report["runs"]["baseline_same_transport"] = floor = _run_baseline(args, same_transport=True)
    for name, target in TARGETS.items():
        figures = report["runs"].get(name)
        if figures is None:
            continue
        share = figures["graded_per_second"] / max(baseline["graded_per_second"], 1e-9)
        figures["baseline_share"] = round(share, 2)
        figures["target_graded_per_second"] = target
        figures["met"] = figures["graded_per_second"] >= target and share >= TARGET_BASELINE_SHARE
        cpu_ratio = figures["cpu_ms_per_graded"] / max(floor["cpu_ms_per_graded"], 1e-9)
        figures["cpu_ratio_to_same_transport"] = round(cpu_ratio, 2)
        figures["target_cpu_ratio"] = TARGET_CPU_RATIO
        figures["cpu_met"] = cpu_ratio <= TARGET_CPU_RATIO
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--postgres-url", default=None)
    parser.add_argument("--sm2-too", action="store_true", help="also SQLite with SM-2 learners")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        report = run(args, Path(folder))
    json.dump(report, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
