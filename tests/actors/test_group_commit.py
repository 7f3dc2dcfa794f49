"""Units of work through the group-commit writer, on SQLite and PostgreSQL: several users'
changes commit together; the cache learns a change only once it committed, and a user whose
change fails forgets everything while a neighbour in the same batch keeps theirs; real actors
in their own threads grade through one writer. Wait points are futures and counted
submissions, never timers."""

from __future__ import annotations

import random
import threading
from datetime import UTC, datetime

import pykka
import pytest
from peewee import IntegrityError

from actors.messages import HandleUpdate, SessionKey
from actors.services import Services
from actors.unit_of_work import UnitOfWork
from actors.user_session import UserSession
from storage import users, vocabulary
from storage.database import connection_scope
from storage.models import ReviewLog, User
from storage.writer import GroupCommitWriter
from tests.support.updates import UserUpdates, sent_prompts
from wordbot.config import Settings
from wordbot.decide.transition import Rules, Transition, UpdateLearner
from wordbot.domain.pairs import PairInput

NOW = datetime(2026, 4, 2, 8, 30, tzinfo=UTC)
WAIT = 30.0


class CountingWriter(GroupCommitWriter):
    """The real writer, telling the test when `n` units have been queued."""

    def __init__(self) -> None:
        super().__init__()
        self._submitted = 0
        self._changed = threading.Condition()

    def submit(self, work, *, alone=False):
        future = super().submit(work, alone=alone)
        with self._changed:
            self._submitted += 1
            self._changed.notify_all()
        return future

    def wait_submitted(self, n: int) -> None:
        with self._changed:
            assert self._changed.wait_for(lambda: self._submitted >= n, WAIT)


class RecordingCache:
    """Stands in for the SnapshotCache: records what the unit of work tells it."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def update_learner(self, changes) -> None:
        self.calls.append(("update_learner", dict(changes)))

    def forget(self) -> None:
        self.calls.append(("forget",))


@pytest.fixture
def writer(db):
    writer = CountingWriter().start()
    yield writer
    writer.stop()


def hold(writer: GroupCommitWriter) -> threading.Event:
    entered, release = threading.Event(), threading.Event()

    def gate():
        entered.set()
        assert release.wait(WAIT)

    writer.submit(gate)
    assert entered.wait(WAIT)
    return release


def apply_in_thread(work: UnitOfWork, transition: Transition, outcome: dict, name: str):
    def run() -> None:
        try:
            work.apply(transition, None, NOW, random.Random(1))
            outcome[name] = "committed"
        except Exception as error:  # reported to the test
            outcome[name] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def cards_per_session(user_id: int) -> int:
    with connection_scope():
        return User.get_by_id(user_id).cards_per_session


def test_a_failed_change_is_its_users_alone_and_only_committed_ones_reach_the_cache(writer):
    with connection_scope():
        for user_id in (1, 2, 3):
            users.ensure_learner(user_id, user_id, NOW)
    caches = {user_id: RecordingCache() for user_id in (1, 2, 3)}
    works = {
        user_id: UnitOfWork(SessionKey(user_id, user_id), Rules(), caches[user_id], writer)
        for user_id in (1, 2, 3)
    }
    release = hold(writer)
    outcome: dict = {}
    threads = [
        apply_in_thread(
            works[1], Transition((UpdateLearner({"cards_per_session": 9}),)), outcome, 1
        ),
        # NOT NULL: the database refuses it, so the batch fails and is retried one by one
        apply_in_thread(
            works[2], Transition((UpdateLearner({"cards_per_session": None}),)), outcome, 2
        ),
        apply_in_thread(
            works[3], Transition((UpdateLearner({"cards_per_session": 3}),)), outcome, 3
        ),
    ]
    writer.wait_submitted(4)  # the gate and three users' units, all queued behind it
    release.set()
    for thread in threads:
        thread.join(WAIT)
    assert outcome[1] == outcome[3] == "committed"
    assert isinstance(outcome[2], IntegrityError)
    assert caches[1].calls == [("update_learner", {"cards_per_session": 9})]
    assert caches[3].calls == [("update_learner", {"cards_per_session": 3})]
    assert caches[2].calls == [("forget",)]  # no after-commit update for a failed unit
    assert (cards_per_session(1), cards_per_session(2), cards_per_session(3)) == (9, 5, 3)


def test_changes_queued_together_commit_in_one_transaction(writer):
    with connection_scope():
        for user_id in (1, 2):
            users.ensure_learner(user_id, user_id, NOW)
    caches = {user_id: RecordingCache() for user_id in (1, 2)}
    release = hold(writer)
    outcome: dict = {}
    threads = [
        apply_in_thread(
            UnitOfWork(SessionKey(user_id, user_id), Rules(), caches[user_id], writer),
            Transition((UpdateLearner({"cards_per_session": 10 + user_id}),)),
            outcome,
            user_id,
        )
        for user_id in (1, 2)
    ]
    writer.wait_submitted(3)
    release.set()
    for thread in threads:
        thread.join(WAIT)
    assert outcome == {1: "committed", 2: "committed"}
    assert writer.batches == 1  # the two users' units: one transaction
    assert (cards_per_session(1), cards_per_session(2)) == (11, 12)


def test_actors_in_their_own_threads_grade_through_one_writer(writer, clock, outbound):
    learners = (11, 12, 13)
    with connection_scope():
        for user_id in learners:
            users.ensure_learner(user_id, user_id, clock.now())
            pairs = [PairInput(f"w{n}", f"v{n}") for n in range(3)]
            vocabulary.upsert_pairs(user_id, pairs, clock.now(), random.Random(user_id))
    services = Services(Settings(), clock, outbound, writer=writer)
    refs = {
        user_id: UserSession.start(SessionKey(user_id, user_id), services) for user_id in learners
    }
    try:
        for user_id, ref in refs.items():
            done = _handle(ref, UserUpdates(user_id).command("review"))
            done.get(timeout=WAIT)
        for user_id, ref in refs.items():
            message_id, prompt = [
                (message_id, prompt)
                for message_id, prompt in sent_prompts(outbound)
                if prompt.chat_id == user_id
            ][-1]
            good = next(b for b in prompt.keyboard[0] if b.data.split(":")[1] == "good")
            done = _handle(ref, UserUpdates(user_id).press(message_id, good.data))
            done.get(timeout=WAIT)
    finally:
        for ref in refs.values():
            ref.stop()
    with connection_scope():
        graded = sorted(row.user_id for row in ReviewLog.select(ReviewLog.user_id))
    assert graded == list(learners)


def _handle(ref, incoming) -> pykka.ThreadingFuture:
    done = pykka.ThreadingFuture()
    ref.tell(
        HandleUpdate(SessionKey(incoming.chat_id, incoming.user_id), incoming, completion=done)
    )
    return done
