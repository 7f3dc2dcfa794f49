"""The bulk reminder wave (SPEC §6.3–6.5, §9 B3) driven synchronously: the ReminderWave's pass
and pages, the PromptDrain, and the Supervisor's hand-over between the drain and a user's actor,
every race forced by the order messages are handed on, never by timing."""

from __future__ import annotations

from concurrent.futures import Future
from datetime import UTC, datetime, timedelta

import pytest

from actors import reminder_wave as wave_module
from actors.messages import (
    DuePage,
    HandleUpdate,
    OwedSent,
    PagePrepared,
    PreparePage,
    PromptsOwed,
    ReminderDue,
    SendOwed,
    SessionKey,
    StartWave,
)
from actors.prompt_drain import PromptDrain
from actors.reminder_wave import ReminderWave
from actors.services import Services
from actors.supervisor import DRAIN_AHEAD, Supervisor
from actors.unit_of_work import WaveWork
from actors.user_session import UserSession
from storage import training, users, vocabulary
from storage.models import Outbox, TrainingSession, User, WordPair
from tests.support.updates import UserUpdates
from wordbot.clock import FakeClock
from wordbot.config import RemindersSettings, Settings
from wordbot.effects import Delivery, EditPrompt, SendText

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # after the 08:00 morning slot
AFTERNOON = datetime(2026, 1, 5, 13, 0, tzinfo=UTC)
EVENING = datetime(2026, 1, 5, 20, 0, tzinfo=UTC)


class Mailbox:
    """A stand-in actor ref that keeps what it is told, for the test to hand on in its order."""

    def __init__(self, name: str = "box") -> None:
        self.messages: list = []
        self.actor_urn = f"urn:test:{name}"

    def tell(self, message) -> None:
        self.messages.append(message)

    def take(self, kind=object):
        index = next(i for i, m in enumerate(self.messages) if isinstance(m, kind))
        return self.messages.pop(index)

    def of(self, kind) -> list:
        return [m for m in self.messages if isinstance(m, kind)]

    def is_alive(self) -> bool:
        return True

    def stop(self, block: bool = True) -> None:
        return None


class Direct:
    """An actor ref that runs the actor's handler at once, in the test's thread."""

    def __init__(self, actor) -> None:
        self.actor = actor
        self.actor_urn = f"urn:test:{id(actor)}"

    def tell(self, message) -> None:
        self.actor.on_receive(message)

    def is_alive(self) -> bool:
        return True

    def stop(self, block: bool = True) -> None:
        return None


class Inline:
    """The drain's sends, in the test's thread: done before `submit` returns."""

    def submit(self, call):
        future = Future()
        future.set_result(call())
        return future


class World:
    """A Supervisor (not started: driven here) with real UserSession actors run directly, a
    real ReminderWave and PromptDrain whose messages wait in mailboxes until the test hands
    them on."""

    def __init__(self, clock, outbound, settings=None) -> None:
        self.clock = clock
        self.outbound = outbound
        self.services = Services(settings or Settings(), clock, outbound)
        self.to_wave, self.to_drain = Mailbox("wave"), Mailbox("drain")
        self.to_supervisor = Mailbox("supervisor")
        self.actors_started: list[SessionKey] = []
        work = WaveWork(self.services.rules())
        self.wave = ReminderWave(self.services, self.to_supervisor, work)
        self.drain = PromptDrain(self.services, self.to_supervisor, work, sends=Inline())
        self.supervisor = Supervisor(
            self.services,
            start_actor=self._start_actor,
            start_wave=lambda services, ref: (self.to_wave, self.to_drain),
        )
        self.supervisor.on_start()

    def _start_actor(self, key, services, supervisor):
        self.actors_started.append(key)
        return Direct(UserSession(key, services))

    def tell(self, message) -> None:
        self.supervisor.on_receive(message)

    def wave_step(self) -> None:
        """The wave handles its next message; what it tells the Supervisor goes there."""
        self.wave.on_receive(self.to_wave.messages.pop(0))
        self._to_supervisor()

    def drain_step(self) -> None:
        self.drain.on_receive(self.to_drain.messages.pop(0))
        self._to_supervisor()

    def _to_supervisor(self) -> None:
        while self.to_supervisor.messages:
            self.supervisor.on_receive(self.to_supervisor.messages.pop(0))

    def run_wave(self, now) -> None:
        """A whole pass, and the drain until nothing is owed."""
        self.tell(StartWave(now))
        while self.to_wave.messages:
            self.wave_step()
        while self.to_drain.messages:
            self.drain_step()


def add_learner(clock, outbound, user_id: int, words: int = 12) -> None:
    """A learner met at START with `words` new pairs (their next reminder: 13:00)."""
    clock.set(START)
    actor = UserSession(SessionKey(user_id, user_id), Services(Settings(), clock, outbound))
    updates = UserUpdates(user_id)
    actor.on_receive(
        HandleUpdate(
            SessionKey(user_id, user_id),
            updates.command("add", "\n".join(f"w{n}, v{n}" for n in range(words))),
        )
    )


def prompts_to(outbound, user_id: int) -> list[SendText]:
    return [
        effect
        for effect in outbound.effects
        if isinstance(effect, SendText) and effect.chat_id == user_id and effect.keyboard
    ]


@pytest.fixture
def clock():
    return FakeClock(START)


def test_a_wave_reminds_every_due_user_once_and_the_prompt_works_like_an_actors(
    db, clock, outbound
):
    for user_id in (1, 2, 3):
        add_learner(clock, outbound, user_id)
    users.update_learner(3, START, reminders_paused=True)
    world = World(clock, outbound)
    clock.set(AFTERNOON)
    world.run_wave(AFTERNOON)

    assert [len(prompts_to(outbound, u)) for u in (1, 2, 3)] == [1, 1, 0]
    assert world.actors_started == []  # no actor was needed
    for user_id in (1, 2):
        row = TrainingSession.get(TrainingSession.user_id == user_id)
        prompt = prompts_to(outbound, user_id)[0]
        assert row.kind == "reminder" and len(row.pair_ids) == 5
        assert row.current_message_id is not None  # recorded: its buttons count
        assert prompt.text == row.current_prompt_text
        learner = User.get_by_id(user_id)
        assert learner.last_reminder_sent_at == AFTERNOON and learner.next_reminder_at == EVENING

    # a press on the drain's prompt grades, exactly as on a prompt an actor sent
    row = TrainingSession.get(TrainingSession.user_id == 1)
    prompt = prompts_to(outbound, 1)[0]
    press = UserUpdates(1).press(row.current_message_id, prompt.keyboard[0][2].data)
    world.tell(HandleUpdate(SessionKey(1, 1), press))
    assert WordPair.select().where((WordPair.user == 1) & (WordPair.state != "new")).count() == 1
    assert TrainingSession.get(TrainingSession.user_id == 1).current_index == 1

    world.run_wave(AFTERNOON + timedelta(minutes=5))  # the same slot never fires twice
    assert [len(prompts_to(outbound, u)) for u in (2, 3)] == [1, 0]


def test_the_wave_decides_as_the_users_actor_would(db, clock, outbound):
    """Two learners alike: one reminded by the wave, one by their actor; the same outcome."""
    from tests.support.outbound import RecordingOutbound

    add_learner(clock, outbound, 1)
    add_learner(clock, outbound, 2)
    for user_id in (1, 2):  # an old /review session, to be expired by the reminder
        clock.set(AFTERNOON - timedelta(hours=2))
        UserSession(SessionKey(user_id, user_id), Services(Settings(), clock, outbound)).on_receive(
            HandleUpdate(SessionKey(user_id, user_id), UserUpdates(user_id).command("review"))
        )
    clock.set(AFTERNOON)
    actor_outbound = RecordingOutbound()
    actor = UserSession(SessionKey(2, 2), Services(Settings(), clock, actor_outbound))
    actor.on_receive(ReminderDue(SessionKey(2, 2)))
    world = World(clock, RecordingOutbound())
    world.tell(DuePage((SessionKey(1, 1),), AFTERNOON))
    world.wave_step()  # PreparePage: the page is committed
    world.drain_step()

    rows = {u: TrainingSession.get(TrainingSession.user_id == u) for u in (1, 2)}
    assert rows[1].kind == rows[2].kind == "reminder"
    limit = vocabulary.NewCardLimit(20, AFTERNOON.replace(hour=0))
    for user_id in (1, 2):  # the cards /review would take now (no grade since)
        expected = vocabulary.select_cards_for_session(user_id, AFTERNOON, 5, limit)
        assert rows[user_id].pair_ids == expected
    learners = {u: User.get_by_id(u) for u in (1, 2)}
    for field in ("last_reminder_sent_at", "next_reminder_at", "missed_reminders"):
        assert getattr(learners[1], field) == getattr(learners[2], field)

    def kinds(effects):
        return [
            (type(e).__name__, e.text.endswith("The session is expired."), bool(e.keyboard))
            for e in effects
            if isinstance(e, EditPrompt | SendText)
        ]

    assert kinds(world.outbound.effects) == kinds(actor_outbound.effects)  # expiry edit, prompt
    assert Outbox.select().count() == 0


def test_a_pass_reads_page_after_page_each_due_user_once_oldest_first(
    db, clock, outbound, monkeypatch
):
    monkeypatch.setattr(wave_module, "PAGE_SIZE", 4)
    clock.set(START)
    for user_id in range(1, 12):
        users.ensure_learner(user_id, user_id, START)
        users.update_learner(user_id, START, next_reminder_at=START - timedelta(minutes=user_id))
    users.update_learner(5, START, reminders_paused=True)
    users.update_learner(6, START, inactive=True)
    world = World(clock, outbound)
    world.tell(StartWave(START))
    world.tell(StartWave(START))  # a pass is running: this one adds nothing
    seen = []
    while world.to_wave.messages:
        message = world.to_wave.messages[0]
        if isinstance(message, PreparePage):
            seen += [key.user_id for key in message.keys]
        world.wave_step()
    assert seen == [11, 10, 9, 8, 7, 4, 3, 2, 1]  # the longest overdue first; never 5 or 6


def test_a_user_with_a_live_actor_gets_the_reminder_in_it(db, clock, outbound):
    add_learner(clock, outbound, 1)
    add_learner(clock, outbound, 2)
    world = World(clock, outbound)
    clock.set(AFTERNOON - timedelta(minutes=30))
    world.tell(HandleUpdate(SessionKey(1, 1), UserUpdates(1).text("hello")))  # 1 has an actor
    clock.set(AFTERNOON)
    world.tell(DuePage((SessionKey(1, 1), SessionKey(2, 2)), AFTERNOON))
    assert world.to_wave.of(PreparePage) == [PreparePage((SessionKey(2, 2),), AFTERNOON)]
    assert len(prompts_to(outbound, 1)) == 1  # its actor reminded it at once
    world.wave_step()
    world.drain_step()
    assert len(prompts_to(outbound, 1)) == len(prompts_to(outbound, 2)) == 1


def test_a_user_who_writes_while_their_prompt_waits_in_the_queue_gets_it_from_their_actor_once(
    db, clock, outbound
):
    for user_id in (1, 2):
        add_learner(clock, outbound, user_id)
    world = World(clock, outbound)
    clock.set(AFTERNOON)
    world.tell(DuePage((SessionKey(1, 1), SessionKey(2, 2)), AFTERNOON))
    world.wave.on_receive(world.to_wave.messages.pop(0))  # PreparePage: committed
    prepared = world.to_supervisor.take(PagePrepared)
    world.supervisor._draining = DRAIN_AHEAD  # the drain is full: user 1 waits in the queue
    world.supervisor.on_receive(prepared)
    assert world.to_drain.messages == []
    world.tell(HandleUpdate(SessionKey(1, 1), UserUpdates(1).text("hello")))  # writes first
    assert len(prompts_to(outbound, 1)) == 1  # the actor paid the owed prompt
    world.supervisor._draining = 0
    world.tell(OwedSent(()))  # the drain is free again: only user 2 is handed over
    assert world.to_drain.messages == [SendOwed((SessionKey(2, 2),))]
    world.drain_step()
    assert len(prompts_to(outbound, 1)) == len(prompts_to(outbound, 2)) == 1
    assert TrainingSession.get(TrainingSession.user_id == 1).current_message_id is not None


def test_a_press_while_the_drain_sends_waits_for_it_then_grades_the_drains_prompt(
    db, clock, outbound
):
    add_learner(clock, outbound, 1)
    world = World(clock, outbound)
    clock.set(AFTERNOON)
    world.tell(DuePage((SessionKey(1, 1),), AFTERNOON))
    world.wave_step()
    assert world.to_drain.messages == [SendOwed((SessionKey(1, 1),))]  # handed over, not sent
    row = TrainingSession.get(TrainingSession.user_id == 1)
    # a /review typed now must not start an actor that sends the same prompt alongside
    world.tell(HandleUpdate(SessionKey(1, 1), UserUpdates(1).command("review")))
    assert world.actors_started == [] and prompts_to(outbound, 1) == []
    world.drain_step()  # the drain sends; OwedSent lets the /review through to the actor
    assert world.actors_started == [SessionKey(1, 1)]
    sent = prompts_to(outbound, 1)
    assert len(sent) == 2 and sent[0].text == sent[1].text == row.current_prompt_text
    # /review resumed the same card as a new message; the drain's copy lost its keyboard


def test_a_message_while_the_page_is_prepared_waits_for_the_commit(db, clock, outbound):
    add_learner(clock, outbound, 1)
    world = World(clock, outbound)
    clock.set(AFTERNOON)
    world.tell(DuePage((SessionKey(1, 1),), AFTERNOON))  # claimed; PreparePage not run yet
    world.tell(HandleUpdate(SessionKey(1, 1), UserUpdates(1).text("hello")))
    assert world.actors_started == []
    world.wave_step()  # committed: the waiting message goes to the actor, which pays the prompt
    assert world.actors_started == [SessionKey(1, 1)]
    assert len(prompts_to(outbound, 1)) == 1
    assert world.to_drain.messages == []  # nothing left for the drain
    assert TrainingSession.get(TrainingSession.user_id == 1).current_message_id is not None


def test_one_broken_user_does_not_fail_the_others_page(db, clock, outbound, monkeypatch):
    for user_id in (1, 2, 3, 4):
        add_learner(clock, outbound, user_id)
    world = World(clock, outbound)
    clock.set(AFTERNOON - timedelta(hours=2))
    UserSession(SessionKey(2, 2), Services(Settings(), clock, outbound)).on_receive(
        HandleUpdate(SessionKey(2, 2), UserUpdates(2).command("review"))
    )
    outbound.effects.clear()
    db.execute_sql("UPDATE training_sessions SET kind = 'bogus' WHERE user_id = 2")
    clock.set(AFTERNOON)
    User.delete().where(User.id == 3).execute()  # deleted mid-wave, after the page was read
    real = training.save_training_sessions

    def failing_for_user_4(sessions, ttl, now):
        if any(session.user_id == 4 for session in sessions):
            raise RuntimeError("constraint violated")
        return real(sessions, ttl, now)

    monkeypatch.setattr(training, "save_training_sessions", failing_for_user_4)
    keys = tuple(SessionKey(u, u) for u in (1, 2, 3, 4))
    world.tell(DuePage(keys, AFTERNOON))
    world.wave_step()
    assert world.to_drain.messages == [SendOwed((SessionKey(1, 1),))]
    world.drain_step()
    assert len(prompts_to(outbound, 1)) == 1
    assert [len(prompts_to(outbound, u)) for u in (2, 3, 4)] == [0, 0, 0]
    assert User.get_by_id(4).last_reminder_sent_at is None  # nothing of 4 written: due again
    assert world.supervisor._claimed == {}  # every claim released


def test_start_up_replay_sends_each_owed_prompt_once_through_the_drain(db, clock, outbound):
    """A wave cut short by a SIGKILL: its committed pages owe prompts; after the restart each
    is sent once, and no user is reminded twice for the slot."""
    from tests.support.outbound import RecordingOutbound

    for user_id in (1, 2, 3):
        add_learner(clock, outbound, user_id)
    clock.set(AFTERNOON)
    first = World(clock, RecordingOutbound())
    first.tell(StartWave(AFTERNOON))
    first.wave_step()  # the page read
    first.wave_step()  # the page committed; then the process dies before the drain ran
    assert first.outbound.effects == []
    owing = sorted(training.sessions_owing_a_prompt(AFTERNOON))
    assert owing == [(1, 1), (2, 2), (3, 3)]

    again = World(clock, RecordingOutbound())  # the restart
    again.tell(PromptsOwed(tuple(SessionKey(c, u) for c, u in owing)))
    again.run_wave(AFTERNOON + timedelta(minutes=1))  # the slot is not due again
    assert [len(prompts_to(again.outbound, u)) for u in (1, 2, 3)] == [1, 1, 1]
    assert training.sessions_owing_a_prompt(AFTERNOON) == []


def test_a_user_who_blocked_the_bot_is_marked_inactive_by_the_drain(db, clock, outbound):
    add_learner(clock, outbound, 1)
    add_learner(clock, outbound, 2)

    class Blocking(type(outbound)):
        def perform(self, effect):
            if getattr(effect, "chat_id", None) == 1:
                return Delivery(ok=False, error="Forbidden: bot was blocked", blocked=True)
            return super().perform(effect)

    world = World(clock, Blocking())
    clock.set(AFTERNOON)
    world.run_wave(AFTERNOON)
    assert User.get_by_id(1).inactive and not User.get_by_id(2).inactive
    assert len(prompts_to(world.outbound, 2)) == 1


def test_missed_reminders_pause_with_one_notice_sent_by_the_drain(db, clock, outbound):
    add_learner(clock, outbound, 1)
    settings = Settings(reminders=RemindersSettings(pause_after_misses=2))
    world = World(clock, outbound, settings)
    for at in (AFTERNOON, EVENING, AFTERNOON + timedelta(hours=19)):
        clock.set(at)
        world.run_wave(at)
    learner = User.get_by_id(1)
    assert learner.reminders_paused and learner.missed_reminders == 2
    notices = [t for t in outbound.texts(1) if t.startswith("Reminders paused")]
    assert len(notices) == 1
    assert Outbox.select().count() == 0
