"""The UserSession actor: the only handler and writer of one (chat, user)'s state."""

from __future__ import annotations

import contextlib
import logging
from typing import Any

import pykka

from actors.flows.context import UserContext
from actors.flows.game import GameFlow
from actors.flows.reminders import ReminderFlow
from actors.flows.settings import SettingsFlow
from actors.flows.training import TrainingFlow
from actors.flows.vocabulary import VocabularyFlow
from actors.messages import (
    EndIdleGame,
    HandleUpdate,
    Passivated,
    Recover,
    ReminderDue,
    SessionKey,
)
from actors.services import Services
from storage.database import connection_scope
from wordbot.callback_data import decode_callback
from wordbot.domain.training import SessionKind
from wordbot.effects import AnswerCallback, SendText
from wordbot.rendering import vocabulary as texts
from wordbot.rendering.game import GAME_SCOPE
from wordbot.rendering.settings import SETTINGS_SCOPE
from wordbot.rendering.training import TRAINING_SCOPE
from wordbot.transport.updates import (
    ButtonPress,
    CommandMessage,
    DocumentMessage,
    Incoming,
    OtherMessage,
    TextMessage,
)

__all__ = ["UserSession"]

log = logging.getLogger(__name__)


class UserSession(pykka.ThreadingActor):
    """Handles one user's events one at a time; can be driven without `.start()` in tests."""

    use_daemon_thread = True  # a stuck Telegram call never keeps the process from exiting

    def __init__(
        self, key: SessionKey, services: Services, supervisor: pykka.ActorRef | None = None
    ) -> None:
        super().__init__()
        self.key = key
        self._supervisor = supervisor
        self._ctx = UserContext(key, services)
        self._training = TrainingFlow(self._ctx)
        self._game = GameFlow(self._ctx)
        self._reminders = ReminderFlow(self._ctx, self._training, self._game)
        self._settings = SettingsFlow(self._ctx, self._reminders)
        self._vocabulary = VocabularyFlow(self._ctx, on_cleared=self._sessions_cleared)

    def on_receive(self, message: Any) -> Any:
        match message:
            case HandleUpdate():
                self._handle_update(message)
            case Recover():
                self._housekeeping(self._settle)
            case EndIdleGame():
                self._housekeeping(self._end_idle_game)
            case ReminderDue():
                self._housekeeping(self._reminder_due)
            case _:
                log.warning("user actor %s: unknown message %r", self.key, message)
        return None

    def on_stop(self) -> None:
        if self._supervisor is not None:
            with contextlib.suppress(pykka.ActorDeadError):  # shutting down
                self._supervisor.tell(Passivated(self.key, self.actor_urn))

    def _housekeeping(self, work) -> None:
        """Run housekeeping work with a connection; failures are logged, the actor lives."""
        try:
            with connection_scope():
                work()
        except Exception:
            log.exception("user actor %s: %s failed", self.key, work.__name__)
            self._ctx.forget()

    def _settle(self) -> None:
        """Before anything else, pay what is still owed: outbox messages (after a crash or a
        Telegram outage) and a prompt that was never sent. Cheap: both checks use caches."""
        if self._ctx.outbox_owed:
            self._ctx.flush_outbox()
        self._training.send_owed_prompt()
        self._game.send_owed_prompt()

    def _reminder_due(self) -> None:
        self._settle()
        self._reminders.reminder_due()

    def _end_idle_game(self) -> None:
        self._settle()
        self._game.end_idle()

    def _sessions_cleared(self) -> None:
        self._ctx.forget_cards()
        self._training.end()
        self._game.end()

    def _handle_update(self, message: HandleUpdate) -> None:
        self._ctx.update_id = message.incoming.update_id
        try:
            with connection_scope():
                self._settle()
                if self._ctx.learner().already_applied(message.incoming.update_id, self._ctx.now()):
                    self._skip_replay(message.incoming)
                else:
                    self._route(message.incoming)
        except Exception:
            log.exception("user actor %s: update %s failed", self.key, message.incoming.update_id)
            self._ctx.forget()
            self._apologise(message.incoming)
        finally:
            self._ctx.update_id = None
            if message.completion is not None:
                message.completion.set(None)

    def _skip_replay(self, incoming: Incoming) -> None:
        """Telegram delivered again an update whose change is committed: do nothing twice."""
        log.info("user actor %s: update %s was already applied", self.key, incoming.update_id)
        if isinstance(incoming, ButtonPress):
            self._ctx.send(AnswerCallback(incoming.callback_query_id))

    def _route(self, incoming: Incoming) -> None:
        self._ctx.learner()  # first contact creates the learner's row
        self._reminders.user_active()
        flow = self._vocabulary
        match incoming:
            case CommandMessage(command=command, args=args):
                if command != "add":
                    flow.cancel_pending_input()
                self._command(command, args)
            case TextMessage(text=text):
                if flow.awaits_add_text():
                    flow.add_text(text)
                elif self._game.active() is not None:
                    self._game.answer(text)
                else:
                    self._reply(texts.text_hint())
            case DocumentMessage():
                flow.cancel_pending_input()
                flow.import_document(incoming)
            case ButtonPress():
                self._press(incoming)
            case OtherMessage():
                self._reply(texts.unsupported_message())

    def _command(self, command: str, args: str) -> None:
        flow = self._vocabulary
        match command:
            case "start":
                flow.start()
            case "help":
                flow.help()
            case "add":
                flow.add_command(args)
            case "export":
                flow.export()
            case "clear":
                flow.clear_command()
            case "review":
                self._training.start_or_resume(SessionKind.REVIEW)
            case "getpair":
                self._training.start_or_resume(SessionKind.GETPAIR)
            case "game":
                self._game.command(args)
            case "settings":
                self._settings.command()
            case _:
                self._reply(texts.unknown_command(command))

    def _press(self, press: ButtonPress) -> None:
        data = decode_callback(press.data)
        if data is not None and data.scope == texts.CLEAR_SCOPE:
            self._vocabulary.clear_press(press, data)
        elif data is not None and data.scope == TRAINING_SCOPE:
            self._training.press(press, data)
        elif data is not None and data.scope == GAME_SCOPE:
            self._game.press(press, data)
        elif data is not None and data.scope == SETTINGS_SCOPE:
            self._settings.press(press, data)
        else:
            self._ctx.send(AnswerCallback(press.callback_query_id, texts.stale_button()))

    def _reply(self, text: str) -> None:
        self._ctx.send(SendText(self.key.chat_id, text))

    def _apologise(self, incoming: Incoming) -> None:
        try:
            if isinstance(incoming, ButtonPress):
                effect = AnswerCallback(incoming.callback_query_id, texts.something_went_wrong())
            else:
                effect = SendText(self.key.chat_id, texts.something_went_wrong())
            self._ctx.send(effect)
        except Exception:
            log.exception("user actor %s: could not report the failure", self.key)
