"""B1: latency from a button press reaching the Bot API emulator to the bot's next prompt,
WordBot (the real `wordbot run` process, SQLite, pacing lifted so only the bot's own cost
counts) versus the baseline bot, same emulator, same run.

    python -m wordbot.benchmarks.b1_latency [--presses 300]

Prints JSON with median and p99 milliseconds of each and their ratios (targets ≤ 1.25, ≤ 1.5)
against the baseline as pyTelegramBotAPI comes; the same figures against the baseline on
WordBot's own transport (`same_transport_*`) show what the actors and the database cost alone.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from wordbot.benchmarks.bot_process import (
    TOKEN,
    bot_environment,
    start_baseline,
    start_bot,
    stop_bot,
)
from wordbot.emulator import BotApiEmulator

WAIT = 30.0


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def _is_prompt(message) -> bool:
    """A training prompt: grade buttons ("Well done…" carries only "↩ Undo")."""
    return any(button.text.startswith("Good") for button in message.flat_buttons())


class _Stopwatch:
    """Times each press against the moment the next prompt reaches the emulator."""

    def __init__(self, emulator: BotApiEmulator) -> None:
        self.prompt = threading.Event()
        self.sent_at = 0.0
        emulator.subscribe(self._on_message)

    def _on_message(self, message) -> None:
        if message.event == "sent" and _is_prompt(message):
            self.sent_at = time.perf_counter()
            self.prompt.set()


def _drive(emulator: BotApiEmulator, user: int, presses: int, between_sessions) -> list[float]:
    chat = emulator.private_chat(user_id=user)
    watch = _Stopwatch(emulator)
    latencies: list[float] = []
    watch.prompt.clear()
    chat.send_text("/review")
    while len(latencies) < presses:
        if not watch.prompt.wait(WAIT):
            between_sessions(chat)  # the session ended: start the next one
            watch.prompt.wait(WAIT)
        prompt = [m for m in chat.bot_messages() if _is_prompt(m)][-1]
        watch.prompt.clear()
        began = time.perf_counter()
        chat.press(prompt, button="Good")
        if watch.prompt.wait(2.0):
            latencies.append((watch.sent_at - began) * 1000)
        else:
            between_sessions(chat)
    return latencies


def _run_wordbot(emulator: BotApiEmulator, folder: Path, presses: int) -> list[float]:
    database = folder / "wordbot.db"
    # Pacing lifted (bot_environment): B1 measures the bot's own cost per press.
    env = bot_environment(emulator.url, database)
    process = start_bot(env, folder)
    try:
        emulator.wait_for_call("setMyCommands", timeout=WAIT)
        chat = emulator.private_chat(user_id=1)
        chat.send_text("/add " + "\n".join(f"w{n}, v{n}" for n in range(presses + 50)))
        chat.wait_for_message(contains="Imported", timeout=WAIT, since=0)
        emulator.wait_for_confirmation(timeout=WAIT)
        with sqlite3.connect(database) as db:
            # every press a new card: no daily cap on new cards (SPEC §13) within the run
            db.execute("update users set cards_per_session = 20, new_cards_per_day = 1000")
        process.kill()  # restart so the new setting is read
        process.wait()
        process = start_bot(env, folder)
        time.sleep(1.0)
        return _drive(emulator, 1, presses, lambda c: c.send_text("/review"))
    finally:
        stop_bot(process)


def _run_baseline(
    emulator: BotApiEmulator, presses: int, same_transport: bool = False
) -> list[float]:
    process = start_baseline(emulator.url, same_transport)
    try:
        time.sleep(1.0)
        return _drive(emulator, 2, presses, lambda c: c.send_text("/review"))
    finally:
        stop_bot(process)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=300)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder, BotApiEmulator(token=TOKEN) as emulator:
        wordbot = _run_wordbot(emulator, Path(folder), args.presses)
    with BotApiEmulator(token=TOKEN) as emulator:
        baseline = _run_baseline(emulator, args.presses)
    with BotApiEmulator(token=TOKEN) as emulator:
        same_transport = _run_baseline(emulator, args.presses, same_transport=True)
    figures = {
        "benchmark": "B1 press → next prompt",
        "presses": args.presses,
        "wordbot_median_ms": round(statistics.median(wordbot), 2),
        "wordbot_p99_ms": round(_percentile(wordbot, 0.99), 2),
        "baseline_median_ms": round(statistics.median(baseline), 2),
        "baseline_p99_ms": round(_percentile(baseline, 0.99), 2),
    }
    figures["median_ratio"] = round(figures["wordbot_median_ms"] / figures["baseline_median_ms"], 2)
    figures["p99_ratio"] = round(figures["wordbot_p99_ms"] / figures["baseline_p99_ms"], 2)
    # Context: the baseline on WordBot's own transport, so the ratios show the actors and the
    # database alone.
    figures["same_transport_median_ms"] = round(statistics.median(same_transport), 2)
    figures["same_transport_p99_ms"] = round(_percentile(same_transport, 0.99), 2)
    figures["same_transport_median_ratio"] = round(
        figures["wordbot_median_ms"] / figures["same_transport_median_ms"], 2
    )
    figures["same_transport_p99_ratio"] = round(
        figures["wordbot_p99_ms"] / figures["same_transport_p99_ms"], 2
    )
    json.dump(figures, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
