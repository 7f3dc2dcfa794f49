"""Texts of /stats (SPEC §14): the summary under the picture, the streak line, the empty case.

The summary is HTML, one fact a line, every tag closed on its own line, so it can be cut
between lines: `caption_and_rest` keeps the lines that fit Telegram's 1024-character caption
and gives the rest as a message of its own. The limit is checked on the HTML as sent, which
is never shorter than the text Telegram counts, so a kept caption always fits.
"""

from __future__ import annotations

from wordbot.domain.stats import LearnerStats
from wordbot.rendering.html import escape

__all__ = [
    "MAX_CAPTION_CHARACTERS",
    "caption_and_rest",
    "scheduler_label",
    "stats_caption",
    "stats_empty",
    "streak_line",
]

MAX_CAPTION_CHARACTERS = 1024
_SCHEDULERS = {"fsrs": "FSRS-6", "sm2": "SM-2"}


def stats_caption(stats: LearnerStats) -> str:
    """Every number of /stats, as the caption of its picture."""
    lines = [
        "📊 <b>Your progress</b>",
        f"Words: <b>{stats.pairs}</b> — new {stats.new} · learning {stats.learning}"
        f" · review {stats.review} · suspended {stats.suspended}",
        f"Due now: <b>{stats.due_now}</b> · today: {stats.due_today}"
        f" · next 7 days: {stats.due_week}",
        f"Reviews today: <b>{stats.reviews_today}</b>",
        f"Streak: {_days(stats.current_streak)} · best: {_days(stats.best_streak)}",
        "True retention, 30 days: "
        + _share(stats.retention, stats.retention_grades, "review", "no reviews yet"),
        "Game accuracy, 30 days: "
        + _share(stats.game_accuracy, stats.game_attempts, "answer", "no games yet"),
        f"Scheduler: {scheduler_label(stats.scheduler, stats.personal_parameters)}",
    ]
    return "\n".join(lines)


def scheduler_label(scheduler: str, personal_parameters: bool) -> str:
    name = escape(_SCHEDULERS.get(scheduler, scheduler))
    if scheduler != "fsrs":
        return name
    return f"{name}, {'your personal' if personal_parameters else 'default'} parameters"


def caption_and_rest(
    text: str, limit: int = MAX_CAPTION_CHARACTERS
) -> tuple[str | None, str | None]:
    """(caption, message after it): whole lines up to `limit` characters, then the rest.

    A first line longer than the limit leaves no caption: everything goes in the message.
    """
    if len(text) <= limit:
        return text, None
    lines = text.split("\n")
    kept = 0
    length = -1
    while kept < len(lines) and length + 1 + len(lines[kept]) <= limit:
        length += 1 + len(lines[kept])
        kept += 1
    caption = "\n".join(lines[:kept]) or None
    return caption, "\n".join(lines[kept:])


def streak_line(days: int) -> str | None:
    """The line after "Well done reviewing N cards.": None below two days."""
    if days < 2:
        return None
    return f"🔥 {days} days in a row"


def stats_empty() -> str:
    return (
        "No words yet, so no statistics. Send a pair like <code>house, casa</code>"
        " and come back after a few reviews."
    )


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def _share(share: float | None, total: int, noun: str, none: str) -> str:
    if share is None:
        return none
    plural = noun if total == 1 else noun + "s"
    return f"<b>{_percent(share)}%</b> of {total} {plural}"


def _percent(share: float) -> int:
    """Half up (0.125 → 13), not banker's rounding."""
    return int(share * 100 + 0.5)
