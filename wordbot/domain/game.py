"""The /game rules (SPEC §5): building a shuffled deck, resolving an attempt, scoring.

Pure: no clock and no storage; randomness only through the `random.Random` the caller
passes in, so a seeded generator gives a reproducible game.

Decisions where the SPEC is silent:
* The deck is a tuple used as a queue, current card first. CORRECT removes the current
  card; WRONG and PEEKED (👀) move it to the back, so the game ends exactly when every card
  was answered correctly once.
* Every outcome counts one attempt (a peek is a miss); only CORRECT counts as correct.
  Ignoring repeated presses on a resolved prompt is the caller's job.
* Duplicate pair ids are ignored; with fewer than DECK_PAIRS distinct pairs all of them
  are used, and no pairs give an empty deck (already over).
* Accuracy rounds half up with integer arithmetic (1/8 = 12.5 % → 13, where Python's
  banker's `round` gives 12); 2/3 → 67; 0 when nothing was attempted.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

__all__ = [
    "DECK_PAIRS",
    "Direction",
    "GameCard",
    "GameScore",
    "Outcome",
    "build_deck",
    "resolve",
]

DECK_PAIRS = 5


class Direction(StrEnum):
    """Which side a card shows: FORWARD shows word1 and expects word2, BACKWARD the reverse."""

    FORWARD = "forward"
    BACKWARD = "backward"


class Outcome(StrEnum):
    """How an attempt at the current card ended: typed right, typed wrong, or 👀 pressed."""

    CORRECT = "correct"
    WRONG = "wrong"
    PEEKED = "peeked"


@dataclass(frozen=True, slots=True)
class GameCard:
    """One prompt of the deck: a word pair asked in one direction."""

    pair_id: int
    direction: Direction

    def to_json(self) -> dict[str, Any]:
        """The card as a JSON-ready dict, e.g. `{"pair_id": 7, "direction": "forward"}`."""
        return {"pair_id": self.pair_id, "direction": self.direction.value}

    @staticmethod
    def from_json(data: Mapping[str, Any]) -> GameCard:
        """The card saved by `to_json`; ValueError if `data` is not such a dict."""
        try:
            pair_id, direction = data["pair_id"], Direction(data["direction"])
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"not a saved game card: {data!r}") from error
        if not isinstance(pair_id, int) or isinstance(pair_id, bool):
            raise ValueError(f"not a saved game card: {data!r}")
        return GameCard(pair_id, direction)


@dataclass(frozen=True, slots=True)
class GameScore:
    """Correct answers N out of attempts M so far; ValueError unless 0 ≤ N ≤ M."""

    correct: int = 0
    attempted: int = 0

    def __post_init__(self) -> None:
        if not 0 <= self.correct <= self.attempted:
            raise ValueError(f"need 0 <= correct <= attempted, got {self.correct}/{self.attempted}")

    @property
    def accuracy_percent(self) -> int:
        """round-half-up(100·N/M), 0 when M = 0: 2/3 → 67, 1/8 → 13."""
        if self.attempted == 0:
            return 0
        return (200 * self.correct + self.attempted) // (2 * self.attempted)


def build_deck(pair_ids: Sequence[int], rng: random.Random) -> tuple[GameCard, ...]:
    """Up to DECK_PAIRS distinct random pairs of `pair_ids`, both directions each, shuffled."""
    distinct = list(dict.fromkeys(pair_ids))
    chosen = rng.sample(distinct, min(DECK_PAIRS, len(distinct)))
    cards = [GameCard(pair_id, direction) for pair_id in chosen for direction in Direction]
    rng.shuffle(cards)
    return tuple(cards)


def resolve(
    deck: tuple[GameCard, ...], score: GameScore, outcome: Outcome
) -> tuple[tuple[GameCard, ...], GameScore]:
    """The deck and score after `outcome` on the current card (`deck[0]`); ValueError if empty."""
    if not deck:
        raise ValueError("cannot resolve an attempt on an empty deck")
    current, rest = deck[0], deck[1:]
    if Outcome(outcome) is Outcome.CORRECT:
        return rest, GameScore(score.correct + 1, score.attempted + 1)
    return (*rest, current), GameScore(score.correct, score.attempted + 1)
