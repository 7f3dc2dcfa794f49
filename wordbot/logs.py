"""Logging set-up, with every known secret masked in every record."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable

__all__ = ["RedactingFilter", "configure_logging"]

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RedactingFilter(logging.Filter):
    """Replaces secrets (the bot token) in the final message, including exception text."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed log call still gets logged, masked
            message = f"{record.msg} (bad log arguments: {record.args!r})"
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        for secret in self._secrets:
            message = message.replace(secret, "********")
            if record.exc_text:
                record.exc_text = record.exc_text.replace(secret, "********")
        record.msg, record.args = message, None
        return True


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
