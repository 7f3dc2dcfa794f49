"""Texts and keyboards of /game (SPEC §5)."""

from __future__ import annotations

from wordbot.callback_data import GAME_SCOPE, encode_callback
from wordbot.domain.game import GameScore, Outcome
from wordbot.effects import Button, Keyboard
from wordbot.i18n import gettext as _
from wordbot.i18n import ngettext
from wordbot.rendering.html import escape

__all__ = [
    "GAME_SCOPE",
    "almost_mark",
    "almost_prompt",
    "answered_prompt",
    "game_keyboard",
    "no_words_for_game",
    "prompt_text",
    "summary",
]

_MARKS = {Outcome.CORRECT: "✅", Outcome.WRONG: "❌", Outcome.PEEKED: "👀"}


def prompt_text(shown: str, *, lang: str = "en") -> str:
    return _("Translate: <b>{word}</b> → ?", lang).format(word=escape(shown))


def game_keyboard(token: str, *, resumed: bool = False, lang: str = "en") -> Keyboard:
    row = [Button("👀", encode_callback(GAME_SCOPE, "peek", token))]
    if resumed:
        row.append(Button(_("New game", lang), encode_callback(GAME_SCOPE, "new", token)))
    return (tuple(row),)


def answered_prompt(shown: str, expected: str, outcome: Outcome, *, lang: str = "en") -> str:
    return f"{escape(shown)} — <tg-spoiler>{escape(expected)}</tg-spoiler> {_MARKS[outcome]}"


def almost_mark(accepted: str, *, lang: str = "en") -> str:
    """The ✅ of a forgiven answer (SPEC §13) with the card's exact spelling."""
    return _("✅ Almost: <b>{word}</b>", lang).format(word=escape(accepted))


def almost_prompt(shown: str, expected: str, accepted: str, *, lang: str = "en") -> str:
    """The prompt edited after an answer that was almost right: like ✅, with the spelling."""
    mark = almost_mark(accepted, lang=lang)
    return f"{escape(shown)} — <tg-spoiler>{escape(expected)}</tg-spoiler> {mark}"


def summary(
    score: GameScore, *, timed_out_after_minutes: int | None = None, lang: str = "en"
) -> str:
    lines = []
    if timed_out_after_minutes is not None:
        timed_out = ngettext(
            "⏰ Time's up: no answer for {count} minutes.",
            "⏰ Time's up: no answer for {count} minutes.",
            timed_out_after_minutes,
            lang,
        )
        lines.append(timed_out.format(count=timed_out_after_minutes))
    correct = ngettext(
        "You got {count} correct answers.", "You got {count} correct answers.", score.correct, lang
    )
    lines += [
        _("Game over!", lang),
        correct.format(count=score.correct),
        _("Accuracy: {percent}% ({correct}/{attempted})", lang).format(
            percent=score.accuracy_percent, correct=score.correct, attempted=score.attempted
        ),
    ]
    return "\n".join(lines)


def no_words_for_game(*, lang: str = "en") -> str:
    return _("You have no words to play with yet. Add some with /add.", lang)
