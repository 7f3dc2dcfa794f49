"""Texts and keyboards of /game (SPEC §5)."""

from __future__ import annotations

from wordbot.callback_data import GAME_SCOPE, encode_callback
from wordbot.domain.game import GameScore, Outcome
from wordbot.effects import Button, Keyboard
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


def prompt_text(shown: str) -> str:
    return f"Translate: <b>{escape(shown)}</b> → ?"


def game_keyboard(token: str, *, resumed: bool = False) -> Keyboard:
    row = [Button("👀", encode_callback(GAME_SCOPE, "peek", token))]
    if resumed:
        row.append(Button("New game", encode_callback(GAME_SCOPE, "new", token)))
    return (tuple(row),)


def answered_prompt(shown: str, expected: str, outcome: Outcome) -> str:
    return f"{escape(shown)} — <tg-spoiler>{escape(expected)}</tg-spoiler> {_MARKS[outcome]}"


def almost_mark(accepted: str) -> str:
    """The ✅ of a forgiven answer (SPEC §13) with the card's exact spelling."""
    return f"✅ Almost: <b>{escape(accepted)}</b>"


def almost_prompt(shown: str, expected: str, accepted: str) -> str:
    """The prompt edited after an answer that was almost right: like ✅, with the spelling."""
    return f"{escape(shown)} — <tg-spoiler>{escape(expected)}</tg-spoiler> {almost_mark(accepted)}"


def summary(score: GameScore, *, timed_out_after_minutes: int | None = None) -> str:
    lines = []
    if timed_out_after_minutes is not None:
        lines.append(f"⏰ Time's up: no answer for {timed_out_after_minutes} minutes.")
    lines += [
        "Game over!",
        f"You got {score.correct} correct answers.",
        f"Accuracy: {score.accuracy_percent}% ({score.correct}/{score.attempted})",
    ]
    return "\n".join(lines)


def no_words_for_game() -> str:
    return "You have no words to play with yet. Add some with /add."
