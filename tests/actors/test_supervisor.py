"""The Supervisor with real actor threads: routing, passivation, the live bound, failure isolation."""

from __future__ import annotations

import threading

import pykka
import pytest

from actors.messages import (
    CountLive,
    HandleUpdate,
    ReminderDue,
    SessionKey,
    StopSessions,
    SweepIdle,
)
from actors.services import Services
from actors.supervisor import Supervisor
from tests.support.outbound import RecordingOutbound
from wordbot.clock import FakeClock
from wordbot.config import ActorsSettings, Settings
from wordbot.transport.updates import TextMessage

WAIT = 10.0


class Recorder(pykka.ThreadingActor):
    """A stand-in UserSession that records what it handled, in order, with its own identity."""

    def __init__(self, key, log, supervisor):
        super().__init__()
        self.key, self.log, self.supervisor = key, log, supervisor

    def on_receive(self, message):
        if isinstance(message, ReminderDue):
            self.log.append((self.key, "reminder", self.actor_urn))
            return
        self.log.append((self.key, message.incoming.text, self.actor_urn))
        message.completion.set(None)

    def on_stop(self):
        from actors.messages import Passivated

        self.supervisor.tell(Passivated(self.key, self.actor_urn))


@pytest.fixture
def world():
    clock = FakeClock()
    log: list = []
    settings = Settings(actors=ActorsSettings(idle_seconds=60, max_live=3))

    def start(key, services, supervisor):
        return Recorder.start(key, log, supervisor)

    supervisor = Supervisor.start(Services(settings, clock, outbound=None), start)
    yield supervisor, clock, log
    supervisor.ask(StopSessions(5), timeout=WAIT)
    supervisor.stop()
    pykka.ActorRegistry.stop_all(block=False)


def deliver(supervisor, user_id, text):
    done = pykka.ThreadingFuture()
    key = SessionKey(user_id, user_id)
    supervisor.tell(HandleUpdate(key, TextMessage(1, user_id, user_id, "private", 1, text), done))
    return done


def live(supervisor):
    return supervisor.ask(CountLive(), timeout=WAIT)


def test_each_user_gets_one_actor_and_keeps_message_order(world):
    supervisor, _, log = world
    futures = [deliver(supervisor, user, f"{user}-{n}") for n in range(20) for user in (1, 2)]
    for future in futures:
        future.get(timeout=WAIT)
    for user in (1, 2):
        handled = [entry for entry in log if entry[0].user_id == user]
        assert [text for _, text, _ in handled] == [f"{user}-{n}" for n in range(20)]
        assert len({urn for _, _, urn in handled}) == 1
    assert live(supervisor) == 2


def test_idle_actors_are_passivated_and_restarted_on_demand(world):
    supervisor, clock, log = world
    deliver(supervisor, 1, "a").get(timeout=WAIT)
    clock.advance(seconds=30)
    deliver(supervisor, 2, "b").get(timeout=WAIT)
    clock.advance(seconds=31)
    supervisor.tell(SweepIdle(clock.now()))
    assert live(supervisor) == 1  # user 1 idle 61 s, user 2 only 31 s
    deliver(supervisor, 1, "c").get(timeout=WAIT)
    first, second = [urn for key, _, urn in log if key.user_id == 1]
    assert first != second


def test_least_recently_used_actors_beyond_max_live_are_stopped(world):
    supervisor, clock, log = world
    for user in (1, 2, 3, 4):
        clock.advance(seconds=1)
        deliver(supervisor, user, "hi").get(timeout=WAIT)
    assert live(supervisor) == 3
    deliver(supervisor, 2, "again").get(timeout=WAIT)
    urns = {key.user_id: urn for key, _, urn in log}
    deliver(supervisor, 1, "back").get(timeout=WAIT)
    assert [urn for key, text, urn in log if text == "back"][0] != urns[1]


def test_messages_sent_while_an_actor_stops_are_kept_in_order(world):
    supervisor, clock, log = world
    deliver(supervisor, 1, "first").get(timeout=WAIT)
    clock.advance(seconds=61)
    supervisor.tell(SweepIdle(clock.now()))
    futures = [deliver(supervisor, 1, f"m{n}") for n in range(10)]
    for future in futures:
        future.get(timeout=WAIT)
    assert [text for _, text, _ in log] == ["first"] + [f"m{n}" for n in range(10)]


def test_a_handler_error_in_one_users_actor_leaves_others_and_itself_working(db):
    """Real UserSession actors: user 1's sends blow up, user 2 is served, user 1's actor lives."""
    outbound = RecordingOutbound(fail_for_chat={1})
    supervisor = Supervisor.start(Services(Settings(), FakeClock(), outbound))
    try:
        deliver(supervisor, 1, "hello").get(timeout=WAIT)
        deliver(supervisor, 2, "hello").get(timeout=WAIT)
        assert outbound.texts(chat_id=2)  # the hint reached user 2
        outbound.fail_for_chat.clear()
        deliver(supervisor, 1, "hello again").get(timeout=WAIT)
        assert outbound.texts(chat_id=1)
        assert live(supervisor) == 2
    finally:
        supervisor.ask(StopSessions(5), timeout=WAIT)
        supervisor.stop()


def test_stop_sessions_stops_every_user_actor(world):
    supervisor, _, _ = world
    for user in (1, 2, 3):
        deliver(supervisor, user, "hi").get(timeout=WAIT)
    assert len(pykka.ActorRegistry.get_by_class(Recorder)) == 3
    supervisor.ask(StopSessions(5), timeout=WAIT)
    assert live(supervisor) == 0
    assert pykka.ActorRegistry.get_by_class(Recorder) == []


class Gate(pykka.ThreadingActor):
    """A stand-in UserSession that holds its message until the test opens `gate`, and
    counts how many of its kind are alive at once."""

    alive = 0
    peak = 0
    lock = threading.Lock()

    def __init__(self, key, gate, supervisor):
        super().__init__()
        self.key, self.gate, self.supervisor = key, gate, supervisor

    def on_start(self):
        with Gate.lock:
            Gate.alive += 1
            Gate.peak = max(Gate.peak, Gate.alive)

    def on_receive(self, message):
        self.gate.wait(WAIT)
        message.completion.set(None)

    def on_stop(self):
        from actors.messages import Passivated

        with Gate.lock:
            Gate.alive -= 1
        self.supervisor.tell(Passivated(self.key, self.actor_urn))


def test_actor_threads_never_exceed_max_live_even_while_actors_are_stopping():
    """Busy actors asked to stop still hold their thread: newcomers wait for one to end."""
    gate = threading.Event()
    settings = Settings(actors=ActorsSettings(idle_seconds=60, max_live=3))
    Gate.alive = Gate.peak = 0

    def start(key, services, supervisor):
        return Gate.start(key, gate, supervisor)

    supervisor = Supervisor.start(Services(settings, FakeClock(), outbound=None), start)
    try:
        futures = [deliver(supervisor, user, "hi") for user in range(1, 9)]
        live(supervisor)  # every delivery has been routed
        assert Gate.alive == 3
        gate.set()
        for future in futures:
            future.get(timeout=WAIT)
        assert Gate.peak == 3
        assert live(supervisor) == 3
    finally:
        supervisor.ask(StopSessions(5), timeout=WAIT)
        supervisor.stop()
        pykka.ActorRegistry.stop_all(block=False)


def test_a_reminder_for_a_user_with_a_live_actor_goes_to_that_actor(world):
    supervisor, _, log = world
    deliver(supervisor, 1, "hi").get(timeout=WAIT)
    supervisor.tell(ReminderDue(SessionKey(1, 1)))
    deliver(supervisor, 1, "after").get(timeout=WAIT)
    assert [text for _, text, _ in log] == ["hi", "reminder", "after"]
    assert len({urn for _, _, urn in log}) == 1
