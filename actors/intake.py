"""From fetched updates to the inbox and the users' actors (SPEC §7.1, §7.6).

A batch is written to the inbox in one transaction; each new entry then goes to its user's
actor, which handles that user's entries in the order they reached the inbox. Updates the
bot does not act on (edits, `/cmd@OtherBot`) are not stored, nor is a private update whose
chat is not its sender's own (a private chat's id is the user's id; anything else is forged
or broken, and no reply goes to that chat; a press only gets "no longer active", which only
the presser sees). Lone surrogates in an update's strings become
U+FFFD before it is stored or parsed: they can be neither stored nor sent back. Group chats get "private chats
only" at most once an hour, and a user past the inbox bound gets "slow down" at most once a
minute, both as notices that never hold up the caller.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pykka

from actors.messages import HandleUpdate, SessionKey
from storage import inbox
from storage.database import connection_scope
from storage.writer import InlineWriter, Writer
from wordbot.clock import Clock
from wordbot.effects import AnswerCallback, Effect, SendText
from wordbot.i18n import DEFAULT_LANGUAGE, language_for
from wordbot.metrics import Metrics
from wordbot.rendering import vocabulary as texts
from wordbot.transport.updates import (
    ButtonPress,
    CommandMessage,
    Incoming,
    parse_update,
    scrub_surrogates,
)

__all__ = ["GROUP_NOTICE_EVERY", "SLOW_DOWN_EVERY", "Intake"]

log = logging.getLogger(__name__)

GROUP_NOTICE_EVERY = timedelta(hours=1)
SLOW_DOWN_EVERY = timedelta(minutes=1)
_REMEMBERED = 10_000  # notice times kept before old ones are forgotten


class Intake:
    def __init__(
        self,
        supervisor: pykka.ActorRef,
        offer_notice: Callable[[Effect], bool],
        clock: Clock,
        bot_username: str | None = None,
        metrics: Metrics | None = None,
        writer: Writer | None = None,
    ) -> None:
        self._supervisor = supervisor
        self._writer = writer if writer is not None else InlineWriter()
        self._metrics = metrics
        self._offer = offer_notice
        self._clock = clock
        self._bot_username = (bot_username or "").lower()
        self._noticed: dict[tuple[str, int], datetime] = {}
        # webhook requests arrive on several threads: each batch is written and handed over
        # whole, so actors get entries in the order they reached the inbox
        self._lock = threading.Lock()

    def __call__(self, updates: list[dict[str, Any]]) -> None:
        """Write a fetched batch to the inbox, then hand each new entry to its user's actor.
        Raises when the inbox cannot be written: the batch is then not confirmed."""
        with self._lock:
            self._take(updates)

    def _take(self, updates: list[dict[str, Any]]) -> None:
        now = self._clock.now()
        arrivals, parsed = [], {}
        languages: dict[tuple[int, int], str] = {}  # (chat_id, user_id) → the update's language
        for update in updates:
            update = scrub_surrogates(update)
            incoming = parse_update(update)
            if incoming is None or self._addressed_elsewhere(incoming):
                continue
            if incoming.chat_type != "private":
                self._answer_group(incoming, now)
                continue
            if incoming.chat_id != incoming.user_id:
                log.warning(
                    "inbox: private update %s from another chat; ignored", incoming.update_id
                )
                if isinstance(incoming, ButtonPress):  # the presser hears "no longer active"
                    text = texts.stale_button(lang=language_for(incoming.language_code))
                    self._offer(AnswerCallback(incoming.callback_query_id, text))
                continue
            parsed[incoming.update_id] = incoming
            languages[(incoming.chat_id, incoming.user_id)] = language_for(incoming.language_code)
            arrivals.append(
                inbox.Arrival(incoming.update_id, incoming.chat_id, incoming.user_id, update)
            )
        result = inbox.IntakeResult([], [], 0)
        if arrivals:  # committed by the writer, with the users' units of work (group commit)
            result = self._writer.run(lambda: inbox.add_batch(arrivals, now))
        if self._metrics is not None:
            self._metrics.updates_received.inc(len(result.stored))
        for entry in result.stored:
            self._hand_over(entry.entry_id, parsed[entry.update_id], now)
        for chat_id, user_id in result.dropped:
            # the language Telegram reports with the update (the learner is not read here)
            lang = languages.get((chat_id, user_id), DEFAULT_LANGUAGE)
            notice = SendText(chat_id, texts.slow_down(lang=lang))
            self._notice(("slow", chat_id), now, SLOW_DOWN_EVERY, notice)
        if result.dropped:
            log.warning("inbox: dropped %d updates beyond the per-user bound", len(result.dropped))

    def resume(self) -> int:
        """At start-up, before polling: hand every pending entry to its actor, oldest first."""
        with connection_scope():
            pending = inbox.pending_entries()
        for entry in pending:
            incoming = parse_update(scrub_surrogates(entry.payload))
            if incoming is not None:
                self._hand_over(entry.entry_id, incoming)
        if pending:
            log.info("resuming %d inbox entries from before the restart", len(pending))
        return len(pending)

    def _hand_over(
        self, entry_id: int, incoming: Incoming, received_at: datetime | None = None
    ) -> None:
        key = SessionKey(incoming.chat_id, incoming.user_id)
        self._supervisor.tell(
            HandleUpdate(key, incoming, entry_id=entry_id, received_at=received_at)
        )

    def _addressed_elsewhere(self, incoming: Incoming) -> bool:
        """`/add@OtherBot` is for another bot: not ours to act on, in any chat."""
        return (
            isinstance(incoming, CommandMessage)
            and incoming.mention is not None
            and incoming.mention.lower() != self._bot_username
        )

    def _answer_group(self, incoming: Incoming, now: datetime) -> None:
        text = texts.private_only(lang=language_for(incoming.language_code))
        if isinstance(incoming, ButtonPress):
            self._offer(AnswerCallback(incoming.callback_query_id, text))
        elif isinstance(incoming, CommandMessage):
            notice = SendText(incoming.chat_id, text)
            self._notice(("group", incoming.chat_id), now, GROUP_NOTICE_EVERY, notice)

    def _notice(
        self, key: tuple[str, int], now: datetime, every: timedelta, effect: Effect
    ) -> None:
        last = self._noticed.get(key)
        if last is not None and now - last < every:
            return
        if len(self._noticed) >= _REMEMBERED:
            self._noticed = {k: t for k, t in self._noticed.items() if now - t < GROUP_NOTICE_EVERY}
        if self._offer(effect):
            self._noticed[key] = now
