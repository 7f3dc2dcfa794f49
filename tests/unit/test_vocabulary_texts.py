"""Vocabulary texts: user data is HTML-escaped, markup is well formed (SPEC §2, §3)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

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
