"""A training session as plain data (SPEC §6.1): which cards, where the learner is, the live prompt."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from wordbot.domain.srs import CardSchedule

__all__ = ["Card", "CardOutlook", "SessionKind", "TrainingSession", "advance"]


class SessionKind(StrEnum):
    REVIEW = "review"
    GETPAIR = "getpair"
    REMINDER = "reminder"
    OVERDUE = "overdue"


@dataclass(frozen=True, slots=True)
class TrainingSession:
    chat_id: int
    user_id: int
    pair_ids: tuple[int, ...]
    current_index: int
    current_token: str
    current_message_id: int | None
    current_prompt_text: str
    kind: SessionKind
    reviewed_count: int
    last_activity_at: datetime
    expires_at: datetime
    created_at: datetime

    @property
    def current_pair_id(self) -> int | None:
        if 0 <= self.current_index < len(self.pair_ids):
            return self.pair_ids[self.current_index]
        return None

    def is_expired(self, now: datetime) -> bool:
        return self.expires_at <= now

    @property
    def opens_with_reminder(self) -> bool:
        """Its prompt is the one a reminder starts it with (SPEC §6.3): a reminder's session on
        its first prompt, never graded, resumed or moved on. That message is a broadcast."""
        return (
            self.kind in (SessionKind.REMINDER, SessionKind.OVERDUE)
            and self.reviewed_count == 0
            and self.last_activity_at == self.created_at
        )


def advance(
    session: TrainingSession,
    *,
    next_index: int | None,
    next_token: str,
    next_prompt_text: str,
    now: datetime,
) -> TrainingSession | None:
    """The session after a grade: on to `next_index` with a fresh prompt, or None when done."""
    if next_index is None:
        return None
    return replace(
        session,
        current_index=next_index,
        current_token=next_token,
        current_message_id=None,
        current_prompt_text=next_prompt_text,
        reviewed_count=session.reviewed_count + 1,
        last_activity_at=now,
    )


@dataclass(frozen=True, slots=True)
class Card:
    """A word pair with its schedule, as training sees it."""

    pair_id: int
    word1: str
    word2: str
    schedule: CardSchedule


@dataclass(frozen=True, slots=True)
class CardOutlook:
    """One learner's cards as a reminder sees them, read in bulk for a wave (SPEC §6.3–6.5):
    counts of pairs, due and new cards (before the day's new-card limit), when they last
    graded, the first due cards (oldest due first), the first new ones (by new_rank, id) and
    how many new cards their day has introduced so far."""

    pairs: int = 0
    due: int = 0
    new: int = 0
    last_graded_at: datetime | None = None
    due_cards: Sequence[Card] = ()
    new_cards: Sequence[Card] = ()
    introduced_today: int = 0
