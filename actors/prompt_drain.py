"""The PromptDrain actor (SPEC §6.2, §7.3, §9 B3): sends what users without an actor are owed
(a wave's reminder prompts and notices, or what a restart left owed), batch by batch, and
records each prompt's message id, so a press on it works as on a prompt their actor sent.

Exactly one of {this drain, the user's actor} sends a given owed prompt: the Supervisor hands
a batch over only for users with no actor, and holds any message for them until OwedSent;
a user who writes while still waiting in the Supervisor's queue leaves it, and their actor
sends the prompt (every change of an actor pays what the session owes).

The pace is the sender's: each call waits its turn in the sender's pacer (global rate and
per-chat bucket), so the drain goes as fast as `telegram.max_messages_per_second` lets it and
no faster; a few users' messages go out alongside (DRAIN_SENDS), each user's in order.
A message that fails for now stays owed (its session keeps no message id; the outbox keeps
its entry): the user's next event or the next start-up sends it. A 403 marks the user
inactive, as delivery does.
"""

from __future__ import annotations

import contextlib
import logging
import queue
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import pykka

from actors.messages import OwedSent, RecordSent, SendOwed, SessionKey
from actors.services import Services
from actors.unit_of_work import WaveWork
from storage import cards, outbox, training, users
from storage.database import connection_scope, release_connection
from wordbot.decide.training import learners_owed_prompt
from wordbot.domain.training import TrainingSession
from wordbot.effects import Delivery, Effect, SendDocument, SendPhoto, SendText
from wordbot.transport.workers import Workers

__all__ = ["DRAIN_BATCH", "DRAIN_SENDS", "PromptDrain"]

log = logging.getLogger(__name__)

DRAIN_BATCH = 16  # users per SendOwed: what they are owed is read in a few queries
DRAIN_SENDS = 4  # users whose messages go out alongside (each waits its turn in the pacer)


@dataclass(slots=True)
class _Owed:
    """What one user is owed: outbox entries first, then the session's prompt."""

    key: SessionKey
    entries: list[tuple[int, Effect]] = field(default_factory=list)
    session: TrainingSession | None = None
    prompt: Effect | None = None


@dataclass(slots=True)
class _Outcome:
    done_entries: list[int] = field(default_factory=list)
    prompt_message_id: int | None = None
    blocked: bool = False


class Sends(Protocol):
    """Where a user's messages are sent: `Workers` (a few threads), or inline in tests."""

    def submit(self, call: Callable[[], _Outcome]) -> Future[_Outcome]: ...


class PromptDrain(pykka.ThreadingActor):
    use_daemon_thread = True  # a call stuck in a retry never keeps the process from exiting

    def __init__(
        self,
        services: Services,
        supervisor: pykka.ActorRef,
        work: WaveWork,
        sends: Sends | None = None,
    ) -> None:
        super().__init__()
        self._services = services
        self._supervisor = supervisor
        self._work = work
        self._sends = sends if sends is not None else Workers(DRAIN_SENDS, "drain")
        self._finished: queue.SimpleQueue[tuple[_Owed, _Outcome]] = queue.SimpleQueue()
        self._started = False

    def on_start(self) -> None:
        self._started = True

    def on_receive(self, message: Any) -> Any:
        match message:
            case SendOwed(keys=keys):
                try:
                    self.send_owed(keys)
                except Exception:  # left owed: the user's next event or start-up sends it
                    log.exception("prompt drain: a batch of %d users failed", len(keys))
                    self._supervisor.tell(OwedSent(keys))
            case RecordSent():
                self._record_finished()
            case _:
                log.warning("prompt drain: unknown message %r", message)
        return None

    def send_owed(self, keys: Sequence[SessionKey]) -> None:
        """Read what `keys` are owed and hand each user's messages to a sender thread; each
        user is recorded and released (OwedSent) as soon as theirs went out, so the sender
        threads never wait for a whole batch and the pace stays the pacer's."""
        now = self._services.clock.now()
        with connection_scope():
            owed = self._read(keys, now)
        release_connection()  # nobody waits for a connection while the drain waits on Telegram
        owed_keys = {item.key for item in owed}
        nothing = tuple(key for key in keys if key not in owed_keys)
        if nothing:
            self._supervisor.tell(OwedSent(nothing))
        for item in owed:
            future = self._sends.submit(lambda item=item: self._send(item))
            future.add_done_callback(lambda done, item=item: self._finish(item, done))
        self._record_finished()

    def _finish(self, item: _Owed, done: Future[_Outcome]) -> None:
        """In the sender thread: queue the outcome; this actor records it (RecordSent)."""
        outcome = done.result() if done.exception() is None else _Outcome()
        self._finished.put((item, outcome))
        if self._started:
            with contextlib.suppress(pykka.ActorDeadError):  # stopping: left owed
                self.actor_ref.tell(RecordSent())

    def _record_finished(self) -> None:
        """Record every finished user in one transaction, then release them."""
        finished = []
        while True:
            try:
                finished.append(self._finished.get_nowait())
            except queue.Empty:
                break
        if not finished:
            return
        sent_prompts, done, blocked = [], [], []
        for item, outcome in finished:
            done += outcome.done_entries
            if outcome.prompt_message_id is not None:
                sent_prompts.append((item.session, outcome.prompt_message_id))
            if outcome.blocked:
                blocked.append(item.key.user_id)
        try:
            if sent_prompts or done or blocked:
                with connection_scope():
                    self._work.record_sent(sent_prompts, done, blocked, self._services.clock.now())
        except Exception:  # the prompts stay owed: a later event or start-up sends them again
            log.exception("prompt drain: recording %d users failed", len(finished))
        finally:
            self._supervisor.tell(OwedSent(tuple(item.key for item, _ in finished)))

    def _read(self, keys: Sequence[SessionKey], now: datetime) -> list[_Owed]:
        pairs = [(key.chat_id, key.user_id) for key in keys]
        entries = outbox.unsent_for_keys(pairs)
        sessions = {
            pair: session
            for pair, session in training.load_training_sessions(pairs, now).items()
            if session.current_message_id is None
        }
        learners = users.load_learners([user_id for _, user_id in sessions])
        found = cards.load_cards_by_id([s.current_pair_id for s in sessions.values()])
        owed = []
        for key in keys:
            pair = (key.chat_id, key.user_id)
            item = _Owed(key, entries=entries.get(pair, []))
            session, learner = sessions.get(pair), learners.get(key.user_id)
            if session is not None and learner is not None:
                owner, card = found.get(session.current_pair_id, (None, None))
                card = card if owner == key.user_id else None
                prompt = learners_owed_prompt(learner, session, card, now)
                if prompt is not None:
                    item.session, item.prompt = session, prompt.message
            if item.entries or item.prompt is not None:
                owed.append(item)
        return owed

    def _send(self, item: _Owed) -> _Outcome:
        """One user's messages in order; a new message failing for now holds back the rest,
        so the chat never shows them out of order (as delivery does)."""
        outcome = _Outcome()
        effects = [effect for _, effect in item.entries]
        if item.prompt is not None:
            effects.append(item.prompt)
        for index, effect in enumerate(effects):
            delivery = self._perform(item.key, effect)
            if delivery.blocked:
                outcome.blocked = True
                outcome.done_entries = [entry_id for entry_id, _ in item.entries]
                return outcome  # what was owed is dropped (SPEC §7.6)
            if not delivery.ok and delivery.transient:
                log.warning("%s: owed %s not delivered yet", item.key, type(effect).__name__)
                if _is_new_message(effect):
                    return outcome
                continue
            if not delivery.ok:
                log.warning(
                    "%s: owed %s refused (%s)", item.key, type(effect).__name__, delivery.error
                )
            if index < len(item.entries):
                outcome.done_entries.append(item.entries[index][0])
            elif delivery.ok:
                outcome.prompt_message_id = delivery.message_id
        return outcome

    def _perform(self, key: SessionKey, effect: Effect) -> Delivery:
        try:
            return self._services.outbound.perform(effect)
        except Exception as error:  # the sender never raises; a test double may
            log.exception("%s: sending %s failed", key, type(effect).__name__)
            return Delivery(ok=False, error=str(error), transient=True)


def _is_new_message(effect: Effect) -> bool:
    return isinstance(effect, SendText | SendDocument | SendPhoto)
