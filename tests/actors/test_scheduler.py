"""The Scheduler actor driven synchronously: cleanup hands idle games to their users' actors."""

from __future__ import annotations

from datetime import timedelta

from actors.messages import Cleanup, EndIdleGame, SessionKey, SweepIdle
from actors.scheduler import Scheduler
from actors.services import Services
from storage import game, training
from wordbot.clock import FakeClock
from wordbot.config import Settings
from wordbot.domain.game import Direction, GameCard, GameScore
from wordbot.domain.game_session import GameSession
from wordbot.domain.training import SessionKind, TrainingSession


class Inbox:
    def __init__(self):
        self.messages = []

    def tell(self, message):
        self.messages.append(message)


def test_cleanup_ends_idle_games_via_actors_and_drops_expired_training(db):
    clock = FakeClock()
    now = clock.now()
    for user, last_active in ((1, now - timedelta(minutes=16)), (2, now - timedelta(minutes=5))):
        stats = game.start_statistics(user, user, last_active)
        game.save_game(
            GameSession(
                user,
                user,
                (GameCard(1, Direction.FORWARD),),
                "tok",
                5,
                "p",
                stats,
                GameScore(),
                last_active,
                last_active,
                last_active,
            ),
            timedelta(minutes=15),
            last_active,
        )
    for user, last_active in ((1, now - timedelta(days=2)), (2, now - timedelta(hours=1))):
        training.save_training_session(
            TrainingSession(
                user,
                user,
                (1,),
                0,
                "tok",
                5,
                "p",
                SessionKind.REVIEW,
                0,
                last_active,
                last_active,
                last_active,
            ),
            timedelta(minutes=1440),
            last_active,
        )
    supervisor = Inbox()
    scheduler = Scheduler(Services(Settings(), clock, outbound=None), supervisor)
    scheduler.on_receive(Cleanup(now))
    assert supervisor.messages == [EndIdleGame(SessionKey(1, 1)), SweepIdle(now)]
    assert game.load_game(1, 1) is not None  # the actor ends it, with its summary
    assert training.load_training_session(1, 1, now - timedelta(days=3)) is None  # row gone
    assert training.load_training_session(2, 2, now) is not None


def test_a_tick_starts_a_reminder_wave_and_a_pulse_hands_out_nothing_itself(db):
    """The ReminderWave (through the Supervisor) reads and prepares the due users in bulk;
    the Scheduler only says when (tests/actors/test_reminder_wave.py has the pass)."""
    from actors.messages import Pulse, StartWave, Tick

    clock = FakeClock()
    supervisor = Inbox()
    scheduler = Scheduler(Services(Settings(), clock, outbound=None), supervisor)
    scheduler.on_receive(Tick(clock.now()))
    scheduler.on_receive(Pulse())
    assert supervisor.messages == [StartWave(clock.now())]


def test_a_failing_cleanup_leaves_the_scheduler_alive(db, monkeypatch):
    from actors.messages import Tick

    clock = FakeClock()
    supervisor = Inbox()
    scheduler = Scheduler(Services(Settings(), clock, outbound=None), supervisor)

    def broken(now):
        raise RuntimeError("database is locked")

    monkeypatch.setattr(game, "idle_games", broken)
    scheduler.on_receive(Cleanup(clock.now()))  # logged, not raised
    monkeypatch.undo()
    scheduler.on_receive(Tick(clock.now()))
    scheduler.on_receive(Cleanup(clock.now()))
    assert SweepIdle(clock.now()) in supervisor.messages
