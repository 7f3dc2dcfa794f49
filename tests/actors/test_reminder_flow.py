"""Reminder handling in the UserSession actor (SPEC §4.5, §6.3–§6.5), every branch, injected clock."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from actors.messages import HandleUpdate, ReminderDue, SessionKey
from actors.services import Services
from actors.user_session import UserSession
from storage.models import TrainingSession, User, WordPair
from tests.support.updates import UserUpdates, sent_prompts
from wordbot.clock import FakeClock
from wordbot.config import RemindersSettings, Settings
from wordbot.effects import EditPrompt
from wordbot.transport.updates import TextMessage

USER = 123
KEY = SessionKey(USER, USER)
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # after the 08:00 morning slot
AFTERNOON = datetime(2026, 1, 5, 13, 0, tzinfo=UTC)
_ids = itertools.count(1)
_user = UserUpdates(USER)
command = _user.command
prompts = sent_prompts
press = _user.press


@pytest.fixture
def clock():
    return FakeClock(START)


@pytest.fixture
def settings():
    return Settings(reminders=RemindersSettings(pause_after_misses=3))


@pytest.fixture
def actor(db, clock, outbound, settings):
    actor = UserSession(KEY, Services(settings, clock, outbound))
    send(actor, command("add", "\n".join(f"w{n}, v{n}" for n in range(12))))
    return actor


def send(actor, incoming):
    actor.on_receive(HandleUpdate(KEY, incoming))


def remind(actor, clock, at):
    clock.set(at)
    actor.on_receive(ReminderDue(KEY))


def session_row():
    return TrainingSession.get_or_none(TrainingSession.user_id == USER)


def test_first_contact_schedules_the_next_slot_not_a_passed_one(actor):
    assert User.get_by_id(USER).next_reminder_at == AFTERNOON


def test_a_due_slot_starts_a_reminder_session_and_records_it(actor, clock, outbound):
    remind(actor, clock, AFTERNOON)
    row = session_row()
    assert row.kind == "reminder" and len(row.pair_ids) == 5
    user = User.get_by_id(USER)
    assert user.last_reminder_sent_at == AFTERNOON
    assert user.next_reminder_at == datetime(2026, 1, 5, 20, 0, tzinfo=UTC)
    assert prompts(outbound)[-1][1].text == row.current_prompt_text


def test_the_same_slot_never_fires_twice(actor, clock, outbound):
    remind(actor, clock, AFTERNOON)
    count = len(prompts(outbound))
    remind(actor, clock, AFTERNOON + timedelta(minutes=5))
    assert len(prompts(outbound)) == count


def test_before_the_slot_nothing_happens(actor, clock, outbound):
    remind(actor, clock, AFTERNOON - timedelta(minutes=1))
    assert session_row() is None and User.get_by_id(USER).last_reminder_sent_at is None


def test_paused_user_gets_nothing(actor, clock, outbound):
    User.update(reminders_paused=True).execute()
    fresh = UserSession(KEY, Services(Settings(), clock, outbound))
    remind(fresh, clock, AFTERNOON)
    assert session_row() is None


def test_recent_activity_makes_the_reminder_wait(actor, clock, outbound):
    clock.set(AFTERNOON - timedelta(minutes=10))
    send(actor, command("review"))
    first = session_row()
    remind(actor, clock, AFTERNOON)
    assert session_row().created_at == first.created_at  # untouched, still the /review session
    assert User.get_by_id(USER).last_reminder_sent_at is None
    remind(actor, clock, AFTERNOON + timedelta(minutes=6))  # 16 min after the last activity
    assert session_row().kind == "reminder"


def test_an_older_session_is_expired_and_replaced(actor, clock, outbound):
    clock.set(AFTERNOON - timedelta(hours=2))
    send(actor, command("review"))
    old_id, old_prompt = prompts(outbound)[-1]
    remind(actor, clock, AFTERNOON)
    edit = next(e for e in outbound.effects if isinstance(e, EditPrompt) and e.message_id == old_id)
    assert edit.text.endswith("The session is expired.") and edit.keyboard is None
    assert session_row().kind == "reminder"
    pairs_before = list(WordPair.select().where(WordPair.state != "new"))
    send(actor, press(old_id, old_prompt.keyboard[0][2].data))
    assert list(WordPair.select().where(WordPair.state != "new")) == pairs_before
    assert outbound.effects[-1].text == "This button is no longer active."


def test_missed_reminders_pause_with_a_notice_once(actor, clock, outbound):
    slots = [
        AFTERNOON,
        AFTERNOON.replace(hour=20),
        AFTERNOON + timedelta(hours=19),
        AFTERNOON + timedelta(days=1),
    ]
    for at in slots:
        remind(actor, clock, at)
    user = User.get_by_id(USER)
    assert user.reminders_paused and user.missed_reminders == 3
    notices = [t for t in outbound.texts() if t.startswith("Reminders paused")]
    assert notices == ["Reminders paused due to inactivity. Send /review to resume."]
    remind(actor, clock, AFTERNOON + timedelta(days=1, hours=7))
    assert len([t for t in outbound.texts() if t.startswith("Reminders paused")]) == 1


def test_a_grade_between_reminders_means_not_missed(actor, clock, outbound):
    remind(actor, clock, AFTERNOON)
    remind(actor, clock, AFTERNOON.replace(hour=20))
    assert User.get_by_id(USER).missed_reminders == 1
    message_id, prompt = prompts(outbound)[-1]
    clock.set(AFTERNOON.replace(hour=20, minute=30))
    send(actor, press(message_id, prompt.keyboard[0][2].data))
    remind(actor, clock, AFTERNOON + timedelta(hours=19))
    assert User.get_by_id(USER).missed_reminders == 0


def test_any_message_resumes_a_paused_user(actor, clock, outbound):
    User.update(reminders_paused=True, missed_reminders=9).execute()
    fresh = UserSession(KEY, Services(Settings(), clock, outbound))
    clock.set(AFTERNOON + timedelta(minutes=1))
    send(fresh, TextMessage(next(_ids), USER, USER, "private", next(_ids), "hi"))
    user = User.get_by_id(USER)
    assert not user.reminders_paused and user.missed_reminders == 0
    assert user.next_reminder_at == AFTERNOON.replace(hour=20)


def test_no_pairs_no_reminder(db, clock, outbound):
    actor = UserSession(KEY, Services(Settings(), clock, outbound))
    send(actor, command("start"))
    remind(actor, clock, AFTERNOON)
    assert session_row() is None
    assert User.get_by_id(USER).next_reminder_at == AFTERNOON.replace(hour=20)


def overdue_world(actor, clock):
    WordPair.update(state="review", due_at=START - timedelta(days=1), interval_days=3).execute()
    remind(actor, clock, AFTERNOON)


def test_overdue_cards_offer_snooze_on_the_first_card(actor, clock, outbound):
    overdue_world(actor, clock)
    assert session_row().kind == "overdue"
    _, prompt = prompts(outbound)[-1]
    assert [b.text for b in prompt.keyboard[1]] == ["Snooze 1 day", "Snooze 1 week"]


@pytest.mark.parametrize(("label", "days"), [("Snooze 1 day", 1), ("Snooze 1 week", 7)])
def test_snooze_moves_every_due_card_and_ends_the_session(actor, clock, outbound, label, days):
    overdue_world(actor, clock)
    message_id, prompt = prompts(outbound)[-1]
    button = next(b for b in prompt.keyboard[1] if b.text == label)
    send(actor, press(message_id, button.data))
    assert session_row() is None
    assert {p.due_at for p in WordPair.select()} == {AFTERNOON + timedelta(days=days)}
    assert {(p.state, p.interval_days) for p in WordPair.select()} == {("review", 3)}


def test_snooze_is_only_on_the_first_card(actor, clock, outbound):
    overdue_world(actor, clock)
    message_id, prompt = prompts(outbound)[-1]
    snooze = prompt.keyboard[1][0].data
    send(actor, press(message_id, prompt.keyboard[0][2].data))
    next_id, next_prompt = prompts(outbound)[-1]
    assert all("snooze" not in b.data for row in next_prompt.keyboard for b in row)  # undo only
    send(
        actor, press(next_id, snooze.replace(snooze.rsplit(":", 1)[1], session_row().current_token))
    )
    assert session_row() is not None


def test_a_slot_with_nothing_to_review_is_no_session_and_no_miss(actor, clock, outbound):
    WordPair.update(state="review", due_at=AFTERNOON + timedelta(days=30)).execute()
    clock.set(AFTERNOON - timedelta(hours=3))
    send(actor, command("review"))  # "Nothing to review right now."
    sent_before = len(outbound.effects)
    for at in (AFTERNOON, AFTERNOON.replace(hour=20), AFTERNOON + timedelta(hours=19)):
        remind(actor, clock, at)
    user = User.get_by_id(USER)
    assert (user.missed_reminders, user.reminders_paused, user.last_reminder_sent_at) == (
        0,
        False,
        None,
    )
    assert user.next_reminder_at == AFTERNOON + timedelta(days=1)
    assert len(outbound.effects) == sent_before
