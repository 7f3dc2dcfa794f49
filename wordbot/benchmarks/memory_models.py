"""Ground-truth memories for the learner simulation (SPEC §12): what a synthetic learner really
remembers, independent of any scheduler's beliefs.

Two models, so no scheduler is graded by its own model alone:
* `FsrsLikeMemory`: FSRS-6's equations with the learner's own 21 weights (the defaults, each
  scaled by a log-normal factor and clamped to py-fsrs's bounds), at exact elapsed time.
* `ExponentialMemory`: not FSRS. Recall is exp(−t/τ); each word has its own difficulty q
  (log-normal) dividing its first τ and its growth; a success multiplies τ by
  1 + k·(0.15 + 6·(1−R)^0.7)/q, so spacing (recalling at lower R) grows memory more; a
  failure cuts τ to 40% (never below the word's first τ).

Ratings (both models): the first sight of a word is rated Again/Hard/Good/Easy with
probabilities 0.25/0.10/0.55/0.10; later, a failed recall is Again and a success is Hard, Good
or Easy, Hard more likely when recall was hard (R < 0.7) and Easy when it was easy (R > 0.95).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

from wordbot.domain.fsrs_schedule import DEFAULT_PARAMETERS

__all__ = [
    "ExponentialMemory",
    "FsrsLikeMemory",
    "WordMemory",
    "draw_learner_parameters",
    "first_rating",
    "rating_after_recall",
]

_FIRST_RATINGS = (1, 2, 3, 4)
_FIRST_RATING_WEIGHTS = (0.25, 0.10, 0.55, 0.10)


@dataclass(slots=True)
class WordMemory:
    """One word's true memory: a strength (stability S or time constant τ, days), FSRS's
    difficulty (or the word's difficulty q), and when it was last reviewed (days)."""

    strength: float
    difficulty: float
    last_review: float


def first_rating(rng: random.Random) -> int:
    return rng.choices(_FIRST_RATINGS, _FIRST_RATING_WEIGHTS)[0]


def rating_after_recall(recalled: bool, recall: float, rng: random.Random) -> int:
    if not recalled:
        return 1
    hard = 0.20 if recall < 0.7 else 0.08
    easy = 0.15 if recall > 0.95 else 0.05
    draw = rng.random()
    return 2 if draw < hard else 4 if draw < hard + easy else 3


def draw_learner_parameters(rng: random.Random, spread: float = 0.3) -> tuple[float, ...]:
    """A learner's own FSRS-6 weights: the defaults scaled by log-normal noise, within bounds."""
    weights = []
    for default, low, high in zip(
        DEFAULT_PARAMETERS, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True
    ):
        scaled = default * math.exp(rng.gauss(0.0, spread))
        weights.append(round(min(high, max(low, scaled)), 4))
    return tuple(weights)


class FsrsLikeMemory:
    """FSRS-6 as the truth, with the learner's own weights (see the module docstring)."""

    name = "fsrs-like"

    def __init__(self, weights: tuple[float, ...]) -> None:
        self.w = weights
        self._decay = -weights[20]
        self._factor = 0.9 ** (1 / self._decay) - 1
        self._easy_difficulty = weights[4] - math.exp(weights[5] * 3) + 1

    def new_word(self, rating: int, now: float, rng: random.Random) -> WordMemory:
        w = self.w
        difficulty = _clamp(w[4] - math.exp(w[5] * (rating - 1)) + 1)
        return WordMemory(max(0.001, w[rating - 1]), difficulty, now)

    def recall(self, memory: WordMemory, now: float) -> float:
        elapsed = max(0.0, now - memory.last_review)
        return (1 + self._factor * elapsed / memory.strength) ** self._decay

    def review(self, memory: WordMemory, rating: int, now: float) -> None:
        w = self.w
        stability, difficulty = memory.strength, memory.difficulty
        elapsed = now - memory.last_review
        if elapsed < 1.0:
            growth = math.exp(w[17] * (rating - 3 + w[18])) * stability ** -w[19]
            stability *= max(growth, 1.0) if rating > 1 else growth
        else:
            recall = self.recall(memory, now)
            if rating == 1:
                long_term = (
                    w[11]
                    * difficulty ** -w[12]
                    * ((stability + 1) ** w[13] - 1)
                    * math.exp((1 - recall) * w[14])
                )
                stability = min(long_term, stability / math.exp(w[17] * w[18]))
            else:
                bonus = (w[15] if rating == 2 else 1.0) * (w[16] if rating == 4 else 1.0)
                stability *= 1 + (
                    math.exp(w[8])
                    * (11 - difficulty)
                    * stability ** -w[9]
                    * math.expm1((1 - recall) * w[10])
                    * bonus
                )
        change = -w[6] * (rating - 3)
        damped = difficulty + (10 - difficulty) * change / 9
        memory.difficulty = _clamp(w[7] * self._easy_difficulty + (1 - w[7]) * damped)
        memory.strength = max(0.001, stability)
        memory.last_review = now


class ExponentialMemory:
    """Exponential forgetting with per-word difficulty and a spacing effect (not FSRS)."""

    name = "exponential"

    def __init__(self, first_tau: float, growth: float) -> None:
        self.first_tau = first_tau
        self.growth = growth

    @classmethod
    def draw(cls, rng: random.Random) -> ExponentialMemory:
        return cls(first_tau=math.exp(rng.gauss(math.log(1.2), 0.3)), growth=rng.uniform(0.8, 1.3))

    def new_word(self, rating: int, now: float, rng: random.Random) -> WordMemory:
        word_difficulty = math.exp(rng.gauss(0.0, 0.5))
        tau = self.first_tau / word_difficulty * (0.2, 0.5, 1.0, 3.0)[rating - 1]
        return WordMemory(tau, word_difficulty, now)

    def recall(self, memory: WordMemory, now: float) -> float:
        return math.exp(-max(0.0, now - memory.last_review) / memory.strength)

    def review(self, memory: WordMemory, rating: int, now: float) -> None:
        recall = self.recall(memory, now)
        if rating == 1:
            floor = self.first_tau / memory.difficulty
            memory.strength = max(floor, memory.strength * 0.4)
        else:
            gain = self.growth * (0.15 + 6 * (1 - recall) ** 0.7) / memory.difficulty
            memory.strength *= 1 + gain
        memory.last_review = now


def _clamp(difficulty: float) -> float:
    return min(10.0, max(1.0, difficulty))
