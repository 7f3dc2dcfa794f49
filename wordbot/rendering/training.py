"""Texts and keyboards of training (SPEC §4.3): the prompt, grade buttons, the graded prompt."""

from __future__ import annotations

from wordbot.callback_data import encode_callback
from wordbot.domain.srs import Grade
from wordbot.effects import Button, Keyboard
from wordbot.i18n import N_, ngettext
from wordbot.i18n import gettext as _
from wordbot.rendering.html import escape

__all__ = [
    "GRADE_LABELS",
    "TRAINING_SCOPE",
    "grade_keyboard",
    "grade_label",
    "graded_prompt",
    "nothing_to_review",
    "prompt_text",
    "expired_prompt",
    "reminders_paused",
    "snoozed",
    "well_done",
]

TRAINING_SCOPE = "tr"
# English labels; `grade_label(grade, lang=...)` translates them.
GRADE_LABELS = {
    Grade.AGAIN: N_("Again"),
    Grade.HARD: N_("Hard"),
    Grade.GOOD: N_("Good"),
    Grade.EASY: N_("Easy"),
}


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


def well_done(reviewed: int, *, lang: str = "en") -> str:
    return ngettext(
        "Well done reviewing {count} cards.", "Well done reviewing {count} cards.", reviewed, lang
    ).format(count=reviewed)


def nothing_to_review(*, lang: str = "en") -> str:
    return _("Nothing to review right now.", lang)
