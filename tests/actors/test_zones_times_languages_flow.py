"""SPEC §15 in the UserSession actor: typed zones and times in /settings, the learner's
language from Telegram and /settings → Language, reminders in a DST zone (injected clock)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from actors.messages import HandleUpdate, ReminderDue, SessionKey
from actors.services import Services
from actors.user_session import UserSession
from storage import users
from storage.models import TrainingSession, User
from tests.support.updates import UserUpdates, sent_prompts
from wordbot.clock import FakeClock
from wordbot.config import Settings
from wordbot.effects import AnswerCallback, EditPrompt, RemoveKeyboard, SendText

USER = 77
KEY = SessionKey(USER, USER)
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
_user = UserUpdates(USER)


@pytest.fixture
def clock():
    return FakeClock(START)


@pytest.fixture
def actor(db, clock, outbound):
    return UserSession(KEY, Services(Settings(), clock, outbound))


def send(actor, incoming, language_code="en"):
    actor.on_receive(HandleUpdate(KEY, dataclasses.replace(incoming, language_code=language_code)))


def menu(outbound) -> SendText | EditPrompt:
    """The settings message as it reads now (the last one sent or edited in place)."""
    menu_id = User.get_by_id(USER).settings_message_id
    for effect in reversed(outbound.effects):
        if isinstance(effect, SendText) and effect.keyboard is not None:
            return effect
        if isinstance(effect, EditPrompt) and effect.message_id == menu_id:
            return effect
    raise AssertionError("no settings message")


def tap(actor, outbound, label, language_code="en"):
    shown = menu(outbound)
    button = next(b for row in shown.keyboard for b in row if b.text == label)
    message_id = User.get_by_id(USER).settings_message_id
    send(actor, _user.press(message_id, button.data), language_code)


def open_screen(actor, outbound, label):
    send(actor, _user.command("settings"))
    tap(actor, outbound, label)


def row():
    return User.get_by_id(USER)


# --- typed zones ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("Berlin", "Europe/Berlin"),
        ("europe/berlin", "Europe/Berlin"),
        ("  kolkata ", "Asia/Kolkata"),
        ("new york", "America/New_York"),
    ],
)
def test_typing_a_city_sets_its_zone_and_shows_the_menu_below(actor, outbound, typed, zone):
    open_screen(actor, outbound, "Timezone")
    old_menu = row().settings_message_id
    send(actor, _user.text(typed))
    assert row().timezone == zone
    assert RemoveKeyboard(USER, old_menu) in outbound.effects
    shown = outbound.effects[-1]
    assert isinstance(shown, SendText) and f"Timezone: {zone}" in shown.text
    assert row().settings_message_id not in (None, old_menu)  # the new menu's buttons count


def test_a_typed_zone_moves_the_next_reminder_into_the_zone(actor, outbound):
    open_screen(actor, outbound, "Timezone")
    send(actor, _user.text("Asia/Kolkata"))
    # 13:00 in Kolkata (+5:30) is 07:30 UTC, passed at 09:00 UTC; 20:00 there is 14:30 UTC
    assert row().next_reminder_at == datetime(2026, 1, 5, 14, 30, tzinfo=UTC)


def test_typing_the_local_time_offers_the_zones_at_that_offset(actor, outbound, clock):
    open_screen(actor, outbound, "Timezone")
    send(actor, _user.text("14:30"))  # 09:00 UTC → +5:30
    assert row().timezone == "UTC"  # nothing set yet, only offered
    offered = [b.text for line in menu(outbound).keyboard for b in line]
    assert "Asia/Kolkata" in offered
    tap(actor, outbound, "Asia/Kolkata")
    assert row().timezone == "Asia/Kolkata"


@pytest.mark.parametrize(
    "typed", ["Atlantis", "<b>Berlin</b>", "<script>alert(1)</script>", "x" * 4000, "🙂", "03:17"]
)
def test_an_unknown_zone_gets_a_hint_and_changes_nothing(actor, outbound, typed):
    open_screen(actor, outbound, "Timezone")
    before = row()
    send(actor, _user.text(typed))
    after = row()
    assert (after.timezone, after.next_reminder_at) == (before.timezone, before.next_reminder_at)
    hint = outbound.effects[-1]
    assert isinstance(hint, SendText) and "⚠️" in hint.text
    assert "<script>" not in hint.text and "<b>Berlin" not in hint.text
    assert len(hint.text) < 1000


def test_a_zone_button_from_another_user_or_an_old_menu_is_refused(actor, outbound):
    open_screen(actor, outbound, "Timezone")
    old_menu = row().settings_message_id
    berlin = next(b for line in menu(outbound).keyboard for b in line if b.text == "Europe/Berlin")
    send(actor, _user.text("Tokyo"))  # a new menu; the old one is retired
    send(actor, _user.press(old_menu, berlin.data))
    assert row().timezone == "Asia/Tokyo"
    assert outbound.effects[-1] == AnswerCallback(
        outbound.effects[-1].callback_query_id, "This button is no longer active."
    )


def test_text_on_other_settings_screens_is_an_ordinary_text(actor, outbound):
    open_screen(actor, outbound, "Cards")
    send(actor, _user.text("Berlin"))
    assert row().timezone == "UTC"
    assert "/add" in outbound.effects[-1].text  # the usual hint for a stray text


def test_a_command_retires_a_menu_waiting_for_text(actor, outbound):
    open_screen(actor, outbound, "Timezone")
    menu_id = row().settings_message_id
    send(actor, _user.command("help"))
    assert RemoveKeyboard(USER, menu_id) in outbound.effects
    send(actor, _user.text("Berlin"))
    assert row().timezone == "UTC" and row().settings_screen is None


# --- own reminder times ---------------------------------------------------------------------


def test_add_a_time_then_toggle_and_remove_it(actor, outbound):
    open_screen(actor, outbound, "Reminders")
    tap(actor, outbound, "＋ Add time")
    send(actor, _user.text("9:30"))
    assert row().reminder_times == [
        {"time": "08:00", "enabled": True},
        {"time": "09:30", "enabled": True},
        {"time": "13:00", "enabled": True},
        {"time": "20:00", "enabled": True},
    ]
    assert row().next_reminder_at == START.replace(hour=9, minute=30)
    assert row().settings_screen == "reminders"
    tap(actor, outbound, "✅ 09:30")
    assert {"time": "09:30", "enabled": False} in row().reminder_times
    assert row().next_reminder_at == START.replace(hour=13)
    rm = [line[1].text for line in menu(outbound).keyboard if len(line) == 2]
    assert rm == ["🗑"] * 4
    remove = menu(outbound).keyboard[1][1]  # the 09:30 row
    send(actor, _user.press(row().settings_message_id, remove.data))
    assert [item["time"] for item in row().reminder_times] == ["08:00", "13:00", "20:00"]


def test_a_time_added_after_it_passed_today_does_not_fire_today(actor, outbound, clock):
    open_screen(actor, outbound, "Reminders")
    tap(actor, outbound, "＋ Add time")
    send(actor, _user.text("08:30"))  # it is 09:00
    assert row().next_reminder_at == START.replace(hour=13)


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("25:99", "is not a time"),
        ("abc", "is not a time"),
        ("07:32", "5-minute steps"),
        ("08:00", "already one of your reminder times"),
        ("<i>7</i>", "is not a time"),
    ],
)
def test_a_refused_time_gets_a_hint_and_changes_nothing(actor, outbound, typed, hint):
    open_screen(actor, outbound, "Reminders")
    tap(actor, outbound, "＋ Add time")
    before = row()
    send(actor, _user.text(typed))
    after = row()
    assert (after.reminder_times, after.next_reminder_at) == (None, before.next_reminder_at)
    assert hint in outbound.effects[-1].text and "<i>" not in outbound.effects[-1].text
    assert after.settings_screen == "add_time"  # the learner can try again


def test_a_sixth_time_is_refused(actor, outbound):
    open_screen(actor, outbound, "Reminders")
    for typed in ("06:00", "07:00"):
        tap(actor, outbound, "＋ Add time")
        send(actor, _user.text(typed))
    assert len(row().reminder_times) == 5
    labels = [b.text for line in menu(outbound).keyboard for b in line]
    assert "＋ Add time" not in labels
    send(actor, _user.command("settings"))
    tap(actor, outbound, "Reminders")
    # an old keyboard's "＋ Add time" (from when there were four) is refused with a notice
    User.update(settings_screen="add_time").execute()
    actor._cache.forget()
    send(actor, _user.text("21:00"))
    assert len(row().reminder_times) == 5
    assert "At most 5 reminder times." in outbound.effects[-1].text


# --- languages ------------------------------------------------------------------------------


def test_a_russian_learner_is_answered_in_russian_from_the_first_message(actor, outbound):
    send(actor, _user.command("start"), language_code="ru-RU")
    assert row().language == "ru"
    assert "/review" in outbound.texts()[-1] and "Привет" in outbound.texts()[-1]
    send(actor, _user.command("settings"), language_code="ru")
    assert "Настройки" in outbound.effects[-1].text
    assert [b.text for b in outbound.effects[-1].keyboard[0]] == ["Карточки", "Напоминания"]


@pytest.mark.parametrize("code", ["de", "uk", "", None, "x" * 30, "<b>ru</b>"])
def test_an_unsupported_language_code_falls_back_to_english(actor, outbound, code):
    send(actor, _user.command("help"), language_code=code)
    assert row().language == "en"
    assert outbound.texts()[-1].startswith("WordBot") or "/review" in outbound.texts()[-1]
    assert not any("а" <= ch <= "я" for ch in outbound.texts()[-1])


def test_the_language_of_the_first_contact_sticks(actor, outbound):
    send(actor, _user.command("start"), language_code="en")
    send(actor, _user.command("help"), language_code="ru")
    assert row().language == "en"


def test_switching_the_language_in_settings(actor, outbound):
    send(actor, _user.command("settings"), language_code="ru")
    tap(actor, outbound, "Язык", "ru")
    tap(actor, outbound, "English", "ru")
    assert row().language == "en"
    assert "<b>Language: English</b>" in menu(outbound).text  # re-rendered at once
    send(actor, _user.command("help"), language_code="ru")
    assert "How to use" in outbound.texts()[-1] or "/review" in outbound.texts()[-1]
    assert not any("а" <= ch <= "я" for ch in outbound.texts()[-1])
    tap_settings_language(actor, outbound, "Русский")
    assert row().language == "ru"


def tap_settings_language(actor, outbound, label):
    send(actor, _user.command("settings"))
    tap(actor, outbound, "Language")
    tap(actor, outbound, label)


def test_a_learner_from_before_languages_gets_one_at_the_next_contact(actor, outbound, clock):
    users.ensure_learner(USER, USER, START)  # no language_code known: NULL
    assert row().language is None
    send(actor, _user.command("help"), language_code="ru")
    assert row().language == "ru"


# --- reminders in a DST zone ----------------------------------------------------------------


def berlin_learner_at_0230(actor, clock, outbound, first_contact):
    clock.set(first_contact)
    send(actor, _user.command("add", "\n".join(f"w{n}, v{n}" for n in range(6))))
    open_screen(actor, outbound, "Timezone")
    send(actor, _user.text("Berlin"))
    send(actor, _user.command("settings"))
    tap(actor, outbound, "Reminders")
    for label in ("✅ 08:00", "✅ 13:00", "✅ 20:00"):
        tap(actor, outbound, label)
    tap(actor, outbound, "＋ Add time")
    send(actor, _user.text("02:30"))
    tap(actor, outbound, "« Back")
    tap(actor, outbound, "Close")


def remind(actor, clock, at):
    clock.set(at)
    actor.on_receive(ReminderDue(KEY))


def test_fall_back_night_fires_a_0230_reminder_once(actor, clock, outbound):
    # 2026-10-25: Berlin's clocks go from 03:00 CEST back to 02:00 CET; 02:30 happens twice
    berlin_learner_at_0230(actor, clock, outbound, datetime(2026, 10, 24, 12, 0, tzinfo=UTC))
    first = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 CEST
    assert row().next_reminder_at == first
    remind(actor, clock, first)
    assert TrainingSession.get_or_none(TrainingSession.user_id == USER).kind == "reminder"
    assert row().next_reminder_at == datetime(2026, 10, 26, 1, 30, tzinfo=UTC)  # 02:30 CET
    count = len(sent_prompts(outbound))
    remind(actor, clock, first + timedelta(hours=1))  # 02:30 CET, the second reading
    assert len(sent_prompts(outbound)) == count
    assert row().last_reminder_sent_at == first


def test_spring_forward_night_fires_a_0230_reminder_at_0300(actor, clock, outbound):
    # 2026-03-29: 02:00 CET jumps to 03:00 CEST; 02:30 does not exist that night
    berlin_learner_at_0230(actor, clock, outbound, datetime(2026, 3, 28, 12, 0, tzinfo=UTC))
    jump = datetime(2026, 3, 29, 1, 0, tzinfo=UTC)  # 03:00 CEST
    assert row().next_reminder_at == jump
    remind(actor, clock, jump - timedelta(minutes=1))
    assert TrainingSession.get_or_none(TrainingSession.user_id == USER) is None
    remind(actor, clock, jump)
    assert TrainingSession.get_or_none(TrainingSession.user_id == USER).kind == "reminder"
    assert row().next_reminder_at == datetime(2026, 3, 30, 0, 30, tzinfo=UTC)  # 02:30 CEST


def test_a_reminder_missed_while_down_fires_once(actor, clock, outbound):
    berlin_learner_at_0230(actor, clock, outbound, datetime(2026, 10, 20, 12, 0, tzinfo=UTC))
    back = datetime(2026, 10, 23, 9, 0, tzinfo=UTC)  # three 02:30s passed while down
    remind(actor, clock, back)
    assert TrainingSession.get_or_none(TrainingSession.user_id == USER).kind == "reminder"
    count = len(sent_prompts(outbound))
    remind(actor, clock, back + timedelta(minutes=1))
    assert len(sent_prompts(outbound)) == count
    assert row().last_reminder_sent_at == back
    assert row().next_reminder_at == datetime(2026, 10, 24, 0, 30, tzinfo=UTC)
