"""Logging set-up, with every known secret masked in every record."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

__all__ = ["MASK", "RedactingFilter", "configure_logging"]

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MASK = "********"
_MIN_PART_CHARS = 8  # a shorter part after the colon would mask ordinary words


class RedactingFilter(logging.Filter):
    """Replaces secrets in the final message, the exception text and the stack.

    Each secret is masked as written, URL-encoded (`%3A` or `%3a`, `+` for a space) and, for a
    bot token `<bot id>:<secret part>`, the secret part wherever it appears alone: in a token
    split at its colon or one whose colon was encoded in some other way. The bot id alone is
    public (every user sees it) and may stay.
    """

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._pattern = _secrets_pattern([s for s in secrets if s])

    def filter(self, record: logging.LogRecord) -> bool:
        if self._pattern is None:
            return True
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed log call still gets logged, masked
            message = f"{record.msg} (bad log arguments: {record.args!r})"
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        mask = self._pattern.sub
        record.msg, record.args = mask(MASK, message), None
        if record.exc_text:
            record.exc_text = mask(MASK, record.exc_text)
        if record.stack_info:
            record.stack_info = mask(MASK, record.stack_info)
        return True


def _secrets_pattern(secrets: list[str]) -> re.Pattern[str] | None:
    """One pattern for every form of every secret, longest first (a whole token before its
    secret part, so a whole token becomes one mask)."""
    forms: set[str] = set()
    for secret in secrets:
        for form in (secret, quote(secret, safe=""), quote_plus(secret, safe="")):
            forms.add(form)
            forms.add(re.sub(r"%[0-9A-F]{2}", lambda escape: escape[0].lower(), form))
        bot_id, colon, part = secret.partition(":")
        if colon and bot_id.isdigit() and len(part) >= _MIN_PART_CHARS:
            forms.add(part)
    if not forms:
        return None
    return re.compile("|".join(re.escape(form) for form in sorted(forms, key=len, reverse=True)))


def configure_logging(level: str, secrets: Iterable[str] = (), stream=None, path=None) -> None:
    """Root logging to stderr (or a file), secrets masked; chatty libraries kept at WARNING."""
    handler: logging.Handler = (
        logging.FileHandler(path, encoding="utf-8")
        if path
        else logging.StreamHandler(stream or sys.stderr)
    )
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.addFilter(RedactingFilter(secrets))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for noisy in ("TeleBot", "urllib3", "peewee", "pykka", "schedule"):
        library_logger = logging.getLogger(noisy)
        library_logger.setLevel(logging.WARNING)
        for own_handler in list(library_logger.handlers):  # telebot adds an unfiltered one
            library_logger.removeHandler(own_handler)
        library_logger.propagate = True
