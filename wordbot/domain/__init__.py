"""Domain rules: plain functions and frozen dataclasses, no Telegram, actors or database."""

from wordbot.domain.csv_export import export_csv, export_file_name
from wordbot.domain.csv_import import (
    SUPPORTED_EXTENSIONS,
    decode_document,
    is_supported_document,
    parse_document,
)
from wordbot.domain.pairs import (
    MAX_IMPORT_BYTES,
    MAX_IMPORT_ROWS,
    MAX_PAIRS_PER_USER,
    MAX_SIDE_CHARS,
    PairInput,
    ParsedPairs,
    VocabularyInputError,
    detect_delimiter,
    looks_like_header,
    parse_pairs_text,
)

__all__ = [
    "MAX_IMPORT_BYTES",
    "MAX_IMPORT_ROWS",
    "MAX_PAIRS_PER_USER",
    "MAX_SIDE_CHARS",
    "SUPPORTED_EXTENSIONS",
    "PairInput",
    "ParsedPairs",
    "VocabularyInputError",
    "decode_document",
    "detect_delimiter",
    "export_csv",
    "export_file_name",
    "is_supported_document",
    "looks_like_header",
    "parse_document",
    "parse_pairs_text",
]
