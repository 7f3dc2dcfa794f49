"""The Supervisor: routes messages by SessionKey to UserSession actors, starting and passivating them."""

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
    EndIdleGame,
    HandleUpdate,
    LearnerChanged,
    Passivated,
    Recover,
    ReminderDue,
    SessionKey,
    StopSessions,
    SweepIdle,
)
from actors.services import Services
from actors.user_session import UserSession

__all__ = ["Supervisor"]

log = logging.getLogger(__name__)

ActorFactory = Callable[[SessionKey, Services, pykka.ActorRef], pykka.ActorRef]

REMINDER_WINDOW = 8  # reminders handled at once by actors started only for them


def _start_user_session(key: SessionKey, services: Services, supervisor: pykka.ActorRef):
    return UserSession.start(key, services, supervisor)


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
    def __init__(self, services: Services, start_actor: ActorFactory = _start_user_session) -> None:
        super().__init__()
        self._services = services
        self._start_actor = start_actor
        self._live: OrderedDict[SessionKey, _Live] = OrderedDict()
        self._stopping: dict[SessionKey, _Stopping] = {}
        self._waiting: OrderedDict[SessionKey, list[Any]] = OrderedDict()
        self._reminders: OrderedDict[SessionKey, ReminderDue] = OrderedDict()
        self._reminding: set[SessionKey] = set()
        self._shutting_down = False

    @property
    def _settings(self):
        return self._services.settings.actors

    def on_receive(self, message: Any) -> Any:
        match message:
            case HandleUpdate(key=key) | Recover(key=key) | EndIdleGame(key=key):
                self._deliver(key, message)
            case ReminderDue():
                self._remind(message)
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

    def _remind(self, message: ReminderDue) -> None:
        """A user with an actor gets the reminder in it. Anyone else waits in line (once) for
        one of REMINDER_WINDOW actors started only for a reminder and stopped right after
        it, so a wave neither fills the threads nor lines up thousands of actors on the
        database at once, and each Passivated lets the next one in."""
        key = message.key
        if key in self._live or key in self._stopping or key in self._waiting:
            self._deliver(key, message)
            return
        self._reminders.setdefault(key, message)
        self._start_reminders()

    def _start_reminders(self) -> None:
        while (
            self._reminders
            and not self._shutting_down
            and len(self._reminding) < REMINDER_WINDOW
            and self._threads() < self._settings.max_live
        ):
            key, message = self._reminders.popitem(last=False)
            if key in self._live or key in self._stopping or key in self._waiting:
                self._deliver(key, message)
                continue
            try:
                ref = self._start_actor(key, self._services, self.actor_ref)
                ref.tell(message)
            except Exception:  # e.g. no thread left: this reminder comes round again
                log.exception("supervisor: cannot start an actor for %s", key)
                continue
            self._stopping[key] = _Stopping(ref.actor_urn)
            self._reminding.add(key)
            ref.stop(block=False)
        full = self._threads() >= self._settings.max_live
        if self._reminders and full and self._live and not self._stopping:
            self._passivate(next(iter(self._live)))  # its Passivated lets the wave go on

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
        self._reminding.discard(key)
        for message in stopping.buffered:
            self._deliver(key, message)
        self._start_waiting()
        self._start_reminders()

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
        self._reminders.clear()
        self._reminding.clear()
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
