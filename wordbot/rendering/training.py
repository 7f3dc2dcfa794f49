"""Texts and keyboards of training (SPEC §4.3): the prompt, grade buttons, the graded prompt."""

from __future__ import annotations

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
