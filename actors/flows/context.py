"""The per-user context a flow works in: key, services, randomness and the cached learner row."""

from __future__ import annotations

import dataclasses
import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from actors.messages import SessionKey
from actors.services import Services
from storage import cards, game, outbox, training, users
from storage.database import release_connection, transaction
from wordbot.domain.game_session import GameSession
from wordbot.domain.learner import Learner
from wordbot.domain.srs import CardSchedule
from wordbot.domain.training import Card, TrainingSession
from wordbot.effects import Delivery, Effect, RemoveKeyboard, SendDocument, SendText
from wordbot.transport.updates import ButtonPress

__all__ = ["UserContext"]

log = logging.getLogger(__name__)

CACHED_CARDS = 64  # cards kept between events: a session's worth, a game deck's working set


@dataclass(slots=True)
class UserContext:
    """Owned by one actor thread; `learner` is a cache of the users row, written through."""

    key: SessionKey
    services: Services
    rng: random.Random = field(default_factory=random.Random)
    _learner: Learner | None = None
    _training: TrainingSession | None = None
    _training_loaded: bool = False
    _game: GameSession | None = None
    _game_loaded: bool = False
    _cards: dict[int, Card] = field(default_factory=dict)
    update_id: int | None = None  # the update being handled, if any
    outbox_owed: bool = True  # unknown until the first flush: a crash may have left some

    def now(self):
        return self.services.clock.now()

    def send(self, effect: Effect) -> Delivery:
        release_connection()  # nobody waits for a connection while this user waits on Telegram
        return self.services.outbound.perform(effect)

    def download(self, file_id: str, max_bytes: int) -> bytes | None:
        release_connection()
        return self.services.outbound.download(file_id, max_bytes)

    def learner(self) -> Learner:
        """The cached learner, loaded (and created on first contact) on first use."""
        if self._learner is None:
            self._learner = users.ensure_learner(self.key.user_id, self.key.chat_id, self.now())
        return self._learner

    def update_learner(self, **changes) -> Learner:
        """Record changes made in storage in the cache too."""
        self._learner = dataclasses.replace(self.learner(), **changes)
        return self._learner

    def record_update(self) -> None:
        """Inside a change's transaction: this update is applied (a redelivery will be skipped)."""
        if self.update_id is None:
            return
        now = self.now()
        users.update_learner(
            self.key.user_id, now, last_update_id=self.update_id, last_update_at=now
        )
        self.update_learner(last_update_id=self.update_id, last_update_at=now)

    def training(self) -> TrainingSession | None:
        """The active training session (cached after the first read); expired counts as absent."""
        if not self._training_loaded:
            self._training = training.load_training_session(
                self.key.chat_id, self.key.user_id, self.now()
            )
            self._training_loaded = True
        if self._training is not None and self._training.is_expired(self.now()):
            self._training = None
        return self._training

    def cache_training(self, session: TrainingSession | None) -> None:
        """Record in the cache what was just written to storage."""
        self._training, self._training_loaded = session, True

    def game(self) -> GameSession | None:
        """The game row (cached), expired or not: an expired game still owes its summary."""
        if not self._game_loaded:
            self._game = game.load_game(self.key.chat_id, self.key.user_id)
            self._game_loaded = True
        return self._game

    def cache_game(self, session: GameSession | None) -> None:
        self._game, self._game_loaded = session, True

    def cards(self, pair_ids) -> dict[int, Card]:
        """The user's cards among `pair_ids` (deleted ones missing). Cached: this actor is the
        only writer of its user's cards, so a press reads none of them from storage again."""
        missing = [pair_id for pair_id in pair_ids if pair_id not in self._cards]
        if missing:
            if len(self._cards) + len(missing) > CACHED_CARDS:
                self._cards.clear()
            self._cards.update(cards.load_cards(self.key.user_id, missing))
        return {pair_id: self._cards[pair_id] for pair_id in pair_ids if pair_id in self._cards}

    def card_graded(self, pair_id: int, schedule: CardSchedule) -> None:
        """After the grade's commit: the cached card carries its new schedule."""
        card = self._cards.get(pair_id)
        if card is not None:
            self._cards[pair_id] = dataclasses.replace(card, schedule=schedule)

    def forget_cards(self) -> None:
        """The vocabulary changed (added, updated, cleared, snoozed): read cards afresh."""
        self._cards.clear()

    def send_all(self, effects: Sequence[Effect]) -> list[Delivery]:
        """Perform effects at once where their order cannot show: edits and answers go out
        alongside, new messages one after another in this thread, in order. A new message that
        fails for now holds back the ones after it, so the chat never shows them out of order."""
        release_connection()
        soon = {
            index: self.services.outbound.perform_soon(effect)
            for index, effect in enumerate(effects)
            if not _is_new_message(effect)
        }
        deliveries: dict[int, Delivery] = {}
        held_back = False
        for index, effect in enumerate(effects):
            if index in soon:
                continue
            if held_back:
                deliveries[index] = Delivery(ok=False, error="held back", transient=True)
                continue
            deliveries[index] = delivery = self.send(effect)
            held_back = not delivery.ok and delivery.transient
        for index, future in soon.items():
            deliveries[index] = future.result()
        return [deliveries[index] for index in range(len(effects))]

    def flush_outbox(self) -> None:
        """Send what committed changes owe this user (see `deliver`)."""
        self.deliver()

    def deliver(
        self,
        effects: Sequence[Effect] = (),
        prompt: SendText | None = None,
        on_prompt: Callable[[Delivery], None] | None = None,
    ) -> Delivery | None:
        """After a commit: `effects` (e.g. the press's answer), what the outbox owes this user,
        oldest first, and the next `prompt`, all at once (`send_all`); returns the prompt's
        delivery. An outbox entry goes once Telegram took it, or refused it for good (e.g. the
        message is gone); one that failed for now (outage, rate limit) stays owed and the
        user's next event tries again. Removing the entries and `on_prompt` (recording the
        prompt's message id) are one transaction: one write after the calls, not two."""
        self.outbox_owed = False
        entries = outbox.unsent_for(self.key.chat_id, self.key.user_id)
        batch = [*effects, *(effect for _, effect in entries)]
        if prompt is not None:
            batch.append(prompt)
        deliveries = self.send_all(batch)
        done = []
        for (entry_id, effect), delivery in zip(entries, deliveries[len(effects) :], strict=False):
            if not delivery.ok and delivery.transient:
                log.warning("%s: owed %s not delivered yet", self.key, type(effect).__name__)
                self.outbox_owed = True
                continue
            if not delivery.ok:
                log.warning(
                    "%s: owed %s refused (%s); dropped",
                    self.key,
                    type(effect).__name__,
                    delivery.error,
                )
            done.append(entry_id)
        prompt_delivery = deliveries[-1] if prompt is not None else None
        record_prompt = on_prompt is not None and prompt_delivery is not None and prompt_delivery.ok
        if done or record_prompt:
            with transaction():
                outbox.mark_sent(done)
                if record_prompt:
                    on_prompt(prompt_delivery)
        return prompt_delivery

    def retire_orphan_copy(self, press: ButtonPress, current_message_id: int | None) -> None:
        """Called for a stale press that carries the current prompt's token. On another
        message than the recorded prompt it is a copy sent before a crash kept its id from
        being recorded (SPEC §6.2's rare duplicate): its buttons go, so only the recorded
        prompt shows any. (Tokens are random per prompt: only a real copy carries one.)"""
        if press.message_id is not None and press.message_id != current_message_id:
            self.send(RemoveKeyboard(self.key.chat_id, press.message_id))

    def forget(self) -> None:
        """Drop the caches (after a failed transaction the database is the truth)."""
        self._learner = None
        self._training, self._training_loaded = None, False
        self._game, self._game_loaded = None, False
        self._cards.clear()
        self.outbox_owed = True


def _is_new_message(effect: Effect) -> bool:
    return isinstance(effect, SendText | SendDocument)
