"""/words storage on SQLite and PostgreSQL: paging, search with accents and case, card details,
edit, delete, reset, and another user's pair ids (SPEC §13)."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from storage import users, vocabulary, words
from storage.migrate import MIGRATIONS_DIRECTORY
from storage.models import WordPair
from wordbot.domain.pairs import PairInput
from wordbot.domain.srs import CardState
from wordbot.domain.word_list import EditOutcome, search_key

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
USER = 601
OTHER = 602


@pytest.fixture
def learners(db):
    users.ensure_learner(USER, USER, NOW)
    users.ensure_learner(OTHER, OTHER, NOW)


def _add(user_id, pairs):
    vocabulary.upsert_pairs(user_id, [PairInput(a, b) for a, b in pairs], NOW, random.Random(3))


def _id(word1, user_id=USER):
    return WordPair.get((WordPair.word1 == word1) & (WordPair.user == user_id)).id


def _words(page):
    return [item.word1 for item in page.items]


def test_pages_hold_ten_pairs_sorted_by_word1_ignoring_case(learners):
    _add(USER, [(f"{'W' if n % 2 else 'w'}ord{n:02}", f"slovo{n}") for n in range(25)])
    first = words.words_page(USER, None, 0)
    assert (first.page, first.page_count, first.total) == (0, 3, 25)
    assert _words(first) == [f"{'W' if n % 2 else 'w'}ord{n:02}" for n in range(10)]
    last = words.words_page(USER, None, 2)
    assert _words(last) == [f"{'W' if n % 2 else 'w'}ord{n:02}" for n in range(20, 25)]


def test_a_page_past_the_end_shows_the_last_page(learners):
    _add(USER, [(f"w{n:02}", "x") for n in range(12)])
    page = words.words_page(USER, None, 99)
    assert (page.page, _words(page)) == (1, ["w10", "w11"])
    assert words.words_page(USER, None, -3).page == 0


def test_accented_and_capital_words_sort_with_their_plain_letters(learners):
    _add(
        USER, [("Zebra", "z"), ("école", "school"), ("apple", "a"), ("Eagle", "e"), ("ecole", "s")]
    )
    page = words.words_page(USER, None, 0)
    assert _words(page) == ["apple", "Eagle", "école", "ecole", "Zebra"]


def test_ties_on_the_key_go_by_id(learners):
    _add(USER, [("ECOLE", "1")])
    _add(USER, [("école", "2")])
    _add(USER, [("ecole", "3")])
    assert _words(words.words_page(USER, None, 0)) == ["ECOLE", "école", "ecole"]


def test_empty_vocabulary_is_one_empty_page(learners):
    page = words.words_page(USER, None, 0)
    assert (page.items, page.page, page.page_count, page.total) == ((), 0, 1, 0)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("CASA", ["house"], id="case_insensitive"),
        pytest.param("ecol", ["school"], id="accent_in_the_word_ignored"),
        pytest.param("écol", ["school"], id="accent_in_the_query_ignored"),
        pytest.param("ÉCOLE", ["school"], id="accented_capitals"),
        pytest.param("sch", ["school"], id="either_side_word1"),
        pytest.param("O", ["house", "school"], id="several_matches_sorted"),
        pytest.param("strasse", ["street"], id="sharp_s"),
        pytest.param("ёлка", ["tree"], id="cyrillic_yo_query"),
        pytest.param("елка", ["tree"], id="cyrillic_ye_matches_yo"),
        pytest.param("  ", ["house", "school", "street", "tree"], id="blank_lists_all"),
        pytest.param("%", ["100% sure"], id="percent_is_literal"),
        pytest.param("_", ["snake_case"], id="underscore_is_literal"),
        pytest.param("\\", ["back\\slash"], id="backslash_is_literal"),
        pytest.param("<b>&", ["<b>&"], id="html_is_plain_text"),
        pytest.param("zzz", [], id="no_match"),
    ],
)
def test_search_matches_either_side_ignoring_case_and_accents(learners, query, expected):
    _add(USER, [("house", "casa"), ("school", "école"), ("street", "Straße"), ("tree", "Ёлка")])
    _add(USER, [("100% sure", "x1"), ("snake_case", "x2"), ("back\\slash", "x3"), ("<b>&", "x4")])
    everything_extra = {"100% sure", "snake_case", "back\\slash", "<b>&"}
    found = _words(words.words_page(USER, query, 0))
    if query.strip():
        assert found == expected
    else:
        assert [w for w in found if w not in everything_extra] == expected


def test_search_pages_and_counts_only_matches(learners):
    _add(USER, [(f"cat{n:02}", "gato") for n in range(15)] + [("dog", "perro")])
    page = words.words_page(USER, "GATO", 1)
    assert (page.total, page.page_count, len(page.items)) == (15, 2, 5)


def test_another_users_pairs_are_never_listed_or_searched(learners):
    _add(USER, [("house", "casa")])
    _add(OTHER, [("horse", "caballo"), ("house", "maison")])
    assert _words(words.words_page(USER, None, 0)) == ["house"]
    assert words.words_page(USER, "caballo", 0).total == 0
    assert words.words_page(USER, "maison", 0).total == 0


def test_card_details_show_the_schedule(learners):
    _add(USER, [("house", "casa")])
    due = NOW + timedelta(days=3)
    WordPair.update(state="review", due_at=due, reps=4, lapses=1).execute()
    card = words.card_details(USER, _id("house"))
    assert (card.word1, card.word2, card.state, card.due_at) == (
        "house",
        "casa",
        CardState.REVIEW,
        due,
    )
    assert (card.reps, card.lapses) == (4, 1)
    if not words.suspension_supported():
        assert card.suspended is None


def test_card_details_of_another_users_pair_is_none(learners):
    _add(OTHER, [("horse", "caballo")])
    assert words.card_details(USER, _id("horse", OTHER)) is None
    assert words.card_details(USER, 10**12) is None


def test_edit_replaces_the_text_keeps_the_history_and_the_search_keys(learners):
    _add(USER, [("hous", "csa")])
    pair_id = _id("hous")
    WordPair.update(state="review", reps=3, interval_days=6).execute()
    outcome = words.edit_pair(USER, pair_id, "house", "Casa Ñ", NOW + timedelta(hours=1))
    assert outcome == EditOutcome.EDITED
    row = WordPair.get_by_id(pair_id)
    assert (row.word1, row.word2, row.state, row.reps, row.interval_days) == (
        "house", "Casa Ñ", "review", 3, 6,
    )  # fmt: skip
    assert (row.word1_key, row.word2_key) == ("house", "casa n")
    assert _words(words.words_page(USER, "casa n", 0)) == ["house"]


def test_edit_keeping_word1_changes_word2(learners):
    _add(USER, [("house", "casa")])
    assert words.edit_pair(USER, _id("house"), "house", "hogar", NOW) == EditOutcome.EDITED
    assert WordPair.get_by_id(_id("house")).word2 == "hogar"


def test_edit_to_another_pairs_word1_is_refused_and_writes_nothing(learners):
    _add(USER, [("house", "casa"), ("dog", "perro")])
    outcome = words.edit_pair(USER, _id("dog"), "house", "perro", NOW)
    assert outcome == EditOutcome.WORD1_TAKEN
    assert WordPair.get_by_id(_id("dog")).word1 == "dog"


def test_edit_to_a_word1_only_another_user_has_is_allowed(learners):
    _add(USER, [("dog", "perro")])
    _add(OTHER, [("house", "casa")])
    assert words.edit_pair(USER, _id("dog"), "house", "casa", NOW) == EditOutcome.EDITED


def test_edit_of_another_users_pair_is_not_found_and_writes_nothing(learners):
    _add(OTHER, [("horse", "caballo")])
    victim = _id("horse", OTHER)
    assert words.edit_pair(USER, victim, "pwned", "pwned", NOW) == EditOutcome.NOT_FOUND
    assert WordPair.get_by_id(victim).word1 == "horse"


def test_delete_removes_only_that_pair(learners):
    _add(USER, [("house", "casa"), ("dog", "perro")])
    assert words.delete_pair(USER, _id("house")) is True
    assert _words(words.words_page(USER, None, 0)) == ["dog"]
    assert words.delete_pair(USER, 10**12) is False


def test_delete_of_another_users_pair_deletes_nothing(learners):
    _add(OTHER, [("horse", "caballo")])
    assert words.delete_pair(USER, _id("horse", OTHER)) is False
    assert vocabulary.count_pairs(OTHER) == 1


def test_reset_makes_the_card_new_with_a_new_rank(learners):
    _add(USER, [("house", "casa")])
    pair_id = _id("house")
    before = WordPair.get_by_id(pair_id).new_rank
    WordPair.update(
        state="review", due_at=NOW, last_reviewed_at=NOW, interval_days=9, ease=1.9, step=1,
        reps=5, lapses=2,
    ).execute()  # fmt: skip
    assert words.reset_pair(USER, pair_id, NOW, random.Random(99)) is True
    row = WordPair.get_by_id(pair_id)
    assert (row.state, row.due_at, row.last_reviewed_at) == ("new", None, None)
    assert (row.interval_days, row.ease, row.step, row.reps, row.lapses) == (0, 2.5, 0, 0, 0)
    assert (row.word1, row.word2) == ("house", "casa")
    assert row.new_rank != before


def test_reset_of_another_users_pair_changes_nothing(learners):
    _add(OTHER, [("horse", "caballo")])
    victim = _id("horse", OTHER)
    WordPair.update(state="review", reps=5).execute()
    assert words.reset_pair(USER, victim, NOW, random.Random(1)) is False
    assert WordPair.get_by_id(victim).reps == 5


def test_suspending_needs_the_suspended_column(learners):
    _add(USER, [("house", "casa")])
    if words.suspension_supported():
        assert words.set_suspended(USER, _id("house"), True, NOW) is True
        assert words.card_details(USER, _id("house")).suspended is True
    else:
        with pytest.raises(words.SuspensionUnsupported):
            words.set_suspended(USER, _id("house"), True, NOW)


def test_updating_word2_by_import_refreshes_its_search_key(learners):
    _add(USER, [("house", "casa")])
    _add(USER, [("house", "Maison Élevée")])
    assert WordPair.get_by_id(_id("house")).word2_key == "maison elevee"
    assert _words(words.words_page(USER, "elevee", 0)) == ["house"]


def test_migration_backfills_the_keys_of_existing_pairs(db, learners):
    """Rows written before 0008 get their keys: run its backfill over rows without keys."""
    _add(USER, [("École", "Straße"), ("dog", "perro")])
    WordPair.update(word1_key="", word2_key="").execute()
    migration = _load_migration("0008_words_search")
    migration._backfill(db)
    keys = {row.word1: (row.word1_key, row.word2_key) for row in WordPair.select()}
    assert keys == {"École": ("ecole", "strasse"), "dog": ("dog", "perro")}
    assert search_key("École") == "ecole"


def test_the_page_is_served_by_the_sort_index(db):
    indexes = {tuple(index.columns): index.unique for index in db.get_indexes("word_pairs")}
    assert indexes[("user_id", "word1_key", "id")] is False


def _load_migration(name):
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, MIGRATIONS_DIRECTORY / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
