"""/settings decisions (SPEC §8, §15): one message edited in place; the menu reducer decides the
screen, this turns it into writes and the edit. A fresh token with every change, in the same
unit of work: a press delivered again finds the old token and changes nothing twice.

Decisions where the SPEC is silent:
* Typed text on the Timezone or "＋ Add time" screen answers with the menu as a new message
  below the learner's text (the old copy loses its buttons), so the answer is where the
  learner looks; a refused text shows its hint there and changes no setting.
* Any command other than /settings while one of those screens waits for text retires the
  menu (its buttons go): the next text is then an answer or a plain message again, never a
  zone name by surprise. /add's pending input works the same way.
* Every change recomputes `next_reminder_at` from the new zone and times (SPEC §15), after
  `now`: a time added or a zone chosen after today's occurrence passed does not fire today.
* The menu is shown in the language chosen, so switching the language re-renders at once.
* The Learning screen shows the retention dial (SPEC §12) from the cache the background worker
  fills: a dial for the learner's current parameters is shown even when their word count, new
  cards per day or own retention moved since (it says what it simulated), and `wants_dial`
  then asks for it to be worked out again; with none for these parameters the screen says it
  is being worked out. Nothing about the dial is shown where the simulator is missing.
"""

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
from wordbot.domain.learner import Learner
from wordbot.domain.retention_dial import (
    DialFacts,
    DialShown,
    DialSituation,
    DialStatus,
    dial_situation,
    dial_status,
)
from wordbot.domain.settings_menu import (
    Action,
    LearnerSettings,
    MenuResult,
    Screen,
    Slot,
    apply_button,
    apply_text,
)
from wordbot.effects import AnswerCallback, EditPrompt, RemoveKeyboard, SendText
from wordbot.i18n import supported_language
from wordbot.rendering import settings as texts
from wordbot.rendering import vocabulary as common_texts

__all__ = [
    "TEXT_SCREENS",
    "cancel_text_input",
    "decide_settings_command",
    "decide_settings_press",
    "decide_settings_text",
    "dial_shown",
    "shows_dial",
    "slot_labels",
    "wants_dial",
]

TEXT_SCREENS = frozenset({Screen.TIMEZONE.value, Screen.ADD_TIME.value})

# LearnerSettings field → Learner field (= users column)
_LEARNER_FIELDS = {
    "cards_per_session": "cards_per_session",
    "morning": "reminder_morning",
    "afternoon": "reminder_afternoon",
    "evening": "reminder_evening",
    "timezone_offset_hours": "timezone_offset_hours",
    "zone": "timezone",
    "reminder_times": "reminder_times",
    "language": "language",
    "scheduler": "scheduler",
    "desired_retention": "desired_retention",
    "new_cards_per_day": "new_cards_per_day",
}


def slot_labels(rules: Rules) -> Mapping[Slot, str]:
    return {slot: rules.slot_times.at(slot).strftime("%H:%M") for slot in Slot}


def decide_settings_command(snapshot: Snapshot, rules: Rules, moment: Moment) -> Transition:
    learner = snapshot.learner
    owed = ()
    if learner.settings_message_id is not None:  # one live settings message at a time
        owed = (RemoveKeyboard(learner.chat_id, learner.settings_message_id),)
    settings = LearnerSettings.from_learner(learner, rules.slot_times)
    token = moment.new_token()
    changes = {
        "settings_token": token,
        "settings_message_id": None,
        "settings_screen": Screen.HOME.value,
    }
    return Transition(
        writes=(UpdateLearner(changes),),
        owed=owed,
        prompt=Prompt(PromptTarget.SETTINGS, token, _menu(learner, settings, Screen.HOME, token)),
    )


def decide_settings_press(
    snapshot: Snapshot,
    press,
    data: CallbackData,
    rules: Rules,
    moment: Moment,
    dial: DialFacts | None = None,
) -> Transition:
    """A press on the menu; `dial` is what the Learning screen shows of the retention dial."""
    learner = snapshot.learner
    current = (
        learner.settings_token == data.token
        and press.message_id is not None
        and press.message_id == learner.settings_message_id
        and learner.settings_screen is not None
    )
    before = LearnerSettings.from_learner(learner, rules.slot_times)
    result = apply_button(before, Screen(learner.settings_screen), data.action) if current else None
    if result is None:
        return Transition(
            answer=AnswerCallback(
                press.callback_query_id, common_texts.stale_button(lang=snapshot.lang)
            )
        )
    lang = supported_language(result.settings.language)
    answer = AnswerCallback(
        press.callback_query_id, texts.settings_notice(result.notice, lang=lang)
    )
    if not result.changed and result.screen.value == learner.settings_screen:
        return Transition(answer=answer)  # a refused or no-op press: the screen stays
    token = None if result.screen is Screen.CLOSED else moment.new_token()
    changes: dict[str, object] = {
        "settings_token": token,
        "settings_message_id": None if token is None else learner.settings_message_id,
        "settings_screen": None if token is None else result.screen.value,
    }
    changes.update(_setting_changes(learner, before, result, rules, moment))
    shown_dial = None
    if result.screen is Screen.LEARNING:
        shown_dial = dial_shown(replace(learner, **changes), dial)
    shown = _menu(learner, result.settings, result.screen, token, result, shown_dial)
    edit = EditPrompt(learner.chat_id, press.message_id, shown.text, shown.keyboard)
    return Transition(writes=(UpdateLearner(changes),), owed=(edit,), answer=answer)


def decide_settings_text(
    snapshot: Snapshot, text: str, rules: Rules, moment: Moment
) -> Transition | None:
    """Text typed while the Timezone or "＋ Add time" screen is shown; None when no settings
    screen waits for text (the caller handles the text as it would anywhere else)."""
    learner = snapshot.learner
    if learner.settings_screen not in TEXT_SCREENS or learner.settings_token is None:
        return None
    before = LearnerSettings.from_learner(learner, rules.slot_times)
    result = apply_text(before, Screen(learner.settings_screen), text, moment.now)
    if result is None:
        return None
    token = moment.new_token()
    owed = ()
    if learner.settings_message_id is not None:
        owed = (RemoveKeyboard(learner.chat_id, learner.settings_message_id),)
    changes: dict[str, object] = {
        "settings_token": token,
        "settings_message_id": None,
        "settings_screen": result.screen.value,
    }
    changes.update(_setting_changes(learner, before, result, rules, moment))
    message = _menu(learner, result.settings, result.screen, token, result)
    return Transition(
        writes=(UpdateLearner(changes),),
        owed=owed,
        prompt=Prompt(PromptTarget.SETTINGS, token, message),
    )


def cancel_text_input(snapshot: Snapshot) -> Transition:
    """A command while a settings screen waits for text retires the menu (its buttons go)."""
    learner = snapshot.learner
    if learner.settings_screen not in TEXT_SCREENS:
        return Transition()
    owed = ()
    if learner.settings_message_id is not None:
        owed = (RemoveKeyboard(learner.chat_id, learner.settings_message_id),)
    changes = {"settings_token": None, "settings_message_id": None, "settings_screen": None}
    return Transition(writes=(UpdateLearner(changes),), owed=owed)


def dial_shown(learner: Learner, facts: DialFacts | None) -> DialShown | None:
    """The Learning screen's dial block: the cached dial when it is for the learner's current
    parameters, else "being worked out"; None (no block) without facts or a simulator."""
    if facts is None or not facts.available:
        return None
    status = dial_status(facts.dial, _situation(learner, facts))
    return DialShown(None if status is DialStatus.MISSING else facts.dial)


def shows_dial(learner: Learner, action: str) -> bool:
    """Whether a press may show the Learning screen (so its dial facts are worth reading): it
    opens it, or the learner is on it."""
    return action == Action.LEARNING.value or learner.settings_screen == Screen.LEARNING.value


def wants_dial(learner: Learner, facts: DialFacts | None) -> bool:
    """Whether the learner, now on the Learning screen, needs their dial worked out in the
    background: none fresh for their parameters, word count, new cards and retention."""
    if facts is None or not facts.available or learner.settings_screen != Screen.LEARNING.value:
        return False
    return dial_status(facts.dial, _situation(learner, facts)) is not DialStatus.FRESH


def _situation(learner: Learner, facts: DialFacts) -> DialSituation:
    return dial_situation(
        parameters=learner.fsrs_parameters,
        fitted_at=learner.fitted_at,
        fitted_on_reviews=learner.fitted_on_reviews,
        word_count=facts.word_count,
        new_cards_per_day=learner.new_cards_per_day,
        desired_retention=learner.desired_retention,
    )


def _setting_changes(
    learner: Learner,
    before: LearnerSettings,
    result: MenuResult,
    rules: Rules,
    moment: Moment,
) -> dict[str, object]:
    """The learner fields a change sets, and the next reminder from the new zone and times."""
    if not result.changed:
        return {}
    chosen = {
        column: getattr(result.settings, name)
        for name, column in _LEARNER_FIELDS.items()
        if getattr(result.settings, name) != getattr(before, name)
    }
    if not chosen:
        return {}
    chosen["next_reminder_at"] = next_reminder_at(replace(learner, **chosen), rules, moment.now)
    return chosen


def _menu(
    learner: Learner,
    settings: LearnerSettings,
    screen: Screen,
    token: str | None,
    result: MenuResult | None = None,
    dial: DialShown | None = None,
) -> SendText:
    """The menu message of `screen` in the learner's (possibly just chosen) language."""
    lang = supported_language(settings.language)
    refusal = None if result is None else result.refusal
    query = "" if result is None else result.query
    offered = () if result is None else result.offered_zones
    return SendText(
        learner.chat_id,
        texts.menu_text(settings, screen, refusal=refusal, query=query, dial=dial, lang=lang),
        texts.menu_keyboard(settings, screen, token or "", offered_zones=offered, lang=lang),
    )
