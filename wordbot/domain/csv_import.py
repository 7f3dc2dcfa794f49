"""Vocabulary documents (SPEC §3.2): which files are accepted, how their bytes become text."""

from __future__ import annotations

import codecs

from wordbot.domain.pairs import (
    MAX_IMPORT_BYTES,
    InputProblem,
    InputReason,
    ParsedPairs,
    VocabularyInputError,
    parse_pairs_text,
)

__all__ = [
    "SUPPORTED_EXTENSIONS",
    "decode_document",
    "is_supported_document",
    "parse_document",
]

SUPPORTED_EXTENSIONS = (".csv", ".tsv", ".txt")
_SUPPORTED_MIME_TYPES = frozenset(
    {
        "text/csv",
        "text/plain",
        "text/tab-separated-values",
        "text/comma-separated-values",
        "application/csv",
    }
)
_BINARY_FILE = "This looks like a binary file, not a CSV/TXT file."
_NOT_UTF8 = ("The file is not UTF-8 text.", InputReason(InputProblem.NOT_UTF8))
_NOT_UTF16 = ("The file is not valid UTF-16 text.", InputReason(InputProblem.NOT_UTF16))


def is_supported_document(file_name: str | None, mime_type: str | None) -> bool:
    """Whether a sent document should be imported as vocabulary.

    The file name decides when it has an extension (case-insensitive: `.csv`, `.tsv`, `.txt`
    yes, anything else no); a document without a name or extension is judged by its MIME
    type (text/csv, text/plain, text/tab-separated-values and their aliases).
    """
    if file_name:
        base_name = file_name.strip().rsplit("/", 1)[-1]
        _, dot, extension = base_name.rpartition(".")
        if dot and extension:
            return f".{extension.lower()}" in SUPPORTED_EXTENSIONS
    if not mime_type:
        return False
    return mime_type.split(";", 1)[0].strip().lower() in _SUPPORTED_MIME_TYPES


def decode_document(data: bytes) -> str:
    """Document bytes as text with `\\n` line ends: UTF-8 (BOM optional) or UTF-16 with a BOM.

    Anything else is refused with a short reason: NUL characters (a binary file, or UTF-16
    without a BOM) or bytes that are not valid in the encoding.
    """
    if data.startswith(codecs.BOM_UTF8):
        text = _decode(data[len(codecs.BOM_UTF8) :], "utf-8", _NOT_UTF8)
    elif data.startswith(codecs.BOM_UTF16_LE):
        text = _decode(data[len(codecs.BOM_UTF16_LE) :], "utf-16-le", _NOT_UTF16)
    elif data.startswith(codecs.BOM_UTF16_BE):
        text = _decode(data[len(codecs.BOM_UTF16_BE) :], "utf-16-be", _NOT_UTF16)
    else:
        if b"\x00" in data:
            raise VocabularyInputError(_BINARY_FILE, InputReason(InputProblem.BINARY_FILE))
        text = _decode(data, "utf-8", _NOT_UTF8)
    if "\x00" in text:  # e.g. UTF-32, whose BOM starts like UTF-16's
        raise VocabularyInputError(_BINARY_FILE, InputReason(InputProblem.BINARY_FILE))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_document(data: bytes) -> ParsedPairs:
    """Parse a sent document: refuse files over MAX_IMPORT_BYTES, decode, then parse the rows."""
    if len(data) > MAX_IMPORT_BYTES:
        megabytes = MAX_IMPORT_BYTES // (1024 * 1024)
        raise VocabularyInputError(
            f"The file is larger than {megabytes} MB.",
            InputReason(InputProblem.FILE_TOO_LARGE, limit=megabytes),
        )
    return parse_pairs_text(decode_document(data))


def _decode(data: bytes, encoding: str, refusal: tuple[str, InputReason]) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise VocabularyInputError(*refusal) from error
