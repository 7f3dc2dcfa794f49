"""Reminder sessions (SPEC §4.5, §6.3–§6.5): what a UserSession actor does when its slot is due.

The Scheduler only says "this user's next slot time has passed"; every decision is made here,
from the learner's row and the pure slot rules, with the injected clock.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from actors.flows.context import UserContext
from actors.flows.game import GameFlow
from actors.flows.training import TrainingFlow
from storage import users, vocabulary
from storage.database import database
from wordbot.domain.learner import Learner
from wordbot.domain.slots import Slot, SlotTimes, latest_due_slot, next_slot_after
from wordbot.domain.training import SessionKind
from wordbot.effects import SendText
from wordbot.rendering import training as texts

__all__ = ["ReminderFlow", "enabled_slots"]

log = logging.getLogger(__name__)


def enabled_slots(learner: Learner) -> list[Slot]:
    flags = {
        Slot.MORNING: learner.reminder_morning,
        Slot.AFTERNOON: learner.reminder_afternoon,
        Slot.EVENING: learner.reminder_evening,
    }
    return [slot for slot, on in flags.items() if on]


class ReminderFlow:
    def __init__(self, context: UserContext, training: TrainingFlow, game: GameFlow) -> None:
        self._ctx = context
        self._training = training
        self._game = game

    @property
    def _times(self) -> SlotTimes:
        reminders = self._ctx.services.settings.reminders
        return SlotTimes.parse(reminders.morning, reminders.afternoon, reminders.evening)

    def next_reminder_at(self, learner: Learner, after: datetime) -> datetime | None:
        upcoming = next_slot_after(
            enabled=enabled_slots(learner),
            times=self._times,
            timezone_offset_hours=learner.timezone_offset_hours,
            after=after,
        )
        return None if upcoming is None else upcoming.fires_at

    def reminder_due(self) -> None:
        """A tick found this user's slot time passed: remind, wait, or pause (SPEC §6.3, §6.4)."""
        learner = self._ctx.learner()
        now = self._ctx.now()
        if learner.reminders_paused:
            return
        due = latest_due_slot(
            enabled=enabled_slots(learner),
            times=self._times,
            timezone_offset_hours=learner.timezone_offset_hours,
            last_reminder_sent_at=learner.last_reminder_sent_at,
            since=learner.created_at,
            now=now,
        )
        next_at = self.next_reminder_at(learner, now)
        if due is None:
            self._write(next_reminder_at=next_at)
            return
        outlook = vocabulary.review_outlook(learner.user_id, now)
        if outlook.pairs == 0:
            self._write(next_reminder_at=next_at)
            return
        if self._recently_active(now):
            return  # asked again at the next tick
        misses = self._misses(learner)
        if misses >= self._ctx.services.settings.reminders.pause_after_misses:
            self._write(
                reminders_paused=True,
                missed_reminders=misses,
                last_reminder_sent_at=now,
                next_reminder_at=next_at,
            )
            self._ctx.send(SendText(learner.chat_id, texts.reminders_paused()))
            return
        if not outlook.reviewable:
            self._write(next_reminder_at=next_at)  # nothing to review: no session, no miss
            return
        with database.atomic():
            self._training.expire()
            self._training.begin(self._kind(learner, outlook))
            self._write(
                missed_reminders=misses, last_reminder_sent_at=now, next_reminder_at=next_at
            )
        self._ctx.flush_outbox()
        self._training.send_owed_prompt()

    def user_active(self) -> None:
        """Any message or press: a paused user's reminders resume, the miss count resets; a
        user without a computed next slot (new) gets one."""
        learner = self._ctx.learner()
        if learner.reminders_paused or learner.missed_reminders or learner.next_reminder_at is None:
            now = self._ctx.now()
            self._write(
                reminders_paused=False,
                missed_reminders=0,
                next_reminder_at=self.next_reminder_at(learner, now),
            )

    def _recently_active(self, now: datetime) -> bool:
        grace = timedelta(minutes=self._ctx.services.settings.reminders.active_grace_minutes)
        sessions = (self._ctx.training(), self._game.active())
        return any(s is not None and now - s.last_activity_at < grace for s in sessions)

    def _misses(self, learner: Learner) -> int:
        """The previous reminder session was missed when no grade followed it (SPEC §6.4)."""
        if learner.last_reminder_sent_at is None:
            return 0
        graded = vocabulary.last_graded_at(learner.user_id)
        if graded is not None and graded >= learner.last_reminder_sent_at:
            return 0
        return learner.missed_reminders + 1

    def _kind(self, learner: Learner, outlook: vocabulary.ReviewOutlook) -> SessionKind:
        """Overdue when the due cards exceed the session size or the daily capacity (SPEC §4.5);
        the capacity (`cards_per_session` × enabled slots) is never below the session size,
        so exceeding the session size decides."""
        if outlook.due > learner.cards_per_session:
            return SessionKind.OVERDUE
        return SessionKind.REMINDER

    def _write(self, **changes) -> None:
        """Write changed learner fields only (SPEC: write only when something changes)."""
        learner = self._ctx.learner()
        changes = {k: v for k, v in changes.items() if getattr(learner, k) != v}
        if changes:
            users.update_learner(learner.user_id, self._ctx.now(), **changes)
            self._ctx.update_learner(**changes)
