"""/settings decisions (SPEC §8): one message edited in place; the menu reducer decides the
screen, this turns it into writes and the edit. A fresh token with every change, in the same
unit of work: a press delivered again finds the old token and changes nothing twice."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from wordbot.callback_data import CallbackData
from wordbot.decide.reminders import next_reminder_at
from wordbot.decide.transition import (
    Moment,
    Prompt,
    PromptTarget,
    Rules,
    Snapshot,
    Transition,
    UpdateLearner,
)
from wordbot.domain.settings_menu import LearnerSettings, Screen, Slot, apply_button
from wordbot.effects import AnswerCallback, EditPrompt, RemoveKeyboard, SendText
from wordbot.rendering import settings as texts
from wordbot.rendering import vocabulary as common_texts

__all__ = ["decide_settings_command", "decide_settings_press", "slot_labels"]


def slot_labels(rules: Rules) -> Mapping[Slot, str]:
    return {slot: rules.slot_times.at(slot).strftime("%H:%M") for slot in Slot}


def decide_settings_command(snapshot: Snapshot, rules: Rules, moment: Moment) -> Transition:
    learner = snapshot.learner
    owed = ()
    if learner.settings_message_id is not None:  # one live settings message at a time
        owed = (RemoveKeyboard(learner.chat_id, learner.settings_message_id),)
    settings = LearnerSettings.from_learner(learner)
    token = moment.new_token()
    labels = slot_labels(rules)
    message = SendText(
        learner.chat_id,
        texts.settings_text(settings, Screen.HOME, labels),
        texts.settings_keyboard(settings, Screen.HOME, token, labels),
    )
    changes = {
        "settings_token": token,
        "settings_message_id": None,
        "settings_screen": Screen.HOME.value,
    }
    return Transition(
        writes=(UpdateLearner(changes),),
        owed=owed,
        prompt=Prompt(PromptTarget.SETTINGS, token, message),
    )


def decide_settings_press(
    snapshot: Snapshot, press, data: CallbackData, rules: Rules, moment: Moment
) -> Transition:
    learner = snapshot.learner
    current = (
        learner.settings_token == data.token
        and press.message_id is not None
        and press.message_id == learner.settings_message_id
        and learner.settings_screen is not None
    )
    before = LearnerSettings.from_learner(learner)
    result = apply_button(before, Screen(learner.settings_screen), data.action) if current else None
    if result is None:
        return Transition(
            answer=AnswerCallback(press.callback_query_id, common_texts.stale_button())
        )
    answer = AnswerCallback(press.callback_query_id, result.notice)
    if not result.changed and result.screen.value == learner.settings_screen:
        return Transition(answer=answer)  # a refused or no-op press: the screen stays
    token = None if result.screen is Screen.CLOSED else moment.new_token()
    changes: dict[str, object] = {
        "settings_token": token,
        "settings_message_id": None if token is None else learner.settings_message_id,
        "settings_screen": None if token is None else result.screen.value,
    }
    if result.changed:
        settings = result.settings
        chosen = {
            "cards_per_session": settings.cards_per_session,
            "reminder_morning": settings.morning,
            "reminder_afternoon": settings.afternoon,
            "reminder_evening": settings.evening,
            "timezone_offset_hours": settings.timezone_offset_hours,
            "scheduler": settings.scheduler,
            "desired_retention": settings.desired_retention,
            "new_cards_per_day": settings.new_cards_per_day,
        }
        chosen["next_reminder_at"] = next_reminder_at(replace(learner, **chosen), rules, moment.now)
        changes.update(chosen)
    labels = slot_labels(rules)
    edit = EditPrompt(
        learner.chat_id,
        press.message_id,
        texts.settings_text(result.settings, result.screen, labels),
        texts.settings_keyboard(result.settings, result.screen, token, labels),
    )
    return Transition(writes=(UpdateLearner(changes),), owed=(edit,), answer=answer)
