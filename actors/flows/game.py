"""/game (SPEC §5, §6): a typed-answer quiz kept in the database like training.

An attempt (a typed answer or 👀) commits the new deck and score — or the game's end with
its statistics — together with the messages it owes (the answered prompt's edit, the
summary) in one transaction; the next prompt is sent afterwards and its message id recorded.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from actors.flows.context import UserContext
from storage import game, vocabulary
from storage.database import database
from wordbot.callback_data import CallbackData, new_token
from wordbot.domain.answers import is_correct
from wordbot.domain.game import Direction, GameCard, GameScore, Outcome, build_deck, resolve
from wordbot.domain.game_session import EndReason, GameSession
from wordbot.effects import (
    AnswerCallback,
    Delivery,
    EditPrompt,
    RemoveKeyboard,
    SendText,
)
from wordbot.rendering import game as texts
from wordbot.rendering import vocabulary as vocabulary_texts
from wordbot.transport.updates import ButtonPress

__all__ = ["GameFlow"]


class GameFlow:
    def __init__(self, context: UserContext) -> None:
        self._ctx = context

    @property
    def _idle(self) -> timedelta:
        return timedelta(minutes=self._ctx.services.settings.sessions.game_idle_minutes)

    def active(self) -> GameSession | None:
        """The game being played; one that idled out ends here first, with its summary."""
        session = self._ctx.game()
        if session is not None and session.is_expired(self._ctx.now()):
            self.end_idle()
            return None
        return session

    def command(self, args: str) -> None:
        """`/game` resumes an active game; `/game new` starts over."""
        session = self.active()
        if session is not None and args.strip().lower() != "new":
            self._resume(session)
            return
        if session is not None:
            self._replace(session)
        self._start()

    def answer(self, text: str) -> None:
        session = self.active()
        if session is not None and session.current_message_id is not None:  # prompt shown
            card = session.current_card
            shown, expected = self._sides(card)
            outcome = Outcome.CORRECT if is_correct(text, expected) else Outcome.WRONG
            self._attempt(session, outcome)

    def press(self, press: ButtonPress, data: CallbackData) -> None:
        session = self.active()
        current = (
            session is not None
            and data.token == session.current_token
            and press.message_id is not None
            and press.message_id == session.current_message_id
            and data.action in ("peek", "new")
        )
        if not current:
            self._ctx.send(AnswerCallback(press.callback_query_id, vocabulary_texts.stale_button()))
            if session is not None and data.token == session.current_token:
                self._ctx.retire_orphan_copy(press, session.current_message_id)
            return
        self._ctx.send(AnswerCallback(press.callback_query_id))
        if data.action == "peek":
            self._attempt(session, Outcome.PEEKED)
        else:
            self._replace(session)
            self._start()

    def end_idle(self) -> None:
        """Cleanup found this game idle past `game_idle_minutes`: end it as timed out."""
        session = self._ctx.game()
        if session is None or not session.is_expired(self._ctx.now()):
            return
        owed = []
        if session.current_message_id is not None:
            owed.append(RemoveKeyboard(session.chat_id, session.current_message_id))
        minutes = self._ctx.services.settings.sessions.game_idle_minutes
        owed.append(
            SendText(session.chat_id, texts.summary(session.score, timed_out_after_minutes=minutes))
        )
        game.commit_game(
            session,
            None,
            (EndReason.TIMEOUT, session.score),
            owed,
            self._idle,
            self._ctx.now(),
        )
        self._ctx.cache_game(None)
        self._ctx.flush_outbox()

    def send_owed_prompt(self) -> None:
        session = self._ctx.game()
        owed = session is not None and session.current_message_id is None
        if owed and not session.is_expired(self._ctx.now()):
            self._send_prompt(session)

    def end(self) -> None:
        """The game is gone (e.g. /clear deleted it)."""
        self._ctx.cache_game(None)

    def _start(self) -> None:
        now = self._ctx.now()
        pair_ids = vocabulary.list_pair_ids(self._ctx.key.user_id)
        deck = build_deck(pair_ids, self._ctx.rng)
        if not deck:
            self._ctx.send(SendText(self._ctx.key.chat_id, texts.no_words_for_game()))
            return
        with database.atomic():
            statistics_id = game.start_statistics(self._ctx.key.chat_id, self._ctx.key.user_id, now)
            session = self._saved_new_game(deck, statistics_id, now)
            self._ctx.record_update()
        self._ctx.cache_game(session)
        self._send_prompt(session)

    def _saved_new_game(self, deck, statistics_id: int, now) -> GameSession:
        session = GameSession(
            chat_id=self._ctx.key.chat_id,
            user_id=self._ctx.key.user_id,
            deck=deck,
            current_token=new_token(),
            current_message_id=None,
            current_prompt_text="",
            statistics_id=statistics_id,
            score=GameScore(),
            last_activity_at=now,
            expires_at=now,
            created_at=now,
        )
        session = replace(session, current_prompt_text=self._prompt(session.current_card))
        return game.save_game(session, self._idle, now)

    def _replace(self, session: GameSession) -> None:
        owed = []
        if session.current_message_id is not None:
            owed.append(RemoveKeyboard(session.chat_id, session.current_message_id))
        with database.atomic():
            game.commit_game(
                session,
                None,
                (EndReason.REPLACED, session.score),
                owed,
                self._idle,
                self._ctx.now(),
            )
            self._ctx.record_update()  # a redelivered `/game new` must not replace again
        self._ctx.cache_game(None)
        self._ctx.flush_outbox()

    def _attempt(self, session: GameSession, outcome: Outcome) -> None:
        now = self._ctx.now()
        shown, expected = self._sides(session.current_card)
        deck, score = resolve(session.deck, session.score, outcome)
        owed = []
        if session.current_message_id is not None:
            owed.append(
                EditPrompt(
                    session.chat_id,
                    session.current_message_id,
                    texts.answered_prompt(shown, expected, outcome),
                )
            )
        next_game, ending = None, None
        if deck:
            next_game = replace(
                session,
                deck=deck,
                score=score,
                current_token=new_token(),
                current_message_id=None,
                current_prompt_text=self._prompt(deck[0]),
                last_activity_at=now,
            )
        else:
            owed.append(SendText(session.chat_id, texts.summary(score)))
            ending = (EndReason.FINISHED, score)
        with database.atomic():
            saved = game.commit_game(session, next_game, ending, owed, self._idle, now)
            self._ctx.record_update()
        self._ctx.cache_game(saved)
        self._settle()

    def _resume(self, session: GameSession) -> None:
        if session.current_message_id is not None:
            self._ctx.send(RemoveKeyboard(session.chat_id, session.current_message_id))
        self._send_prompt(session, resumed=True)

    def _settle(self) -> None:
        """After an attempt's commit: the outbox and the next prompt go out at once."""
        session = self._ctx.game()
        if session is None or session.current_message_id is not None:
            self._ctx.flush_outbox()
            return
        self._ctx.deliver(
            prompt=self._prompt_message(session),
            on_prompt=lambda delivery: self._prompt_delivered(session, delivery),
        )

    def _send_prompt(self, session: GameSession, *, resumed: bool = False) -> None:
        self._prompt_delivered(session, self._ctx.send(self._prompt_message(session, resumed)))

    def _prompt_message(self, session: GameSession, resumed: bool = False) -> SendText:
        return SendText(
            session.chat_id,
            session.current_prompt_text,
            texts.game_keyboard(session.current_token, resumed=resumed),
        )

    def _prompt_delivered(self, session: GameSession, delivery: Delivery | None) -> None:
        """Record the prompt's message id: only then do its buttons and answers count."""
        if delivery is None or not delivery.ok:
            return  # still owed: the next event tries again
        now = self._ctx.now()
        saved = game.save_game(
            replace(session, current_message_id=delivery.message_id), self._idle, now
        )
        self._ctx.cache_game(saved)

    def _sides(self, card: GameCard) -> tuple[str, str]:
        """(shown, expected) of a card; a pair deleted meanwhile shows as an empty pair."""
        found = self._ctx.cards([card.pair_id]).get(card.pair_id)
        if found is None:
            return "", ""
        if card.direction is Direction.FORWARD:
            return found.word1, found.word2
        return found.word2, found.word1

    def _prompt(self, card: GameCard) -> str:
        return texts.prompt_text(self._sides(card)[0])
