"""B3: a reminder wave for N learners × K cards, every learner's slot due at once (SPEC §9).

    python -m wordbot.benchmarks.b3_wave [--users 100000] [--cards 20] [--send-seconds 60]
        [--cap-seconds 600] [--database-url postgresql://…]

Each part gets a freshly seeded database: SQLite by default (seeded once, copied), or the
PostgreSQL database at `--database-url`, which must be one of its own: its tables are emptied.

* B3a, the bot's own work: the real `wordbot run` process against the emulator without rate
  limits, pacing lifted. Two times from spawning the process: until every learner's reminder
  was prepared and handed to the sender (`prepared_seconds`: every learner's reminder session
  committed, read from the database every 0.1 s), and until every learner's reminder prompt
  reached the emulator (`seconds`); with the peak RSS and peak thread count of the bot process
  (sampled from /proc/<pid>/status). If the wave does not finish within `--cap-seconds`, the
  rate achieved and the projected time are reported instead, marked `finished: false`.
* B3b, the pace: a fresh process at `max_messages_per_second` = 25 against the emulator
  enforcing Telegram's limits, for `--send-seconds` after its first reminder (the first
  `--warmup-seconds` excluded from the steady rate); messages per second and 429s.

Targets: B3a prepared ≤ 60 s, RSS ≤ 400 MB, threads ≤ actors.max_live + 50; B3b 24–25 messages/s, no 429.

    python -m wordbot.benchmarks.b3_wave --paid [--users 100000] [--paid-rate 1000] [--presses 20]

* B3-paid (`--paid`, instead of B3a and B3b): a fresh process with `telegram.paid_broadcast` on
  (`--paid-rate` a second) and the global pace at 25/s, against the emulator enforcing
  Telegram's limits (30/s free, 1000/s paid, per chat). Seconds from spawning the process
  until every learner's reminder prompt reached the emulator, the pace, 429s, how many
  reminders were paid broadcasts, the bot's CPU and the emulator's: the emulator runs in this
  process, so this process's CPU (its server threads, a light subscriber) over the run, and
  its share of one core, shows whether the emulator is the bottleneck. Meanwhile `--presses`
  learners, spread over the wave, press "Good" on their reminder: the reply (the next prompt)
  must not be a paid broadcast, and its latency shows whether replies wait behind the wave.

Targets: B3-paid ≤ 150 s, no 429, every reminder paid, no reply paid.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import re
import shutil
import statistics
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
from wordbot.benchmarks.seed import SeedPlan, empty_postgres, open_private_chats, seed
from wordbot.emulator import BotApiEmulator

TARGET_WAVE_SECONDS = 60.0
TARGET_RSS_MB = 400
TARGET_EXTRA_THREADS = 50
TARGET_RATE = (24.0, 25.0)
TARGET_PAID_SECONDS = 150.0
PAID_RATE = 1000
REPLY_WAIT_SECONDS = 60.0
MAX_LIVE = 2000
PACED_RATE = 25
SAMPLE_SECONDS = 0.05


class _Reminders:
    """Counts the chats that received a reminder prompt (a sent message with a keyboard) and
    when each prompt arrived; `all_in` is set once every expected chat has one."""

    def __init__(self, emulator: BotApiEmulator, expected: int) -> None:
        self._expected = expected
        self._chats: set[int] = set()
        self._lock = threading.Lock()
        self.arrivals: list[float] = []
        self.messages = 0
        self.paid = 0  # reminder prompts sent as paid broadcasts
        self.all_in = threading.Event()
        self.unsubscribe = emulator.subscribe(self._on_message)

    @property
    def chats(self) -> int:
        with self._lock:
            return len(self._chats)

    def _on_message(self, message) -> None:
        if message.event != "sent":
            return
        now = time.perf_counter()
        with self._lock:
            self.messages += 1
            if not message.has_keyboard or message.chat_id in self._chats:
                return
            self._chats.add(message.chat_id)
            self.arrivals.append(now)
            self.paid += message.paid_broadcast
            if len(self._chats) >= self._expected:
                self.all_in.set()


class _Peaks:
    """Samples the bot process's /proc status on a thread: peak threads and peak RSS."""

    def __init__(self, pid: int) -> None:
        self._pid = pid
        self._stopped = threading.Event()
        self.threads = 0
        self.hwm_kb = 0
        self.cpu_seconds = 0.0
        self._thread = threading.Thread(target=self._run, name="peaks", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Once the reminders that came are pressed and their replies in (or waited out)."""
        self._stopped.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stopped.wait(SAMPLE_SECONDS):
            try:
                status = process_status(self._pid)
            except (FileNotFoundError, ProcessLookupError, KeyError):
                return  # the process has gone
            self.threads = max(self.threads, status.threads)
            self.hwm_kb = max(self.hwm_kb, status.hwm_kb)
            self.cpu_seconds = _cpu_seconds(self._pid)


class _PreparedWatch:
    """Counts the reminder sessions committed, every 0.1 s, on a connection of its own; notes
    when every learner has one (the wave prepared and handed to the sender)."""

    def __init__(self, database: dict, expected: int, started: float) -> None:
        self._url = database["WORDBOT_DATABASE_URL"]
        self._expected = expected
        self._started = started
        self._stopped = threading.Event()
        self.seconds: float | None = None
        self._thread = threading.Thread(target=self._run, name="prepared", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        connection = None
        while not self._stopped.wait(0.1):
            try:
                if connection is None:
                    connection = _connect(self._url)
                cursor = connection.cursor()
                cursor.execute("SELECT COUNT(*) FROM training_sessions")
                (count,) = cursor.fetchone()
                connection.rollback()
            except Exception:  # not migrated yet, or busy: next time
                connection = None
                continue
            if count >= self._expected:
                self.seconds = time.perf_counter() - self._started
                break
        if connection is not None:
            connection.close()


_WAVE_LINE = re.compile(r"reminder wave: \d+ users .* \(([\d.]+) s of CPU in the wave's thread\)")


def _log_size(folder: Path) -> int:
    log = folder / "wordbot.log"
    return log.stat().st_size if log.exists() else 0


def _wave_cpu_seconds(folder: Path, start: int) -> float | None:
    """The CPU the wave's thread spent preparing (its summary line in the bot's log)."""
    with (folder / "wordbot.log").open("rb") as log:
        log.seek(start)
        found = _WAVE_LINE.findall(log.read().decode("utf-8", "replace"))
    return float(found[-1]) if found else None


def _connect(url: str):
    if url.startswith("sqlite:///"):
        import sqlite3

        return sqlite3.connect(url[len("sqlite:///") :], timeout=1)
    import psycopg2

    return psycopg2.connect(url)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of the process so far (/proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class _Databases:
    """A freshly seeded database for each run: SQLite is seeded once and copied; PostgreSQL
    (`--database-url`, a database of its own: its tables are emptied) is emptied and seeded
    again."""

    def __init__(self, folder: Path, users: int, cards: int, database_url: str | None) -> None:
        self._folder = folder
        self._users, self._cards = users, cards
        self._postgres = database_url
        self._template = folder / "seeded.db"
        self.seed_seconds = 0.0
        if database_url is None:
            self.seed_seconds = self._seed(f"sqlite:///{self._template}")

    def fresh(self, name: str) -> dict[str, str]:
        """The WORDBOT_DATABASE_URL of a fresh copy for the run called `name`."""
        if self._postgres is not None:
            empty_postgres(self._postgres)
            self.seed_seconds = self._seed(self._postgres)
            return {"WORDBOT_DATABASE_URL": self._postgres}
        target = self._folder / name
        target.mkdir()
        shutil.copyfile(self._template, target / "wordbot.db")
        return {"WORDBOT_DATABASE_URL": f"sqlite:///{target / 'wordbot.db'}"}

    def _seed(self, url: str) -> float:
        plan = SeedPlan(users=self._users, cards=self._cards)
        return seed(url, plan, datetime.now(UTC)).seconds


def measure_wave(run_folder: Path, database: dict, users: int, cap_seconds: float) -> dict:
    """B3a: pacing lifted, no rate limits; until every learner has a prompt, or the cap."""
    with BotApiEmulator(token=TOKEN, record_calls=False) as emulator:
        open_private_chats(emulator, range(1, users + 1))
        reminders = _Reminders(emulator, users)
        env = bot_environment(emulator.url, run_folder / "unused.db", **database)
        env["WORDBOT_ACTORS_MAX_LIVE"] = str(MAX_LIVE)
        env["WORDBOT_LOGGING_LEVEL"] = "INFO"  # the wave's own summary line
        log_start = _log_size(run_folder)
        spawned = time.perf_counter()
        process = start_bot(env, run_folder)
        peaks = _Peaks(process.pid)
        prepared = _PreparedWatch(database, users, spawned)
        try:
            finished = reminders.all_in.wait(cap_seconds)
            elapsed = time.perf_counter() - spawned
        finally:
            prepared.stop()
            peaks.stop()
            stop_bot(process)
            reminders.unsubscribe()
        count_429 = emulator.count_429
    arrivals = reminders.arrivals
    first = arrivals[0] - spawned if arrivals else None
    sending = (arrivals[-1] - arrivals[0]) if len(arrivals) > 1 else 0.0
    rate = (len(arrivals) - 1) / sending if sending > 0 else 0.0
    figures = {
        "finished": finished,
        "prepared_seconds": None if prepared.seconds is None else round(prepared.seconds, 2),
        "wave_thread_cpu_seconds": _wave_cpu_seconds(run_folder, log_start),
        "reminded": len(arrivals),
        "seconds": round(elapsed, 2) if finished else None,
        "first_reminder_seconds": None if first is None else round(first, 2),
        "reminders_per_second": round(rate, 1),
        "peak_rss_mb": round(peaks.hwm_kb / 1024, 1),
        "peak_threads": peaks.threads,
        "max_live": MAX_LIVE,
        "bot_cpu_seconds": round(peaks.cpu_seconds, 1),
        "count_429": count_429,
    }
    if not finished:
        figures["capped_at_seconds"] = cap_seconds
        figures["projected_seconds"] = round((first or 0) + users / rate, 1) if rate > 0 else None
    return figures


def measure_paced(
    run_folder: Path, database: dict, users: int, send_seconds: float, warmup_seconds: float
) -> dict:
    """B3b: 25 messages/s configured, Telegram's limits enforced; the rate after warm-up."""
    with BotApiEmulator(token=TOKEN, record_calls=False) as emulator:
        emulator.enforce_rate_limits()
        open_private_chats(emulator, range(1, users + 1))
        reminders = _Reminders(emulator, users)
        env = bot_environment(
            emulator.url,
            run_folder / "unused.db",
            WORDBOT_TELEGRAM_MAX_MESSAGES_PER_SECOND=str(PACED_RATE),
            WORDBOT_TELEGRAM_PER_CHAT_PER_SECOND="1",
            WORDBOT_ACTORS_MAX_LIVE=str(MAX_LIVE),
            **database,
        )
        process = start_bot(env, run_folder)
        peaks = _Peaks(process.pid)
        try:
            deadline = time.perf_counter() + 120
            while not reminders.arrivals and time.perf_counter() < deadline:
                time.sleep(0.05)
            if not reminders.arrivals:
                raise TimeoutError("no reminder within 120 s of start")
            first = reminders.arrivals[0]
            end = first + warmup_seconds + send_seconds
            reminders.all_in.wait(max(0.0, end - time.perf_counter()))
            time.sleep(max(0.0, end - time.perf_counter()))
        finally:
            peaks.stop()
            stop_bot(process)
            reminders.unsubscribe()
        count_429 = emulator.count_429
    steady_from = first + warmup_seconds
    steady = [t for t in reminders.arrivals if steady_from <= t < end]
    return {
        "configured_per_second": PACED_RATE,
        "send_seconds": send_seconds,
        "warmup_seconds": warmup_seconds,
        "reminded": len([t for t in reminders.arrivals if t < end]),
        "messages_per_second": round(len(steady) / send_seconds, 2),
        "count_429": count_429,
        "peak_rss_mb": round(peaks.hwm_kb / 1024, 1),
        "peak_threads": peaks.threads,
    }


def _is_prompt(message) -> bool:
    return message.event == "sent" and message.find_button("Good") is not None


class _Replies:
    """A few learners press "Good" on their reminder as it arrives, one at a time on a thread
    of their own; each reply (the next prompt) is timed from the press and checked unpaid."""

    def __init__(self, emulator: BotApiEmulator, chat_ids: list[int]) -> None:
        self._emulator = emulator
        self._targets = set(chat_ids)
        self._reminders: queue.SimpleQueue = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._pressed: dict[int, tuple[float, threading.Event, list]] = {}
        self.latencies_ms: list[float] = []
        self.paid = 0
        self.missing = 0
        self._stopped = threading.Event()
        self.unsubscribe = emulator.subscribe(self._on_message)
        self._thread = threading.Thread(target=self._press_all, name="presses", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=REPLY_WAIT_SECONDS + 5)

    def _on_message(self, message) -> None:
        if message.chat_id not in self._targets or not _is_prompt(message):
            return
        with self._lock:
            pressed = self._pressed.get(message.chat_id)
            if pressed is None:
                self._pressed[message.chat_id] = (0.0, threading.Event(), [])
                self._reminders.put(message)
            elif not pressed[1].is_set() and pressed[0] > 0:
                pressed[2].append((time.perf_counter(), message.paid_broadcast))
                pressed[1].set()

    def _press_all(self) -> None:
        while True:
            try:
                reminder = self._reminders.get(timeout=0.1)
            except queue.Empty:
                if self._stopped.is_set():
                    return  # every reminder that came was pressed
                continue
            replied = threading.Event()
            seen: list = []
            with self._lock:
                pressed_at = time.perf_counter()
                self._pressed[reminder.chat_id] = (pressed_at, replied, seen)
            self._emulator.chat(reminder.chat_id).press(reminder, "Good")
            if not replied.wait(REPLY_WAIT_SECONDS):
                self.missing += 1
                continue
            arrived, paid = seen[0]
            self.latencies_ms.append((arrived - pressed_at) * 1000)
            self.paid += paid

    def figures(self) -> dict:
        timings = sorted(self.latencies_ms)
        return {
            "presses": len(timings) + self.missing,
            "replies": len(timings),
            "paid": self.paid,
            "median_ms": round(statistics.median(timings), 1) if timings else None,
            "max_ms": round(timings[-1], 1) if timings else None,
        }


def _busiest_second(arrivals: list[float]) -> int:
    """The most arrivals in any one-second window."""
    most, start = 0, 0
    for end, moment in enumerate(arrivals):
        while arrivals[start] <= moment - 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


def measure_paid(
    run_folder: Path, database: dict, users: int, cap_seconds: float, paid_rate: int, presses: int
) -> dict:
    """B3-paid: paid broadcast on, Telegram's limits enforced; until every learner has a prompt."""
    with BotApiEmulator(token=TOKEN, record_calls=False) as emulator:
        emulator.enforce_rate_limits()
        open_private_chats(emulator, range(1, users + 1))
        reminders = _Reminders(emulator, users)
        step = max(1, users // presses) if presses else 0
        pressing = list(range(step, users + 1, step))[:presses] if presses else []
        replies = _Replies(emulator, pressing)
        env = bot_environment(
            emulator.url,
            run_folder / "unused.db",
            WORDBOT_TELEGRAM_MAX_MESSAGES_PER_SECOND=str(PACED_RATE),
            WORDBOT_TELEGRAM_PER_CHAT_PER_SECOND="1",
            WORDBOT_TELEGRAM_PAID_BROADCAST="true",
            WORDBOT_TELEGRAM_PAID_BROADCAST_PER_SECOND=str(paid_rate),
            WORDBOT_ACTORS_MAX_LIVE=str(MAX_LIVE),
            WORDBOT_LOGGING_LEVEL="INFO",  # the wave's own summary line
            **database,
        )
        log_start = _log_size(run_folder)
        cpu_before = time.process_time()
        spawned = time.perf_counter()
        process = start_bot(env, run_folder)
        peaks = _Peaks(process.pid)
        prepared = _PreparedWatch(database, users, spawned)
        try:
            finished = reminders.all_in.wait(cap_seconds)
            elapsed = time.perf_counter() - spawned
            emulator_cpu = time.process_time() - cpu_before
        finally:
            prepared.stop()
            replies.stop()
            peaks.stop()
            stop_bot(process)
            reminders.unsubscribe()
            replies.unsubscribe()
        count_429 = emulator.count_429
        count_paid = emulator.count_paid_broadcasts
    arrivals = reminders.arrivals
    first = arrivals[0] - spawned if arrivals else None
    sending = (arrivals[-1] - arrivals[0]) if len(arrivals) > 1 else 0.0
    rate = (len(arrivals) - 1) / sending if sending > 0 else 0.0
    figures = {
        "paid_broadcast_per_second": paid_rate,
        "finished": finished,
        "reminded": len(arrivals),
        "reminders_paid": reminders.paid,
        "paid_broadcasts": count_paid,
        "seconds": round(elapsed, 2) if finished else None,
        "prepared_seconds": None if prepared.seconds is None else round(prepared.seconds, 2),
        "wave_thread_cpu_seconds": _wave_cpu_seconds(run_folder, log_start),
        "first_reminder_seconds": None if first is None else round(first, 2),
        "reminders_per_second": round(rate, 1),
        "busiest_second": _busiest_second(arrivals),
        "count_429": count_429,
        "bot_cpu_seconds": round(peaks.cpu_seconds, 1),
        "bot_cpu_share": round(peaks.cpu_seconds / elapsed, 2) if elapsed else None,
        "emulator_cpu_seconds": round(emulator_cpu, 1),
        "emulator_cpu_share": round(emulator_cpu / elapsed, 2) if elapsed else None,
        "peak_rss_mb": round(peaks.hwm_kb / 1024, 1),
        "peak_threads": peaks.threads,
        "replies": replies.figures(),
    }
    if not finished:
        figures["capped_at_seconds"] = cap_seconds
        figures["projected_seconds"] = round((first or 0) + users / rate, 1) if rate > 0 else None
    return figures


def run_paid(args: argparse.Namespace, folder: Path) -> dict:
    databases = _Databases(folder, args.users, args.cards, args.database_url)
    paid = measure_paid(
        folder, databases.fresh("paid"), args.users, args.cap, args.paid_rate, args.presses
    )
    replies = paid["replies"]
    return {
        "benchmark": "B3-paid reminder wave with paid broadcasts",
        "date": datetime.now(UTC).date().isoformat(),
        "backend": "postgresql" if args.database_url else "sqlite",
        "users": args.users,
        "cards_per_user": args.cards,
        "seed_seconds": round(databases.seed_seconds, 1),
        "paid": paid,
        "targets": {
            "paid_seconds": TARGET_PAID_SECONDS,
            "count_429": 0,
            "reminders_paid": args.users,
            "replies_paid": 0,
        },
        "met": {
            "paid_seconds": bool(paid["finished"] and paid["seconds"] <= TARGET_PAID_SECONDS),
            "count_429": paid["count_429"] == 0,
            "reminders_paid": paid["reminders_paid"] == args.users,
            "replies_paid": replies["paid"] == 0 and replies["replies"] == replies["presses"],
        },
    }


def run(args: argparse.Namespace, folder: Path) -> dict:
    databases = _Databases(folder, args.users, args.cards, args.database_url)
    wave = measure_wave(folder, databases.fresh("wave"), args.users, args.cap)
    paced = measure_paced(
        folder, databases.fresh("paced"), args.users, args.send_seconds, args.warmup_seconds
    )
    rate_low, rate_high = TARGET_RATE
    return {
        "benchmark": "B3 reminder wave",
        "date": datetime.now(UTC).date().isoformat(),
        "backend": "postgresql" if args.database_url else "sqlite",
        "users": args.users,
        "cards_per_user": args.cards,
        "seed_seconds": round(databases.seed_seconds, 1),
        "wave": wave,
        "paced": paced,
        "targets": {
            "wave_seconds": TARGET_WAVE_SECONDS,
            "peak_rss_mb": TARGET_RSS_MB,
            "peak_threads": MAX_LIVE + TARGET_EXTRA_THREADS,
            "messages_per_second": [rate_low, rate_high],
            "count_429": 0,
        },
        "met": {
            "wave_seconds": bool(
                wave["prepared_seconds"] is not None
                and wave["prepared_seconds"] <= TARGET_WAVE_SECONDS
            ),
            "peak_rss_mb": wave["peak_rss_mb"] <= TARGET_RSS_MB,
            "peak_threads": wave["peak_threads"] <= MAX_LIVE + TARGET_EXTRA_THREADS,
            "messages_per_second": rate_low <= paced["messages_per_second"] <= rate_high,
            "count_429": paced["count_429"] == 0,
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--cards", type=int, default=20)
    parser.add_argument("--send-seconds", type=float, default=60.0)
    parser.add_argument("--warmup-seconds", type=float, default=5.0)
    parser.add_argument("--cap-seconds", dest="cap", type=float, default=600.0)
    parser.add_argument("--database-url", default=None, help="PostgreSQL (default: SQLite)")
    parser.add_argument("--paid", action="store_true", help="B3-paid instead of B3a and B3b")
    parser.add_argument("--paid-rate", type=int, default=PAID_RATE)
    parser.add_argument("--presses", type=int, default=20, help="B3-paid: replies timed")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        figures = run_paid(args, Path(folder)) if args.paid else run(args, Path(folder))
    json.dump(figures, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
