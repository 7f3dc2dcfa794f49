"""The `/export` document and its round trip through import (SPEC §3.3)."""

import datetime
import random

import pytest

from wordbot.domain.csv_export import export_csv, export_file_name
from wordbot.domain.csv_import import parse_document
from wordbot.domain.pairs import MAX_SIDE_CHARS, PairInput, ParsedPairs

_BOM = b"\xef\xbb\xbf"


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        pytest.param([], b"", id="no_pairs_is_just_the_bom"),
        pytest.param([("house", "casa")], b"house,casa\r\n", id="plain"),
        pytest.param(
            [("a", "b"), ("c", "d")], b"a,b\r\nc,d\r\n", id="crlf_after_every_row_no_header"
        ),
        pytest.param([("a, b", "c")], b'"a, b",c\r\n', id="comma_is_quoted"),
        pytest.param([('say "hi"', "c")], b'"say ""hi""",c\r\n', id="quote_is_doubled"),
        pytest.param([("a\nb", "c")], b'"a\nb",c\r\n', id="newline_is_quoted"),
        pytest.param([("a\tb", "c;d")], b"a\tb,c;d\r\n", id="tab_and_semicolon_not_quoted"),
        pytest.param([("=1+1", "<b>&_*[")], b"=1+1,<b>&_*[\r\n", id="no_formula_escaping"),
        pytest.param([("дом", "😀")], "дом,😀\r\n".encode(), id="utf8"),
    ],
)
def test_export_is_rfc4180_csv_in_utf8_with_bom(
    pairs: list[tuple[str, str]], expected: bytes
) -> None:
    assert export_csv(pairs) == _BOM + expected


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        pytest.param([("front", "back")], b'"front","back"\r\n', id="front_back"),
        pytest.param([("Word1", "WORD2"), ("a", "b")], b'"Word1","WORD2"\r\na,b\r\n', id="word"),
        pytest.param([("a", "b"), ("front", "back")], b"a,b\r\nfront,back\r\n", id="not_first"),
    ],
)
def test_first_pair_that_looks_like_a_header_is_written_quoted(
    pairs: list[tuple[str, str]], expected: bytes
) -> None:
    assert export_csv(pairs) == _BOM + expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2026, 1, 5), "vocabulary-20260105.csv"),
        (datetime.date(1999, 12, 31), "vocabulary-19991231.csv"),
    ],
)
def test_export_file_name_carries_the_date(day: datetime.date, expected: str) -> None:
    assert export_file_name(day) == expected


# --- round trip ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pairs",
    [
        pytest.param([("house", "casa")], id="plain"),
        pytest.param([("front", "back"), ("house", "casa")], id="header_lookalike_first"),
        pytest.param([("Source", "Target")], id="header_lookalike_only"),
        pytest.param([("a, b", "c; d"), ("e\tf", 'g "h"')], id="delimiters_and_quotes"),
        pytest.param([("a\tb", "c\td"), ("e\tf", "g")], id="tabs_in_every_row"),
        pytest.param([("a;b", "c;d;e")], id="semicolons"),
        pytest.param([("x", "line one\n\tline two\nthree\tfour")], id="multi_line_with_tabs"),
        pytest.param([("<b>&_*[", "</b>"), ("=SUM(A1)", "+1"), ("-2", "@x")], id="markup"),
        pytest.param([("дом", "house"), ("naïve", "ingénu"), ("🏠", "🐈‍⬛")], id="unicode"),
        pytest.param([('"', '""'), ('"a"', "b")], id="quotes_only"),
        pytest.param([("\ufeffbom", "x")], id="word_starting_with_bom_character"),
        pytest.param([("a" * MAX_SIDE_CHARS, "б" * MAX_SIDE_CHARS)], id="longest_sides"),
    ],
)
def test_export_then_import_round_trips_exactly(pairs: list[tuple[str, str]]) -> None:
    expected = tuple(PairInput(word1, word2) for word1, word2 in pairs)
    assert parse_document(export_csv(pairs)) == ParsedPairs(pairs=expected, skipped=0)


_NASTY_ALPHABET = (
    list("abcxyzABC019 ")
    + list(",;\t\"'\n`<>&_*[]()=+-@#\\/|.")
    + list("дЖЯёéñüßçø中文")
    + ["😀", "🏠", "👍🏽", "\u200d", "\u00a0", "\ufeff"]
)


def _random_side(rng: random.Random) -> str:
    length = rng.choice((1, 2, 5, 20, rng.randint(1, MAX_SIDE_CHARS + 20)))
    side = "".join(rng.choice(_NASTY_ALPHABET) for _ in range(length)).strip()
    return side[:MAX_SIDE_CHARS].strip() or rng.choice("abc")


def _random_pairs(rng: random.Random) -> list[tuple[str, str]]:
    pairs: dict[str, str] = {}
    if rng.random() < 0.2:
        pairs[rng.choice(["front", "Word1", " source"]).strip()] = rng.choice(["back", "target"])
    for _ in range(rng.randint(1, 30)):
        pairs.setdefault(_random_side(rng), _random_side(rng))
    return list(pairs.items())


@pytest.mark.parametrize("seed", range(8))
def test_random_nasty_pairs_round_trip_exactly(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(25):
        pairs = _random_pairs(rng)
        expected = tuple(PairInput(word1, word2) for word1, word2 in pairs)
        assert parse_document(export_csv(pairs)) == ParsedPairs(pairs=expected, skipped=0), pairs
