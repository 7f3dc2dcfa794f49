"""The command line: run, sandbox, migrate, import, backup, simulate.

Exit codes: 0 done; 1 a failure at run time (database unavailable, another instance running,
a backup or an import that failed), with one line on stderr; 2 a configuration or usage
error (a bad key, a missing token, a missing database driver), which a restart cannot fix
(the systemd unit's RestartPreventExitStatus)."""

from __future__ import annotations

import argparse
import logging
import os
import random
import signal
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

import peewee

from storage.database import MissingDatabaseDriver
from wordbot.clock import system_clock
from wordbot.config import ConfigError, Settings, load_settings
from wordbot.logs import configure_logging

__all__ = ["main"]

log = logging.getLogger("wordbot")

CONFIG_ERROR_EXIT = 2  # the unit's RestartPreventExitStatus: restarting cannot fix the config


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="wordbot", description=__doc__)
    parser.add_argument("--config", help="TOML configuration file (or env WORDBOT_CONFIG)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="run the bot (long polling); migrates the schema first")
    sandbox = commands.add_parser(
        "sandbox", help="chat with the bot in this terminal through a local Bot API emulator"
    )
    sandbox.add_argument("--db", default="wordbot-sandbox.db", help="SQLite file to use")
    sandbox.add_argument("--user-id", type=int, default=1001, help="your Telegram user id there")
    commands.add_parser("migrate", help="create or upgrade the database schema and exit")
    importer = commands.add_parser("import", help="import a CSV/TSV/TXT file for a user")
    importer.add_argument("file", type=Path)
    importer.add_argument("--user-id", type=int, required=True)
    simulate = commands.add_parser(
        "simulate",
        help="learner simulation: SM-2 against FSRS-6 (its options: wordbot simulate -- --help)",
    )
    simulate.add_argument("options", nargs=argparse.REMAINDER)
    backup = commands.add_parser(
        "backup", help="copy the live SQLite database to PATH (safe while the bot runs)"
    )
    backup.add_argument("path", type=Path)
    backup.add_argument("--force", action="store_true", help="overwrite PATH if it exists")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args, unknown = parser.parse_known_args(argv)
    if args.command == "simulate":
        from wordbot.benchmarks.learning import main as simulate

        return simulate([option for option in unknown + args.options if option != "--"])
    if unknown:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    try:
        settings = load_settings(args.config)
        if args.command == "run":
            return _run(settings)
        if args.command == "sandbox":
            from wordbot.sandbox import run_sandbox

            return run_sandbox(settings, Path(args.db), args.user_id)
        configure_logging(settings.logging.level, _secrets(settings))
        if args.command == "migrate":
            return _migrate(settings)
        if args.command == "import":
            return _import(settings, args.file, args.user_id)
        if args.command == "backup":
            return _backup(settings, args.path, args.force)
    except ConfigError as error:
        print(f"wordbot: configuration error: {error}", file=sys.stderr)
        return CONFIG_ERROR_EXIT
    except MissingDatabaseDriver as error:
        print(f"wordbot: {error}", file=sys.stderr)
        return CONFIG_ERROR_EXIT
    return CONFIG_ERROR_EXIT


def _secrets(settings: Settings) -> list[str]:
    """What logs must never show: the token and the database password."""
    secrets = [settings.telegram.token.reveal()] if settings.telegram.token is not None else []
    password = urlsplit(settings.database.url).password
    if password:
        secrets.append(password)
    return secrets


def _run(settings: Settings) -> int:
    from storage.instance_lock import AlreadyRunning
    from wordbot.app import Application

    settings.require_token()
    configure_logging(settings.logging.level, _secrets(settings))
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    try:
        clock = system_clock(os.environ)
    except ValueError as error:
        raise ConfigError(str(error)) from None
    if clock.offset:
        log.warning("test hook: the clock runs %s off the wall clock", clock.offset)
    app = Application(settings, clock)
    try:
        app.start()
    except AlreadyRunning as error:
        log.error("cannot start: %s", error)
        return 1
    except peewee.DatabaseError as error:
        log.error("cannot start: the database is unavailable (%s)", " ".join(str(error).split()))
        return 1
    try:
        stop.wait()
        log.info("stopping")
    finally:
        app.stop()
    return 0


def _migrate(settings: Settings) -> int:
    from storage.database import close_database, open_database
    from storage.migrate import migrate

    open_database(settings.database.url)
    try:
        applied = migrate()
    finally:
        close_database()
    print("applied: " + ", ".join(applied) if applied else "the schema is up to date")
    return 0


def _import(settings: Settings, path: Path, user_id: int) -> int:
    from storage import users, vocabulary
    from storage.database import close_database, database, open_database
    from storage.migrate import migrate
    from wordbot.clock import SystemClock
    from wordbot.domain.csv_import import parse_document
    from wordbot.domain.pairs import MAX_PAIRS_PER_USER, VocabularyInputError
    from wordbot.rendering.vocabulary import import_summary

    try:
        content = path.read_bytes()
        parsed = parse_document(content)
    except OSError as error:
        print(f"wordbot: cannot read {path}: {error.strerror}", file=sys.stderr)
        return 1
    except VocabularyInputError as error:
        print(f"wordbot: {path}: {error}; nothing was imported", file=sys.stderr)
        return 1
    open_database(settings.database.url)
    try:
        migrate()
        now = SystemClock().now()
        with database.connection_context():
            users.ensure_learner(user_id, user_id, now)
            result = vocabulary.upsert_pairs(user_id, parsed.pairs, now, random.Random())
    except vocabulary.TooManyPairs as error:
        print(
            f"wordbot: {error.existing + error.new} pairs would exceed the limit of "
            f"{MAX_PAIRS_PER_USER}; nothing was imported",
            file=sys.stderr,
        )
        return 1
    finally:
        close_database()
    print(import_summary(result.new, result.updated, parsed.skipped, result.unchanged))
    return 0


def _backup(settings: Settings, path: Path, force: bool) -> int:
    from storage.backup import BackupError, backup_sqlite
    from storage.database import sqlite_path

    source = sqlite_path(settings.database.url)
    if source is None:
        print(
            "wordbot: backup copies SQLite databases; for PostgreSQL use pg_dump "
            "(README, Operating)",
            file=sys.stderr,
        )
        return 1
    try:
        backup_sqlite(Path(source), path, overwrite=force)
    except BackupError as error:
        print(f"wordbot: {error}", file=sys.stderr)
        return 1
    print(f"backed up {source} to {path}")
    return 0
