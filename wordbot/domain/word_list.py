"""Browsing a user's pairs (SPEC §13 /words): the search key, paging, and what a page holds.

Pure: no storage. Storage keeps `search_key(word1)` and `search_key(word2)` beside each pair
(accent and case folding in SQL differs between SQLite and PostgreSQL), sorts by the first and
matches the needle of `search_needle` as a substring of either.

Decisions where the SPEC is silent:
* The key is case-folded (`Straße` is `strasse`), accent-free (`École` is `ecole`, `ё` is `е`)
  and single-spaced, so a search matches regardless of case, accents and doubled spaces.
* The list is sorted by `word1`'s key, then by id: `ecole` and `École` sort together, and
  the key's code points decide the rest (the same on both backends).
* A blank search text lists everything; a search text is cut to MAX_SEARCH_CHARS (no side is
  longer, so nothing longer can match).
* A page number past the end shows the last page, one below 0 the first; an empty list has
  one (empty) page, so "page 1 of 1" always reads right.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from wordbot.domain.answers import fold_accents
from wordbot.domain.pairs import MAX_SIDE_CHARS
from wordbot.domain.srs import CardState

__all__ = [
    "MAX_SEARCH_CHARS",
    "PAGE_SIZE",
    "CardDetails",
    "EditOutcome",
    "PagePlan",
    "WordsItem",
    "WordsPage",
    "plan_page",
    "search_key",
    "search_needle",
]

PAGE_SIZE = 10
MAX_SEARCH_CHARS = MAX_SIDE_CHARS


def search_key(text: str) -> str:
    """`text` case-folded, without accents and single-spaced: what search and sort compare."""
    return " ".join(fold_accents(text.casefold()).casefold().split())


def search_needle(text: str | None) -> str | None:
    """The key to look for in either side, or None to list every pair (blank text)."""
    if text is None:
        return None
    needle = search_key(text[:MAX_SEARCH_CHARS])
    return needle or None


@dataclass(frozen=True, slots=True)
class PagePlan:
    page: int  # 0-based, within 0 … page_count − 1
    page_count: int  # at least 1
    offset: int
    limit: int


def plan_page(total: int, page: int, page_size: int = PAGE_SIZE) -> PagePlan:
    """Which rows page `page` shows among `total` matching pairs (clamped to the pages there are)."""
    page_count = max(1, -(-total // page_size))
    page = min(max(page, 0), page_count - 1)
    return PagePlan(page=page, page_count=page_count, offset=page * page_size, limit=page_size)


@dataclass(frozen=True, slots=True)
class WordsItem:
    pair_id: int
    word1: str
    word2: str


@dataclass(frozen=True, slots=True)
class WordsPage:
    """One page of /words: its pairs in order, which page of how many, and the matching total."""

    items: tuple[WordsItem, ...]
    page: int  # 0-based
    page_count: int
    total: int


@dataclass(frozen=True, slots=True)
class CardDetails:
    """What the card view shows of one pair. `suspended` is None where cards cannot be suspended."""

    pair_id: int
    word1: str
    word2: str
    state: CardState
    due_at: datetime | None
    reps: int
    lapses: int
    suspended: bool | None = None


class EditOutcome(StrEnum):
    """How an edit of a pair's text went."""

    EDITED = "edited"
    NOT_FOUND = "not_found"  # not this user's pair, or deleted meanwhile
    WORD1_TAKEN = "word1_taken"  # another pair of the user already has this word1
