"""/settings → Learning (SPEC §12) as reducer tables: scheduler, desired retention 0.80–0.97
in steps of 0.01, new cards per day 0–100; out of range a notice and no change."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from tests.unit.test_decide import NOW, RULES, callback, learner, moment, press
from wordbot.callback_data import decode_callback
from wordbot.decide.settings import decide_settings_press, slot_labels
from wordbot.decide.transition import Snapshot, UpdateLearner
from wordbot.domain.settings_menu import (
    NOTICE_NEW_CARDS_MAX,
    NOTICE_NEW_CARDS_MIN,
    NOTICE_RETENTION_MAX,
    NOTICE_RETENTION_MIN,
    LearnerSettings,
    Screen,
    apply_button,
)
from wordbot.rendering.settings import menu_keyboard, menu_text, settings_notice, settings_text

DEFAULTS = LearnerSettings()


@pytest.mark.parametrize(
    ("before", "action", "field", "after", "notice"),
    [
        ({}, "sched_sm2", "scheduler", "sm2", None),
        ({"scheduler": "sm2"}, "sched_fsrs", "scheduler", "fsrs", None),
        ({}, "retinc", "desired_retention", 0.91, None),
        ({}, "retdec", "desired_retention", 0.89, None),
        ({"desired_retention": 0.81}, "retdec", "desired_retention", 0.80, None),
        ({"desired_retention": 0.80}, "retdec", "desired_retention", 0.80, NOTICE_RETENTION_MIN),
        ({"desired_retention": 0.96}, "retinc", "desired_retention", 0.97, None),
        ({"desired_retention": 0.97}, "retinc", "desired_retention", 0.97, NOTICE_RETENTION_MAX),
        ({"desired_retention": 0.99}, "retinc", "desired_retention", 0.99, NOTICE_RETENTION_MAX),
        ({"desired_retention": 0.8299999}, "retinc", "desired_retention", 0.84, None),
        ({}, "newinc", "new_cards_per_day", 21, None),
        ({}, "newdec5", "new_cards_per_day", 15, None),
        ({"new_cards_per_day": 1}, "newdec", "new_cards_per_day", 0, None),
        ({"new_cards_per_day": 0}, "newdec", "new_cards_per_day", 0, NOTICE_NEW_CARDS_MIN),
        ({"new_cards_per_day": 3}, "newdec5", "new_cards_per_day", 3, NOTICE_NEW_CARDS_MIN),
        ({"new_cards_per_day": 95}, "newinc5", "new_cards_per_day", 100, None),
        ({"new_cards_per_day": 100}, "newinc", "new_cards_per_day", 100, NOTICE_NEW_CARDS_MAX),
        ({"new_cards_per_day": 98}, "newinc5", "new_cards_per_day", 98, NOTICE_NEW_CARDS_MAX),
    ],
)
def test_learning_steps_within_their_range_and_refuse_beyond(before, action, field, after, notice):
    settings = replace(DEFAULTS, **before)
    result = apply_button(settings, Screen.LEARNING, action)
    assert result.screen is Screen.LEARNING and result.notice == notice
    assert getattr(result.settings, field) == pytest.approx(after)
    assert result.changed is (notice is None and getattr(settings, field) != after)
    if notice is not None:
        assert result.settings == settings


@pytest.mark.parametrize("action", ["retinc", "sched_sm2", "newinc"])
def test_learning_actions_count_only_on_the_learning_screen(action):
    assert apply_button(DEFAULTS, Screen.HOME, action) is None
    assert apply_button(DEFAULTS, Screen.CARDS, action) is None


def test_home_opens_learning():
    assert apply_button(DEFAULTS, Screen.HOME, "learning").screen is Screen.LEARNING


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_learning_screen_shows_the_values_and_every_button_is_accepted(lang):
    settings = replace(DEFAULTS, scheduler="sm2", desired_retention=0.85, new_cards_per_day=7)
    text = menu_text(settings, Screen.LEARNING, lang=lang)
    assert "SM-2" in text and "85%" in text and "7" in text
    assert settings_text(settings, Screen.LEARNING, slot_labels(RULES), lang=lang) == text
    keyboard = menu_keyboard(settings, Screen.LEARNING, "tok", lang=lang)
    assert [b.text for b in keyboard[0]] == ["FSRS", "• SM-2"]
    for button in (b for row in keyboard for b in row):
        assert apply_button(settings, Screen.LEARNING, decode_callback(button.data).action)


@pytest.mark.parametrize(
    "notice",
    [NOTICE_RETENTION_MIN, NOTICE_RETENTION_MAX, NOTICE_NEW_CARDS_MIN, NOTICE_NEW_CARDS_MAX],
)
def test_learning_notices_read_in_both_languages(notice):
    assert settings_notice(notice, lang="en") == notice
    assert settings_notice(notice, lang="ru") != notice


def test_a_learning_press_writes_the_learner_fields():
    me = learner(settings_token="cur", settings_message_id=100, settings_screen="learning")
    t = decide_settings_press(
        Snapshot(me), press("st:retinc:cur"), callback("st", "retinc", "cur"), RULES, moment()
    )
    (update,) = t.writes
    assert isinstance(update, UpdateLearner)
    assert update.changes["desired_retention"] == pytest.approx(0.91)
    assert "scheduler" not in update.changes  # only what changed is written
    assert "new_cards_per_day" not in update.changes
    assert update.changes["settings_screen"] == "learning"


def test_a_refused_learning_press_writes_nothing():
    me = learner(
        settings_token="cur",
        settings_message_id=100,
        settings_screen="learning",
        new_cards_per_day=100,
        next_reminder_at=NOW + timedelta(hours=1),
    )
    t = decide_settings_press(
        Snapshot(me), press("st:newinc:cur"), callback("st", "newinc", "cur"), RULES, moment()
    )
    assert t.writes == () and t.answer.text == NOTICE_NEW_CARDS_MAX
