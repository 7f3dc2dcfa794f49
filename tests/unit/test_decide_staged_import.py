"""Table tests of a big import's decision (SPEC §3.2, §7.6): what to stage, and the write that
applies a staged import instead of carrying its pairs. Pure: no database, no threads."""

from __future__ import annotations

import pytest

from tests.unit.test_decide import learner
from wordbot.decide import vocabulary as vocabulary_rules
from wordbot.decide.transition import ApplyStagedPairs, Snapshot, UpsertPairs
from wordbot.domain.pairs import MAX_PAIRS_PER_USER, PairInput, ParsedPairs, StagedPairs

PARSED = ParsedPairs((PairInput("a", "1"), PairInput("b", "2"), PairInput("c", "3")), 1)
STORED = {"b": "x", "c": "3"}  # a is new, b changes, c is identical
STAGED = StagedPairs("f" * 32, 2)


@pytest.mark.parametrize(
    ("parsed", "stored", "pair_count", "expected"),
    [
        (PARSED, STORED, 2, (PairInput("a", "1"), PairInput("b", "2"))),
        (PARSED, {"a": "1", "b": "2", "c": "3"}, 3, ()),  # nothing changes
        (PARSED, STORED, MAX_PAIRS_PER_USER, ()),  # refused: one new pair too many
        (PARSED, STORED, MAX_PAIRS_PER_USER - 1, (PairInput("a", "1"), PairInput("b", "2"))),
        (PARSED, {"a": "0", "b": "2", "c": "3"}, MAX_PAIRS_PER_USER, (PairInput("a", "1"),)),
        (ParsedPairs((), 4), {}, 0, ()),
    ],
)
def test_pairs_to_write_are_the_new_and_changed_ones_unless_refused(
    parsed, stored, pair_count, expected
):
    assert vocabulary_rules.pairs_to_write(parsed, stored, pair_count) == expected


def test_a_staged_import_writes_the_staged_rows_with_the_same_counts():
    plain = vocabulary_rules.decide_import(Snapshot(learner()), PARSED, STORED, 2)
    staged = vocabulary_rules.decide_import(Snapshot(learner()), PARSED, STORED, 2, STAGED)
    assert plain.writes == (UpsertPairs((PairInput("a", "1"), PairInput("b", "2"))),)
    assert staged.writes == (ApplyStagedPairs(STAGED),)
    assert staged.owed == plain.owed
    assert staged.owed[0].text.startswith("Imported 1 new pairs, updated 1, skipped 1 rows.")


def test_a_refused_or_unchanged_import_writes_nothing_even_when_staged():
    over = vocabulary_rules.decide_import(
        Snapshot(learner()), PARSED, STORED, MAX_PAIRS_PER_USER, STAGED
    )
    assert over.writes == () and "20000" in over.owed[0].text.replace(",", "")
    same = {"a": "1", "b": "2", "c": "3"}
    unchanged = vocabulary_rules.decide_import(Snapshot(learner()), PARSED, same, 3, STAGED)
    assert unchanged.writes == ()
    assert unchanged.owed[0].text.startswith("Imported 0 new pairs, updated 0, skipped 1 rows.")
