"""What every actor needs from outside: settings, the clock, the outbound sender, a seed, and
the process-wide pieces shared by all actors: metrics, the import gate, the picture worker,
the writer that commits their units of work."""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Protocol

from storage.writer import Writer
from wordbot.clock import Clock
from wordbot.config import Settings
from wordbot.decide.transition import Rules
from wordbot.domain.slots import SlotTimes
from wordbot.effects import Delivery, Effect
from wordbot.import_gate import ImportGate
from wordbot.metrics import Metrics

__all__ = ["Outbound", "PictureJobs", "SchedulerLink", "Services"]

log = logging.getLogger(__name__)


class Outbound(Protocol):
    def perform(self, effect: Effect) -> Delivery: ...

    def perform_soon(self, effect: Effect) -> Future[Delivery]: ...

    def download(self, file_id: str, max_bytes: int = ...) -> bytes | None: ...


class PictureJobs(Protocol):
    def submit(self, job: Callable[[], object]) -> Future: ...


class SchedulerLink:
    """How a user's actor asks the Scheduler actor for background work (a retention dial):
    the Scheduler is started after the actors' services exist, so it is attached once it
    runs. Before that (or after it stopped) a request is dropped and logged."""

    def __init__(self) -> None:
        self._ref = None
        self._lock = threading.Lock()

    def attach(self, ref) -> None:
        with self._lock:
            self._ref = ref

    def tell(self, message: object) -> bool:
        with self._lock:
            ref = self._ref
        if ref is None:
            log.warning("no scheduler to take %r", message)
            return False
        try:
            ref.tell(message)
        except Exception:  # pykka.ActorDeadError: shutting down
            log.warning("the scheduler is gone; %r dropped", message)
            return False
        return True


@dataclass(frozen=True, slots=True)
class Services:
    settings: Settings
    clock: Clock
    outbound: Outbound
    seed: int | None = None  # seeds every actor's random generator, so a failure can be replayed
    metrics: Metrics | None = None  # None: nothing is counted (tests that do not look)
    import_gate: ImportGate = field(default_factory=ImportGate)  # SPEC §7.6: two at once
    # renders /stats pictures off the actors' threads; None: in the actor (tests)
    pictures: PictureJobs | None = None
    # the Scheduler actor, for background work a user's actor asks for (SPEC §12's dial)
    scheduler: SchedulerLink = field(default_factory=SchedulerLink)
    # commits the units of work of every user, many in one transaction (group commit);
    # None: each unit in its actor's own thread and transaction (tests driving actors)
    writer: Writer | None = None

    def rng_for(self, chat_id: int, user_id: int) -> random.Random:
        if self.seed is None:
            return random.Random()
        return random.Random(f"{self.seed}:{chat_id}:{user_id}")

    def rules(self) -> Rules:
        """The settings decisions need, as plain values."""
        settings = self.settings
        reminders, sessions = settings.reminders, settings.sessions
        return Rules(
            training_ttl=timedelta(minutes=sessions.training_ttl_minutes),
            game_idle=timedelta(minutes=sessions.game_idle_minutes),
            active_grace=timedelta(minutes=reminders.active_grace_minutes),
            pause_after_misses=reminders.pause_after_misses,
            slot_times=SlotTimes.parse(reminders.morning, reminders.afternoon, reminders.evening),
        )
