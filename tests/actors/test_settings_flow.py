"""/settings in the UserSession actor: one message edited in place, writes only on change."""

from __future__ import annotations

import itertools

import peewee
import pytest

from actors.messages import HandleUpdate, SessionKey
from actors.services import Services
from actors.user_session import UserSession
from storage import users
from storage.models import User
from wordbot.clock import FakeClock
from wordbot.config import Settings
from wordbot.effects import AnswerCallback, EditPrompt, SendText
from wordbot.transport.updates import ButtonPress, CommandMessage

USER = 99
KEY = SessionKey(USER, USER)
_ids = itertools.count(1)


@pytest.fixture
def actor(db, outbound):
    actor = UserSession(KEY, Services(Settings(), FakeClock(), outbound))
    actor.on_receive(HandleUpdate(KEY, CommandMessage(1, USER, USER, "private", 1, "settings", "")))
    return actor


def menu_id():
    return User.get_by_id(USER).settings_message_id


def keyboard(outbound):
    """The keyboard the settings message shows now."""
    for effect in reversed(outbound.effects):
        if isinstance(effect, EditPrompt | SendText) and (
            isinstance(effect, SendText) or effect.message_id == menu_id()
        ):
            return effect.keyboard
    return None


def tap(actor, outbound, label, message_id=None):
    button = next(b for row in keyboard(outbound) for b in row if b.text == label)
    press = ButtonPress(
        next(_ids), USER, USER, "private", f"q{next(_ids)}", message_id or menu_id(), button.data
    )
    actor.on_receive(HandleUpdate(KEY, press))
    return button.data


def answers(outbound):
    return [e.text for e in outbound.effects if isinstance(e, AnswerCallback)]


def test_home_shows_the_settings(actor, outbound):
    home = outbound.effects[-1]
    assert isinstance(home, SendText)
    assert "5" in home.text and "UTC" in home.text and "08:00" in home.text
    assert "English" in home.text
    assert [[b.text for b in row] for row in home.keyboard] == [
        ["Cards", "Reminders"],
        ["Timezone", "Language"],
        ["Learning", "Close"],
    ]


def test_cards_plus_and_presets_are_saved(actor, outbound):
    tap(actor, outbound, "Cards")
    tap(actor, outbound, "+1")
    assert User.get_by_id(USER).cards_per_session == 6
    tap(actor, outbound, "10")
    assert User.get_by_id(USER).cards_per_session == 10
    assert all(isinstance(e, SendText) is False for e in outbound.effects[1:])  # edited in place


def test_out_of_range_press_changes_nothing_and_hints(actor, outbound):
    tap(actor, outbound, "Cards")
    tap(actor, outbound, "1")
    updated = User.get_by_id(USER).updated_at
    tap(actor, outbound, "−1")
    assert User.get_by_id(USER).cards_per_session == 1
    assert User.get_by_id(USER).updated_at == updated
    assert answers(outbound)[-1] == "At least 1 card per session."


def test_reminder_toggles_and_a_zone_button_recompute_the_next_reminder(actor, outbound):
    before = User.get_by_id(USER).next_reminder_at
    tap(actor, outbound, "Timezone")
    tap(actor, outbound, "Asia/Tokyo")
    row = User.get_by_id(USER)
    assert row.timezone == "Asia/Tokyo"
    assert row.next_reminder_at is not None and row.next_reminder_at != before
    tap(actor, outbound, "« Back")
    tap(actor, outbound, "Reminders")
    for label in [b.text for row in keyboard(outbound) for b in row if b.text.startswith("✅")]:
        tap(actor, outbound, label)
    row = User.get_by_id(USER)
    assert row.reminder_times == [
        {"time": "08:00", "enabled": False},
        {"time": "13:00", "enabled": False},
        {"time": "20:00", "enabled": False},
    ]
    assert row.next_reminder_at is None


def test_close_says_saved_and_removes_the_keyboard(actor, outbound):
    tap(actor, outbound, "Close")
    edit = outbound.effects[-1]
    assert (
        isinstance(edit, EditPrompt) and edit.text == "Settings saved ✅" and edit.keyboard is None
    )
    assert User.get_by_id(USER).settings_token is None


def test_a_stale_settings_message_is_refused(actor, outbound):
    old_message = menu_id()
    data = keyboard(outbound)[0][0].data
    actor.on_receive(HandleUpdate(KEY, CommandMessage(2, USER, USER, "private", 2, "settings", "")))
    actor.on_receive(
        HandleUpdate(KEY, ButtonPress(3, USER, USER, "private", "q", old_message, data))
    )
    assert answers(outbound)[-1] == "This button is no longer active."


def test_a_storage_failure_answers_and_leaves_the_screen(actor, outbound, monkeypatch):
    tap(actor, outbound, "Cards")
    effects_before = len(outbound.effects)

    def broken(*args, **kwargs):
        raise peewee.OperationalError("disk I/O error")

    monkeypatch.setattr(users, "update_learner", broken)
    tap(actor, outbound, "+1")
    monkeypatch.undo()
    assert answers(outbound)[-1] == "Something went wrong, please try again."
    assert not any(isinstance(e, EditPrompt) for e in outbound.effects[effects_before:])
    assert User.get_by_id(USER).cards_per_session == 5
    tap(actor, outbound, "+1")  # works again afterwards
    assert User.get_by_id(USER).cards_per_session == 6


def test_a_redelivered_settings_press_changes_nothing_twice(actor, outbound):
    tap(actor, outbound, "Cards")
    button = next(b for row in keyboard(outbound) for b in row if b.text == "+1")
    press = ButtonPress(next(_ids), USER, USER, "private", "qq", menu_id(), button.data)
    actor.on_receive(HandleUpdate(KEY, press))
    actor.on_receive(HandleUpdate(KEY, press))  # Telegram delivers it again after a crash
    assert User.get_by_id(USER).cards_per_session == 6
    assert answers(outbound)[-1] == "This button is no longer active."
