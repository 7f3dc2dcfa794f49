"""Texts of /stats (SPEC §14): the summary under the picture, the streak line, the empty case.

The summary is HTML, one fact a line, every tag closed on its own line, so it can be cut
between lines: `caption_and_rest` keeps the lines that fit Telegram's 1024-character caption
and gives the rest as a message of its own. The limit is checked on the HTML as sent, which
is never shorter than the text Telegram counts, so a kept caption always fits.
"""

from __future__ import annotations

from datetime import date

from babel.dates import format_skeleton

from wordbot.domain.stats import LearnerStats
from wordbot.i18n import gettext as _
from wordbot.i18n import ngettext, supported_language
from wordbot.rendering.html import escape
from wordbot.rendering.stats_chart import ChartLabels

__all__ = [
    "MAX_CAPTION_CHARACTERS",
    "caption_and_rest",
    "chart_labels",
    "scheduler_label",
    "stats_caption",
    "stats_empty",
    "streak_line",
]

MAX_CAPTION_CHARACTERS = 1024
_SCHEDULERS = {"fsrs": "FSRS-6", "sm2": "SM-2"}


def stats_caption(stats: LearnerStats, *, lang: str = "en") -> str:
    """Every number of /stats, as the caption of its picture."""
    retention = _("no reviews yet", lang)
    if stats.retention is not None:
        retention = ngettext(
            "<b>{percent}%</b> of {count} review",
            "<b>{percent}%</b> of {count} reviews",
            stats.retention_grades,
            lang,
        ).format(percent=_percent(stats.retention), count=stats.retention_grades)
    accuracy = _("no games yet", lang)
    if stats.game_accuracy is not None:
        accuracy = ngettext(
            "<b>{percent}%</b> of {count} answer",
            "<b>{percent}%</b> of {count} answers",
            stats.game_attempts,
            lang,
        ).format(percent=_percent(stats.game_accuracy), count=stats.game_attempts)
    lines = [
        _("📊 <b>Your progress</b>", lang),
        _(
            "Words: <b>{pairs}</b> — new {new} · learning {learning} · review {review}"
            " · suspended {suspended}",
            lang,
        ).format(
            pairs=stats.pairs,
            new=stats.new,
            learning=stats.learning,
            review=stats.review,
            suspended=stats.suspended,
        ),
        _("Due now: <b>{now}</b> · today: {today} · next 7 days: {week}", lang).format(
            now=stats.due_now, today=stats.due_today, week=stats.due_week
        ),
        _("Reviews today: <b>{count}</b>", lang).format(count=stats.reviews_today),
        _("Streak: {current} · best: {best}", lang).format(
            current=_days(stats.current_streak, lang), best=_days(stats.best_streak, lang)
        ),
        _("True retention, 30 days: {share}", lang).format(share=retention),
        _("Game accuracy, 30 days: {share}", lang).format(share=accuracy),
        _("Scheduler: {scheduler}", lang).format(
            scheduler=scheduler_label(stats.scheduler, stats.personal_parameters, lang=lang)
        ),
    ]
    return "\n".join(lines)


def scheduler_label(scheduler: str, personal_parameters: bool, *, lang: str = "en") -> str:
    name = escape(_SCHEDULERS.get(scheduler, scheduler))
    if scheduler != "fsrs":
        return name
    if personal_parameters:
        return _("{name}, your personal parameters", lang).format(name=name)
    return _("{name}, default parameters", lang).format(name=name)


def chart_labels(*, lang: str = "en") -> ChartLabels:
    """The words on the picture in the learner's language."""
    locale = supported_language(lang)

    def format_day(day: date) -> str:
        return format_skeleton("MMMd", day, locale=locale)

    return ChartLabels(
        reviews_title=_("Reviews per day, last 30 days", lang),
        due_title=_("Cards due per day, next 30 days", lang),
        reviews_axis=_("reviews", lang),
        due_axis=_("cards", lang),
        today=_("today", lang),
        format_day=format_day,
    )


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


def streak_line(days: int, *, lang: str = "en") -> str | None:
    """The line after "Well done reviewing N cards.": None below two days."""
    if days < 2:
        return None
    return ngettext("🔥 {count} day in a row", "🔥 {count} days in a row", days, lang).format(
        count=days
    )


def stats_empty(*, lang: str = "en") -> str:
    return _(
        "No words yet, so no statistics. Send a pair like <code>house, casa</code>"
        " and come back after a few reviews.",
        lang,
    )


def _days(count: int, lang: str) -> str:
    return ngettext("{count} day", "{count} days", count, lang).format(count=count)


def _percent(share: float) -> int:
    """Half up (0.125 → 13), not banker's rounding."""
    return int(share * 100 + 0.5)
