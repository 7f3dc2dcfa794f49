"""A user who blocked the bot (SPEC §7.6): a 403 marks them inactive, nothing owed is retried,
no reminder reaches them, and their next message makes them active again."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from actors.messages import HandleUpdate, ReminderDue, SessionKey
from actors.services import Services
from actors.user_session import UserSession
from storage import users
from storage.models import Outbox, TrainingSession
from tests.support.outbound import RecordingOutbound
from tests.support.updates import UserUpdates
from wordbot.clock import FakeClock
from wordbot.config import Settings
from wordbot.effects import Delivery, Effect

USER = 4040
KEY = SessionKey(USER, USER)
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
_user = UserUpdates(USER)


@dataclass
class BlockingOutbound(RecordingOutbound):
    """Answers 403 "bot was blocked" for `blocked` chats, as the Sender reports it."""

    blocked: set[int] = field(default_factory=set)
    refused: list[Effect] = field(default_factory=list)

    def perform(self, effect: Effect) -> Delivery:
        if getattr(effect, "chat_id", None) in self.blocked:
            self.refused.append(effect)
            return Delivery(ok=False, error="Forbidden: bot was blocked by the user", blocked=True)
        return super().perform(effect)


@pytest.fixture
def clock():
    return FakeClock(START)


@pytest.fixture
def outbound():
    return BlockingOutbound()


@pytest.fixture
def actor(db, clock, outbound):
    actor = UserSession(KEY, Services(Settings(), clock, outbound))
    send(actor, _user.command("add", "\n".join(f"w{n}, v{n}" for n in range(6))))
    return actor


def send(actor, incoming):
    actor.on_receive(HandleUpdate(KEY, incoming))


def test_a_403_marks_the_user_inactive_and_drops_what_was_owed(actor, outbound, clock):
    outbound.blocked.add(USER)
    send(actor, _user.command("help"))
    assert users.load_learner(USER).inactive
    assert Outbox.select().count() == 0  # nothing kept for retrying
    assert len(outbound.refused) == 1
    assert users.due_for_reminder(clock.now() + timedelta(days=2), limit=10) == []


def test_an_inactive_user_gets_no_reminder_session(actor, outbound, clock):
    outbound.blocked.add(USER)
    send(actor, _user.command("help"))
    refused = len(outbound.refused)
    clock.advance(timedelta(days=1))
    assert users.due_for_reminder(clock.now(), limit=10) == []
    actor.on_receive(ReminderDue(KEY))  # even one queued before the block is not sent
    assert TrainingSession.select().count() == 0
    assert len(outbound.refused) == refused


def test_writing_again_makes_the_user_active_with_a_fresh_next_reminder(actor, outbound, clock):
    outbound.blocked.add(USER)
    send(actor, _user.command("help"))
    clock.advance(timedelta(days=3))
    outbound.blocked.clear()
    send(actor, _user.command("help"))
    learner = users.load_learner(USER)
    assert not learner.inactive
    assert learner.next_reminder_at is not None and learner.next_reminder_at > clock.now()
    assert [due.user_id for due in users.due_for_reminder(learner.next_reminder_at, 10)] == [USER]
