"""The Supervisor: routes messages by SessionKey to UserSession actors, starting and passivating
them, and owns the hand-over between a user's actor and the reminder wave (SPEC §6.3–6.5, §9).

Users due for a reminder who have an actor get ReminderDue in it. The others are claimed for
the wave: the ReminderWave prepares them in bulk, then the PromptDrain sends what they are
owed. Exactly one of {the drain, the user's actor} sends a given owed prompt:

* claimed (being prepared, or in a batch handed to the drain): a message for the user waits
  here, in order, until PagePrepared / OwedSent, then goes to their actor as usual;
* prepared, waiting in the drain queue: a message for the user takes them out of the queue,
  and their actor sends the prompt (every change of an actor pays what the session owes).
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pykka

from actors.messages import (
    CountLive,
    DuePage,
    EndIdleGame,
    HandleUpdate,
    LearnerChanged,
    OwedSent,
    PagePrepared,
    Passivated,
    PreparePage,
    PromptsOwed,
    Recover,
    ReminderDue,
    SendOwed,
    SessionKey,
    StartWave,
    StopSessions,
    SweepIdle,
)
from actors.prompt_drain import DRAIN_BATCH, PromptDrain
from actors.reminder_wave import ReminderWave
from actors.services import Services
from actors.unit_of_work import WaveWork
from actors.user_session import UserSession

__all__ = ["Supervisor"]

log = logging.getLogger(__name__)

ActorFactory = Callable[[SessionKey, Services, pykka.ActorRef], pykka.ActorRef]
WaveFactory = Callable[[Services, pykka.ActorRef], tuple[pykka.ActorRef, pykka.ActorRef]]

DRAIN_AHEAD = 2 * DRAIN_BATCH  # users handed to the drain at once: it never runs dry


def _start_user_session(key: SessionKey, services: Services, supervisor: pykka.ActorRef):
    return UserSession.start(key, services, supervisor)


def _start_wave(services: Services, supervisor: pykka.ActorRef):
    """The ReminderWave and the PromptDrain, sharing one WaveWork."""
    work = WaveWork(services.rules(), services.writer)
    return (
        ReminderWave.start(services, supervisor, work),
        PromptDrain.start(services, supervisor, work),
    )


@dataclass(slots=True)
class _Live:
    ref: pykka.ActorRef
    last_used: datetime


@dataclass(slots=True)
class _Stopping:
    """An actor asked to stop: messages for its key wait here until it has finished."""

    actor_urn: str
    buffered: list[Any] = field(default_factory=list)


class Supervisor(pykka.ThreadingActor):
    def __init__(
        self,
        services: Services,
        start_actor: ActorFactory = _start_user_session,
        start_wave: WaveFactory = _start_wave,
    ) -> None:
        super().__init__()
        self._services = services
        self._start_actor = start_actor
        self._start_wave = start_wave
        self._wave: pykka.ActorRef | None = None
        self._drain: pykka.ActorRef | None = None
        self._live: OrderedDict[SessionKey, _Live] = OrderedDict()
        self._stopping: dict[SessionKey, _Stopping] = {}
        self._waiting: OrderedDict[SessionKey, list[Any]] = OrderedDict()
        self._claimed: dict[SessionKey, list[Any]] = {}  # the wave's: messages wait here
        self._owed: OrderedDict[SessionKey, None] = OrderedDict()  # the drain queue
        self._draining = 0  # users handed to the drain, not back yet
        self._shutting_down = False

    def on_start(self) -> None:
        self._wave, self._drain = self._start_wave(self._services, self.actor_ref)

    def on_stop(self) -> None:
        for ref in (self._wave, self._drain):
            if ref is not None:
                ref.stop(block=False)

    @property
    def _settings(self):
        return self._services.settings.actors

    def on_receive(self, message: Any) -> Any:
        match message:
            case HandleUpdate(key=key) | Recover(key=key) | EndIdleGame(key=key):
                self._deliver(key, message)
            case ReminderDue(key=key):
                self._deliver(key, message)
            case StartWave():
                if not self._shutting_down and self._wave is not None:
                    self._wave.tell(message)
            case DuePage(keys=keys, now=now):
                self._claim_page(keys, now)
            case PagePrepared(keys=keys, owed=owed):
                self._page_prepared(keys, owed)
            case PromptsOwed(keys=keys):
                self._queue_owed(keys)
            case OwedSent(keys=keys):
                self._draining -= len(keys)
                self._release(keys)
                self._feed_drain()
            case LearnerChanged(key=key):
                if key in self._live:  # an actor started later reads the learner anyway
                    self._deliver(key, message)
            case Passivated(key=key, actor_urn=urn):
                self._on_passivated(key, urn)
            case SweepIdle(now=now):
                self._sweep_idle(now)
            case StopSessions(timeout_seconds=timeout):
                self._stop_all(timeout)
            case CountLive():
                return len(self._live)
            case _:
                log.warning("supervisor: unknown message %r", message)
        return None

    def _deliver(self, key: SessionKey, message: Any) -> None:
        if self._shutting_down:  # after StopSessions nothing starts again
            _complete(message)
            return
        claimed = self._claimed.get(key)
        if claimed is not None:  # the wave prepares or sends for this user right now
            claimed.append(message)
            return
        self._owed.pop(key, None)  # the actor sends what the drain would have
        stopping = self._stopping.get(key)
        if stopping is not None:
            stopping.buffered.append(message)
            return
        if key in self._waiting:
            self._wait_for_room(key, message)
            return
        entry = self._live.get(key)
        now = self._services.clock.now()
        if entry is None:
            if self._threads() >= self._settings.max_live:
                self._wait_for_room(key, message)
                return
            try:
                ref = self._start_actor(key, self._services, self.actor_ref)
            except Exception:  # e.g. no thread left: this message fails, the Supervisor lives
                log.exception("supervisor: cannot start an actor for %s", key)
                _complete(message)
                return
            entry = _Live(ref, now)
            self._live[key] = entry
        else:
            entry.last_used = now
            self._live.move_to_end(key)
        try:
            entry.ref.tell(message)
        except pykka.ActorDeadError:
            log.warning("supervisor: actor for %s was dead; starting it again", key)
            self._live.pop(key, None)
            self._deliver(key, message)

    # --- the reminder wave -------------------------------------------------------------------

    def _has_actor(self, key: SessionKey) -> bool:
        return key in self._live or key in self._stopping or key in self._waiting

    def _claim_page(self, keys: tuple[SessionKey, ...], now: datetime) -> None:
        """Users with an actor are reminded there; the others are claimed for the wave."""
        claimed = []
        for key in keys:
            if key in self._claimed or key in self._owed:
                continue  # already the wave's
            if self._has_actor(key):
                self._deliver(key, ReminderDue(key))
                continue
            self._claimed[key] = []
            claimed.append(key)
        if self._wave is not None:
            self._wave.tell(PreparePage(tuple(claimed), now))

    def _page_prepared(self, keys: tuple[SessionKey, ...], owed: tuple[SessionKey, ...]) -> None:
        """A user who wrote meanwhile gets their messages in their actor, which sends what the
        wave prepared; the others owed something wait for the drain."""
        owed_keys = set(owed)
        for key in keys:
            buffered = self._claimed.pop(key, None)
            if buffered:
                for message in buffered:
                    self._deliver(key, message)
            elif key in owed_keys:
                self._owed[key] = None
        self._feed_drain()

    def _queue_owed(self, keys: tuple[SessionKey, ...]) -> None:
        """At start-up: owed prompts and messages go to the drain, or to an actor if one runs."""
        for key in keys:
            if key in self._claimed or self._has_actor(key):
                self._deliver(key, Recover(key))
            else:
                self._owed[key] = None
        self._feed_drain()

    def _feed_drain(self) -> None:
        """Claim the next users in the drain queue and hand them over, a batch at a time."""
        while (
            self._owed
            and self._drain is not None
            and not self._shutting_down
            and self._draining < DRAIN_AHEAD
        ):
            batch = []
            while self._owed and len(batch) < DRAIN_BATCH:
                key, _ = self._owed.popitem(last=False)
                self._claimed[key] = []
                batch.append(key)
            self._draining += len(batch)
            self._drain.tell(SendOwed(tuple(batch)))

    def _release(self, keys: tuple[SessionKey, ...]) -> None:
        """The wave is done with these users: what waited for them goes to their actors."""
        for key in keys:
            for message in self._claimed.pop(key, None) or ():
                self._deliver(key, message)

    def _threads(self) -> int:
        """User actor threads: live ones and those asked to stop that have not finished yet."""
        return len(self._live) + len(self._stopping)

    def _wait_for_room(self, key: SessionKey, message: Any) -> None:
        """Every thread is taken: park the message until an actor has stopped, and stop the
        least recently used actors, one per waiting user. A user's own message (an update)
        goes ahead of housekeeping such as a reminder wave."""
        self._waiting.setdefault(key, []).append(message)
        if not isinstance(message, ReminderDue):
            self._waiting.move_to_end(key, last=False)
        self._start_waiting()

    def _start_waiting(self) -> None:
        """Start actors for waiting users while threads are free, then ask as many least
        recently used actors to stop as there are users still waiting for a thread."""
        while self._waiting and self._threads() < self._settings.max_live:
            key, messages = self._waiting.popitem(last=False)
            for message in messages:
                self._deliver(key, message)
        while self._live and len(self._stopping) < len(self._waiting):
            self._passivate(next(iter(self._live)))
        if self._waiting and self._threads() < self._settings.max_live:
            self._start_waiting()  # a dead actor freed its thread at once

    def _sweep_idle(self, now: datetime) -> None:
        cutoff = now - timedelta(seconds=self._settings.idle_seconds)
        idle = [key for key, entry in self._live.items() if entry.last_used <= cutoff]
        for key in idle:
            self._passivate(key)
        if idle:
            log.info("supervisor: passivated %d idle actors, %d live", len(idle), len(self._live))

    def _passivate(self, key: SessionKey) -> None:
        entry = self._live.pop(key)
        if not entry.ref.is_alive():  # it will never report back: nothing to wait for
            return
        self._stopping[key] = _Stopping(entry.ref.actor_urn)
        entry.ref.stop(block=False)

    def _on_passivated(self, key: SessionKey, urn: str) -> None:
        stopping = self._stopping.get(key)
        if stopping is None or stopping.actor_urn != urn:
            return
        del self._stopping[key]
        for message in stopping.buffered:
            self._deliver(key, message)
        self._start_waiting()

    def _stop_all(self, timeout: float) -> None:
        self._shutting_down = True
        for stopping in self._stopping.values():
            for message in stopping.buffered:
                _complete(message)
        self._stopping.clear()
        for messages in self._waiting.values():
            for message in messages:
                _complete(message)
        self._waiting.clear()
        for messages in self._claimed.values():
            for message in messages:
                _complete(message)
        self._claimed.clear()
        self._owed.clear()  # still owed in the database: sent at the next start
        futures = [entry.ref.stop(block=False) for entry in self._live.values()]
        self._live.clear()
        deadline = time.monotonic() + timeout
        for future in futures:
            try:
                future.get(timeout=max(0.0, deadline - time.monotonic()))
            except pykka.Timeout:
                log.warning("supervisor: a user actor did not stop in time")
                break
            except pykka.ActorDeadError:
                continue


def _complete(message: Any) -> None:
    """Release whoever waits for a message that will not be handled (the poller)."""
    completion = getattr(message, "completion", None)
    if completion is not None:
        completion.set(None)
