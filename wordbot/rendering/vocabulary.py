"""Texts and keyboards of vocabulary management: welcome, help, /add, import, /export, /clear."""

from __future__ import annotations

from wordbot.callback_data import CLEAR_SCOPE, encode_callback
from wordbot.effects import Button, Keyboard
from wordbot.rendering.html import escape

__all__ = [
    "BOT_COMMANDS",
    "CLEAR_SCOPE",
    "add_usage",
    "clear_cancelled",
    "clear_done",
    "clear_keyboard",
    "clear_nothing",
    "clear_question",
    "document_too_large",
    "download_failed",
    "help_text",
    "import_error",
    "imports_busy",
    "import_nothing_found",
    "import_summary",
    "nothing_to_export",
    "private_only",
    "slow_down",
    "something_went_wrong",
    "stale_button",
    "too_many_pairs",
    "unknown_command",
    "unsupported_document",
    "unsupported_message",
    "text_hint",
    "welcome_text",
]


BOT_COMMANDS: tuple[tuple[str, str], ...] = (
    ("review", "Train your due cards"),
    ("getpair", "Train one card"),
    ("game", "Typed-answer quiz"),
    ("settings", "Cards per session, reminders, timezone"),
    ("add", "Add word pairs"),
    ("words", "Browse, search, edit or delete your words"),
    ("export", "Download your words as CSV"),
    ("clear", "Delete all your words"),
    ("help", "How to use WordBot"),
)


def _commands_block() -> str:
    return "\n".join(f"/{name} – {description}" for name, description in BOT_COMMANDS)


def welcome_text(first_name: str | None = None) -> str:
    greeting = f"Hi, {escape(first_name)}!" if first_name else "Hi!"
    return (
        f"👋 {greeting} I'm <b>WordBot</b>: I help you learn word pairs.\n\n"
        "<b>Add words</b> by sending /add with one pair per line:\n"
        "<code>/add house, casa\ndog, perro</code>\n"
        "or send me a .csv, .tsv or .txt file with two columns.\n\n"
        f"<b>Commands</b>\n{_commands_block()}"
    )


def help_text() -> str:
    return (
        "<b>WordBot</b> keeps your word pairs and trains them.\n\n"
        "<b>Training</b>\n"
        "/review shows a few cards, one at a time: recall the hidden side, tap the spoiler to "
        "check, then grade yourself (Again, Hard, Good, Easy). Cards you know come back less "
        "often. /getpair trains a single card. An unfinished session waits for you, even "
        "across restarts.\n\n"
        "<b>Game</b>\n"
        "/game asks you to type translations of up to 5 pairs, both ways. A wrong answer or 👀 "
        "brings the card back later; a missing accent or a small typo still counts "
        '("Almost"). At the end you see your score. /game resumes a game in '
        "progress, /game new starts over.\n\n"
        "<b>Reminders</b>\n"
        "At your morning, afternoon and evening times a short review session arrives by "
        "itself. /settings changes the cards per session, which reminders you get and your "
        "timezone.\n\n"
        "<b>Adding words</b>\n"
        "• /add with lines <code>word1, word2</code> (a comma, semicolon or tab between the sides)\n"
        "• /add alone, then send the list as your next message\n"
        "• a .csv, .tsv or .txt file: two columns, an optional header row, up to 5 MB and "
        "20,000 rows; an existing word gets its translation updated\n\n"
        "<b>Your words</b>\n"
        "/words lists your pairs, 10 a page; /words <i>text</i> shows only those containing "
        "it (case and accents don't matter). Tap a pair to see when it is due, edit it, "
        "delete it or make it new again.\n\n"
        f"<b>Commands</b>\n{_commands_block()}"
    )


def add_usage() -> str:
    return (
        "Send me your word pairs, one per line:\n"
        "<code>house, casa\ndog; perro</code>\n"
        "I'll take your next message as the list (for 5 minutes)."
    )


def import_summary(new: int, updated: int, skipped: int, unchanged: int = 0) -> str:
    text = f"Imported {new} new pairs, updated {updated}, skipped {skipped} rows."
    if unchanged:
        already = "pair was" if unchanged == 1 else "pairs were"
        text += f"\n{unchanged} {already} already there unchanged."
    return text


def import_nothing_found(skipped: int) -> str:
    if not skipped:
        return "I found no word pairs there. Each line needs two sides: <code>house, casa</code>."
    return (
        f"I found no usable word pairs: {skipped} rows were skipped. Each line needs two "
        "non-empty sides of at most 200 characters, like <code>house, casa</code>. "
        "Nothing was saved."
    )


def import_error(reason: str) -> str:
    return f"I couldn't read that: {escape(reason)}\nNothing was saved."


def too_many_pairs(existing: int, new: int, limit: int) -> str:
    return (
        f"That would make {existing + new:,} pairs, but you can keep at most {limit:,}. "
        "Nothing was saved."
    )


def unsupported_document() -> str:
    return "I can import .csv, .tsv and .txt files with two columns: <code>word1,word2</code>."


def document_too_large() -> str:
    return "That file is larger than 5 MB. Please split it into smaller files."


def imports_busy() -> str:
    """Two imports already run (SPEC §7.6): this one is not queued."""
    return "Other imports are running right now. Please send the file again in a minute."


def download_failed() -> str:
    return "I couldn't download that file from Telegram. Please send it again."


def nothing_to_export() -> str:
    return "You have no vocabulary to export."


def clear_question(count: int) -> str:
    noun = "pair" if count == 1 else "pairs"
    return f"Delete all your {count} word {noun} and end your sessions? This cannot be undone."


def clear_keyboard(token: str) -> Keyboard:
    return (
        (
            Button("🗑 Delete all", encode_callback(CLEAR_SCOPE, "yes", token)),
            Button("Cancel", encode_callback(CLEAR_SCOPE, "no", token)),
        ),
    )


def clear_done(deleted: int) -> str:
    noun = "pair" if deleted == 1 else "pairs"
    return f"Deleted {deleted} word {noun}. Send /add to start again."


def clear_cancelled() -> str:
    return "Nothing was deleted."


def clear_nothing() -> str:
    return "You have no vocabulary to clear."


def stale_button() -> str:
    return "This button is no longer active."


def unknown_command(command: str) -> str:
    shown = command if len(command) <= 32 else command[:31] + "…"
    return f"I don't know /{escape(shown)}. Send /help to see what I can do."


def unsupported_message() -> str:
    return "I understand text, commands and .csv/.txt files. Send /help to see what I can do."


def text_hint() -> str:
    return (
        "Send /review to train your words, /game for a quiz, or /add with pairs like "
        "<code>house, casa</code> to add some. /help shows more."
    )


def private_only() -> str:
    return "WordBot works in private chats only."


def something_went_wrong() -> str:
    return "Something went wrong, please try again."


def slow_down() -> str:
    return "Slow down, please: I am still working through your earlier messages."
