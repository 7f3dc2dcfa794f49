"""Delivery (SPEC §11): after a commit, what the outbox owes the user, the press's answer and the
next prompt go out at once; then the sent entries are removed and the prompt's message id is
recorded, in one transaction. An entry that failed for now (outage, rate limit) stays owed and
the user's next event tries again; one Telegram refused for good (e.g. the message is gone) is
dropped with a log line. A prompt not sent stays owed too: its session has no message id.
A 403 "bot was blocked" marks the user inactive (SPEC §7.6): what was owed is dropped, no
reminder goes out until they write again."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import Future
from datetime import datetime

from actors.messages import SessionKey
from actors.services import Outbound
from actors.snapshot_cache import SnapshotCache
from storage import game, outbox, training, users
from storage.database import release_connection, transaction
from wordbot.decide.transition import Prompt, PromptTarget, Rules
from wordbot.effects import Delivery, Effect, SendDocument, SendPhoto, SendText

__all__ = ["Delivery", "Deliverer"]

log = logging.getLogger(__name__)


class Deliverer:
    def __init__(
        self, key: SessionKey, rules: Rules, cache: SnapshotCache, outbound: Outbound
    ) -> None:
        self._key = key
        self._rules = rules
        self._cache = cache
        self._outbound = outbound
        self.owes = True  # unknown until the first flush: a crash may have left some

    def send_now(self, effect: Effect) -> Delivery:
        """A call outside any change (an apology after a failure): no connection held."""
        release_connection()
        return self._outbound.perform(effect)

    def download(self, file_id: str, max_bytes: int) -> bytes | None:
        release_connection()
        return self._outbound.download(file_id, max_bytes)

    def deliver(
        self,
        answer: Effect | None,
        prompts: Sequence[Prompt],
        now: datetime,
        *,
        flush: bool = True,
    ) -> None:
        """Send `answer`, the outbox (when `flush` or something is still owed) and `prompts`,
        then record what went out."""
        entries = (
            outbox.unsent_for(self._key.chat_id, self._key.user_id) if flush or self.owes else []
        )
        batch = [effect for _, effect in entries]
        batch += [prompt.message for prompt in prompts]
        immediate = [answer] if answer is not None else []
        deliveries = self._send_all(immediate, batch)
        self.owes = False
        done = []
        for (entry_id, effect), delivery in zip(entries, deliveries, strict=False):
            if not delivery.ok and delivery.transient:
                log.warning("%s: owed %s not delivered yet", self._key, type(effect).__name__)
                self.owes = True
                continue
            if not delivery.ok:
                log.warning(
                    "%s: owed %s refused (%s); dropped",
                    self._key,
                    type(effect).__name__,
                    delivery.error,
                )
            done.append(entry_id)
        sent = [
            (prompt, delivery.message_id)
            for prompt, delivery in zip(prompts, deliveries[len(entries) :], strict=True)
            if delivery.ok
        ]
        blocked = any(delivery.blocked for delivery in deliveries)
        if done or sent or blocked:
            with transaction():
                outbox.mark_sent(done)
                for prompt, message_id in sent:
                    self._record(prompt, message_id, now)
                if blocked:
                    self.mark_blocked(now)

    def mark_blocked(self, now: datetime) -> None:
        """The user blocked the bot: inactive until they write again (SPEC §7.6)."""
        if not self._cache.learner(now).inactive:
            log.info("%s blocked the bot; marked inactive", self._key)
            users.update_learner(self._key.user_id, now, inactive=True)
            self._cache.update_learner({"inactive": True})

    def _record(self, prompt: Prompt, message_id: int, now: datetime) -> None:
        """The prompt's message id: only then do its buttons count."""
        cache, rules, key = self._cache, self._rules, self._key
        match prompt.target:
            case PromptTarget.TRAINING:
                session = cache.training(now)
                if session is not None and session.current_token == prompt.token:
                    saved = training.record_prompt_message(
                        session, message_id, rules.training_ttl, now
                    )
                    cache.set_training(saved)
            case PromptTarget.GAME:
                current = cache.game()
                if current is not None and current.current_token == prompt.token:
                    saved = game.record_prompt_message(current, message_id, rules.game_idle, now)
                    cache.set_game(saved)
            case PromptTarget.SETTINGS:
                changes = {"settings_message_id": message_id}
                if cache.learner(now).settings_token == prompt.token:
                    users.update_learner(key.user_id, now, **changes)
                    cache.update_learner(changes)
            case PromptTarget.WORDS:
                changes = {"words_message_id": message_id}
                if cache.learner(now).words_token == prompt.token:
                    users.update_learner(key.user_id, now, **changes)
                    cache.update_learner(changes)
            case PromptTarget.CLEAR:
                changes = {"confirm_message_id": message_id}
                if cache.learner(now).confirm_token == prompt.token:
                    users.update_learner(key.user_id, now, **changes)
                    cache.update_learner(changes)

    def _send_all(self, immediate: Sequence[Effect], batch: Sequence[Effect]) -> list[Delivery]:
        """Edits and answers go out alongside; new messages one after another in this thread,
        in order. A new message that fails for now holds back the ones after it, so the chat
        never shows them out of order. Returns the deliveries of `batch`."""
        release_connection()  # nobody waits for a connection while this user waits on Telegram
        soon: dict[int, Future[Delivery]] = {}
        for effect in immediate:
            self._outbound.perform_soon(effect)
        for index, effect in enumerate(batch):
            if not _is_new_message(effect):
                soon[index] = self._outbound.perform_soon(effect)
        deliveries: dict[int, Delivery] = {}
        held_back = False
        for index, effect in enumerate(batch):
            if index in soon:
                continue
            if held_back:
                deliveries[index] = Delivery(ok=False, error="held back", transient=True)
                continue
            deliveries[index] = delivery = self._outbound.perform(effect)
            held_back = not delivery.ok and delivery.transient
        for index, future in soon.items():
            deliveries[index] = future.result()
        return [deliveries[index] for index in range(len(batch))]


def _is_new_message(effect: Effect) -> bool:
    return isinstance(effect, SendText | SendDocument | SendPhoto)
