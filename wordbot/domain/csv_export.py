"""The `/export` document (SPEC §3.3): CSV bytes and file name (its caption is a text:
`wordbot.rendering.vocabulary.export_caption`)."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable

from wordbot.domain.pairs import looks_like_header

__all__ = ["export_csv", "export_file_name"]


def export_csv(pairs: Iterable[tuple[str, str]]) -> bytes:
    """Pairs as RFC 4180 CSV: comma, minimal quoting, CRLF, UTF-8 with BOM, no header.

    Pairs are written in the order given (the caller orders them by word1, then id) and
    exactly as stored: no formula escaping of a leading `=`, since that would break the
    round trip. The one exception to minimal quoting: a first pair that reads as a header
    (`front,back`, ...) is written fully quoted, because `parse_pairs_text` drops only an
    unquoted header; so export then import round-trips every pair.
    """
    buffer = io.StringIO(newline="")
    minimal = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    for index, (word1, word2) in enumerate(pairs):
        if index == 0 and looks_like_header(word1, word2):
            quoted = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
            quoted.writerow((word1, word2))
        else:
            minimal.writerow((word1, word2))
    return buffer.getvalue().encode("utf-8-sig")


def export_file_name(day: datetime.date) -> str:
    """The export document's name for the given (user-local) day: `vocabulary-YYYYMMDD.csv`."""
    return f"vocabulary-{day:%Y%m%d}.csv"
