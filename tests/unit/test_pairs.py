"""Parsing `/add` text and decoded documents into word pairs (SPEC §3.1, §3.2)."""

import pytest

from wordbot.domain.pairs import (
    MAX_IMPORT_LINES,
    MAX_IMPORT_ROWS,
    MAX_LINE_CHARS,
    MAX_SIDE_CHARS,
    PairInput,
    ParsedPairs,
    VocabularyInputError,
    detect_delimiter,
    looks_like_header,
    parse_pairs_text,
)


def _pairs(*sides: tuple[str, str]) -> tuple[PairInput, ...]:
    return tuple(PairInput(word1, word2) for word1, word2 in sides)


# --- delimiter detection -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        pytest.param(["house, casa", "dog, perro"], ",", id="comma_in_every_line"),
        pytest.param(["house;casa", "dog;perro"], ";", id="semicolon_in_every_line"),
        pytest.param(["house\tcasa", "dog\tperro"], "\t", id="tab_in_every_line"),
        pytest.param(
            ["house\tcasa, home", "dog\tperro", "cat\tgato"], "\t", id="tab_wins_when_most_lines"
        ),
        pytest.param(
            ["a;b, c", "d;e", "f;g", "h, i"], ";", id="semicolon_wins_when_most_lines_use_it"
        ),
        pytest.param(["one word", "another"], ",", id="no_delimiter_defaults_to_comma"),
        pytest.param([], ",", id="no_lines_defaults_to_comma"),
        pytest.param(["", "   ", ""], ",", id="only_blank_lines_default_to_comma"),
    ],
)
def test_delimiter_used_in_most_lines_wins(lines: list[str], expected: str) -> None:
    assert detect_delimiter(lines) == expected


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        pytest.param(["a,b", "c\td"], ",", id="comma_beats_tab"),
        pytest.param(["a,b", "c;d"], ",", id="comma_beats_semicolon"),
        pytest.param(["a\tb", "c;d"], "\t", id="tab_beats_semicolon"),
        pytest.param(["a,b\tc;d"], ",", id="all_three_in_one_line"),
        pytest.param(["a\tb;c", "d\te;f"], "\t", id="tab_and_semicolon_everywhere"),
    ],
)
def test_ties_prefer_comma_then_tab_then_semicolon(lines: list[str], expected: str) -> None:
    assert detect_delimiter(lines) == expected


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        pytest.param(['"a,b"\tc', '"d,e"\tf'], "\t", id="commas_inside_quotes_ignored"),
        pytest.param(['"a;b;c",d', '"e;f",g', "h,i"], ",", id="semicolons_inside_quotes_ignored"),
        pytest.param(['"say ""a,b"""\tc', "d\te"], "\t", id="escaped_quotes_stay_inside"),
        pytest.param(['a;"x', "y,z", "w,v", 'u"', "b;c"], ";", id="multi_line_quoted_field"),
        pytest.param(['12" pizza;pizza', "a;b", "c;d"], ";", id="stray_quote_inside_a_word"),
        pytest.param(['a; "b,c"', 'd; "e,f"'], ";", id="quote_after_delimiter_and_space"),
    ],
)
def test_delimiters_inside_double_quotes_are_not_counted(lines: list[str], expected: str) -> None:
    assert detect_delimiter(lines) == expected


def test_delimiter_is_detected_on_the_first_50_non_empty_lines_only() -> None:
    lines = ["a;b"] * 50 + ["c,d"] * 100
    assert detect_delimiter(lines) == ";"


def test_empty_lines_do_not_use_up_the_delimiter_sample() -> None:
    lines = ["", "a;b"] * 50 + ["c,d"] * 60
    assert detect_delimiter(lines) == ";"


# --- parsing rows --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("house, casa", _pairs(("house", "casa")), id="comma_and_space"),
        pytest.param(
            "house;casa\ndog;perro", _pairs(("house", "casa"), ("dog", "perro")), id="semi"
        ),
        pytest.param("house\tcasa", _pairs(("house", "casa")), id="tab"),
        pytest.param("  house  ,\tcasa  ", _pairs(("house", "casa")), id="both_sides_trimmed"),
        pytest.param(
            "ice  cream, helado de  vainilla",
            _pairs(("ice  cream", "helado de  vainilla")),
            id="internal_whitespace_kept",
        ),
        pytest.param("<b>&_*[, `x`", _pairs(("<b>&_*[", "`x`")), id="markup_kept_exactly"),
        pytest.param("Straße, УЛИЦА", _pairs(("Straße", "УЛИЦА")), id="case_kept"),
        pytest.param("=1+1, two", _pairs(("=1+1", "two")), id="leading_equals_kept"),
        pytest.param("дом, house 🏠", _pairs(("дом", "house 🏠")), id="cyrillic_and_emoji"),
        pytest.param(
            '"house, home", "casa; hogar"', _pairs(("house, home", "casa; hogar")), id="quoted"
        ),
        pytest.param('"say ""hi""", hola', _pairs(('say "hi"', "hola")), id="escaped_quotes"),
        pytest.param('12" pizza, pizza', _pairs(('12" pizza', "pizza")), id="quote_mid_word"),
        pytest.param(
            'poem, "line one\nline two"\ncat, gato',
            _pairs(("poem", "line one\nline two"), ("cat", "gato")),
            id="quoted_multi_line_field",
        ),
        pytest.param(
            "a, b\r\nc, d\re, f", _pairs(("a", "b"), ("c", "d"), ("e", "f")), id="crlf_and_cr"
        ),
    ],
)
def test_rows_become_trimmed_pairs_exactly_as_typed(
    text: str, expected: tuple[PairInput, ...]
) -> None:
    assert parse_pairs_text(text) == ParsedPairs(pairs=expected, skipped=0)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("\n\nhouse, casa\n\n\ndog, perro\n\n", id="empty_lines"),
        pytest.param("house, casa\n   \n\t\ndog, perro", id="whitespace_only_lines"),
        pytest.param("house, casa\n,\n , \t,, \ndog, perro", id="rows_of_empty_cells"),
    ],
)
def test_empty_lines_are_ignored_and_not_counted(text: str) -> None:
    assert parse_pairs_text(text) == ParsedPairs(
        pairs=_pairs(("house", "casa"), ("dog", "perro")), skipped=0
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("house, casa, noun, 3", _pairs(("house", "casa")), id="extra_columns"),
        pytest.param("house\tcasa\t\tnotes", _pairs(("house", "casa")), id="extra_tab_columns"),
        pytest.param('house, casa, "unclosed, ""x"""', _pairs(("house", "casa")), id="quoted"),
    ],
)
def test_only_the_first_two_columns_count(text: str, expected: tuple[PairInput, ...]) -> None:
    assert parse_pairs_text(text) == ParsedPairs(pairs=expected, skipped=0)


@pytest.mark.parametrize(
    ("text", "expected", "skipped"),
    [
        pytest.param("house\ndog, perro", _pairs(("dog", "perro")), 1, id="single_column"),
        pytest.param("house, \ndog, perro", _pairs(("dog", "perro")), 1, id="empty_word2"),
        pytest.param(" , casa\ndog, perro", _pairs(("dog", "perro")), 1, id="empty_word1"),
        pytest.param('"  ", casa\ndog, perro', _pairs(("dog", "perro")), 1, id="quoted_blank"),
        pytest.param("house;casa\ndog, perro", _pairs(("dog", "perro")), 1, id="other_delimiter"),
    ],
)
def test_rows_without_two_non_empty_sides_are_skipped_and_counted(
    text: str, expected: tuple[PairInput, ...], skipped: int
) -> None:
    assert parse_pairs_text(text) == ParsedPairs(pairs=expected, skipped=skipped)


@pytest.mark.parametrize(
    ("word1_length", "word2_length", "kept"),
    [
        pytest.param(MAX_SIDE_CHARS, MAX_SIDE_CHARS, True, id="200_chars_both_sides_kept"),
        pytest.param(MAX_SIDE_CHARS + 1, 1, False, id="201_char_word1_skipped"),
        pytest.param(1, MAX_SIDE_CHARS + 1, False, id="201_char_word2_skipped"),
        pytest.param(300, 5, False, id="300_char_side_skipped"),
        pytest.param(4000, 5, False, id="4000_char_side_skipped"),
    ],
)
def test_row_with_a_side_over_200_chars_is_skipped_and_counted(
    word1_length: int, word2_length: int, kept: bool
) -> None:
    word1, word2 = "ж" * word1_length, "b" * word2_length
    parsed = parse_pairs_text(f"cat, gato\n{word1}, {word2}\n")
    expected = _pairs(("cat", "gato"), (word1, word2)) if kept else _pairs(("cat", "gato"))
    assert parsed == ParsedPairs(pairs=expected, skipped=0 if kept else 1)


def test_side_length_is_measured_after_trimming() -> None:
    word1 = "a" * MAX_SIDE_CHARS
    assert parse_pairs_text(f"   {word1}   , b").pairs == _pairs((word1, "b"))


@pytest.mark.parametrize(
    ("text", "expected", "skipped"),
    [
        pytest.param(
            "house, casa\ndog, perro\nhouse, hogar",
            _pairs(("dog", "perro"), ("house", "hogar")),
            1,
            id="later_row_replaces_earlier_and_takes_its_place",
        ),
        pytest.param(
            "a, 1\na, 2\na, 3", _pairs(("a", "3")), 2, id="every_replaced_row_counts_as_skipped"
        ),
        pytest.param(
            "House, casa\nhouse, casa", _pairs(("House", "casa"), ("house", "casa")), 0, id="case"
        ),
        pytest.param(
            "house, casa\n  house , hogar", _pairs(("house", "hogar")), 1, id="after_trimming"
        ),
        pytest.param("house, casa\nhouse, ", _pairs(("house", "casa")), 1, id="invalid_repeat"),
    ],
)
def test_duplicate_word1_keeps_the_last_row(
    text: str, expected: tuple[PairInput, ...], skipped: int
) -> None:
    assert parse_pairs_text(text) == ParsedPairs(pairs=expected, skipped=skipped)


# --- header row ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        "word1,word2",
        "source,target",
        "front,back",
        "Front, Back",
        "  SOURCE ;  TARGET  ",
        "word1\tword2",
        "front,back,notes",
    ],
)
def test_header_row_is_skipped(header: str) -> None:
    delimiter = ";" if ";" in header else "\t" if "\t" in header else ","
    text = f"{header}\nhouse{delimiter}casa\n"
    assert parse_pairs_text(text) == ParsedPairs(pairs=_pairs(("house", "casa")), skipped=0)


def test_header_row_after_empty_lines_is_skipped() -> None:
    assert parse_pairs_text("\n\n  \nword1, word2\nhouse, casa").pairs == _pairs(("house", "casa"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "house, casa\nfront, back",
            _pairs(("house", "casa"), ("front", "back")),
            id="header_words_not_in_first_row",
        ),
        pytest.param(
            '"front","back"\nhouse, casa',
            _pairs(("front", "back"), ("house", "casa")),
            id="quoted_header_words_are_data",
        ),
        pytest.param('front,"back"', _pairs(("front", "back")), id="one_quoted_cell_is_data"),
        pytest.param("front, target", _pairs(("front", "target")), id="mixed_header_words"),
        pytest.param("word1", (), id="single_header_word"),
    ],
)
def test_only_an_unquoted_header_in_the_first_row_is_dropped(
    text: str, expected: tuple[PairInput, ...]
) -> None:
    assert parse_pairs_text(text).pairs == expected


@pytest.mark.parametrize(
    ("word1", "word2", "expected"),
    [
        ("word1", "word2", True),
        ("Source", "TARGET", True),
        (" front ", "back\t", True),
        ("back", "front", False),
        ("word2", "word1", False),
        ("front", "", False),
        ("house", "casa", False),
    ],
)
def test_looks_like_header(word1: str, word2: str, expected: bool) -> None:
    assert looks_like_header(word1, word2) is expected


# --- refusals ------------------------------------------------------------------------------


def _rows(count: int) -> str:
    return "".join(f"w{index}, t{index}\n" for index in range(count))


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(_rows(MAX_IMPORT_ROWS), id="exactly_20000_rows"),
        pytest.param("word1,word2\n" + _rows(MAX_IMPORT_ROWS), id="header_plus_20000_rows"),
        pytest.param(
            "\n".join(["word1,word2", *_rows(MAX_IMPORT_ROWS - 1).splitlines(), ""]),
            id="header_19999_rows_and_a_blank_line",
        ),
    ],
)
def test_20000_rows_are_accepted(text: str) -> None:
    assert len(parse_pairs_text(text).pairs) in (MAX_IMPORT_ROWS, MAX_IMPORT_ROWS - 1)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(_rows(MAX_IMPORT_ROWS + 1), id="20001_valid_rows"),
        pytest.param("x\n" * (MAX_IMPORT_ROWS + 1), id="20001_skipped_rows"),
        pytest.param(_rows(MAX_IMPORT_ROWS).replace("\n", "\n\n"), id="20000_rows_and_blanks"),
        pytest.param("\n" * (MAX_IMPORT_LINES + 1), id="20002_blank_lines"),
        pytest.param("a, b\n" + "\n" * MAX_IMPORT_ROWS + "c, d", id="blanks_between_two_rows"),
    ],
)
def test_more_than_20000_rows_is_refused(text: str) -> None:
    with pytest.raises(VocabularyInputError, match="at most 20,000 rows"):
        parse_pairs_text(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param('a, b\n"c" d, e\n', "Line 2: malformed quotes", id="text_after_closing_quote"),
        pytest.param(
            'a, b\nc, d\n"e, f\ng, h\n', "Line 3: a quoted field is never closed", id="unclosed"
        ),
        pytest.param(
            'a, b\n"' + ("x" * 100 + "\n") * 2000,
            "Line 2: a field is far too long",
            id="runaway_quote",
        ),
    ],
)
def test_malformed_quoting_is_refused_with_the_line_number(text: str, message: str) -> None:
    with pytest.raises(VocabularyInputError, match=message):
        parse_pairs_text(text)


def test_empty_text_gives_no_pairs() -> None:
    assert parse_pairs_text("") == ParsedPairs(pairs=(), skipped=0)


def test_typed_lists_may_mix_delimiters_line_by_line():
    parsed = parse_pairs_text("house, casa\ndog; perro\ncat\tgato\nbad", delimiter_per_line=True)
    assert parsed.pairs == (
        PairInput("house", "casa"),
        PairInput("dog", "perro"),
        PairInput("cat", "gato"),
    )
    assert parsed.skipped == 1


def test_per_line_mode_names_the_line_of_a_quoting_error():
    with pytest.raises(VocabularyInputError, match="Line 2"):
        parse_pairs_text('a, b\n"c, d', delimiter_per_line=True)


def test_lines_up_to_the_cap_are_read_blank_ones_included() -> None:
    text = "a, b\n" + "\n" * (MAX_IMPORT_LINES - 2) + "c, d"
    assert parse_pairs_text(text).pairs == (PairInput("a", "b"), PairInput("c", "d"))


@pytest.mark.parametrize("delimiter_per_line", [False, True], ids=["document", "typed"])
def test_a_line_of_commas_longer_than_the_line_limit_is_refused(delimiter_per_line) -> None:
    text = "a, b\n" + "," * (MAX_LINE_CHARS + 1) + "\nc, d\n"
    with pytest.raises(VocabularyInputError, match=r"^Line 2 is too long"):
        parse_pairs_text(text, delimiter_per_line=delimiter_per_line)


def test_a_line_at_the_line_limit_is_read() -> None:
    line = "a, b" + "," * (MAX_LINE_CHARS - 4)
    assert parse_pairs_text(line).pairs == (PairInput("a", "b"),)


def test_a_long_blank_line_is_padding_not_a_refusal() -> None:
    assert parse_pairs_text("a, b\n" + " " * (MAX_LINE_CHARS * 4)).pairs == (PairInput("a", "b"),)
