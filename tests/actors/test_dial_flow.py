"""The retention dial in the actors (SPEC §12): opening /settings → Learning without a fresh
dial asks the Scheduler, whose worker works it out in a thread of its own, never in the user's
actor; the dial is cached per learner, uses the learner's own parameters, and is worked out
again after a fit. One learner's dial never shows for another."""

from __future__ import annotations

import random
import threading
from datetime import UTC, datetime, timedelta

import pykka
import pytest

from actors.dial import DialWorker, work_out_dial
from actors.messages import ComputeDial, HandleUpdate, SessionKey
from actors.scheduler import Scheduler
from actors.services import Services
from actors.user_session import UserSession
from storage import retention_dials, review_log, users, vocabulary
from storage.models import User
from tests.support.updates import UserUpdates
from wordbot.clock import FakeClock
from wordbot.config import Settings
from wordbot.domain.fsrs_schedule import DEFAULT_PARAMETERS
from wordbot.domain.pairs import PairInput
from wordbot.domain.retention_dial import DialPoint, RatingHabits
from wordbot.domain.review_log import ReviewLogEntry
from wordbot.effects import EditPrompt, SendText
from wordbot.learning.dial import simulate_dial

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
ANNA, BORIS = 9101, 9102
OWN = tuple(round(w * 1.3, 4) if i in (0, 1, 2, 3) else w for i, w in enumerate(DEFAULT_PARAMETERS))
WAIT = 60


class Recorder:
    """A simulator that records which thread ran it and with what; figures depend on the
    parameters and the user, so a dial shown can be traced to its owner."""

    def __init__(self, real=False):
        self.calls: list[tuple[str, tuple[float, ...], int]] = []
        self.done = threading.Event()
        self._real = real

    def __call__(self, parameters, situation, habits=None):
        self.calls.append((threading.current_thread().name, tuple(parameters), situation.deck_size))
        self.habits = habits
        self.done.set()
        if self._real:
            return simulate_dial(parameters, situation, habits)
        base = 1000.0 + 100 * parameters[0]
        return tuple(
            DialPoint(r, base * (1 + 10 * (r - 0.8)), situation.deck_size * r)
            for r in situation.retentions
        )


class Mailbox:
    """A stand-in for the Scheduler's address: records what a user's actor asks for."""

    def __init__(self):
        self.messages = []

    def tell(self, message):
        self.messages.append(message)


def _learner_with_words(user_id, words=150, **changes):
    users.ensure_learner(user_id, user_id, NOW)
    vocabulary.upsert_pairs(
        user_id, [PairInput(f"w{n}", f"v{n}") for n in range(words)], NOW, random.Random(1)
    )
    if changes:
        users.update_learner(user_id, NOW, **changes)


def _last_menu_text(outbound, user_id):
    menu = User.get_by_id(user_id).settings_message_id
    for effect in reversed(outbound.effects):
        if isinstance(effect, EditPrompt) and effect.message_id == menu:
            return effect.text
        if isinstance(effect, SendText) and effect.chat_id == user_id:
            return effect.text
    return None


def _button(outbound, user_id, label):
    menu = User.get_by_id(user_id).settings_message_id
    for effect in reversed(outbound.effects):
        if isinstance(effect, EditPrompt | SendText) and effect.chat_id == user_id:
            if isinstance(effect, EditPrompt) and effect.message_id != menu:
                continue
            return next(b.data for row in effect.keyboard for b in row if b.text == label)
    raise AssertionError(f"no {label!r} button")


def _handle(actor_ref_or_actor, key, incoming):
    """Deliver an update and wait until it is handled (a started actor: on its own thread)."""
    if isinstance(actor_ref_or_actor, pykka.ActorRef):
        done = pykka.ThreadingFuture()
        actor_ref_or_actor.tell(HandleUpdate(key, incoming, done))
        done.get(timeout=WAIT)
    else:
        actor_ref_or_actor.on_receive(HandleUpdate(key, incoming))


def _open_learning(actor, key, outbound):
    chat = UserUpdates(key.user_id)
    _handle(actor, key, chat.command("settings"))
    menu = User.get_by_id(key.user_id).settings_message_id
    _handle(actor, key, chat.press(menu, _button(outbound, key.user_id, "Learning")))


def _back_and_learning_again(actor, key, outbound):
    chat = UserUpdates(key.user_id)
    menu = User.get_by_id(key.user_id).settings_message_id
    _handle(actor, key, chat.press(menu, _button(outbound, key.user_id, "« Back")))
    _handle(actor, key, chat.press(menu, _button(outbound, key.user_id, "Learning")))


@pytest.fixture
def running():
    yield
    pykka.ActorRegistry.stop_all(block=True, timeout=10)


def test_opening_learning_asks_the_scheduler_and_the_actor_thread_never_simulates(
    db, outbound, running
):
    """Both actors on their own threads: the dial is worked out on the worker's."""
    key = SessionKey(ANNA, ANNA)
    _learner_with_words(ANNA)
    clock = FakeClock(NOW)
    services = Services(Settings(), clock, outbound)
    simulator = Recorder(real=True)
    worker = DialWorker(lambda k: work_out_dial(k, clock.now(), simulate=simulator))
    scheduler = Scheduler.start(services, Mailbox(), worker)
    services.scheduler.attach(scheduler)
    actor = UserSession.start(key, services)

    _open_learning(actor, key, outbound)
    assert "Working out what each retention costs" in _last_menu_text(outbound, ANNA)
    assert simulator.done.wait(WAIT)
    assert worker.wait_idle(WAIT)

    (thread, parameters, words), *_ = simulator.calls
    assert thread == "retention-dial"  # the worker's own thread, not the user's actor's
    assert parameters == DEFAULT_PARAMETERS and words == 150
    assert len(simulator.calls) == 1

    _back_and_learning_again(actor, key, outbound)
    text = _last_menu_text(outbound, ANNA)
    assert "What each retention costs" in text and "default parameters" in text
    assert "★" in text and "90%: " in text and "• yours" in text
    assert worker.wait_idle(WAIT) and len(simulator.calls) == 1  # fresh: not asked again


def test_the_user_actor_only_asks_it_never_works_a_dial_out(db, outbound, monkeypatch):
    """Driven in this thread: the actor reads the cache and tells the Scheduler, nothing more."""
    import wordbot.learning.dial as dial_module

    key = SessionKey(ANNA, ANNA)
    _learner_with_words(ANNA)
    monkeypatch.setattr(dial_module, "simulate_dial", Recorder())
    services = Services(Settings(), FakeClock(NOW), outbound)
    scheduler = Mailbox()
    services.scheduler.attach(scheduler)
    actor = UserSession(key, services)
    _open_learning(actor, key, outbound)
    assert scheduler.messages == [ComputeDial(key)]
    assert dial_module.simulate_dial.calls == []
    assert retention_dials.load_dial(ANNA) is None


@pytest.fixture
def two_learners(db):
    _learner_with_words(ANNA, words=150)
    _learner_with_words(BORIS, words=150)
    users.store_fitted_parameters(ANNA, OWN, 640, NOW - timedelta(days=1))


def test_each_learner_gets_a_dial_of_their_own_parameters(two_learners):
    simulator = Recorder(real=True)
    anna = work_out_dial(SessionKey(ANNA, ANNA), NOW, simulate=simulator)
    boris = work_out_dial(SessionKey(BORIS, BORIS), NOW, simulate=simulator)
    assert [call[1] for call in simulator.calls] == [OWN, DEFAULT_PARAMETERS]
    assert anna.situation.personal and anna.situation.fitted_on_reviews == 640
    assert not boris.situation.personal
    assert [p.reviews for p in anna.points] != [p.reviews for p in boris.points]
    assert retention_dials.load_dial(ANNA) == anna and retention_dials.load_dial(BORIS) == boris


def test_the_dial_simulates_the_learners_own_rating_habits(two_learners):
    pair_ids = vocabulary.list_pair_ids(ANNA)
    for n, pair_id in enumerate(pair_ids[:60]):  # 60 first grades, most of them Easy
        rating = 4 if n % 3 else 3
        entry = ReviewLogEntry(ANNA, pair_id, rating, NOW, "new", 0.0, 1.0, "fsrs")
        review_log.add_review(entry)
    simulator = Recorder()
    work_out_dial(SessionKey(ANNA, ANNA), NOW, simulate=simulator)
    assert simulator.habits.first[3] > 0.6 and simulator.habits.review is None
    work_out_dial(SessionKey(BORIS, BORIS), NOW, simulate=simulator)
    assert simulator.habits == RatingHabits()  # no log: the simulator's defaults


def test_a_fresh_dial_is_kept_and_a_new_fit_works_it_out_again(two_learners):
    simulator = Recorder()
    key = SessionKey(ANNA, ANNA)
    first = work_out_dial(key, NOW, simulate=simulator)
    assert work_out_dial(key, NOW + timedelta(hours=1), simulate=simulator) == first
    assert len(simulator.calls) == 1
    refit = tuple(round(w * 1.1, 4) if i == 0 else w for i, w in enumerate(OWN))
    users.store_fitted_parameters(ANNA, refit, 900, NOW + timedelta(days=7))
    second = work_out_dial(key, NOW + timedelta(days=7), simulate=simulator)
    assert simulator.calls[-1][1] == refit and second.situation.fitted_on_reviews == 900
    assert len(simulator.calls) == 2


def test_a_fit_asks_for_the_learners_dial(db):
    wanted = []

    class Worker:
        def want(self, key):
            wanted.append(key)

    scheduler = Scheduler(Services(Settings(), FakeClock(NOW), None), Mailbox(), Worker())
    scheduler._parameters_fitted(ANNA, ANNA)  # what the fitting thread calls after a fit
    envelope = scheduler.actor_inbox.get_nowait()
    scheduler.on_receive(envelope.message)
    assert wanted == [SessionKey(ANNA, ANNA)]


def test_one_learners_dial_never_shows_for_another(two_learners, outbound):
    """Hostile: Anna's dial is cached; Boris opens Learning, and presses Anna's menu buttons."""
    work_out_dial(SessionKey(ANNA, ANNA), NOW, simulate=Recorder())
    anna_figures = [
        f"{round(p.retention * 100)}%: " for p in retention_dials.load_dial(ANNA).points
    ]
    services = Services(Settings(), FakeClock(NOW), outbound)
    scheduler = Mailbox()
    services.scheduler.attach(scheduler)

    anna = UserSession(SessionKey(ANNA, ANNA), services)
    _open_learning(anna, SessionKey(ANNA, ANNA), outbound)
    assert "your parameters, fitted on 640 reviews" in _last_menu_text(outbound, ANNA)
    anna_learning_press = _button(outbound, ANNA, "+1%")

    boris_key = SessionKey(BORIS, BORIS)
    boris = UserSession(boris_key, services)
    _open_learning(boris, boris_key, outbound)
    text = _last_menu_text(outbound, BORIS)
    assert "Working out what each retention costs" in text
    assert "your parameters" not in text and not any(f in text for f in anna_figures)
    assert scheduler.messages[-1] == ComputeDial(boris_key)

    # Anna's button data sent as Boris, on Boris's menu: stale, nothing of Anna's shown
    before = len(outbound.effects)
    menu = User.get_by_id(BORIS).settings_message_id
    boris.on_receive(HandleUpdate(boris_key, UserUpdates(BORIS).press(menu, anna_learning_press)))
    assert not any(
        isinstance(e, EditPrompt | SendText) and "fitted on 640" in e.text
        for e in outbound.effects[before:]
    )
    assert ComputeDial(SessionKey(ANNA, ANNA)) not in scheduler.messages[1:]


def test_the_worker_works_one_dial_at_a_time_from_a_bounded_queue():
    release = threading.Event()
    started = threading.Event()
    order = []

    def compute(key):
        order.append(key)
        started.set()
        release.wait(WAIT)

    worker = DialWorker(compute, capacity=2)
    first, second, third, fourth = (SessionKey(n, n) for n in range(1, 5))
    assert worker.want(first)
    assert started.wait(WAIT)  # first is being worked out; the queue is empty again
    assert worker.want(second) and worker.want(second)  # queued once
    assert worker.want(third)
    assert not worker.want(fourth)  # full: dropped
    assert worker.queued == 2
    release.set()
    assert worker.wait_idle(WAIT)
    assert order == [first, second, third]
    started.clear()
    assert worker.want(fourth) and worker.wait_idle(WAIT)  # the thread comes back
    assert order[-1] == fourth


def test_a_failing_dial_leaves_the_worker_alive():
    done = []

    def compute(key):
        if key.user_id == 1:
            raise RuntimeError("boom")
        done.append(key)

    worker = DialWorker(compute)
    worker.want(SessionKey(1, 1))
    worker.want(SessionKey(2, 2))
    assert worker.wait_idle(WAIT)
    assert done == [SessionKey(2, 2)]


def test_without_the_simulator_the_learning_screen_has_no_dial_and_asks_for_none(
    db, outbound, monkeypatch
):
    import actors.snapshot_cache as snapshot_cache

    monkeypatch.setattr(snapshot_cache, "dial_available", lambda: False)
    key = SessionKey(ANNA, ANNA)
    _learner_with_words(ANNA)
    services = Services(Settings(), FakeClock(NOW), outbound)
    scheduler = Mailbox()
    services.scheduler.attach(scheduler)
    _open_learning(UserSession(key, services), key, outbound)
    text = _last_menu_text(outbound, ANNA)
    assert "Desired retention: 90%" in text and "retention costs" not in text
    assert scheduler.messages == []
