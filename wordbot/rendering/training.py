"""Texts and keyboards of training (SPEC §4.3): the prompt, grade buttons, the graded prompt."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from wordbot.callback_data import TRAINING_SCOPE, encode_callback
from wordbot.domain.srs import Grade
from wordbot.effects import Button, Keyboard
from wordbot.rendering.html import escape

__all__ = [
    "GRADE_LABELS",
    "TRAINING_SCOPE",
    "grade_keyboard",
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

GRADE_LABELS = {Grade.AGAIN: "Again", Grade.HARD: "Hard", Grade.GOOD: "Good", Grade.EASY: "Easy"}


def prompt_text(shown: str, expected: str, position: int, total: int) -> str:
    """`shown → ||expected||`, with the place in the session when there is more than one card."""
    text = f"{escape(shown)} → <tg-spoiler>{escape(expected)}</tg-spoiler>"
    if total > 1:
        text += f"\n<i>Card {position} of {total}</i>"
    return text


def grade_keyboard(token: str, *, snooze: bool = False) -> Keyboard:
    grades = tuple(
        Button(label, encode_callback(TRAINING_SCOPE, grade.value, token))
        for grade, label in GRADE_LABELS.items()
    )
    if not snooze:
        return (grades,)
    return (
        grades,
        (
            Button("Snooze 1 day", encode_callback(TRAINING_SCOPE, "snooze_day", token)),
            Button("Snooze 1 week", encode_callback(TRAINING_SCOPE, "snooze_week", token)),
        ),
    )


def labelled_grade_keyboard(
    token: str, intervals: Mapping[Grade, timedelta], *, snooze: bool = False
) -> Keyboard:
    """The grade keyboard with each button's next interval: "Good · 3d" (SPEC §12)."""
    rows = grade_keyboard(token, snooze=snooze)
    labelled = tuple(
        Button(grade_button_label(grade, intervals[grade]), button.data)
        for grade, button in zip(GRADE_LABELS, rows[0], strict=True)
    )
    return (labelled, *rows[1:])


def grade_button_label(grade: Grade, interval: timedelta) -> str:
    """ "Again · 1m", "Easy · 8d": the grade's word and the interval it would give."""
    return f"{GRADE_LABELS[grade]} · {interval_label(interval)}"


def interval_label(interval: timedelta) -> str:
    """Compact interval: whole minutes below an hour, whole hours below a day, whole days below
    30 days, then months of 30 days and years of 365 days with one decimal ("1.5mo", "2y");
    at least 1m. Rounded half up."""
    minutes = interval.total_seconds() / 60
    if minutes < 59.5:
        return f"{max(1, _round(minutes, 0))}m"
    hours = minutes / 60
    if hours < 23.5:
        return f"{_round(hours, 0)}h"
    days = hours / 24
    if days < 29.5:
        return f"{_round(days, 0)}d"
    if days < 365:
        return f"{_round(days / 30, 1)}mo"
    return f"{_round(days / 365, 1)}y"


def _round(value: float, places: int) -> int | float:
    exponent = Decimal(1).scaleb(-places)
    rounded = Decimal(repr(value)).quantize(exponent, rounding=ROUND_HALF_UP)
    return int(rounded) if rounded == rounded.to_integral_value() else float(rounded)


def leech_suspended(word: str) -> str:
    """Told once, when a card's 8th lapse suspends it (SPEC §12)."""
    return (
        f"<b>{escape(word)}</b> keeps slipping away — suspended. "
        "Edit it or bring it back in /words."
    )


def expired_prompt(prompt: str) -> str:
    return f"{prompt}\n\nThe session is expired."


def snoozed(days: int) -> str:
    when = "tomorrow" if days == 1 else "in a week"
    return f"Snoozed: your due cards come back {when}."


def reminders_paused() -> str:
    return "Reminders paused due to inactivity. Send /review to resume."


def graded_prompt(prompt: str, grade: Grade) -> str:
    """The prompt as it stays in the chat after a press: the grade appended, no buttons."""
    return f"{prompt}\n→ <b>{GRADE_LABELS[grade]}</b>"


def well_done(reviewed: int) -> str:
    return f"Well done reviewing {reviewed} cards."


def nothing_to_review() -> str:
    return "Nothing to review right now."
