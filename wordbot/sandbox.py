"""`wordbot sandbox`: the whole bot against the local Bot API emulator, chatted with in the terminal."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

from storage import inbox
from storage.database import close_database, database, open_database
from storage.migrate import migrate
from wordbot.app import Application
from wordbot.config import Secret, Settings
from wordbot.emulator import BotApiEmulator
from wordbot.logs import configure_logging
from wordbot.sandbox_console import render_message, run_console

__all__ = ["SANDBOX_TOKEN", "run_sandbox"]

SANDBOX_TOKEN = "1000001:sandbox-token"
LOG_FILE = "wordbot-sandbox.log"
DOWNLOADS = Path("sandbox-downloads")


def run_sandbox(settings: Settings, db_path: Path, user_id: int) -> int:
    """Start the emulator and the bot in this process, then hand the terminal to the console."""
    configure_logging(settings.logging.level, [SANDBOX_TOKEN], path=LOG_FILE)
    database_url = f"sqlite:///{db_path}"
    emulator = BotApiEmulator(
        token=SANDBOX_TOKEN,
        first_update_id=_next_update_id(database_url),
        chats_file=db_path.with_name(db_path.name + ".chats.json"),
    )
    with emulator:
        app = Application(_sandbox_settings(settings, emulator.url, database_url))
        app.start()
        try:
            chat = emulator.private_chat(user_id=user_id, first_name="You")
            banner = (
                f"WordBot sandbox: you are user {user_id}; data in {db_path}, log in {LOG_FILE}.\n"
                "Type /start to begin, :help for console commands, :quit to leave."
            )
            waiting = [m for m in chat.bot_messages() if m.has_keyboard]
            if waiting:  # from the last run: its buttons still work
                banner += "\nWhere you left off:\n" + render_message(waiting[-1])
            run_console(
                emulator, chat, sys.stdin, sys.stdout, downloads_dir=DOWNLOADS, banner=banner
            )
        finally:
            app.stop()
    return 0


def _sandbox_settings(settings: Settings, api_url: str, database_url: str) -> Settings:
    telegram = dataclasses.replace(
        settings.telegram, token=Secret(SANDBOX_TOKEN), api_url=api_url, mode="polling"
    )
    return dataclasses.replace(
        settings,
        telegram=telegram,
        database=dataclasses.replace(settings.database, url=database_url),
    )


def _next_update_id(database_url: str) -> int:
    """Continue the update numbering of the last sandbox run, so nothing looks like a replay."""
    open_database(database_url)
    try:
        migrate()
        with database.connection_context():
            newest = inbox.newest_update_id()
    finally:
        close_database()
    return 1 if newest is None else newest + 1
