"""Delivery (SPEC §11): after a commit, what the outbox owes the user, the press's answer and the
next prompt go out at once; then the sent entries are removed and the prompt's message id is
recorded, in one transaction of the unit of work. An entry that failed for now (outage, rate limit) stays owed and
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
from actors.unit_of_work import UnitOfWork
from storage import outbox
from storage.database import release_connection
from wordbot.decide.transition import Prompt
from wordbot.effects import Delivery, Effect, SendDocument, SendPhoto, SendText

__all__ = ["Delivery", "Deliverer"]

log = logging.getLogger(__name__)


class Deliverer:
    def __init__(self, key: SessionKey, work: UnitOfWork, outbound: Outbound) -> None:
        self._key = key
        self._work = work
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
            self._work.record_delivery(done, sent, blocked, now)

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
