"""/settings (SPEC §8): one message edited in place; the reducer decides, this writes and edits."""

from __future__ import annotations

import logging
from dataclasses import replace

import peewee

from actors.flows.context import UserContext
from actors.flows.reminders import ReminderFlow
from storage import users
from storage.database import database
from wordbot.callback_data import CallbackData, new_token
from wordbot.domain.settings_menu import LearnerSettings, Screen, Slot, apply_button
from wordbot.effects import AnswerCallback, EditPrompt, RemoveKeyboard, SendText
from wordbot.rendering import settings as texts
from wordbot.rendering import vocabulary as vocabulary_texts
from wordbot.transport.updates import ButtonPress

__all__ = ["SettingsFlow"]

log = logging.getLogger(__name__)


class SettingsFlow:
    def __init__(self, context: UserContext, reminders: ReminderFlow) -> None:
        self._ctx = context
        self._reminders = reminders

    @property
    def _slot_times(self) -> dict[Slot, str]:
        reminders = self._ctx.services.settings.reminders
        return {
            Slot.MORNING: reminders.morning,
            Slot.AFTERNOON: reminders.afternoon,
            Slot.EVENING: reminders.evening,
        }

    def command(self) -> None:
        learner = self._ctx.learner()
        if learner.settings_message_id is not None:  # one live settings message at a time
            self._ctx.send(RemoveKeyboard(learner.chat_id, learner.settings_message_id))
        settings = LearnerSettings.from_learner(learner)
        token = new_token()
        delivery = self._ctx.send(
            SendText(
                learner.chat_id,
                texts.settings_text(settings, Screen.HOME, self._slot_times),
                texts.settings_keyboard(settings, Screen.HOME, token, self._slot_times),
            )
        )
        if delivery.ok:
            self._save_menu(token, delivery.message_id, Screen.HOME)

    def press(self, press: ButtonPress, data: CallbackData) -> None:
        learner = self._ctx.learner()
        current = (
            learner.settings_token == data.token
            and press.message_id is not None
            and press.message_id == learner.settings_message_id
            and learner.settings_screen is not None
        )
        before = LearnerSettings.from_learner(learner)
        result = (
            apply_button(before, Screen(learner.settings_screen), data.action) if current else None
        )
        if result is None:
            self._ctx.send(AnswerCallback(press.callback_query_id, vocabulary_texts.stale_button()))
            return
        if not result.changed and result.screen.value == learner.settings_screen:
            self._ctx.send(AnswerCallback(press.callback_query_id, result.notice))
            return  # a refused or no-op press: the screen stays as it is
        # A fresh token with every change, in the same transaction: a press Telegram
        # delivers again after a crash finds the old token and changes nothing twice.
        token = None if result.screen is Screen.CLOSED else new_token()
        try:
            with database.atomic():
                if result.changed:
                    self._save_settings(result.settings)
                self._save_menu(
                    token,
                    None if token is None else learner.settings_message_id,
                    None if token is None else result.screen,
                )
        except peewee.DatabaseError:
            log.exception("%s: saving settings failed", self._ctx.key)
            self._ctx.forget()
            self._ctx.send(AnswerCallback(press.callback_query_id, texts.settings_failed()))
            return
        self._ctx.send(AnswerCallback(press.callback_query_id, result.notice))
        self._ctx.send(
            EditPrompt(
                learner.chat_id,
                press.message_id,
                texts.settings_text(result.settings, result.screen, self._slot_times),
                texts.settings_keyboard(result.settings, result.screen, token, self._slot_times),
            )
        )

    def _save_settings(self, settings: LearnerSettings) -> None:
        changes = {
            "cards_per_session": settings.cards_per_session,
            "reminder_morning": settings.morning,
            "reminder_afternoon": settings.afternoon,
            "reminder_evening": settings.evening,
            "timezone_offset_hours": settings.timezone_offset_hours,
        }
        learner = replace(self._ctx.learner(), **changes)
        changes["next_reminder_at"] = self._reminders.next_reminder_at(learner, self._ctx.now())
        users.update_learner(learner.user_id, self._ctx.now(), **changes)
        self._ctx.update_learner(**changes)

    def _save_menu(self, token: str | None, message_id: int | None, screen: Screen | None) -> None:
        changes = {
            "settings_token": token,
            "settings_message_id": message_id,
            "settings_screen": None if screen is None else screen.value,
        }
        users.update_learner(self._ctx.key.user_id, self._ctx.now(), **changes)
        self._ctx.update_learner(**changes)
