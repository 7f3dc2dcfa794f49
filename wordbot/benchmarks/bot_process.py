"""The real `wordbot run` process for the benchmarks: its environment, start and stop by PID, and
what the kernel says about it (/proc/<pid>/status)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "ProcessStatus",
    "bot_environment",
    "cpu_seconds",
    "process_status",
    "run_command",
    "start_baseline",
    "start_bot",
    "stop_bot",
]

TOKEN = "424242:bench-token"


def bot_environment(api_url: str, database: Path, **settings: str) -> dict[str, str]:
    """The parent's environment without its WORDBOT_* settings, plus the benchmark's own.
    Pacing is lifted unless `settings` says otherwise: benchmarks measure the bot, not the pace."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("WORDBOT_")}
    env.update(
        WORDBOT_TELEGRAM_TOKEN=TOKEN,
        WORDBOT_TELEGRAM_API_URL=api_url,
        WORDBOT_DATABASE_URL=f"sqlite:///{database}",
        WORDBOT_LOGGING_LEVEL="WARNING",
        WORDBOT_TELEGRAM_MAX_MESSAGES_PER_SECOND="100000",
        WORDBOT_TELEGRAM_PER_CHAT_PER_SECOND="100000",
    )
    env.update(settings)
    return env


def run_command() -> list[str]:
    """How the bot is started, by the benchmarks and the end-to-end tests alike."""
    return [sys.executable, "-m", "wordbot", "run"]


def start_bot(env: dict[str, str], folder: Path) -> subprocess.Popen:
    """`python -m wordbot run` in `folder`, its log in folder/wordbot.log."""
    with (folder / "wordbot.log").open("ab") as log:
        return subprocess.Popen(
            run_command(),
            env=env,
            cwd=folder,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def start_baseline(api_url: str, same_transport: bool = False) -> subprocess.Popen:
    """The baseline bot (baseline_bot.py) against `api_url`; stop it with `stop_bot`."""
    extra = ["--same-transport"] if same_transport else []
    return subprocess.Popen(
        [sys.executable, "-m", "wordbot.benchmarks.baseline_bot", api_url, TOKEN, *extra],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop_bot(process: subprocess.Popen, timeout: float = 15.0) -> None:
    """SIGTERM, then SIGKILL if it does not stop in time; only this process, by its PID."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)


@dataclass(frozen=True, slots=True)
class ProcessStatus:
    """What /proc/<pid>/status says: resident and peak resident memory (kB), live threads."""

    rss_kb: int
    hwm_kb: int
    threads: int


def process_status(pid: int) -> ProcessStatus:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        fields[name] = value.split()[0] if value.split() else ""
    return ProcessStatus(
        rss_kb=int(fields["VmRSS"]), hwm_kb=int(fields["VmHWM"]), threads=int(fields["Threads"])
    )


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process (all its threads) has used so far, from
    /proc/<pid>/stat (fields 14 and 15, in clock ticks)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()  # the name may hold spaces and parentheses
    ticks = int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")
