"""The running bot: components started in dependency order and stopped in reverse."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import pykka
from telebot import apihelper
from telebot.types import BotCommand

from actors.intake import Intake
from actors.messages import CountLive, PromptsOwed, Recover, SessionKey, StopSessions
from actors.scheduler import Metronome, Scheduler
from actors.services import Services
from actors.supervisor import Supervisor
from storage import admin, game, import_staging, inbox, outbox, training
from storage.database import close_database, database, open_database
from storage.instance_lock import InstanceLock
from storage.migrate import migrate
from storage.writer import GroupCommitWriter
from wordbot import systemd
from wordbot.clock import Clock, SystemClock
from wordbot.config import Settings
from wordbot.i18n import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES
from wordbot.import_gate import ImportGate
from wordbot.metrics import Metrics, MetricsServer
from wordbot.rendering.vocabulary import command_menu
from wordbot.systemd import Heartbeat
from wordbot.transport.bot_api import make_bot
from wordbot.transport.notices import Notices
from wordbot.transport.pacing import Pacer
from wordbot.transport.poller import Poller
from wordbot.transport.sender import Sender
from wordbot.transport.webhook_server import WebhookApp, WebhookServer, new_secret_token
from wordbot.transport.workers import Workers

__all__ = ["Application"]

log = logging.getLogger(__name__)

SHUTDOWN_SECONDS = 5.0  # actors' share of SPEC §7.5's 10 seconds
GAUGE_TIMEOUT_SECONDS = 1.0  # a scrape never waits longer on the Supervisor


class Application:
    """lock → storage → writer → sender → supervisor → scheduler → notices → inbox resumed →
    poller (or the webhook server); `stop()` undoes them in reverse."""

    def __init__(self, settings: Settings, clock: Clock | None = None) -> None:
        self.settings = settings
        self.clock = clock or SystemClock()
        self._stops: list[tuple[str, Callable[[], object]]] = []
        self._stopped = threading.Event()

    def start(self) -> None:
        settings = self.settings
        token = settings.require_token().reveal()
        try:
            lock = InstanceLock(settings.database.url)
            lock.acquire()
            self._stops.append(("instance lock", lock.release))
            open_database(settings.database.url)
            self._stops.append(("database", close_database))
            migrate()
            self._discard_abandoned_imports()

            # group commit: every user's unit of work and the inbox's batches, committed by one
            # thread; stopped after the actors (it commits what they queued), before the database
            writer = GroupCommitWriter().start()
            self._stops.append(("writer", writer.stop))

            bot = make_bot(token, settings.telegram.api_url)
            telegram = settings.telegram
            metrics = Metrics()
            paid = telegram.paid_broadcast
            sender = Sender(
                bot,
                pacer=Pacer(
                    telegram.max_messages_per_second,
                    telegram.per_chat_per_second,
                    telegram.per_chat_burst,
                    broadcast_per_second=telegram.paid_broadcast_per_second if paid else None,
                ),
                metrics=metrics,
                paid_broadcast=paid,
            )
            services = Services(
                settings,
                self.clock,
                sender,
                metrics=metrics,
                import_gate=ImportGate(),
                # /stats pictures are drawn here, off the actors' threads (daemon: never
                # holds up the exit); when it is busy a picture is drawn in its user's actor
                pictures=Workers(1, "pictures"),
                writer=writer,
            )
            self._prepare_telegram(bot)

            supervisor = Supervisor.start(services)
            self._stops.append(("supervisor", lambda: self._stop_supervisor(supervisor)))
            self._serve_metrics(metrics, supervisor)
            scheduler = Scheduler.start(services, supervisor)
            services.scheduler.attach(scheduler)
            self._stops.append(("scheduler", lambda: scheduler.stop(timeout=1)))
            metronome = Metronome(scheduler)
            metronome.start()
            self._stops.append(("metronome", metronome.stop))

            self._recover_owed(supervisor)

            notices = Notices(sender.perform)
            notices.start()
            self._stops.append(("notices", notices.stop))
            intake = Intake(
                supervisor,
                notices.offer,
                self.clock,
                self._bot_username(bot),
                metrics=metrics,
                writer=writer,
            )
            intake.resume()  # the inbox left by the last run goes first, in order
            if telegram.mode == "webhook":
                self._serve_webhook(bot, intake)
            else:
                self._poll(token, intake)
        except BaseException:
            self.stop()
            raise
        log.info(
            "WordBot is running (%s, database: %s)",
            telegram.mode,
            _database_kind(settings.database.url),
        )
        systemd.ready()

    def _serve_metrics(self, metrics: Metrics, supervisor: pykka.ActorRef) -> None:
        """SPEC §16: /metrics on `metrics.listen` when it is set; depths read at scrape time."""
        listen = self.settings.metrics.listen
        if not listen:
            return
        metrics.read_depths(
            inbox=lambda: _gauge(inbox.pending_count),
            outbox=lambda: _gauge(admin.outbox_depth),
            live_actors=lambda: _live_actors(supervisor),
        )
        server = MetricsServer(metrics, listen)
        server.start()
        self._stops.append(("metrics server", server.stop))

    def _poll(self, token: str, intake: Intake) -> None:
        poller = Poller(
            lambda offset, timeout: apihelper.get_updates(
                token, offset=offset, limit=100, long_polling_timeout=timeout
            ),
            intake,
            poll_timeout=self.settings.telegram.poll_timeout_seconds,
            heartbeat=systemd.watchdog,  # WATCHDOG=1 each turn (SPEC §16)
        )
        poller.start()
        self._stops.append(("poller", poller.stop))

    def _serve_webhook(self, bot, intake: Intake) -> None:
        """SPEC §16: serve the webhook URL's path, then tell Telegram where to deliver, with a
        secret new at every start. Stopping leaves the webhook set: Telegram keeps updates
        while the bot is down."""
        telegram = self.settings.telegram
        secret = new_secret_token()
        server = WebhookServer(
            WebhookApp(telegram.webhook_url, secret, intake), telegram.webhook_listen
        )
        server.start()
        self._stops.append(("webhook server", server.stop))
        bot.set_webhook(url=telegram.webhook_url, secret_token=secret)
        heartbeat = Heartbeat(systemd.watchdog, server.is_serving)
        heartbeat.start()
        self._stops.append(("watchdog", heartbeat.stop))

    def stop(self) -> None:
        """Stop everything started, newest first; safe to call twice."""
        if self._stops:
            systemd.stopping()
        while self._stops:
            name, stop = self._stops.pop()
            try:
                stop()
            except Exception:
                log.exception("stopping %s failed", name)
        self._stopped.set()

    def _prepare_telegram(self, bot) -> None:
        """Polling needs no webhook; the command menu is registered, in English by default and
        in each other shipped language for users with that language_code. Failures are not
        fatal."""
        if self.settings.telegram.mode == "polling":
            try:
                bot.delete_webhook()
            except Exception as error:
                log.warning("deleteWebhook failed: %s", error)
        for lang in SUPPORTED_LANGUAGES:
            commands = [BotCommand(name, text) for name, text in command_menu(lang)]
            code = None if lang == DEFAULT_LANGUAGE else lang
            try:
                bot.set_my_commands(commands, language_code=code)
            except Exception as error:
                log.warning("setMyCommands (%s) failed: %s", code or "default", error)

    @staticmethod
    def _bot_username(bot) -> str | None:
        """Our @username, to tell `/cmd@WordBot` from `/cmd@OtherBot`; unknown if getMe fails."""
        try:
            return bot.get_me().username
        except Exception as error:
            log.warning("getMe failed: %s", error)
            return None

    @staticmethod
    def _discard_abandoned_imports() -> None:
        """Staging rows of imports a crash cut short (SPEC §7.6); none can be running yet."""
        with database.connection_context():
            removed = import_staging.discard_all()
        if removed:
            log.info("removed %d staged rows of imports cut short by the last run", removed)

    def _recover_owed(self, supervisor: pykka.ActorRef) -> None:
        """Users owed messages or a prompt by a crash (a reminder wave cut short among them)
        get them now, not at their next message: training prompts and outbox messages through
        the paced drain, a game's prompt through the user's actor."""
        with database.connection_context():
            now = self.clock.now()
            drained = set(outbox.keys_with_unsent())
            drained.update(training.sessions_owing_a_prompt(now))
            games = set(game.games_owing_a_prompt(now))
        drained -= games
        if drained:
            keys = tuple(SessionKey(chat_id, user_id) for chat_id, user_id in sorted(drained))
            supervisor.tell(PromptsOwed(keys))
        for chat_id, user_id in sorted(games):
            supervisor.tell(Recover(SessionKey(chat_id, user_id)))
        if drained or games:
            log.info(
                "recovering %d users owed messages from before a restart",
                len(drained) + len(games),
            )

    @staticmethod
    def _stop_supervisor(supervisor: pykka.ActorRef) -> None:
        try:
            supervisor.ask(StopSessions(SHUTDOWN_SECONDS - 1), timeout=SHUTDOWN_SECONDS)
        except (pykka.Timeout, pykka.ActorDeadError):
            log.warning("user actors did not all stop in time")
        supervisor.stop(timeout=1)


def _gauge(count: Callable[[], int]) -> float:
    """A count read in the scraping thread with a connection of its own; NaN if it fails."""
    try:
        with database.connection_context():
            return float(count())
    except Exception:
        log.warning("metrics: a depth could not be read", exc_info=True)
        return float("nan")


def _live_actors(supervisor: pykka.ActorRef) -> float:
    try:
        return float(supervisor.ask(CountLive(), timeout=GAUGE_TIMEOUT_SECONDS))
    except (pykka.Timeout, pykka.ActorDeadError):
        return float("nan")


def _database_kind(url: str) -> str:
    return url.split(":", 1)[0]
