"""The ReminderWave actor (SPEC §6.3–6.5, §9 B3): a pass over the users due for a reminder,
page by page, each page prepared in bulk.

A page goes: read the due users (one indexed query) → DuePage to the Supervisor, which gives
users with a live actor a ReminderDue there and claims the others → PreparePage back here:
their learners, sessions, games and cards read in a few queries for the whole page, each
learner decided by the same `decide_reminder` their actor uses, and every transition applied
in one short transaction (WaveWork) → PagePrepared, and the next page is read. The prompts
the page's sessions owe are sent by the PromptDrain, paced by the sender.

The reads come before the transaction, so the database's writer is held only for the
multi-row writes; no one else writes these users' sessions or reminder state meanwhile, since
the Supervisor holds their messages until PagePrepared. A learner whose data cannot be read or
decided is skipped with a log line (asked again at the next tick); a page whose transaction
fails is applied again learner by learner, so one broken learner never fails the others.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pykka

from actors.messages import DuePage, PagePrepared, PreparePage, SessionKey, StartWave
from actors.services import Services
from actors.unit_of_work import WaveWork
from storage import game, training, users, vocabulary
from storage.database import connection_scope
from wordbot.callback_data import new_token
from wordbot.decide.reminders import DueLearner, decide_due_learner
from wordbot.decide.transition import Moment, SaveTraining, Snapshot, Transition
from wordbot.domain.learner import Learner
from wordbot.domain.new_cards import learner_zone, user_day
from wordbot.domain.training import CardOutlook

__all__ = ["PAGE_SIZE", "ReminderWave"]

log = logging.getLogger(__name__)

PAGE_SIZE = 1000  # due users per page: a few queries and one short write transaction


@dataclass(slots=True)
class _Pass:
    """One pass over the users due at `now`; `place` is where the last page read ended."""

    now: datetime
    place: tuple[datetime, int] | None = None
    last_page_read: bool = False
    reminded: int = 0
    started: float = 0.0
    cpu_seconds: float = 0.0  # spent by this actor's thread on the pass


class ReminderWave(pykka.ThreadingActor):
    use_daemon_thread = True  # never keeps the process from exiting

    def __init__(self, services: Services, supervisor: pykka.ActorRef, work: WaveWork) -> None:
        super().__init__()
        self._services = services
        self._supervisor = supervisor
        self._work = work
        self._rules = services.rules()
        self._pass: _Pass | None = None

    def on_receive(self, message: Any) -> Any:
        match message:
            case StartWave(now=now):
                if self._pass is None:  # a pass still running finds these users anyway
                    self._pass = _Pass(now, started=time.monotonic())
                    self._timed(self._read_page)
            case PreparePage(keys=keys, now=now):
                self._timed(lambda: self._prepare_page(keys, now))
            case _:
                log.warning("reminder wave: unknown message %r", message)
        return None

    def _prepare_page(self, keys: tuple[SessionKey, ...], now: datetime) -> None:
        owed: tuple[SessionKey, ...] = ()
        try:
            owed = self.prepare(keys, now)
        except Exception:  # the users stay due: the next tick finds them again
            log.exception("reminder wave: a page of %d users failed", len(keys))
        finally:
            self._supervisor.tell(PagePrepared(keys, owed))
        self._next_page(len(owed))

    def _timed(self, step) -> None:
        """Run `step`, adding this thread's CPU time to the pass (reported when it ends)."""
        current, began = self._pass, time.thread_time()
        try:
            step()
        finally:
            if current is None:
                current = self._pass
            if current is not None:
                current.cpu_seconds += time.thread_time() - began
                if current is not self._pass:  # the pass ended in this step
                    _report(current)

    def _read_page(self) -> None:
        """Hand the Supervisor the pass's next page (one range scan); a short page is the last."""
        current = self._pass
        try:
            with connection_scope():
                page = users.due_for_reminder(current.now, limit=PAGE_SIZE, after=current.place)
        except Exception:
            log.exception("reminder wave: reading due users failed; the next tick tries again")
            self._pass = None
            return
        current.last_page_read = len(page) < PAGE_SIZE
        if page:
            current.place = page[-1].place
            keys = tuple(SessionKey(due.chat_id, due.user_id) for due in page)
            self._supervisor.tell(DuePage(keys, current.now))
        else:
            self._end_pass()

    def _next_page(self, reminded: int) -> None:
        current = self._pass
        if current is None:
            return
        current.reminded += reminded
        if current.last_page_read:
            self._end_pass()
        else:
            self._read_page()

    def _end_pass(self) -> None:
        self._pass = None

    # --- a page ---------------------------------------------------------------------------

    def prepare(self, keys: Sequence[SessionKey], now: datetime) -> tuple[SessionKey, ...]:
        """Decide and apply the reminders of `keys` (claimed: no actor of theirs runs); the
        keys now owed a prompt or a message."""
        if not keys:
            return ()
        with connection_scope():
            page = self._read_learners(keys, now)
            decided = []
            for key, due in page:
                try:
                    moment = self._moment(due.snapshot.learner, now)
                    transition = decide_due_learner(due, self._rules, moment)
                except Exception:
                    log.exception("reminder wave: %s could not be decided; skipped", key)
                    continue
                if not transition.changes_nothing:
                    decided.append((key, transition))
            applied = self._apply(decided, now)
        started = sum(1 for _, t in applied if _starts_session(t))
        if started and self._services.metrics is not None:
            self._services.metrics.reminders_sent.inc(started)
        return tuple(key for key, transition in applied if _owes(transition))

    def _read_learners(
        self, keys: Sequence[SessionKey], now: datetime
    ) -> list[tuple[SessionKey, DueLearner]]:
        """Everything the page's decisions read; if a row cannot be read, user by user,
        skipping whoever cannot be read."""
        try:
            return self._read_facts(keys, now)
        except Exception:
            log.exception("reminder wave: a page of %d unreadable; read one by one", len(keys))
        page = []
        for key in keys:
            try:
                page += self._read_facts([key], now)
            except Exception:
                log.exception("reminder wave: %s unreadable; skipped", key)
        return page

    def _read_facts(
        self, keys: Sequence[SessionKey], now: datetime
    ) -> list[tuple[SessionKey, DueLearner]]:
        """Everything the page's decisions read, in a few queries for the whole page."""
        pairs = [(key.chat_id, key.user_id) for key in keys]
        learners = users.load_learners([key.user_id for key in keys])
        sessions = training.load_training_sessions(pairs, now)
        games = game.load_games(pairs)
        day_starts = {}
        for user_id, learner in learners.items():
            day_starts[user_id] = user_day(now, learner_zone(learner))[0]
        size = max((learner.cards_per_session for learner in learners.values()), default=0)
        outlooks = vocabulary.reminder_outlooks(list(learners), now, size, day_starts)
        page = []
        for key in keys:
            learner = learners.get(key.user_id)
            if learner is None or learner.chat_id != key.chat_id:
                log.warning("reminder wave: %s has no learner row (deleted?); skipped", key)
                continue
            pair = (key.chat_id, key.user_id)
            snapshot = Snapshot(learner, sessions.get(pair), games.get(pair))
            page.append((key, DueLearner(snapshot, outlooks.get(key.user_id, CardOutlook()))))
        return page

    def _apply(
        self, decided: list[tuple[SessionKey, Transition]], now: datetime
    ) -> list[tuple[SessionKey, Transition]]:
        """The page in one transaction; if it fails, learner by learner, skipping who fails."""
        if not decided:
            return []
        try:
            self._work.apply_page(decided, now)
            return decided
        except Exception:
            log.exception("reminder wave: a page of %d failed; applied one by one", len(decided))
        applied = []
        for key, transition in decided:
            try:
                self._work.apply_page([(key, transition)], now)
            except Exception:
                log.exception("reminder wave: %s could not be applied; skipped", key)
                continue
            applied.append((key, transition))
        return applied

    def _moment(self, learner: Learner, now: datetime) -> Moment:
        return Moment(now, self._services.rng_for(learner.chat_id, learner.user_id), new_token)


def _report(ended: _Pass) -> None:
    if ended.reminded:
        log.info(
            "reminder wave: %d users owed a reminder or notice, prepared in %.1f s"
            " (%.3f s of CPU in the wave's thread)",
            ended.reminded,
            time.monotonic() - ended.started,
            ended.cpu_seconds,
        )


def _starts_session(transition: Transition) -> bool:
    return any(isinstance(write, SaveTraining) for write in transition.writes)


def _owes(transition: Transition) -> bool:
    """A prompt (a new session never sent) or a message (the pause notice, an expiry edit)."""
    return bool(transition.owed) or _starts_session(transition)
