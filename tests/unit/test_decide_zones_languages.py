"""SPEC §15 decisions as tables: typed settings text, the learner's language in every text,
reminders in the learner's zone and own times. Pure: no database, threads or Telegram."""

from __future__ import annotations

import itertools
import random
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

import pytest

from wordbot.decide.reminders import (
    ReminderFacts,
    decide_reminder,
    next_reminder_at,
    reminder_times_of,
)
from wordbot.decide.settings import (
    cancel_text_input,
    decide_settings_command,
    decide_settings_text,
)
from wordbot.decide.training import decide_start_or_resume
from wordbot.decide.transition import Moment, Rules, Snapshot, UpdateLearner
from wordbot.decide.vocabulary import decide_clear_command
from wordbot.domain.learner import Learner
from wordbot.domain.reminder_times import ReminderTime
from wordbot.domain.srs import CardSchedule
from wordbot.domain.training import Card, SessionKind
from wordbot.effects import RemoveKeyboard, SendText

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
USER = 8
RULES = Rules()


def moment(now=NOW) -> Moment:
    counter = itertools.count(1)
    return Moment(now, random.Random(1), lambda: f"tok{next(counter)}")


def learner(**changes) -> Learner:
    base = Learner(
        user_id=USER,
        chat_id=USER,
        cards_per_session=5,
        reminder_morning=True,
        reminder_afternoon=True,
        reminder_evening=True,
        timezone_offset_hours=0,
        reminders_paused=False,
        missed_reminders=0,
        last_reminder_sent_at=None,
        pending_input=None,
        pending_input_until=None,
        confirm_token=None,
        confirm_message_id=None,
        created_at=NOW - timedelta(days=30),
    )
    return replace(base, **changes)


def on_screen(screen: str, **changes) -> Snapshot:
    return Snapshot(
        learner(settings_token="s", settings_message_id=300, settings_screen=screen, **changes)
    )


def changes_of(transition) -> dict:
    found: dict = {}
    for write in transition.writes:
        if isinstance(write, UpdateLearner):
            found.update(write.changes)
    return found


# --- the learner's language ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"), [(None, "en"), ("en", "en"), ("ru", "ru"), ("de", "en"), ("", "en")]
)
def test_snapshot_language_is_the_learners_or_english(language, expected):
    assert Snapshot(learner(language=language)).lang == expected


@pytest.mark.parametrize(
    ("language", "needle"),
    [("ru", "повторять нечего"), ("en", "Nothing to review")],
)
def test_decisions_speak_the_learners_language(language, needle):
    t = decide_start_or_resume(
        Snapshot(learner(language=language)), SessionKind.REVIEW, [], moment()
    )
    assert needle in t.owed[0].text


def test_a_russian_clear_question_has_russian_buttons():
    t = decide_clear_command(Snapshot(learner(language="ru")), 3, moment())
    assert "Удалить" in " ".join(b.text for row in t.prompt.message.keyboard for b in row)


def test_settings_home_is_rendered_in_the_learners_language():
    t = decide_settings_command(Snapshot(learner(language="ru")), RULES, moment())
    assert "Настройки" in t.prompt.message.text


# --- typed text on settings screens ---------------------------------------------------------


@pytest.mark.parametrize("screen", [None, "home", "cards", "reminders", "language", "closed"])
def test_text_goes_elsewhere_unless_a_settings_screen_waits_for_it(screen):
    assert decide_settings_text(on_screen(screen), "Berlin", RULES, moment()) is None


def test_text_on_a_retired_menu_goes_elsewhere():
    snapshot = Snapshot(learner(settings_token=None, settings_screen="timezone"))
    assert decide_settings_text(snapshot, "Berlin", RULES, moment()) is None


def test_a_typed_zone_is_set_with_the_next_reminder_in_it_and_a_new_menu():
    t = decide_settings_text(on_screen("timezone"), "Berlin", RULES, moment())
    changes = changes_of(t)
    assert changes["timezone"] == "Europe/Berlin"
    assert changes["next_reminder_at"] == datetime(2026, 1, 5, 12, 0, tzinfo=UTC)  # 13:00 CET
    assert changes["settings_token"] == "tok1" and changes["settings_message_id"] is None
    assert t.owed == (RemoveKeyboard(USER, 300),)
    assert "Timezone: Europe/Berlin" in t.prompt.message.text


@pytest.mark.parametrize(
    ("screen", "typed"),
    [
        ("timezone", "Atlantis"),
        ("timezone", "<b>x</b>"),
        ("timezone", "03:17"),
        ("add_time", "25:99"),
        ("add_time", "08:00"),
        ("add_time", "07:31"),
    ],
)
def test_refused_text_writes_no_setting_and_shows_a_hint(screen, typed):
    t = decide_settings_text(on_screen(screen), typed, RULES, moment())
    assert set(changes_of(t)) == {"settings_token", "settings_message_id", "settings_screen"}
    assert changes_of(t)["settings_screen"] == screen
    assert "⚠️" in t.prompt.message.text and "<b>x" not in t.prompt.message.text


def test_a_sixth_time_is_refused():
    five = tuple(ReminderTime(time(hour)) for hour in (6, 7, 8, 9, 10))
    t = decide_settings_text(on_screen("add_time", reminder_times=five), "11:00", RULES, moment())
    assert "reminder_times" not in changes_of(t)
    assert "At most 5 reminder times." in t.prompt.message.text


def test_an_added_time_writes_the_full_list_and_returns_to_reminders():
    t = decide_settings_text(on_screen("add_time"), "9:30", RULES, moment())
    changes = changes_of(t)
    assert [item.label for item in changes["reminder_times"]] == [
        "08:00",
        "09:30",
        "13:00",
        "20:00",
    ]
    assert changes["settings_screen"] == "reminders"
    assert changes["next_reminder_at"] == NOW.replace(hour=9, minute=30)


@pytest.mark.parametrize(("screen", "retired"), [("timezone", True), ("add_time", True)])
def test_a_command_retires_a_menu_waiting_for_text(screen, retired):
    t = cancel_text_input(on_screen(screen))
    assert changes_of(t) == {
        "settings_token": None,
        "settings_message_id": None,
        "settings_screen": None,
    }
    assert t.owed == (RemoveKeyboard(USER, 300),)


@pytest.mark.parametrize("screen", [None, "home", "reminders", "cards"])
def test_a_command_leaves_other_menus_alone(screen):
    assert cancel_text_input(on_screen(screen)).changes_nothing


# --- reminders in the learner's zone and times ------------------------------------------------


def test_never_edited_times_are_the_configured_slots_with_the_old_flags():
    times = reminder_times_of(learner(reminder_afternoon=False), RULES)
    assert [(item.label, item.enabled) for item in times] == [
        ("08:00", True),
        ("13:00", False),
        ("20:00", True),
    ]


@pytest.mark.parametrize(
    ("zone", "times", "after", "expected"),
    [
        ("UTC", None, NOW, NOW.replace(hour=13)),
        ("Asia/Kolkata", None, NOW, NOW.replace(hour=14, minute=30)),  # 20:00 +5:30
        ("Pacific/Chatham", None, NOW, NOW.replace(hour=18, minute=15)),  # 08:00 at +13:45
        (
            "Europe/Berlin",
            (ReminderTime(time(2, 30)),),
            NOW,
            datetime(2026, 1, 6, 1, 30, tzinfo=UTC),
        ),
        (
            "Europe/Berlin",
            (ReminderTime(time(2, 30)),),
            datetime(2026, 3, 28, 12, 0, tzinfo=UTC),
            datetime(2026, 3, 29, 1, 0, tzinfo=UTC),  # no 02:30 that night: 03:00 CEST
        ),
        ("UTC", (ReminderTime(time(8), enabled=False),), NOW, None),
    ],
)
def test_next_reminder_is_in_the_learners_zone(zone, times, after, expected):
    assert next_reminder_at(learner(timezone=zone, reminder_times=times), RULES, after) == expected


def test_a_reminder_fires_for_an_own_time_in_the_zone():
    at = datetime(2026, 1, 5, 8, 30, tzinfo=UTC)  # 14:00 in Kolkata
    snapshot = Snapshot(
        learner(
            timezone="Asia/Kolkata",
            reminder_times=(ReminderTime(time(14)),),
            last_reminder_sent_at=at - timedelta(days=1),
        )
    )
    cards = [Card(1, "a", "b", CardSchedule())]
    facts = ReminderFacts(pairs=1, due=0, new=1, last_graded_at=None, candidates=cards)
    t = decide_reminder(snapshot, facts, RULES, moment(at))
    assert changes_of(t)["last_reminder_sent_at"] == at
    assert changes_of(t)["next_reminder_at"] == at + timedelta(days=1)
    early = decide_reminder(snapshot, facts, RULES, moment(at - timedelta(minutes=1)))
    assert "last_reminder_sent_at" not in changes_of(early)


def test_the_pause_notice_is_in_the_learners_language():
    snapshot = Snapshot(
        learner(language="ru", missed_reminders=8, last_reminder_sent_at=NOW - timedelta(days=1))
    )
    facts = ReminderFacts(pairs=1, due=1, new=0, last_graded_at=None)
    t = decide_reminder(snapshot, facts, RULES, moment(NOW.replace(hour=13)))
    assert any(isinstance(e, SendText) and "Напоминания" in e.text for e in t.owed)
