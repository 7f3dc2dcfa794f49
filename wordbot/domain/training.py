"""A training session as plain data (SPEC §6.1): which cards, where the learner is, the live prompt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

__all__ = ["SessionKind", "TrainingSession"]


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
