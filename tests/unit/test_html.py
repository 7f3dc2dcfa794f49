"""Escaping user data and splitting texts for Telegram's 4096-unit limit (SPEC §2)."""

from __future__ import annotations

import html
import re

import pytest

from wordbot.rendering.html import escape
from wordbot.transport.message_split import MAX_MESSAGE_UNITS, split_message, telegram_length

_TAG = re.compile(r"<(/?)([a-z-]+)[^>]*>")


def _open_tags_left(part: str) -> list[str]:
    """Tags opened in `part` and not closed there, or closed without being opened."""
    stack: list[str] = []
    for closing, name in _TAG.findall(part):
        if not closing:
            stack.append(name)
        elif stack and stack[-1] == name:
            stack.pop()
        else:
            return [f"/{name}"]
    return stack


def _assert_fits(parts: list[str]) -> None:
    assert parts
    for part in parts:
        assert telegram_length(part) <= MAX_MESSAGE_UNITS


def _shown(text: str) -> str:
    """What the reader sees: tags dropped, entities resolved, line ends ignored."""
    return html.unescape(_TAG.sub("", text)).replace("\n", "")


def _assert_nothing_lost(text: str, parts: list[str]) -> None:
    """Only the newlines at split points may go (and tags closed/reopened around a split)."""
    assert "".join(_shown(part) for part in parts) == _shown(text)


# --- escape --------------------------------------------------------------------------------


def test_escape_makes_markup_characters_literal():
    assert escape("<b>&_*[") == "&lt;b&gt;&amp;_*["


@pytest.mark.parametrize(
    "word",
    ["<b>&_*[", "a & b", "&amp;", "<tg-spoiler>", "x<y>z", "\"quoted\" 'single'", "😀 ñ 漢字"],
)
def test_escaped_word_shows_exactly_as_typed(word):
    escaped = escape(word)
    assert "<" not in escaped and ">" not in escaped
    assert html.unescape(escaped) == word


# --- telegram_length -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "units"),
    [("", 0), ("abc", 3), ("ñé", 2), ("漢字", 2), ("😀", 2), ("👍🏽", 4), ("𝄞x", 3)],
)
def test_telegram_length_counts_utf16_units(text, units):
    assert telegram_length(text) == units


# --- split_message -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("Hi!", id="short"),
        pytest.param("line one\nline two\n\nline four", id="several_lines"),
        pytest.param("x" * MAX_MESSAGE_UNITS, id="exactly_the_limit"),
        pytest.param("😀" * (MAX_MESSAGE_UNITS // 2), id="exactly_the_limit_in_emoji"),
    ],
)
def test_text_within_limit_stays_whole(text):
    assert split_message(text) == [text]


def test_long_text_is_split_at_line_ends():
    lines = [f"{n:04d} " + "word " * 20 for n in range(400)]
    text = "\n".join(lines)
    parts = split_message(text)
    assert len(parts) > 1
    _assert_fits(parts)
    assert "\n".join(parts) == text
    for part in parts:
        assert part.split("\n")[0] in lines  # every part starts at a line start


def test_emoji_count_two_units_when_splitting():
    line = "😀" * 1000  # 1000 characters, 2000 units
    text = "\n".join([line] * 5)
    parts = split_message(text)
    _assert_fits(parts)
    assert len(parts) == 3
    assert "\n".join(parts) == text


def test_single_ten_thousand_character_line_is_cut_into_fitting_parts():
    text = "x" * 10_000
    parts = split_message(text)
    _assert_fits(parts)
    assert len(parts) == 3
    assert "".join(parts) == text


def test_long_emoji_line_is_never_cut_inside_a_character():
    text = "a" + "😀" * 5000
    parts = split_message(text)
    _assert_fits(parts)
    assert "".join(parts) == text
    for part in parts:
        part.encode("utf-8")  # a lone surrogate half would raise


def test_long_line_among_short_ones_loses_nothing():
    text = "intro\n" + "y" * 9000 + "\noutro\n" + "z" * 100
    parts = split_message(text)
    _assert_fits(parts)
    _assert_nothing_lost(text, parts)


@pytest.mark.parametrize("offset", range(14))
def test_long_line_is_never_cut_inside_a_tag_or_entity(offset):
    text = "x" * offset + "<b>a&amp;b</b> <i>&lt;c&gt;</i> " * 400
    parts = split_message(text)
    assert len(parts) > 1
    _assert_fits(parts)
    _assert_nothing_lost(text, parts)
    for part in parts:
        assert not re.search(r"<[^>]*$", part), "ends inside a tag"
        assert not re.match(r"[^<]*>", part), "starts inside a tag"
        assert not re.search(r"&[#\w]*$", part), "ends inside an entity"
        assert not re.match(r"[#\w]*;", part), "starts inside an entity"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("many short\nlines\n" * 600, id="many_lines"),
        pytest.param("\n".join("é😀<b>&amp;</b>" * n for n in range(1, 120)), id="growing_lines"),
        pytest.param("\n\n" + "w" * 5000 + "\n\n\n" + "v" * 4096 + "\n", id="blank_lines"),
    ],
)
def test_split_parts_fit_and_lose_nothing(text):
    parts = split_message(text)
    _assert_fits(parts)
    _assert_nothing_lost(text, parts)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("<b>" + "x" * 5000 + "</b>", id="long_bold_line"),
        pytest.param("<tg-spoiler>" + "word\n" * 1000 + "</tg-spoiler>", id="multi_line_spoiler"),
    ],
)
def test_every_part_keeps_its_tags_balanced(text):
    for part in split_message(text):
        assert _open_tags_left(part) == []
