"""The shipped catalogs (SPEC §15): complete, placeholders intact, compiled from their source."""

from __future__ import annotations

import io
import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from wordbot.i18n import DOMAIN, LOCALE_DIRECTORY, SUPPORTED_LANGUAGES, language_for

ROOT = Path(__file__).resolve().parents[2]
_TAG = re.compile(r"</?[a-z][a-z-]*>")


def _po_path(lang: str) -> Path:
    return LOCALE_DIRECTORY / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def _catalog(lang: str):
    with _po_path(lang).open("rb") as po:
        return read_po(po, locale=lang, domain=DOMAIN)


def _source_messages() -> set[str]:
    """Every msgid the code marks for translation (as `pybabel extract -F babel.cfg` finds it)."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _ids(message) -> tuple[str, ...]:
    return message.id if isinstance(message.id, tuple) else (message.id,)


def _strings(message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_a_catalog_has_every_text_of_the_code_and_no_stale_ones(lang: str) -> None:
    in_catalog = {_ids(message)[0] for message in _catalog(lang) if message.id}
    source = _source_messages()
    assert source - in_catalog == set(), "texts missing from the catalog: run pybabel update"
    assert in_catalog - source == set(), "texts no longer in the code: run pybabel update"


def test_every_russian_text_is_translated_in_every_plural_form() -> None:
    catalog = _catalog("ru")
    assert catalog.num_plurals == 3
    for message in catalog:
        if not message.id:
            continue
        assert not message.fuzzy, message.id
        forms = _strings(message)
        assert all(forms), f"untranslated: {message.id!r}"
        if message.pluralizable:
            assert len(forms) == 3, message.id


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_placeholders_and_tags_are_the_same_in_source_and_translation(lang: str) -> None:
    for message in _catalog(lang):
        if not message.id:
            continue
        ids = _ids(message)
        fields = {frozenset(_fields(text)) for text in ids}
        tags = sorted(_TAG.findall(ids[0]))
        for translated in _strings(message):
            if not translated:
                continue  # English: the msgid is the text
            assert frozenset(_fields(translated)) in fields, (message.id, translated)
            assert sorted(_TAG.findall(translated)) == tags, (message.id, translated)


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_a_compiled_catalog_is_the_compilation_of_its_source(lang: str) -> None:
    compiled = io.BytesIO()
    write_mo(compiled, _catalog(lang))
    shipped = _po_path(lang).with_suffix(".mo").read_bytes()
    assert shipped == compiled.getvalue(), "run: pybabel compile -d wordbot/locale -D wordbot"


@pytest.mark.parametrize(
    ("code", "lang"),
    [
        ("ru", "ru"),
        ("ru-RU", "ru"),
        ("RU", "ru"),
        ("en", "en"),
        ("en-GB", "en"),
        ("de", "en"),
        ("uk", "en"),
        ("", "en"),
        (None, "en"),
        ("<b>ru</b>", "en"),
        ("x" * 300, "en"),
    ],
)
def test_the_language_comes_from_telegrams_code_with_english_as_fallback(
    code: str | None, lang: str
) -> None:
    assert language_for(code) == lang
