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
    "EndIdleGame",
    "FitParameters",
    "HandleUpdate",
    "LearnerChanged",
    "Passivated",
    "Pulse",
    "Recover",
    "ReminderDue",
    "SessionKey",
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
