"""The learner's language (SPEC §15): gettext catalogs per language, English as the fallback.

Catalogs live in `wordbot/locale/<lang>/LC_MESSAGES/wordbot.po`; the compiled `.mo` beside each
is committed and shipped as package data, so `pip install` is the only step a user takes.
After changing a text, from the repository root:

    pybabel extract -F babel.cfg --no-location --omit-header -o wordbot/locale/wordbot.pot .
    pybabel update -N -w 100 -i wordbot/locale/wordbot.pot -d wordbot/locale -D wordbot \
        --ignore-obsolete
    (translate the new entries in wordbot/locale/ru/LC_MESSAGES/wordbot.po)
    pybabel compile -d wordbot/locale -D wordbot

tests/unit/test_catalogs.py fails when a catalog lacks a string, a placeholder differs, or a
`.mo` is not the compilation of its `.po`.

Decisions where the SPEC is silent:
* The English catalog keeps its msgstrs empty: the msgid is the English text.
* `language_for` takes the primary subtag of an IETF tag ("ru", "ru-RU", "RU" → "ru");
  every unsupported or missing code is English. Belarusian, Ukrainian and Kazakh users are
  not guessed into Russian: they get English and may switch in /settings → Language.
* An unknown language code given to `gettext`/`ngettext` is treated as English.
* Placeholders are named `{fields}` filled with str.format after translation.
"""

from __future__ import annotations

import gettext as _gettext
from functools import cache
from pathlib import Path

__all__ = [
    "DEFAULT_LANGUAGE",
    "DOMAIN",
    "LANGUAGE_NAMES",
    "LOCALE_DIRECTORY",
    "SUPPORTED_LANGUAGES",
    "N_",
    "gettext",
    "language_for",
    "ngettext",
    "supported_language",
]

DOMAIN = "wordbot"
LOCALE_DIRECTORY = Path(__file__).with_name("locale")
DEFAULT_LANGUAGE = "en"
SUPPORTED_LANGUAGES = ("en", "ru")
# Each language named in itself, as the Language screen shows it.
LANGUAGE_NAMES = {"en": "English", "ru": "Русский"}


def N_(message: str) -> str:  # noqa: N802 - the name gettext tools look for
    """Mark a text for extraction where it is defined; translate it where it is shown."""
    return message


def supported_language(lang: str | None) -> str:
    """`lang` when a catalog ships for it, else English."""
    return lang if lang in SUPPORTED_LANGUAGES else DEFAULT_LANGUAGE


def language_for(telegram_language_code: str | None) -> str:
    """The language for Telegram's `language_code` ("ru-RU" → "ru"; unknown → "en")."""
    if not isinstance(telegram_language_code, str):
        return DEFAULT_LANGUAGE
    primary = telegram_language_code.strip().replace("_", "-").split("-", 1)[0].lower()
    return supported_language(primary)


def gettext(message: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """`message` in `lang`."""
    return _translations(supported_language(lang)).gettext(message)


def ngettext(singular: str, plural: str, count: int, lang: str = DEFAULT_LANGUAGE) -> str:
    """The form of `singular`/`plural` for `count` in `lang` (Russian has three)."""
    return _translations(supported_language(lang)).ngettext(singular, plural, count)


@cache
def _translations(lang: str) -> _gettext.NullTranslations:
    return _gettext.translation(DOMAIN, LOCALE_DIRECTORY, languages=[lang], fallback=True)
