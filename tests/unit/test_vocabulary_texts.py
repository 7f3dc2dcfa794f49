"""Vocabulary texts: user data is HTML-escaped, markup is well formed (SPEC §2, §3)."""

from __future__ import annotations

import codecs
import re
from html.parser import HTMLParser

import pytest

from wordbot.domain.csv_import import parse_document
from wordbot.domain.pairs import (
    MAX_IMPORT_BYTES,
    MAX_IMPORT_LINES,
    MAX_LINE_CHARS,
    InputProblem,
    VocabularyInputError,
    parse_pairs_text,
)
from wordbot.rendering import vocabulary as texts

HOSTILE = "<b>&_*[</i>"
# Tags Telegram accepts in HTML parse mode.
TELEGRAM_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler",
    "a", "code", "pre", "blockquote", "tg-emoji",
}  # fmt: skip


class _TagChecker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in TELEGRAM_TAGS:
            self.problems.append(f"unsupported <{tag}>")
        self.open.append(tag)

    def handle_endtag(self, tag):
        if not self.open or self.open.pop() != tag:
            self.problems.append(f"unbalanced </{tag}>")


def _assert_telegram_html(text: str) -> None:
    checker = _TagChecker()
    checker.feed(text)
    checker.close()
    assert checker.problems == [] and checker.open == [], text
    assert not re.search(r"&(?!(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)", text), "raw &"


def test_welcome_text_escapes_first_name():
    text = texts.welcome_text(first_name="<b>&")
    assert "Hi, &lt;b&gt;&amp;!" in text
    assert "<b>&!" not in text
    _assert_telegram_html(text)


def test_welcome_text_without_name_greets_plainly():
    assert "Hi!" in texts.welcome_text()


def test_import_error_escapes_reason():
    text = texts.import_error("<x>")
    assert "&lt;x&gt;" in text
    assert "<x>" not in text
    _assert_telegram_html(text)


def test_unknown_command_escapes_command():
    text = texts.unknown_command(HOSTILE)
    assert "/&lt;b&gt;&amp;_*[&lt;/i&gt;" in text
    _assert_telegram_html(text)


@pytest.mark.parametrize(
    ("new", "updated", "skipped", "expected"),
    [
        (3, 2, 1, "Imported 3 new pairs, updated 2, skipped 1 rows."),
        (0, 0, 0, "Imported 0 new pairs, updated 0, skipped 0 rows."),
        (1200, 5, 17, "Imported 1200 new pairs, updated 5, skipped 17 rows."),
    ],
)
def test_import_summary_sentence(new, updated, skipped, expected):
    assert texts.import_summary(new, updated, skipped) == expected


def test_import_summary_mentions_unchanged_pairs_on_a_second_line():
    text = texts.import_summary(1, 0, 0, unchanged=4)
    assert text.split("\n")[0] == "Imported 1 new pairs, updated 0, skipped 0 rows."


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(texts.welcome_text(HOSTILE), id="welcome_text"),
        pytest.param(texts.help_text(), id="help_text"),
        pytest.param(texts.add_usage(), id="add_usage"),
        pytest.param(texts.import_summary(1, 2, 3, unchanged=1), id="import_summary"),
        pytest.param(texts.import_nothing_found(0), id="import_nothing_found"),
        pytest.param(texts.import_nothing_found(4), id="import_nothing_found_skipped"),
        pytest.param(texts.import_error(HOSTILE), id="import_error"),
        pytest.param(texts.too_many_pairs(19_990, 20, 20_000), id="too_many_pairs"),
        pytest.param(texts.unsupported_document(), id="unsupported_document"),
        pytest.param(texts.document_too_large(), id="document_too_large"),
        pytest.param(texts.download_failed(), id="download_failed"),
        pytest.param(texts.nothing_to_export(), id="nothing_to_export"),
        pytest.param(texts.clear_question(1), id="clear_question"),
        pytest.param(texts.clear_done(2), id="clear_done"),
        pytest.param(texts.clear_cancelled(), id="clear_cancelled"),
        pytest.param(texts.clear_nothing(), id="clear_nothing"),
        pytest.param(texts.stale_button(), id="stale_button"),
        pytest.param(texts.unknown_command(HOSTILE), id="unknown_command"),
        pytest.param(texts.unsupported_message(), id="unsupported_message"),
        pytest.param(texts.text_hint(), id="text_hint"),
        pytest.param(texts.private_only(), id="private_only"),
        pytest.param(texts.something_went_wrong(), id="something_went_wrong"),
    ],
)
def test_text_is_well_formed_telegram_html(text):
    _assert_telegram_html(text)


def test_private_only_text_matches_spec():
    assert texts.private_only() == "WordBot works in private chats only."


@pytest.mark.parametrize(
    ("count", "lang", "expected"),
    [
        (1, "en", "Your vocabulary: 1 pair."),
        (2, "en", "Your vocabulary: 2 pairs."),
        (12, "en", "Your vocabulary: 12 pairs."),
        (20_000, "en", "Your vocabulary: 20,000 pairs."),
        (1, "ru", "Ваш словарь: 1 пара."),
        (3, "ru", "Ваш словарь: 3 пары."),
        (5, "ru", "Ваш словарь: 5 пар."),
        (21, "ru", "Ваш словарь: 21 пара."),
        (20_000, "ru", "Ваш словарь: 20\xa0000 пар."),
    ],
)
def test_the_export_caption_states_the_count_in_the_learners_language(
    count: int, lang: str, expected: str
) -> None:
    assert texts.export_caption(count, lang=lang) == expected


# --- the parser's reasons in the learner's language ----------------------------------------

_REFUSED_INPUTS = {
    InputProblem.TOO_MANY_ROWS: lambda: parse_pairs_text("a,b\n" * (MAX_IMPORT_LINES + 1)),
    InputProblem.LINE_TOO_LONG: lambda: parse_pairs_text("ok, fine\na," + "x" * MAX_LINE_CHARS),
    InputProblem.QUOTE_NOT_CLOSED: lambda: parse_pairs_text('house, casa\n"dog, perro'),
    InputProblem.FIELD_TOO_LONG: lambda: parse_pairs_text('"' + ("x" * 1000 + "\n") * 200),
    InputProblem.MALFORMED_QUOTES: lambda: parse_pairs_text('"a"b, c'),
    InputProblem.BINARY_FILE: lambda: parse_document(b"a\x00b"),
    InputProblem.NOT_UTF8: lambda: parse_document(b"house, \xc3\x28"),
    InputProblem.NOT_UTF16: lambda: parse_document(codecs.BOM_UTF16_LE + b"\x00\xd8"),
    InputProblem.FILE_TOO_LARGE: lambda: parse_document(b"a" * (MAX_IMPORT_BYTES + 1)),
}


def _refusal(problem: InputProblem) -> VocabularyInputError:
    with pytest.raises(VocabularyInputError) as caught:
        _REFUSED_INPUTS[problem]()
    assert caught.value.reason is not None and caught.value.reason.problem is problem
    return caught.value


@pytest.mark.parametrize("problem", list(InputProblem))
def test_every_parser_reason_reads_in_english_as_the_parser_words_it(problem) -> None:
    error = _refusal(problem)
    assert texts.refusal_reason(error) == str(error)


@pytest.mark.parametrize("problem", list(InputProblem))
def test_every_parser_reason_is_translated_into_russian(problem) -> None:
    error = _refusal(problem)
    russian = texts.refusal_reason(error, lang="ru")
    assert re.search(r"[а-яё]", russian, re.IGNORECASE) and russian != str(error)
    if error.reason.line is not None:
        assert str(error.reason.line) in russian
    text = texts.import_error(russian, lang="ru")
    assert text.startswith("Не удалось прочитать: ")
    _assert_telegram_html(text)


def test_numbers_in_a_russian_reason_are_grouped_the_russian_way() -> None:
    reason = texts.refusal_reason(_refusal(InputProblem.TOO_MANY_ROWS), lang="ru")
    assert "20\xa0000" in reason


def test_a_reason_without_data_is_shown_as_worded() -> None:
    assert texts.refusal_reason(VocabularyInputError("Odd <input>."), lang="ru") == "Odd <input>."
