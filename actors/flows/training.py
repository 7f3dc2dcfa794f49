"""Training (SPEC §4, §6.1–6.2): /review and /getpair sessions that survive any restart.

The database is the truth; the context's session and cards are caches. A grade commits the
card's new schedule, the advanced session and the messages it owes (the graded prompt's edit,
"Well done…") in one transaction; those messages then leave through the outbox alongside the
next prompt, whose message id is recorded as the sent entries are removed. A crash anywhere
leaves either the old state (the press can be made again) or the new one with something owed,
which `settle` pays.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta

from actors.flows.context import UserContext
from storage import training, vocabulary
from storage.database import database
from wordbot.callback_data import CallbackData, new_token
from wordbot.domain.srs import Grade, grade_card
from wordbot.domain.training import Card, SessionKind, TrainingSession, advance
from wordbot.effects import (
    AnswerCallback,
    Delivery,
    EditPrompt,
    Effect,
    RemoveKeyboard,
    SendText,
)
from wordbot.rendering import training as texts
from wordbot.rendering import vocabulary as vocabulary_texts
from wordbot.transport.updates import ButtonPress

__all__ = ["TrainingFlow"]

log = logging.getLogger(__name__)


class TrainingFlow:
    def __init__(self, context: UserContext) -> None:
        self._ctx = context

    @property
    def _ttl(self) -> timedelta:
        return timedelta(minutes=self._ctx.services.settings.sessions.training_ttl_minutes)

    def start_or_resume(self, kind: SessionKind) -> None:
        """`/review` (cards_per_session cards) or `/getpair` (one); an active session resumes."""
        session = self._ctx.training()
        if session is not None:
            self._resume(session)
            return
        if self.begin(kind) is None:
            self._ctx.send(SendText(self._ctx.key.chat_id, texts.nothing_to_review()))
            return
        self.send_owed_prompt()

    def begin(self, kind: SessionKind) -> TrainingSession | None:
        """Write a new session (its prompt still owed: `send_owed_prompt` sends it), or None
        when there is nothing to review. Safe inside a caller's transaction."""
        size = 1 if kind is SessionKind.GETPAIR else self._ctx.learner().cards_per_session
        now = self._ctx.now()
        pair_ids = vocabulary.select_cards_for_session(self._ctx.key.user_id, now, size)
        found = self._ctx.cards(pair_ids)
        if not found:
            return None
        pair_ids = [pair_id for pair_id in pair_ids if pair_id in found]
        session = TrainingSession(
            chat_id=self._ctx.key.chat_id,
            user_id=self._ctx.key.user_id,
            pair_ids=tuple(pair_ids),
            current_index=0,
            current_token=new_token(),
            current_message_id=None,
            current_prompt_text=self._prompt(found[pair_ids[0]], 0, len(pair_ids)),
            kind=kind,
            reviewed_count=0,
            last_activity_at=now,
            expires_at=now,
            created_at=now,
        )
        session = training.save_training_session(session, self._ttl, now)
        self._ctx.cache_training(session)
        return session

    def expire(self) -> None:
        """SPEC §6.3: the active session ends for a reminder; its prompt says so, keyless.
        The edit goes through the outbox, so a failed edit is logged and blocks nothing."""
        session = self._ctx.training()
        if session is None:
            return
        owed = []
        if session.current_message_id is not None:
            owed.append(
                EditPrompt(
                    session.chat_id,
                    session.current_message_id,
                    texts.expired_prompt(session.current_prompt_text),
                )
            )
        training.end_session(session.chat_id, session.user_id, owed, self._ctx.now())
        self._ctx.cache_training(None)

    def snooze(self, press: ButtonPress, data: CallbackData) -> None:
        """SPEC §4.5: every due card moves a day or a week on; the session ends."""
        session = self._ctx.training()
        days = {"snooze_day": 1, "snooze_week": 7}[data.action]
        now = self._ctx.now()
        owed = [
            EditPrompt(session.chat_id, press.message_id, texts.snoozed(days)),
        ]
        with database.atomic():
            training.snooze(session, now + timedelta(days=days), owed, now)
            self._ctx.record_update()
        self._ctx.cache_training(None)
        self._ctx.forget_cards()
        self._ctx.send(AnswerCallback(press.callback_query_id))
        self._ctx.flush_outbox()

    def press(self, press: ButtonPress, data: CallbackData) -> None:
        """A grade button: counts only for the current token on the current prompt message."""
        session = self._ctx.training()
        grade = _grade(data.action)
        is_current = (
            session is not None
            and data.token == session.current_token
            and press.message_id is not None
            and press.message_id == session.current_message_id
        )
        if is_current and data.action in ("snooze_day", "snooze_week") and _offers_snooze(session):
            self.snooze(press, data)
            return
        if (
            session is None
            or grade is None
            or data.token != session.current_token
            or press.message_id is None
            or press.message_id != session.current_message_id
        ):
            self._ctx.send(AnswerCallback(press.callback_query_id, vocabulary_texts.stale_button()))
            if session is not None and data.token == session.current_token:
                self._ctx.retire_orphan_copy(press, session.current_message_id)
            return
        now = self._ctx.now()
        remaining = session.pair_ids[session.current_index :]
        found = self._ctx.cards(remaining)
        card = found.get(session.current_pair_id)
        next_index = next(
            (
                index
                for index in range(session.current_index + 1, len(session.pair_ids))
                if session.pair_ids[index] in found
            ),
            None,
        )
        owed = [
            EditPrompt(
                session.chat_id,
                press.message_id,
                texts.graded_prompt(session.current_prompt_text, grade),
            )
        ]
        next_session = advance(
            session,
            next_index=next_index,
            next_token=new_token(),
            next_prompt_text=""
            if next_index is None
            else self._prompt(
                found[session.pair_ids[next_index]], next_index, len(session.pair_ids)
            ),
            now=now,
        )
        graded = None if card is None else (card.pair_id, grade_card(card.schedule, grade, now))
        if next_session is None and session.reviewed_count + 1 > 1:
            owed.append(SendText(session.chat_id, texts.well_done(session.reviewed_count + 1)))
        with database.atomic():
            saved = training.commit_grade(
                session.chat_id,
                session.user_id,
                graded,
                next_session,
                owed,
                self._ttl,
                now,
            )
            self._ctx.record_update()
        self._ctx.cache_training(saved)
        if graded is not None:
            self._ctx.card_graded(*graded)
        self.settle([AnswerCallback(press.callback_query_id)])

    def settle(self, effects: Sequence[Effect] = ()) -> None:
        """Pay what a committed change still owes — outbox messages and an unsent prompt —
        together with `effects`, all at once: the next prompt does not wait for the edit."""
        session = self._ctx.training()
        if session is None or session.current_message_id is not None:
            self._ctx.deliver(effects)
            return
        self._ctx.deliver(
            effects,
            self._prompt_message(session),
            on_prompt=lambda delivery: self._prompt_delivered(session, delivery),
        )

    def send_owed_prompt(self) -> None:
        session = self._ctx.training()
        if session is not None and session.current_message_id is None:
            self._send_prompt(session)

    def end(self) -> None:
        """The session is gone (e.g. /clear deleted it)."""
        self._ctx.cache_training(None)

    def _resume(self, session: TrainingSession) -> None:
        """Send the current prompt again as a new message; the old copy loses its buttons."""
        if session.current_message_id is not None:
            self._ctx.send(RemoveKeyboard(session.chat_id, session.current_message_id))
        self._send_prompt(session)

    def _send_prompt(self, session: TrainingSession) -> None:
        self._prompt_delivered(session, self._ctx.send(self._prompt_message(session)))

    def _prompt_message(self, session: TrainingSession) -> SendText:
        return SendText(
            session.chat_id,
            session.current_prompt_text,
            texts.grade_keyboard(session.current_token, snooze=_offers_snooze(session)),
        )

    def _prompt_delivered(self, session: TrainingSession, delivery: Delivery | None) -> None:
        """Record the prompt's message id: only then do its buttons count."""
        if delivery is None or not delivery.ok:
            return  # still owed: the next event tries again
        now = self._ctx.now()
        session = training.record_prompt_message(session, delivery.message_id, self._ttl, now)
        self._ctx.cache_training(session)

    def _prompt(self, card: Card, index: int, total: int) -> str:
        """The prompt for a card, in a random direction."""
        if self._ctx.rng.random() < 0.5:
            return texts.prompt_text(card.word1, card.word2, index + 1, total)
        return texts.prompt_text(card.word2, card.word1, index + 1, total)


def _offers_snooze(session: TrainingSession) -> bool:
    """An overdue reminder session's first card carries the snooze buttons (SPEC §4.5)."""
    return session.kind is SessionKind.OVERDUE and session.current_index == 0


def _grade(action: str) -> Grade | None:
    try:
        return Grade(action)
    except ValueError:
        return None
