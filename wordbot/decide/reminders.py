"""Reminder decisions (SPEC §6.3–6.5, §15): at a due reminder time remind, wait, or pause; any
activity resumes paused reminders.

Reminder times are the learner's own (`reminder_times`, in their IANA zone); a learner who never
edited them has the configured slots with their old morning/afternoon/evening flags.

Pure. Facts from storage come in: the review outlook (pairs, due, new), when the user last
graded, and the cards a reminder session would take (selected as for /review). A reminder
wave reads them for a page of learners at once (`DueLearner`) and decides each with the same
`decide_reminder` (`decide_reminders`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from wordbot.decide.training import decide_expire, new_session
from wordbot.decide.transition import (
    Moment,
    Rules,
    SaveTraining,
    Snapshot,
    Transition,
    UpdateLearner,
    merge,
)
from wordbot.domain import reminder_times as times_rules
from wordbot.domain.learner import Learner
from wordbot.domain.new_cards import new_cards_allowed, take_session_cards
from wordbot.domain.reminder_times import ReminderTime, default_reminder_times
from wordbot.domain.slots import Slot
from wordbot.domain.training import Card, CardOutlook, SessionKind
from wordbot.effects import SendText
from wordbot.rendering import training as texts

__all__ = [
    "DueLearner",
    "ReminderFacts",
    "decide_reminder",
    "decide_due_learner",
    "decide_unblocked",
    "decide_user_active",
    "enabled_slots",
    "next_reminder_at",
    "reminder_facts",
    "reminder_times_of",
]


@dataclass(frozen=True, slots=True)
class ReminderFacts:
    pairs: int
    due: int
    new: int
    last_graded_at: datetime | None
    candidates: Sequence[Card] = ()


@dataclass(frozen=True, slots=True)
class DueLearner:
    """One learner of a reminder wave's page, read in bulk: their snapshot (learner, active
    training session, game) and their cards as a reminder sees them."""

    snapshot: Snapshot
    outlook: CardOutlook


def reminder_facts(learner: Learner, outlook: CardOutlook) -> ReminderFacts:
    """The facts `decide_reminder` reads, from a learner's cards read in bulk: the same
    counts, daily new-card limit and session selection (SPEC §4.2, §12) as one learner's
    queries give (`take_session_cards`, `new_cards_allowed`)."""
    new = outlook.new
    if new:
        new = new_cards_allowed(outlook.introduced_today, learner.new_cards_per_day, new)
    candidates: list[Card] = []
    if outlook.due or new:
        size = learner.cards_per_session
        due_ids = [card.pair_id for card in outlook.due_cards]
        wanted = size - min(size, len(due_ids))
        room = None
        if wanted > 0:
            room = new_cards_allowed(outlook.introduced_today, learner.new_cards_per_day, wanted)
        fresh_ids = [card.pair_id for card in outlook.new_cards]
        by_id = {card.pair_id: card for card in (*outlook.due_cards, *outlook.new_cards)}
        chosen = take_session_cards(due_ids, fresh_ids, size, room)
        candidates = [by_id[pair_id] for pair_id in chosen]
    return ReminderFacts(
        pairs=outlook.pairs,
        due=outlook.due,
        new=new,
        last_graded_at=outlook.last_graded_at,
        candidates=candidates,
    )


def decide_due_learner(due: DueLearner, rules: Rules, moment: Moment) -> Transition:
    """One learner of a wave's page: `decide_reminder` on their facts read in bulk."""
    return decide_reminder(
        due.snapshot, reminder_facts(due.snapshot.learner, due.outlook), rules, moment
    )


def enabled_slots(learner: Learner) -> list[Slot]:
    flags = {
        Slot.MORNING: learner.reminder_morning,
        Slot.AFTERNOON: learner.reminder_afternoon,
        Slot.EVENING: learner.reminder_evening,
    }
    return [slot for slot, on in flags.items() if on]


def reminder_times_of(learner: Learner, rules: Rules) -> tuple[ReminderTime, ...]:
    """The learner's reminder times; never edited: the configured slots with the slot flags."""
    if learner.reminder_times is not None:
        return tuple(learner.reminder_times)
    return default_reminder_times(
        rules.slot_times,
        morning=learner.reminder_morning,
        afternoon=learner.reminder_afternoon,
        evening=learner.reminder_evening,
    )


def next_reminder_at(learner: Learner, rules: Rules, after: datetime) -> datetime | None:
    """The first enabled reminder time strictly after `after`, in the learner's zone."""
    return times_rules.next_reminder_at(reminder_times_of(learner, rules), learner.timezone, after)


def decide_reminder(
    snapshot: Snapshot, facts: ReminderFacts, rules: Rules, moment: Moment
) -> Transition:
    """A tick found this user's reminder time passed: remind, wait, or pause (SPEC §6.3, §6.4)."""
    learner, now = snapshot.learner, moment.now
    if learner.reminders_paused:
        return Transition()
    due = times_rules.latest_due_reminder(
        reminder_times_of(learner, rules),
        learner.timezone,
        last_reminder_sent_at=learner.last_reminder_sent_at,
        since=learner.created_at,
        now=now,
    )
    next_at = next_reminder_at(learner, rules, now)
    if learner.inactive:
        return Transition()  # blocked the bot: nothing until they write again (SPEC §7.6)
    if due is None or facts.pairs == 0:
        return _learner_changes(learner, next_reminder_at=next_at)
    if _recently_active(snapshot, rules, now):
        return Transition()  # asked again at the next tick
    misses = _misses(learner, facts)
    if misses >= rules.pause_after_misses:
        paused = _learner_changes(
            learner,
            reminders_paused=True,
            missed_reminders=misses,
            last_reminder_sent_at=now,
            next_reminder_at=next_at,
        )
        return merge(
            paused,
            Transition(
                owed=(
                    SendText(
                        learner.chat_id,
                        texts.reminders_paused(lang=snapshot.lang),
                        broadcast=True,
                    ),
                )
            ),
        )
    if facts.due == 0 and facts.new == 0:
        return _learner_changes(learner, next_reminder_at=next_at)  # no session, no miss
    kind = SessionKind.OVERDUE if facts.due > learner.cards_per_session else SessionKind.REMINDER
    session = new_session(snapshot, kind, facts.candidates, moment)
    started = Transition() if session is None else Transition(writes=(SaveTraining(session),))
    changes = _learner_changes(
        learner, missed_reminders=misses, last_reminder_sent_at=now, next_reminder_at=next_at
    )
    return merge(merge(decide_expire(snapshot), started), changes)


def decide_user_active(snapshot: Snapshot, rules: Rules, moment: Moment) -> Transition:
    """Any message or press: a paused user's reminders resume, the miss count resets; a user
    without a computed next slot (new) gets one."""
    learner = snapshot.learner
    if learner.reminders_paused or learner.missed_reminders or learner.next_reminder_at is None:
        return _learner_changes(
            learner,
            reminders_paused=False,
            missed_reminders=0,
            next_reminder_at=next_reminder_at(learner, rules, moment.now),
        )
    return Transition()


def decide_unblocked(snapshot: Snapshot, rules: Rules, moment: Moment) -> Transition:
    """SPEC §7.6: a user marked inactive (they had blocked the bot) who writes again is active
    again; their next reminder counts from now, not from a slot missed while blocked."""
    learner = snapshot.learner
    if not learner.inactive:
        return Transition()
    return _learner_changes(
        learner, inactive=False, next_reminder_at=next_reminder_at(learner, rules, moment.now)
    )


def _recently_active(snapshot: Snapshot, rules: Rules, now: datetime) -> bool:
    sessions = [snapshot.training]
    if snapshot.game is not None and not snapshot.game.is_expired(now):
        sessions.append(snapshot.game)
    return any(s is not None and now - s.last_activity_at < rules.active_grace for s in sessions)


def _misses(learner: Learner, facts: ReminderFacts) -> int:
    """The previous reminder session was missed when no grade followed it (SPEC §6.4)."""
    if learner.last_reminder_sent_at is None:
        return 0
    if facts.last_graded_at is not None and facts.last_graded_at >= learner.last_reminder_sent_at:
        return 0
    return learner.missed_reminders + 1


def _learner_changes(learner: Learner, **changes) -> Transition:
    """Only the fields that change (a tick for a user whose state stands writes nothing)."""
    changed = {k: v for k, v in changes.items() if getattr(learner, k) != v}
    return Transition(writes=(UpdateLearner(changed),)) if changed else Transition()
