"""Texts and keyboards of vocabulary management: welcome, help, /add, import, /export, /clear.

Every text comes from the gettext catalog of `lang` (SPEC §15); English is the msgid itself.
"""

from __future__ import annotations

from babel.numbers import format_decimal

from wordbot.callback_data import CLEAR_SCOPE, encode_callback
from wordbot.domain.pairs import InputProblem, InputReason, VocabularyInputError
from wordbot.effects import Button, Keyboard
from wordbot.i18n import N_, ngettext
from wordbot.i18n import gettext as _
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
    "command_menu",
    "document_too_large",
    "download_failed",
    "export_caption",
    "help_text",
    "import_error",
    "input_reason",
    "refusal_reason",
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


# The command menu in English; `command_menu(lang)` translates the descriptions.
BOT_COMMANDS: tuple[tuple[str, str], ...] = (
    ("review", N_("Train your due cards")),
    ("getpair", N_("Train one card")),
    ("game", N_("Typed-answer quiz")),
    ("settings", N_("Cards per session, reminders, timezone")),
    ("add", N_("Add word pairs")),
    ("words", N_("Browse, search, edit or delete your words")),
    ("export", N_("Download your words as CSV")),
    ("clear", N_("Delete all your words")),
    ("stats", N_("Your progress in numbers and a chart")),
    ("feedback", N_("Write to the bot's team")),
    ("help", N_("How to use WordBot")),
)


def command_menu(lang: str = "en") -> list[tuple[str, str]]:
    """(command, description) pairs for setMyCommands with this language_code."""
    return [(name, _(description, lang)) for name, description in BOT_COMMANDS]


def _commands_block(lang: str) -> str:
    return "\n".join(f"/{name} – {description}" for name, description in command_menu(lang))


def welcome_text(first_name: str | None = None, *, lang: str = "en") -> str:
    if first_name:
        greeting = _("Hi, {name}!", lang).format(name=escape(first_name))
    else:
        greeting = _("Hi!", lang)
    return _(
        "👋 {greeting} I'm <b>WordBot</b>: I help you learn word pairs.\n\n"
        "<b>Add words</b> by sending /add with one pair per line:\n"
        "<code>/add house, casa\ndog, perro</code>\n"
        "or send me a .csv, .tsv or .txt file with two columns.\n\n"
        "<b>Commands</b>\n{commands}",
        lang,
    ).format(greeting=greeting, commands=_commands_block(lang))


def help_text(*, lang: str = "en") -> str:
    return _(
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
        "<b>Progress and feedback</b>\n"
        "/stats shows your words by state, what is due, your streak and true retention, with "
        "a chart of the last and the next 30 days. /feedback sends a message to the bot's "
        "team.\n\n"
        "<b>Commands</b>\n{commands}",
        lang,
    ).format(commands=_commands_block(lang))


def add_usage(*, lang: str = "en") -> str:
    return _(
        "Send me your word pairs, one per line:\n"
        "<code>house, casa\ndog; perro</code>\n"
        "I'll take your next message as the list (for 5 minutes).",
        lang,
    )


def import_summary(
    new: int, updated: int, skipped: int, unchanged: int = 0, *, lang: str = "en"
) -> str:
    text = _("Imported {new} new pairs, updated {updated}, skipped {skipped} rows.", lang).format(
        new=new, updated=updated, skipped=skipped
    )
    if unchanged:
        already = ngettext(
            "{count} pair was already there unchanged.",
            "{count} pairs were already there unchanged.",
            unchanged,
            lang,
        )
        text += "\n" + already.format(count=unchanged)
    return text


def import_nothing_found(skipped: int, *, lang: str = "en") -> str:
    if not skipped:
        return _(
            "I found no word pairs there. Each line needs two sides: <code>house, casa</code>.",
            lang,
        )
    return ngettext(
        "I found no usable word pairs: {count} rows were skipped. Each line needs two "
        "non-empty sides of at most 200 characters, like <code>house, casa</code>. "
        "Nothing was saved.",
        "I found no usable word pairs: {count} rows were skipped. Each line needs two "
        "non-empty sides of at most 200 characters, like <code>house, casa</code>. "
        "Nothing was saved.",
        skipped,
        lang,
    ).format(count=skipped)


def import_error(reason: str, *, lang: str = "en") -> str:
    return _("I couldn't read that: {reason}\nNothing was saved.", lang).format(
        reason=escape(reason)
    )


def input_reason(reason: InputReason, *, lang: str = "en") -> str:
    """Why an input cannot be imported, plain text (in English as the parser words it)."""
    line = "" if reason.line is None else str(reason.line)
    limit = "" if reason.limit is None else _number(reason.limit, lang)
    match reason.problem:
        case InputProblem.TOO_MANY_ROWS:
            text = _("Too many rows: at most {limit} rows can be imported at once.", lang)
        case InputProblem.LINE_TOO_LONG:
            text = _("Line {line} is too long: at most {limit} characters.", lang)
        case InputProblem.QUOTE_NOT_CLOSED:
            text = _("Line {line}: a quoted field is never closed.", lang)
        case InputProblem.FIELD_TOO_LONG:
            text = _("Line {line}: a field is far too long (is a quote left open?).", lang)
        case InputProblem.MALFORMED_QUOTES:
            text = _(
                "Line {line}: malformed quotes (a quoted field must end at a delimiter).", lang
            )
        case InputProblem.BINARY_FILE:
            text = _("This looks like a binary file, not a CSV/TXT file.", lang)
        case InputProblem.NOT_UTF8:
            text = _("The file is not UTF-8 text.", lang)
        case InputProblem.NOT_UTF16:
            text = _("The file is not valid UTF-16 text.", lang)
        case InputProblem.FILE_TOO_LARGE:
            text = _("The file is larger than {limit} MB.", lang)
        case _:
            raise AssertionError(f"unhandled input problem {reason.problem!r}")
    return text.format(line=line, limit=limit)


def refusal_reason(error: VocabularyInputError, *, lang: str = "en") -> str:
    """The reason of a refused input in `lang` (its English words when it has no data)."""
    return str(error) if error.reason is None else input_reason(error.reason, lang=lang)


def too_many_pairs(existing: int, new: int, limit: int, *, lang: str = "en") -> str:
    total = existing + new
    return ngettext(
        "That would make {total} pairs, but you can keep at most {limit}. Nothing was saved.",
        "That would make {total} pairs, but you can keep at most {limit}. Nothing was saved.",
        total,
        lang,
    ).format(total=_number(total, lang), limit=_number(limit, lang))


def unsupported_document(*, lang: str = "en") -> str:
    return _(
        "I can import .csv, .tsv and .txt files with two columns: <code>word1,word2</code>.", lang
    )


def document_too_large(*, lang: str = "en") -> str:
    return _("That file is larger than 5 MB. Please split it into smaller files.", lang)


def download_failed(*, lang: str = "en") -> str:
    return _("I couldn't download that file from Telegram. Please send it again.", lang)


def imports_busy(*, lang: str = "en") -> str:
    """Two imports already run (SPEC §7.6): this one is not queued."""
    return _("Other imports are running right now. Please send the file again in a minute.", lang)


def nothing_to_export(*, lang: str = "en") -> str:
    return _("You have no vocabulary to export.", lang)


def export_caption(count: int, *, lang: str = "en") -> str:
    """The caption of the /export document, with the pair count."""
    return ngettext(
        "Your vocabulary: {count} pair.", "Your vocabulary: {count} pairs.", count, lang
    ).format(count=_number(count, lang))


def clear_question(count: int, *, lang: str = "en") -> str:
    return ngettext(
        "Delete all your {count} word pair and end your sessions? This cannot be undone.",
        "Delete all your {count} word pairs and end your sessions? This cannot be undone.",
        count,
        lang,
    ).format(count=count)


def clear_keyboard(token: str, *, lang: str = "en") -> Keyboard:
    return (
        (
            Button(_("🗑 Delete all", lang), encode_callback(CLEAR_SCOPE, "yes", token)),
            Button(_("Cancel", lang), encode_callback(CLEAR_SCOPE, "no", token)),
        ),
    )


def clear_done(deleted: int, *, lang: str = "en") -> str:
    return ngettext(
        "Deleted {count} word pair. Send /add to start again.",
        "Deleted {count} word pairs. Send /add to start again.",
        deleted,
        lang,
    ).format(count=deleted)


def clear_cancelled(*, lang: str = "en") -> str:
    return _("Nothing was deleted.", lang)


def clear_nothing(*, lang: str = "en") -> str:
    return _("You have no vocabulary to clear.", lang)


def stale_button(*, lang: str = "en") -> str:
    return _("This button is no longer active.", lang)


def unknown_command(command: str, *, lang: str = "en") -> str:
    shown = command if len(command) <= 32 else command[:31] + "…"
    return _("I don't know /{command}. Send /help to see what I can do.", lang).format(
        command=escape(shown)
    )


def unsupported_message(*, lang: str = "en") -> str:
    return _(
        "I understand text, commands and .csv/.txt files. Send /help to see what I can do.", lang
    )


def text_hint(*, lang: str = "en") -> str:
    return _(
        "Send /review to train your words, /game for a quiz, or /add with pairs like "
        "<code>house, casa</code> to add some. /help shows more.",
        lang,
    )


def private_only(*, lang: str = "en") -> str:
    return _("WordBot works in private chats only.", lang)


def something_went_wrong(*, lang: str = "en") -> str:
    return _("Something went wrong, please try again.", lang)


def _number(value: int, lang: str) -> str:
    """A count with the language's digit grouping ("20,000" in English)."""
    return format_decimal(value, locale=lang, group_separator=True)


def slow_down(*, lang: str = "en") -> str:
    return _("Slow down, please: I am still working through your earlier messages.", lang)
