"""What a decision returns (SPEC §11): the writes, the owed messages and the prompt, as data.

A `Transition` is applied by one unit of work: every write, the inbox entry's removal and the
owed messages (outbox rows) in one transaction. Then delivery sends the outbox, `answer` (a
callback answer: it lives seconds, so it is never recorded) and the owed prompt, and records
the prompt's message id.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from wordbot.domain.game import GameScore
from wordbot.domain.game_session import GameSession
from wordbot.domain.learner import Learner
from wordbot.domain.pairs import PairInput, StagedPairs
from wordbot.domain.review_log import ReviewLogEntry
from wordbot.domain.slots import SlotTimes
from wordbot.domain.srs import CardSchedule
from wordbot.domain.training import Card, TrainingSession
from wordbot.domain.words_menu import DeletePair, EditPair, ResetPair, SetSuspended
from wordbot.effects import AnswerCallback, Effect, SendText
from wordbot.i18n import supported_language

__all__ = [
    "AddReview",
    "ApplyStagedPairs",
    "ClearVocabulary",
    "DeleteGame",
    "DeletePair",
    "DeleteReview",
    "DeleteTraining",
    "EditPair",
    "FinishGame",
    "Moment",
    "Prompt",
    "PromptTarget",
    "ResetPair",
    "Rules",
    "SaveCard",
    "SaveGame",
    "SaveTraining",
    "SetSuspended",
    "Snapshot",
    "SnoozeDue",
    "StartGame",
    "Transition",
    "UpdateLearner",
    "UpsertPairs",
    "Write",
    "merge",
]


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The user's state a decision reads: cached in the actor, the database being the truth."""

    learner: Learner
    training: TrainingSession | None = None  # active (expired counts as absent)
    game: GameSession | None = None  # as stored, expired or not (it still owes a summary)
    cards: Mapping[int, Card] = field(default_factory=dict)  # the cards involved

    @property
    def lang(self) -> str:
        """The language every text of this user is rendered in (SPEC §15)."""
        return supported_language(self.learner.language)


@dataclass(frozen=True, slots=True)
class Rules:
    """The operator's settings a decision needs, as plain values."""

    training_ttl: timedelta = timedelta(minutes=1440)
    game_idle: timedelta = timedelta(minutes=15)
    active_grace: timedelta = timedelta(minutes=15)
    pause_after_misses: int = 9
    slot_times: SlotTimes = field(
        default_factory=lambda: SlotTimes.parse("08:00", "13:00", "20:00")
    )


@dataclass(frozen=True, slots=True)
class Moment:
    """What varies from call to call: the time, randomness and a source of fresh tokens."""

    now: datetime
    rng: random.Random
    new_token: Callable[[], str]


# --- writes -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SaveTraining:
    session: TrainingSession


@dataclass(frozen=True, slots=True)
class DeleteTraining:
    pass


@dataclass(frozen=True, slots=True)
class SaveCard:
    pair_id: int
    schedule: CardSchedule


@dataclass(frozen=True, slots=True)
class AddReview:
    """A grade's review_log row (SPEC §12), written with the grade's card."""

    entry: ReviewLogEntry


@dataclass(frozen=True, slots=True)
class StartGame:
    """A new game: its statistics row is opened and its id put on the session."""

    session: GameSession


@dataclass(frozen=True, slots=True)
class SaveGame:
    session: GameSession


@dataclass(frozen=True, slots=True)
class DeleteGame:
    pass


@dataclass(frozen=True, slots=True)
class FinishGame:
    """Close a game's statistics row."""

    statistics_id: int
    reason: str
    score: GameScore


@dataclass(frozen=True, slots=True)
class UpdateLearner:
    changes: Mapping[str, object]


@dataclass(frozen=True, slots=True)
class SnoozeDue:
    until: datetime


@dataclass(frozen=True, slots=True)
class ClearVocabulary:
    """Delete every pair of the user (their sessions are deleted by their own writes)."""


@dataclass(frozen=True, slots=True)
class UpsertPairs:
    pairs: tuple[PairInput, ...]


@dataclass(frozen=True, slots=True)
class ApplyStagedPairs:
    """A big import's pairs, staged before the decision in short transactions of their own
    (SPEC §7.6), upserted by one statement of the unit of work."""

    staged: StagedPairs


@dataclass(frozen=True, slots=True)
class DeleteReview:
    """Remove an undone grade's review_log row: the pair's rows from `reviewed_at` on."""

    pair_id: int
    reviewed_at: datetime


# DeletePair, ResetPair, SetSuspended and EditPair (/words, SPEC §13) come from words_menu.
Write = (
    SaveTraining
    | DeleteTraining
    | SaveCard
    | AddReview
    | StartGame
    | SaveGame
    | DeleteGame
    | FinishGame
    | UpdateLearner
    | SnoozeDue
    | ClearVocabulary
    | UpsertPairs
    | ApplyStagedPairs
    | DeleteReview
    | DeletePair
    | ResetPair
    | SetSuspended
    | EditPair
)


class PromptTarget(StrEnum):
    """Where a sent prompt's message id is recorded (its buttons count only then)."""

    TRAINING = "training"
    GAME = "game"
    SETTINGS = "settings"
    CLEAR = "clear"
    WORDS = "words"


@dataclass(frozen=True, slots=True)
class Prompt:
    target: PromptTarget
    token: str
    message: SendText


@dataclass(frozen=True, slots=True)
class Transition:
    writes: tuple[Write, ...] = ()
    owed: tuple[Effect, ...] = ()
    answer: AnswerCallback | None = None
    prompt: Prompt | None = None

    @property
    def changes_nothing(self) -> bool:
        return not self.writes and not self.owed and self.prompt is None


def merge(first: Transition, second: Transition) -> Transition:
    """Both transitions, `first`'s writes and messages before `second`'s."""
    return Transition(
        writes=first.writes + second.writes,
        owed=first.owed + second.owed,
        answer=second.answer or first.answer,
        prompt=second.prompt or first.prompt,
    )
