"""/words paging and search keys (SPEC §13): pure rules."""

from __future__ import annotations

import pytest

from wordbot.domain.word_list import (
    MAX_SEARCH_CHARS,
    PagePlan,
    plan_page,
    search_key,
    search_needle,
)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("House", "house"),
        ("École", "ecole"),
        ("Straße", "strasse"),
        ("Ёлка", "елка"),
        ("  la   casa\t", "la casa"),
        ("señor", "senor"),
        ("İstanbul", "istanbul"),
        ("<b>&", "<b>&"),
        ("日本語", "日本語"),
        ("", ""),
    ],
)
def test_search_key_folds_case_accents_and_spaces(text: str, key: str) -> None:
    assert search_key(text) == key


@pytest.mark.parametrize(
    ("text", "needle"),
    [(None, None), ("", None), ("   ", None), ("ÉCOLE", "ecole"), ("a  b", "a b")],
)
def test_search_needle(text: str | None, needle: str | None) -> None:
    assert search_needle(text) == needle


def test_search_needle_is_cut_to_the_longest_side() -> None:
    assert len(search_needle("x" * (MAX_SEARCH_CHARS + 50))) == MAX_SEARCH_CHARS


@pytest.mark.parametrize(
    ("total", "page", "plan"),
    [
        (0, 0, PagePlan(page=0, page_count=1, offset=0, limit=10)),
        (0, 5, PagePlan(page=0, page_count=1, offset=0, limit=10)),
        (1, 0, PagePlan(page=0, page_count=1, offset=0, limit=10)),
        (10, 0, PagePlan(page=0, page_count=1, offset=0, limit=10)),
        (10, 1, PagePlan(page=0, page_count=1, offset=0, limit=10)),
        (11, 1, PagePlan(page=1, page_count=2, offset=10, limit=10)),
        (25, 2, PagePlan(page=2, page_count=3, offset=20, limit=10)),
        (25, 99, PagePlan(page=2, page_count=3, offset=20, limit=10)),
        (25, -1, PagePlan(page=0, page_count=3, offset=0, limit=10)),
        (10_000, 999, PagePlan(page=999, page_count=1000, offset=9990, limit=10)),
    ],
)
def test_plan_page_clamps_to_the_pages_there_are(total: int, page: int, plan: PagePlan) -> None:
    assert plan_page(total, page) == plan
