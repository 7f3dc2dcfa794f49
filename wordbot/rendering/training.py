"""Texts and keyboards of training (SPEC §4.3): the prompt, grade buttons, the graded prompt."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_decimal

from wordbot.callback_data import TRAINING_SCOPE, encode_callback
from wordbot.domain.srs import Grade
from wordbot.effects import Button, Keyboard
from wordbot.i18n import N_, ngettext, supported_language
from wordbot.i18n import gettext as _
from wordbot.rendering.html import escape

__all__ = [
    "GRADE_LABELS",
    "TRAINING_SCOPE",
    "UNDO_ACTION",
    "undo_row",
    "undone_prompt",
    "with_undo",
    "grade_keyboard",
    "grade_label",
    "graded_prompt",
    "nothing_to_review",
    "prompt_text",
    "expired_prompt",
    "grade_button_label",
    "interval_label",
    "labelled_grade_keyboard",
    "leech_suspended",
    "reminders_paused",
    "snoozed",
    "well_done",
]

# English labels; `grade_label(grade, lang=...)` translates them.
GRADE_LABELS = {
    Grade.AGAIN: N_("Again"),
    Grade.HARD: N_("Hard"),
    Grade.GOOD: N_("Good"),
    Grade.EASY: N_("Easy"),
}


UNDO_ACTION = "undo"


def grade_label(grade: Grade, *, lang: str = "en") -> str:
    return _(GRADE_LABELS[grade], lang)


def prompt_text(shown: str, expected: str, position: int, total: int, *, lang: str = "en") -> str:
    """`shown → ||expected||`, with the place in the session when there is more than one card."""
    text = f"{escape(shown)} → <tg-spoiler>{escape(expected)}</tg-spoiler>"
    if total > 1:
        place = _("Card {position} of {total}", lang).format(position=position, total=total)
        text += f"\n<i>{place}</i>"
    return text


def grade_keyboard(token: str, *, snooze: bool = False, lang: str = "en") -> Keyboard:
    grades = tuple(
        Button(grade_label(grade, lang=lang), encode_callback(TRAINING_SCOPE, grade.value, token))
        for grade in GRADE_LABELS
    )
    if not snooze:
        return (grades,)
    return (
        grades,
        (
            Button(_("Snooze 1 day", lang), encode_callback(TRAINING_SCOPE, "snooze_day", token)),
            Button(_("Snooze 1 week", lang), encode_callback(TRAINING_SCOPE, "snooze_week", token)),
        ),
    )


def labelled_grade_keyboard(
    token: str, intervals: Mapping[Grade, timedelta], *, snooze: bool = False, lang: str = "en"
) -> Keyboard:
    """The grade keyboard with each button's next interval: "Good · 3d" (SPEC §12)."""
    rows = grade_keyboard(token, snooze=snooze, lang=lang)
    labelled = tuple(
        Button(grade_button_label(grade, intervals[grade], lang=lang), button.data)
        for grade, button in zip(GRADE_LABELS, rows[0], strict=True)
    )
    return (labelled, *rows[1:])


def grade_button_label(grade: Grade, interval: timedelta, *, lang: str = "en") -> str:
    """ "Again · 1m", "Easy · 8d": the grade's word and the interval it would give."""
    return f"{grade_label(grade, lang=lang)} · {interval_label(interval, lang=lang)}"


def interval_label(interval: timedelta, *, lang: str = "en") -> str:
    """Compact interval: whole minutes below an hour, whole hours below a day, whole days below
    30 days, then months of 30 days and years of 365 days with one decimal ("1.5mo", "2y";
    "1,5мес" in Russian); at least 1m. Rounded half up."""
    minutes = interval.total_seconds() / 60
    if minutes < 59.5:
        return _("{count}m", lang).format(count=_decimal(max(1, _round(minutes, 0)), lang))
    hours = minutes / 60
    if hours < 23.5:
        return _("{count}h", lang).format(count=_decimal(_round(hours, 0), lang))
    days = hours / 24
    if days < 29.5:
        return _("{count}d", lang).format(count=_decimal(_round(days, 0), lang))
    if days < 365:
        return _("{count}mo", lang).format(count=_decimal(_round(days / 30, 1), lang))
    return _("{count}y", lang).format(count=_decimal(_round(days / 365, 1), lang))


def _decimal(value: int | float, lang: str) -> str:
    """A number as `lang` writes it ("1.5" in English, "1,5" in Russian)."""
    return format_decimal(value, locale=supported_language(lang))


def _round(value: float, places: int) -> int | float:
    exponent = Decimal(1).scaleb(-places)
    rounded = Decimal(repr(value)).quantize(exponent, rounding=ROUND_HALF_UP)
    return int(rounded) if rounded == rounded.to_integral_value() else float(rounded)


def leech_suspended(word: str, *, lang: str = "en") -> str:
    """Told once, when a card's 8th lapse suspends it (SPEC §12)."""
    return _(
        "<b>{word}</b> keeps slipping away — suspended. Edit it or bring it back in /words.",
        lang,
    ).format(word=escape(word))


def expired_prompt(prompt: str, *, lang: str = "en") -> str:
    return f"{prompt}\n\n{_('The session is expired.', lang)}"


def snoozed(days: int, *, lang: str = "en") -> str:
    if days == 1:
        return _("Snoozed: your due cards come back tomorrow.", lang)
    return _("Snoozed: your due cards come back in a week.", lang)


def reminders_paused(*, lang: str = "en") -> str:
    return _("Reminders paused due to inactivity. Send /review to resume.", lang)


def graded_prompt(prompt: str, grade: Grade, *, lang: str = "en") -> str:
    """The prompt as it stays in the chat after a press: the grade appended, no buttons."""
    return f"{prompt}\n→ <b>{grade_label(grade, lang=lang)}</b>"


def undone_prompt(prompt: str, grade: Grade, *, lang: str = "en") -> str:
    """A graded prompt whose grade was undone (SPEC §13): its marker says so."""
    marker = _("(undone)", lang)
    return f"{graded_prompt(prompt, grade, lang=lang)} {marker}"


def undo_row(token: str, *, lang: str = "en") -> tuple[Button, ...]:
    """The second-row "↩ Undo" of the message after a grade (SPEC §13)."""
    return (Button(_("↩ Undo", lang), encode_callback(TRAINING_SCOPE, UNDO_ACTION, token)),)


def with_undo(keyboard: Keyboard | None, token: str | None, *, lang: str = "en") -> Keyboard | None:
    """`keyboard` with the undo row below it when there is an undo `token`."""
    if token is None:
        return keyboard
    return (*(keyboard or ()), undo_row(token, lang=lang))


def well_done(reviewed: int, *, lang: str = "en") -> str:
    return ngettext(
        "Well done reviewing {count} cards.", "Well done reviewing {count} cards.", reviewed, lang
    ).format(count=reviewed)


def nothing_to_review(*, lang: str = "en") -> str:
    return _("Nothing to review right now.", lang)
