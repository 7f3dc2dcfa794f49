"""A /game in progress as plain data (SPEC §5, §6.1): the deck queue, the live prompt, the score."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from wordbot.domain.game import GameCard, GameScore

__all__ = ["EndReason", "GameSession"]


class EndReason:
    FINISHED = "finished"
    TIMEOUT = "timeout"
    REPLACED = "replaced"


@dataclass(frozen=True, slots=True)
class GameSession:
    chat_id: int
    user_id: int
    deck: tuple[GameCard, ...]  # a queue: the current card first
    current_token: str
    current_message_id: int | None
    current_prompt_text: str
    statistics_id: int
    score: GameScore
    last_activity_at: datetime
    expires_at: datetime
    created_at: datetime

    @property
    def current_card(self) -> GameCard:
        return self.deck[0]

    def is_expired(self, now: datetime) -> bool:
        return self.expires_at <= now
