"""Personal FSRS parameters in the background (SPEC §12): users due for a fit are fitted from
their own review log in a worker thread, one pass at a time; the fit is stored and the user's
live actor reads it, so the next grade uses it."""

from __future__ import annotations

import dataclasses
import random
import threading
from datetime import timedelta

import pytest

from actors import fitting
from actors.fitting import FittingWorker, fit_due_users
from actors.messages import FitParameters, HandleUpdate, LearnerChanged, SessionKey
from actors.scheduler import Scheduler
from actors.services import Services
from actors.user_session import UserSession
from storage import review_log, users, vocabulary
from tests.support.updates import UserUpdates
from tests.unit.test_fsrs_fitting import NOW, _synthetic_log
from wordbot.clock import FakeClock
from wordbot.config import LearningSettings, Settings
from wordbot.domain.fsrs_schedule import DEFAULT_PARAMETERS
from wordbot.domain.pairs import PairInput

FITTED = 901
SHORT = 902
CARDS = 120


class Inbox:
    def __init__(self):
        self.messages = []

    def tell(self, message):
        self.messages.append(message)


def _log_reviews(user_id: int, cards: int, days: int) -> int:
    users.ensure_learner(user_id, user_id, NOW)
    pairs = [PairInput(f"w{n}", f"v{n}") for n in range(cards)]
    vocabulary.upsert_pairs(user_id, pairs, NOW, random.Random(1))
    pair_ids = vocabulary.list_pair_ids(user_id)
    entries = _synthetic_log(cards=cards, days=days, seed=user_id)
    for entry in entries:
        review_log.add_review(
            dataclasses.replace(entry, user_id=user_id, pair_id=pair_ids[entry.pair_id - 1])
        )
    return len(entries)


@pytest.fixture
def logs(db):
    fitted = _log_reviews(FITTED, CARDS, 60)
    short = _log_reviews(SHORT, 5, 10)
    assert fitted >= 400 > short
    return {FITTED: fitted, SHORT: short}


def test_a_user_with_enough_reviews_is_fitted_once_and_told(logs):
    told = []
    later = NOW + timedelta(days=70)
    assert fit_due_users(later, 400, lambda chat, user: told.append((chat, user))) == [FITTED]
    learner = users.load_learner(FITTED)
    assert learner.fsrs_parameters is not None and learner.fsrs_parameters != DEFAULT_PARAMETERS
    assert (learner.fitted_at, learner.fitted_on_reviews) == (later, logs[FITTED])
    assert told == [(FITTED, FITTED)]
    assert users.load_learner(SHORT).fitted_at is None  # below the minimum
    # fitted just now, no new reviews: not again
    assert fit_due_users(later + timedelta(days=8), 400, lambda *_: None) == []


def test_the_minimum_comes_from_the_setting(logs):
    assert fit_due_users(NOW + timedelta(days=70), logs[FITTED] + 1, lambda *_: None) == []


def test_a_failed_fit_is_recorded_and_keeps_the_defaults(logs, monkeypatch):
    monkeypatch.setattr(fitting, "fit_parameters", lambda entries: None)
    assert fit_due_users(NOW + timedelta(days=70), 400, lambda *_: None) == [FITTED]
    learner = users.load_learner(FITTED)
    assert learner.fsrs_parameters is None and learner.fitted_on_reviews == logs[FITTED]


def test_one_pass_at_a_time(monkeypatch):
    release = threading.Event()
    started = []

    def slow_pass(now, min_reviews, fitted):
        started.append(now)
        release.wait(10)

    monkeypatch.setattr(fitting, "fit_due_users", slow_pass)
    worker = FittingWorker(400, lambda *_: None)
    assert worker.start(NOW)
    assert not worker.start(NOW + timedelta(hours=1))  # still fitting
    release.set()
    worker.join(10)
    assert not worker.running and started == [NOW]
    assert worker.start(NOW + timedelta(hours=2))
    worker.join(10)


def test_the_scheduler_fits_in_a_worker_and_tells_the_users_actor(logs):
    clock = FakeClock(NOW + timedelta(days=70))
    supervisor = Inbox()
    settings = Settings(learning=LearningSettings(optimize_min_reviews=400))
    scheduler = Scheduler(Services(settings, clock, None), supervisor)
    scheduler.on_receive(FitParameters(clock.now()))
    scheduler.fitting.join(120)
    assert supervisor.messages == [LearnerChanged(SessionKey(FITTED, FITTED))]


def test_a_live_actor_grades_with_the_parameters_fitted_meanwhile(logs, outbound):
    clock = FakeClock(NOW + timedelta(days=70))
    key = SessionKey(FITTED, FITTED)
    actor = UserSession(key, Services(Settings(), clock, outbound))
    actor.on_receive(HandleUpdate(key, UserUpdates(FITTED).command("review")))
    assert actor._cache.learner(clock.now()).fsrs_parameters is None
    fit_due_users(clock.now(), 400, lambda *_: None)
    actor.on_receive(LearnerChanged(key))
    assert (
        actor._cache.learner(clock.now()).fsrs_parameters
        == users.load_learner(FITTED).fsrs_parameters
    )
