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


def test_tick_finds_due_users_and_pulses_hand_them_out_at_the_configured_pace(db):
    from actors.messages import Pulse, ReminderDue, Tick
    from storage import users
    from wordbot.config import TelegramSettings

    clock = FakeClock()
    now = clock.now()
    for user in range(1, 61):
        users.ensure_learner(user, user, now)
        due_at = now - timedelta(minutes=user) if user <= 50 else now + timedelta(minutes=1)
        users.update_learner(user, now, next_reminder_at=due_at)
    users.update_learner(7, now, reminders_paused=True)
    supervisor = Inbox()
    settings = Settings(telegram=TelegramSettings(max_messages_per_second=20))
    scheduler = Scheduler(Services(settings, clock, outbound=None), supervisor)

    scheduler.on_receive(Tick(now))
    scheduler.on_receive(Tick(now))  # a second tick before they were handed out adds nothing
    handed = [m for m in supervisor.messages if isinstance(m, ReminderDue)]
    assert handed == []  # only the once-a-second pulse hands them out
    while len(handed) < 49:
        before = len(handed)
        scheduler.on_receive(Pulse())
        handed = [m for m in supervisor.messages if isinstance(m, ReminderDue)]
        assert len(handed) - before <= 20
    scheduler.on_receive(Pulse())
    keys = [m.key.user_id for m in handed]
    assert len(keys) == 49 and len(set(keys)) == 49
    assert keys[:3] == [50, 49, 48]  # the longest overdue first
    assert 7 not in keys and all(k <= 50 for k in keys)


def test_with_paid_broadcast_pulses_hand_reminders_out_at_the_paid_pace(db):
    from actors.messages import Pulse, ReminderDue, Tick
    from storage import users
    from wordbot.config import TelegramSettings

    clock = FakeClock()
    now = clock.now()
    for user in range(1, 101):
        users.ensure_learner(user, user, now)
        users.update_learner(user, now, next_reminder_at=now - timedelta(minutes=1))
    telegram = TelegramSettings(
        max_messages_per_second=20, paid_broadcast=True, paid_broadcast_per_second=60
    )
    supervisor = Inbox()
    scheduler = Scheduler(Services(Settings(telegram=telegram), clock, outbound=None), supervisor)
    scheduler.on_receive(Tick(now))
    counts = []
    for _ in range(2):
        before = len(supervisor.messages)
        scheduler.on_receive(Pulse())
        counts.append(sum(isinstance(m, ReminderDue) for m in supervisor.messages[before:]))
    assert counts == [60, 40]  # a second's worth of paid broadcasts, not of the free pace


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


def test_a_wave_larger_than_a_page_is_read_page_by_page_as_the_queue_drains(db, monkeypatch):
    """One tick is enough: the next page is read when the queue runs dry, each user once."""
    from actors import scheduler as scheduler_module
    from actors.messages import Pulse, ReminderDue, Tick
    from storage import users
    from wordbot.config import TelegramSettings

    monkeypatch.setattr(scheduler_module, "PAGE_SIZE", 10)
    clock = FakeClock()
    now = clock.now()
    for user in range(1, 36):
        users.ensure_learner(user, user, now)
        users.update_learner(user, now, next_reminder_at=now - timedelta(minutes=user % 4))
    supervisor = Inbox()
    settings = Settings(telegram=TelegramSettings(max_messages_per_second=20))
    scheduler = Scheduler(Services(settings, clock, outbound=None), supervisor)

    scheduler.on_receive(Tick(now))
    for _ in range(2):
        scheduler.on_receive(Pulse())
    handed = [m.key.user_id for m in supervisor.messages if isinstance(m, ReminderDue)]
    assert sorted(handed) == list(range(1, 36))
    scheduler.on_receive(Pulse())
    assert len([m for m in supervisor.messages if isinstance(m, ReminderDue)]) == 35
