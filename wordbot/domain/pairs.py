"""Word-pair input rules (SPEC §3.1, §3.2): limits, delimiter detection and row parsing.

One parser serves both `/add` text and decoded documents, so the two never disagree.

Bounded work (SPEC §7.6), decided where the SPEC is silent: every line counts towards the row
cap, blank ones included, so at most MAX_IMPORT_LINES lines (the cap plus a header line) are
read; they are counted before any row is parsed (`str.count`, at C speed), so 5 MB of newlines
is refused before a single row is built. A non-blank line longer than MAX_LINE_CHARS (far
beyond two sides of MAX_SIDE_CHARS and any extra columns) is refused too: a 5 MB line of commas
would otherwise become five million cells. A long blank line (padding) is harmless and allowed.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "MAX_IMPORT_BYTES",
    "MAX_IMPORT_LINES",
    "MAX_IMPORT_ROWS",
    "MAX_LINE_CHARS",
    "MAX_PAIRS_PER_USER",
    "MAX_SIDE_CHARS",
    "InputProblem",
    "InputReason",
    "PairInput",
    "ParsedPairs",
    "StagedPairs",
    "VocabularyInputError",
    "detect_delimiter",
    "looks_like_header",
    "parse_pairs_text",
]

MAX_SIDE_CHARS = 200
MAX_PAIRS_PER_USER = 20_000
MAX_IMPORT_ROWS = 20_000
MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_LINES = MAX_IMPORT_ROWS + 1  # blank lines count; one more for a header
MAX_LINE_CHARS = 64 * 1024

_TOO_MANY_ROWS = f"Too many rows: at most {MAX_IMPORT_ROWS:,} rows can be imported at once."
_DELIMITERS = (",", "\t", ";")  # in tie-break order
_DELIMITER_SAMPLE_LINES = 50
_HEADER_ROWS = frozenset({("word1", "word2"), ("source", "target"), ("front", "back")})
_DELIMITER_OR_QUOTE = re.compile(r'[",;\t]')


@dataclass(frozen=True, slots=True)
class PairInput:
    """One valid pair as typed: both sides trimmed, non-empty, at most MAX_SIDE_CHARS."""

    word1: str
    word2: str


@dataclass(frozen=True, slots=True)
class ParsedPairs:
    """The outcome of parsing: valid pairs unique by word1, and how many rows were skipped."""

    pairs: tuple[PairInput, ...]
    skipped: int


@dataclass(frozen=True, slots=True)
class StagedPairs:
    """An import's pairs staged in storage ahead of its unit of work (SPEC §7.6): which
    import, and how many rows the decision counted on."""

    import_id: str
    count: int


class InputProblem(StrEnum):
    """Why an input cannot be imported at all (its text: `rendering.vocabulary.input_reason`)."""

    TOO_MANY_ROWS = "too_many_rows"  # limit: MAX_IMPORT_ROWS
    LINE_TOO_LONG = "line_too_long"  # line, limit: MAX_LINE_CHARS
    QUOTE_NOT_CLOSED = "quote_not_closed"  # line
    FIELD_TOO_LONG = "field_too_long"  # line
    MALFORMED_QUOTES = "malformed_quotes"  # line
    BINARY_FILE = "binary_file"
    NOT_UTF8 = "not_utf8"
    NOT_UTF16 = "not_utf16"
    FILE_TOO_LARGE = "file_too_large"  # limit: megabytes


@dataclass(frozen=True, slots=True)
class InputReason:
    """The reason of a VocabularyInputError as data, so it can be told in any language."""

    problem: InputProblem
    line: int | None = None
    limit: int | None = None


class VocabularyInputError(ValueError):
    """The input cannot be imported at all. str(error) is a short English reason (logs, CLI);
    `reason` says the same as data for the learner's language."""

    def __init__(self, message: str, reason: InputReason | None = None) -> None:
        super().__init__(message)
        self.reason = reason


_TOO_MANY_ROWS_REASON = InputReason(InputProblem.TOO_MANY_ROWS, limit=MAX_IMPORT_ROWS)


def looks_like_header(word1: str, word2: str) -> bool:
    """Whether two cells read as a header row (`word1,word2`, `source,target`, `front,back`)."""
    return (word1.strip().casefold(), word2.strip().casefold()) in _HEADER_ROWS


def detect_delimiter(lines: Sequence[str]) -> str:
    """The delimiter among comma, tab and semicolon that occurs in the most lines.

    The rule: over the first 50 non-empty lines, count for each candidate the lines in which
    it occurs at least once outside double quotes; the highest count wins, ties go to comma,
    then tab, then semicolon; with no candidate anywhere the answer is comma. A quote opens a
    quoted field only at the start of a field (after a line start, a candidate delimiter or
    spaces), as in RFC 4180, and quoted fields may span lines, so a stray `12"` inside a word
    or a multi-line quoted word does not confuse the count.
    """
    lines_with = dict.fromkeys(_DELIMITERS, 0)
    in_quotes = False
    sampled = 0
    for line in lines:
        if not line.strip():
            continue
        found, in_quotes = _delimiters_outside_quotes(line, in_quotes)
        for delimiter in found:
            lines_with[delimiter] += 1
        sampled += 1
        if sampled >= _DELIMITER_SAMPLE_LINES:
            break
    return max(_DELIMITERS, key=lines_with.__getitem__)  # max() keeps the first of equals


def parse_pairs_text(text: str, *, delimiter_per_line: bool = False) -> ParsedPairs:
    """Parse `word1, word2` lines (or `;`/tab separated) into valid pairs.

    Rules: line ends are normalised; the delimiter is detected on a sample of lines
    (`detect_delimiter`), then the whole text is read with the csv module (RFC 4180 quoting,
    strict, spaces after a delimiter ignored so `a, "b, c"` works); rows that are empty or
    blank are ignored; only the first two columns count; both sides are `str.strip()`-ed and
    nothing else is changed. A row is skipped (and counted) when it has fewer than two
    columns, an empty side, a side over MAX_SIDE_CHARS or a NUL character. Pairs are unique by exact word1:
    a later row replaces an earlier one, which counts as skipped, and the later row keeps its
    own place in the order.

    With `delimiter_per_line` (typed `/add` lists, where people mix `,` and `;`), each line
    is its own row with its own detected delimiter; quoted fields cannot span lines then.

    Header: the first non-empty row is dropped (not counted as skipped) when its first two
    cells read as a header (`looks_like_header`) and those two cells are written without quotes.
    A quoted `"front","back"` row is data; `export_csv` writes such a first pair quoted, so
    export then import round-trips it.

    Raises VocabularyInputError for more than MAX_IMPORT_ROWS non-empty rows (the header not
    counted), more than MAX_IMPORT_LINES lines (blank ones included), a non-blank line over
    MAX_LINE_CHARS and for malformed quoting, naming the line.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    _check_size(text)
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_LINE_CHARS and line.strip():
            raise VocabularyInputError(
                f"Line {number} is too long: at most {MAX_LINE_CHARS:,} characters.",
                InputReason(InputProblem.LINE_TOO_LONG, line=number, limit=MAX_LINE_CHARS),
            )
    by_word1: dict[str, PairInput] = {}
    skipped = 0
    rows = 0
    first_row = True
    for start_line, cells, delimiter in _rows(text, lines, delimiter_per_line):
        if all(not cell.strip() for cell in cells):
            continue
        if first_row:
            first_row = False
            if _is_unquoted_header(cells, lines[start_line - 1], delimiter):
                continue
        rows += 1
        if rows > MAX_IMPORT_ROWS:
            raise VocabularyInputError(_TOO_MANY_ROWS, _TOO_MANY_ROWS_REASON)
        pair = _pair_from_cells(cells)
        if pair is None:
            skipped += 1
            continue
        if by_word1.pop(pair.word1, None) is not None:
            skipped += 1
        by_word1[pair.word1] = pair
    return ParsedPairs(pairs=tuple(by_word1.values()), skipped=skipped)


def _check_size(text: str) -> None:
    """Every line counts towards the row cap, blank ones too; counted before anything is split."""
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    if lines > MAX_IMPORT_LINES:
        raise VocabularyInputError(_TOO_MANY_ROWS, _TOO_MANY_ROWS_REASON)


def _rows(text: str, lines: list[str], per_line: bool) -> Iterator[tuple[int, list[str], str]]:
    """(first line number, cells, delimiter) per row, read with the csv module."""
    if per_line:
        for number, line in enumerate(lines, start=1):
            if line.strip():
                delimiter = detect_delimiter([line])
                for _, cells in _read_csv(line, delimiter, first_line=number):
                    yield number, cells, delimiter
        return
    delimiter = detect_delimiter(lines)
    for start_line, cells in _read_csv(text, delimiter):
        yield start_line, cells, delimiter


def _read_csv(text: str, delimiter: str, first_line: int = 1) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(
        io.StringIO(text, newline="\n"),
        delimiter=delimiter,
        quotechar='"',
        doublequote=True,
        skipinitialspace=True,
        strict=True,
    )
    offset = first_line - 1
    while True:
        start_line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise _csv_input_error(error, start_line + offset, reader.line_num + offset) from error
        yield start_line + offset, cells


def _is_unquoted_header(cells: list[str], raw_line: str, delimiter: str) -> bool:
    """Whether a row is a header: header words in the first two cells, written without quotes."""
    raw_first_two = raw_line.split(delimiter, 2)[:2]
    return (
        len(cells) >= 2
        and looks_like_header(cells[0], cells[1])
        and not any('"' in raw_cell for raw_cell in raw_first_two)
    )


def _pair_from_cells(cells: list[str]) -> PairInput | None:
    """The pair in the first two cells, or None when the row must be skipped."""
    if len(cells) < 2:
        return None
    word1, word2 = cells[0].strip(), cells[1].strip()
    if not word1 or not word2 or len(word1) > MAX_SIDE_CHARS or len(word2) > MAX_SIDE_CHARS:
        return None
    if "\x00" in word1 or "\x00" in word2:  # no file could carry it back (nor PostgreSQL text)
        return None
    return PairInput(word1=word1, word2=word2)


def _csv_input_error(error: csv.Error, start_line: int, error_line: int) -> VocabularyInputError:
    """A short user-facing reason for a csv.Error, naming the line."""
    reason = str(error)
    if "unexpected end of data" in reason:
        return VocabularyInputError(
            f"Line {start_line}: a quoted field is never closed.",
            InputReason(InputProblem.QUOTE_NOT_CLOSED, line=start_line),
        )
    if "field larger than field limit" in reason:
        return VocabularyInputError(
            f"Line {start_line}: a field is far too long (is a quote left open?).",
            InputReason(InputProblem.FIELD_TOO_LONG, line=start_line),
        )
    return VocabularyInputError(
        f"Line {error_line}: malformed quotes (a quoted field must end at a delimiter).",
        InputReason(InputProblem.MALFORMED_QUOTES, line=error_line),
    )


def _delimiters_outside_quotes(line: str, in_quotes: bool) -> tuple[set[str], bool]:
    """The candidate delimiters found outside quotes in one line, and the quote state after it."""
    found: set[str] = set()
    at_field_start = not in_quotes
    position = 0
    while position < len(line):
        if in_quotes:
            quote = line.find('"', position)
            if quote < 0:
                return found, True
            if line.startswith('"', quote + 1):  # an escaped quote, still inside
                position = quote + 2
                continue
            in_quotes, at_field_start, position = False, False, quote + 1
            continue
        match = _DELIMITER_OR_QUOTE.search(line, position)
        if match is None:
            break
        special = match.start()
        if at_field_start and line[position:special].strip(" "):
            at_field_start = False
        if line[special] == '"':
            in_quotes = at_field_start
            at_field_start = False
        else:
            found.add(line[special])
            at_field_start = True
        position = special + 1
    return found, in_quotes
