"""The Scheduler actor: its own `schedule.Scheduler` as a metronome for reminder ticks and cleanup."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import pykka
import schedule

from actors.dial import DialWorker, work_out_dial
from actors.fitting import FittingWorker
from actors.messages import (
    Cleanup,
    ComputeDial,
    EndIdleGame,
    FitParameters,
    LearnerChanged,
    Pulse,
    SessionKey,
    StartWave,
    SweepIdle,
    Tick,
)
from actors.services import Services
from storage import game, import_staging, inbox, training
from storage.database import database
from wordbot.learning.dial import SimulatorProcess

__all__ = ["Metronome", "Scheduler"]

log = logging.getLogger(__name__)

FIT_CHECK_MINUTES = 60  # how often users due for a parameter fit are looked for


class Scheduler(pykka.ThreadingActor):
    """Decides nothing by the wall clock: jobs only emit Tick/Cleanup with the injected clock's now."""

    def __init__(
        self,
        services: Services,
        supervisor: pykka.ActorRef,
        dials: DialWorker | None = None,
    ) -> None:
        super().__init__()
        self._services = services
        self._supervisor = supervisor
        self._schedule = schedule.Scheduler()
        self._fitting = FittingWorker(
            services.settings.learning.optimize_min_reviews, self._parameters_fitted
        )
        self._simulator = SimulatorProcess()  # spawned on the first dial worked out
        self._dials = dials or DialWorker(
            lambda key: work_out_dial(key, self._services.clock.now(), self._simulator)
        )

    def on_start(self) -> None:
        settings = self._services.settings
        self._schedule.every(settings.scheduler.tick_seconds).seconds.do(
            self._job("tick", lambda: self._on_tick(self._services.clock.now()))
        )
        self._schedule.every(settings.sessions.cleanup_interval_minutes).minutes.do(
            self._job("cleanup", lambda: self._on_cleanup(self._services.clock.now()))
        )
        self.actor_ref.tell(Cleanup(self._services.clock.now()))  # what expired while down
        self.actor_ref.tell(Tick(self._services.clock.now()))  # slots missed while down
        sweep_seconds = max(1, min(60, settings.actors.idle_seconds // 2))
        self._schedule.every(sweep_seconds).seconds.do(
            self._job("sweep", lambda: self._supervisor.tell(SweepIdle(self._services.clock.now())))
        )
        self._schedule.every(FIT_CHECK_MINUTES).minutes.do(
            self._job("fitting", lambda: self._fitting.start(self._services.clock.now()))
        )

    def on_stop(self) -> None:
        self._simulator.close()

    def on_receive(self, message: Any) -> Any:
        """Never lets an error out: an exception would stop this actor, and with it every
        reminder and cleanup, for the rest of the process's life."""
        try:
            match message:
                case Pulse():
                    self._schedule.run_pending()
                case Tick(now=now):
                    self._on_tick(now)
                case Cleanup(now=now):
                    self._on_cleanup(now)
                case FitParameters(now=now):
                    self._fitting.start(now)
                case ComputeDial(key=key):
                    self._dials.want(key)
                case _:
                    log.warning("scheduler: unknown message %r", message)
        except Exception:
            log.exception("scheduler: handling %r failed; it comes round again", message)
        return None

    @property
    def fitting(self) -> FittingWorker:
        return self._fitting

    @property
    def dials(self) -> DialWorker:
        return self._dials

    def _parameters_fitted(self, chat_id: int, user_id: int) -> None:
        """From the fitting thread: the user's live actor reads its learner again, and the
        dial is worked out for the new parameters (SPEC §12)."""
        key = SessionKey(chat_id, user_id)
        self._supervisor.tell(LearnerChanged(key))
        self.actor_ref.tell(ComputeDial(key))

    def _job(self, name: str, run: Callable[[], None]) -> Callable[[], None]:
        """A job that never raises: `schedule` would otherwise retry it on every pass."""

        def guarded() -> None:
            try:
                run()
            except Exception:
                log.exception("scheduler: %s job failed", name)

        return guarded

    def _on_tick(self, now) -> None:
        """Time for a reminder pass over the users whose reminder time has passed by `now`: the
        ReminderWave reads them page by page and prepares each page in bulk (a pass still
        running ignores it; its pages find those users anyway)."""
        self._supervisor.tell(StartWave(now))

    def _on_cleanup(self, now) -> None:
        """SPEC §6.6: idle games end through their user's actor (which sends the summary);
        expired training rows go; handled inbox entries too old to come again go; staging rows
        of imports that died go (§7.6); idle actors are passivated."""
        with database.connection_context():
            idle = game.idle_games(now)
            removed = training.delete_expired_training_sessions(now)
            inbox.purge_handled(now)
            abandoned = import_staging.purge_abandoned(now)
        if abandoned:
            log.info("cleanup: %d staged rows of abandoned imports removed", abandoned)
        for chat_id, user_id in idle:
            self._supervisor.tell(EndIdleGame(SessionKey(chat_id, user_id)))
        if idle or removed:
            log.info(
                "cleanup: %d idle games ending, %d expired training sessions removed",
                len(idle),
                removed,
            )
        self._supervisor.tell(SweepIdle(now))


class Metronome:
    """A daemon thread that tells an actor `Pulse()` every `interval` seconds until stopped."""

    def __init__(self, target: pykka.ActorRef, interval: float = 1.0) -> None:
        self._target = target
        self._interval = interval
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="metronome", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stopped.wait(self._interval):
            try:
                self._target.tell(Pulse())
            except pykka.ActorDeadError:
                return
