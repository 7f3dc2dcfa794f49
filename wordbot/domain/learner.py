"""A learner's settings and small pieces of conversational state, as plain data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from wordbot.domain.reminder_times import ReminderTime
from wordbot.domain.undo import UndoRecord
from wordbot.domain.words_menu import WordsView

__all__ = ["Learner"]


@dataclass(frozen=True, slots=True)
class Learner:
    user_id: int
    chat_id: int
    cards_per_session: int
    reminder_morning: bool
    reminder_afternoon: bool
    reminder_evening: bool
    timezone_offset_hours: int
    reminders_paused: bool
    missed_reminders: int
    last_reminder_sent_at: datetime | None
    pending_input: str | None
    pending_input_until: datetime | None
    confirm_token: str | None
    confirm_message_id: int | None
    created_at: datetime
    next_reminder_at: datetime | None = None
    settings_token: str | None = None
    settings_message_id: int | None = None
    settings_screen: str | None = None
    confirm_until: datetime | None = None
    timezone: str = "UTC"  # SPEC §15: an IANA name
    reminder_times: tuple[ReminderTime, ...] | None = None  # None: the configured slots
    language: str | None = None  # "en"/"ru"; None until first contact sets it
    # SPEC §12: the user's scheduler ("fsrs"/"sm2"), FSRS's target, the daily new-card limit,
    # and personal FSRS-6 weights (None: the defaults) with when and on how many reviews
    # they were fitted.
    scheduler: str = "fsrs"
    desired_retention: float = 0.9
    new_cards_per_day: int = 20
    fsrs_parameters: tuple[float, ...] | None = None
    fitted_at: datetime | None = None
    fitted_on_reviews: int | None = None
    inactive: bool = False  # blocked the bot: no reminders until they write again (§7.6)
    last_seen_at: datetime | None = None  # last message or press, to the hour (/admin)
    undo: UndoRecord | None = None  # the latest grade, while it can be undone (SPEC §13)
    words_token: str | None = None  # the live /words message (SPEC §13)
    words_message_id: int | None = None
    words_view: WordsView | None = None

    def awaits_input(self, kind: str, now: datetime) -> bool:
        """True while a two-step command (e.g. `/add` alone) waits for the user's next text."""
        return (
            self.pending_input == kind
            and self.pending_input_until is not None
            and now < self.pending_input_until
        )
