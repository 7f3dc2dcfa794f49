"""Accepting, decoding and parsing sent vocabulary documents (SPEC §3.2, §7.4)."""

import codecs

import pytest

from wordbot.domain.csv_import import decode_document, is_supported_document, parse_document
from wordbot.domain.pairs import (
    MAX_IMPORT_BYTES,
    MAX_IMPORT_ROWS,
    PairInput,
    ParsedPairs,
    VocabularyInputError,
)

# --- which documents are imported ----------------------------------------------------------


@pytest.mark.parametrize(
    ("file_name", "mime_type", "expected"),
    [
        ("words.csv", "text/csv", True),
        ("words.tsv", "text/tab-separated-values", True),
        ("words.txt", "text/plain", True),
        ("WORDS.CSV", None, True),
        ("export.csv", "application/vnd.ms-excel", True),
        ("my.words.Txt", "application/octet-stream", True),
        ("words.xlsx", "text/csv", False),
        ("photo.jpg", "image/jpeg", False),
        ("archive.csv.zip", "application/zip", False),
        (None, "text/csv", True),
        (None, "text/plain; charset=utf-8", True),
        ("words", "TEXT/PLAIN", True),
        ("words", "application/pdf", False),
        ("", None, False),
        (None, None, False),
    ],
)
def test_only_csv_tsv_txt_documents_are_supported(
    file_name: str | None, mime_type: str | None, expected: bool
) -> None:
    assert is_supported_document(file_name, mime_type) is expected


# --- decoding ------------------------------------------------------------------------------

_TEXT = "дом, house\nnaïve, 😀 ingenuo\n"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(_TEXT.encode("utf-8"), id="utf8_without_bom"),
        pytest.param(codecs.BOM_UTF8 + _TEXT.encode("utf-8"), id="utf8_with_bom"),
        pytest.param(codecs.BOM_UTF16_LE + _TEXT.encode("utf-16-le"), id="utf16_le_with_bom"),
        pytest.param(codecs.BOM_UTF16_BE + _TEXT.encode("utf-16-be"), id="utf16_be_with_bom"),
    ],
)
def test_utf8_and_utf16_with_bom_are_decoded(data: bytes) -> None:
    assert decode_document(data) == _TEXT


def test_only_one_leading_bom_is_removed() -> None:
    assert decode_document(codecs.BOM_UTF8 * 2 + b"a,b") == "\ufeffa,b"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(b"a,b\r\nc,d\r\n", "a,b\nc,d\n", id="crlf"),
        pytest.param(b"a,b\rc,d\r", "a,b\nc,d\n", id="cr"),
        pytest.param(b"a,b\r\n\rc,d\n", "a,b\n\nc,d\n", id="mixed"),
        pytest.param(b"", "", id="empty"),
    ],
)
def test_line_ends_are_normalised(data: bytes, expected: str) -> None:
    assert decode_document(data) == expected


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file", id="binary_png"),
        pytest.param(b"a,b\x00c\n", "binary file", id="nul_byte_in_utf8"),
        pytest.param("house,casa\n".encode("utf-16-le"), "binary file", id="utf16_le_no_bom"),
        pytest.param("house,casa\n".encode("utf-16-be"), "binary file", id="utf16_be_no_bom"),
        pytest.param("house,casa".encode("utf-32"), "binary file", id="utf32_with_bom"),
        pytest.param("café,cafe\n".encode("latin-1"), "not UTF-8 text", id="latin1"),
        pytest.param(b"\xef\xbb\xbfcaf\xe9", "not UTF-8 text", id="invalid_utf8_after_bom"),
        pytest.param(codecs.BOM_UTF16_LE + b"a\x00b", "not valid UTF-16", id="odd_utf16"),
    ],
)
def test_binary_or_wrongly_encoded_file_is_refused(data: bytes, reason: str) -> None:
    with pytest.raises(VocabularyInputError, match=reason):
        decode_document(data)


# --- parsing documents ---------------------------------------------------------------------


def test_utf16_tab_separated_document_with_header_is_imported() -> None:
    text = "Front\tBack\r\nhouse\tcasa\r\n\r\ndog\tperro\r\ncat\r\n"
    data = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    assert parse_document(data) == ParsedPairs(
        pairs=(PairInput("house", "casa"), PairInput("dog", "perro")), skipped=1
    )


def test_quoted_multi_line_field_in_a_crlf_document_is_imported() -> None:
    data = codecs.BOM_UTF8 + b'poem,"line one\r\nline two"\r\ncat,gato\r\n'
    assert parse_document(data).pairs == (
        PairInput("poem", "line one\nline two"),
        PairInput("cat", "gato"),
    )


def _document_of_size(size: int) -> bytes:
    """20,000 valid rows padded with a trailing blank line to exactly `size` bytes."""
    rows = "".join(f"w{index:05d},{'t' * 200}\n" for index in range(MAX_IMPORT_ROWS)).encode()
    return rows + b" " * (size - len(rows))


def test_file_of_exactly_5_mb_is_accepted() -> None:
    data = _document_of_size(MAX_IMPORT_BYTES)
    assert len(data) == MAX_IMPORT_BYTES
    assert len(parse_document(data).pairs) == MAX_IMPORT_ROWS


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(_document_of_size(MAX_IMPORT_BYTES + 1), id="one_byte_over"),
        pytest.param(b"\x00" * (MAX_IMPORT_BYTES + 1), id="binary_and_too_big"),
    ],
)
def test_file_larger_than_5_mb_is_refused(data: bytes) -> None:
    with pytest.raises(VocabularyInputError, match=r"^The file is larger than 5 MB\.$"):
        parse_document(data)


def test_document_with_more_than_20000_rows_is_refused() -> None:
    data = "".join(f"w{index},t\n" for index in range(MAX_IMPORT_ROWS + 1)).encode()
    with pytest.raises(VocabularyInputError, match="at most 20,000 rows"):
        parse_document(data)


def test_binary_file_is_refused() -> None:
    with pytest.raises(VocabularyInputError, match="binary file"):
        parse_document(b"PK\x03\x04\x14\x00\x00\x00\x08\x00")


# --- hostile documents of the import limit's size (SPEC §7.6) ----------------------------------


def test_5_mb_of_newlines_is_refused_as_too_many_rows() -> None:
    data = b"\n" * MAX_IMPORT_BYTES
    with pytest.raises(VocabularyInputError, match=r"^Too many rows: at most 20,000 rows"):
        parse_document(data)


def test_5_mb_of_crlf_line_ends_is_refused_as_too_many_rows() -> None:
    with pytest.raises(VocabularyInputError, match=r"^Too many rows"):
        parse_document(b"\r\n" * (MAX_IMPORT_BYTES // 2))


def test_one_5_mb_line_of_commas_is_refused_as_too_long() -> None:
    data = b"," * MAX_IMPORT_BYTES
    with pytest.raises(VocabularyInputError, match=r"^Line 1 is too long"):
        parse_document(data)
