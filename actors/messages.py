"""Every message the actors exchange: frozen dataclasses of plain values."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from pykka import Future

from wordbot.transport.updates import Incoming

__all__ = [
    "Cleanup",
    "ComputeDial",
    "CountLive",
    "DuePage",
    "EndIdleGame",
    "FitParameters",
    "HandleUpdate",
    "LearnerChanged",
    "OwedSent",
    "PagePrepared",
    "Passivated",
    "PreparePage",
    "PromptsOwed",
    "Pulse",
    "RecordSent",
    "Recover",
    "ReminderDue",
    "SendOwed",
    "SessionKey",
    "StartWave",
    "StopSessions",
    "SweepIdle",
    "Tick",
]


@dataclass(frozen=True, slots=True)
class SessionKey:
    chat_id: int
    user_id: int


@dataclass(frozen=True, slots=True)
class HandleUpdate:
    """One Telegram update for a user's actor, from inbox entry `entry_id` (None: not from the
    inbox, e.g. a test driving the actor); `completion` resolves once it is handled."""

    key: SessionKey
    incoming: Incoming
    completion: Future | None = field(default=None, compare=False, repr=False)
    entry_id: int | None = None
    received_at: datetime | None = None  # when it reached the inbox (handling latency)


@dataclass(frozen=True, slots=True)
class Recover:
    """At start-up: this user is owed messages or a prompt from before a crash."""

    key: SessionKey


@dataclass(frozen=True, slots=True)
class EndIdleGame:
    """Cleanup found this user's game idle past its expiry: end it with a timed-out summary."""

    key: SessionKey


@dataclass(frozen=True, slots=True)
class ReminderDue:
    """This user's next reminder slot time has passed (the actor decides what to do)."""

    key: SessionKey


@dataclass(frozen=True, slots=True)
class Passivated:
    """A UserSession actor has stopped; buffered messages for its key may go to a new one."""

    key: SessionKey
    actor_urn: str


@dataclass(frozen=True, slots=True)
class SweepIdle:
    """Passivate actors idle since before `now - actors.idle_seconds`."""

    now: datetime


@dataclass(frozen=True, slots=True)
class StopSessions:
    """Stop every UserSession actor, letting each finish its current message (shutdown)."""

    timeout_seconds: float


@dataclass(frozen=True, slots=True)
class CountLive:
    """Ask the Supervisor how many UserSession actors are live (operations, tests)."""


@dataclass(frozen=True, slots=True)
class Pulse:
    """The metronome's beat: the Scheduler runs its due jobs."""


@dataclass(frozen=True, slots=True)
class Tick:
    """Time to look for users whose reminder slot is due."""

    now: datetime


@dataclass(frozen=True, slots=True)
class Cleanup:
    """Time to delete expired sessions and passivate idle actors."""

    now: datetime


@dataclass(frozen=True, slots=True)
class FitParameters:
    """Time to fit the personal FSRS parameters of the users due for it (SPEC §12)."""

    now: datetime


@dataclass(frozen=True, slots=True)
class LearnerChanged:
    """The learner's row changed outside their actor (fitted parameters): read it again."""

    key: SessionKey


@dataclass(frozen=True, slots=True)
class ComputeDial:
    """Work out this learner's retention dial in the background (SPEC §12), unless it is fresh."""

    key: SessionKey


# --- the reminder wave (SPEC §6.3–6.5, §9 B3) ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class StartWave:
    """Time for a pass over the users whose reminder time has passed by `now` (Scheduler →
    Supervisor → ReminderWave; ignored while a pass is running)."""

    now: datetime


@dataclass(frozen=True, slots=True)
class DuePage:
    """ReminderWave → Supervisor: a page of users due for a reminder. The Supervisor gives
    users with an actor a ReminderDue and claims the others for the wave (PreparePage)."""

    keys: tuple[SessionKey, ...]
    now: datetime


@dataclass(frozen=True, slots=True)
class PreparePage:
    """Supervisor → ReminderWave: decide and apply these claimed users' reminders in bulk
    (always sent in answer to a DuePage, even empty: it moves the pass on)."""

    keys: tuple[SessionKey, ...]
    now: datetime


@dataclass(frozen=True, slots=True)
class PagePrepared:
    """ReminderWave → Supervisor: the page is committed; `owed` are the users now owed a
    prompt or a message (for the drain, or for their actor if one was asked for meanwhile)."""

    keys: tuple[SessionKey, ...]
    owed: tuple[SessionKey, ...]


@dataclass(frozen=True, slots=True)
class PromptsOwed:
    """At start-up: users owed a training prompt or outbox messages from before a restart,
    for the drain unless they have an actor."""

    keys: tuple[SessionKey, ...]


@dataclass(frozen=True, slots=True)
class SendOwed:
    """Supervisor → PromptDrain: send what these claimed users are owed, then OwedSent."""

    keys: tuple[SessionKey, ...]


@dataclass(frozen=True, slots=True)
class OwedSent:
    """PromptDrain → Supervisor: done with these users (sent, or left owed for their actor)."""

    keys: tuple[SessionKey, ...]


@dataclass(frozen=True, slots=True)
class RecordSent:
    """To the PromptDrain, from its sender threads: some users' messages went out; record them."""
