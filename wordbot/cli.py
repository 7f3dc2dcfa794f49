"""The command line: run, sandbox, migrate, import."""

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

from wordbot.clock import system_clock
from wordbot.config import ConfigError, Settings, load_settings
from wordbot.logs import configure_logging

__all__ = ["main"]

log = logging.getLogger("wordbot")


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
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
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
    except ConfigError as error:
        print(f"wordbot: configuration error: {error}", file=sys.stderr)
        return 2
    return 2


def _secrets(settings: Settings) -> list[str]:
    """What logs must never show: the token and the database password."""
    secrets = [settings.telegram.token.reveal()] if settings.telegram.token is not None else []
    password = urlsplit(settings.database.url).password
    if password:
        secrets.append(password)
    return secrets


def _run(settings: Settings) -> int:
    from wordbot.app import Application

    settings.require_token()
    configure_logging(settings.logging.level, _secrets(settings))
    if settings.telegram.mode != "polling":
        raise ConfigError("telegram.mode: only 'polling' is implemented so far")
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
